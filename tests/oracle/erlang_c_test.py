#!/usr/bin/env python3
"""Queueing-theory check (DESIGN.md §13): the engine's service level on
simulated M/M/c traffic against Erlang C.

    erlang_c_test.py --driver build/release/tests/ccpulse_oracle_driver [--work-dir DIR] [--seed 7]

Two independent queues in one log, each an M/M/c queue without abandonment:
Poisson arrivals (rate lambda), exponential service (rate mu), c agents,
first come first served. Each call is Queued at arrival, Answered when an
agent takes it, Resolved when the agent is done (voice: one handling leg).

  queue    c   1/mu   lambda   rho = lambda/(c mu)   T
  mmc-70   10  2 s    3.5/s    0.7                   1 s
  mmc-90   10  2 s    4.5/s    0.9                   2 s
(Short calls, so one day holds enough of them: only lambda/mu, c and
(c mu - lambda) T matter to Erlang C, and they are those of 10 agents
answering 3-minute calls at 0.7 and 0.9 with T = 90 s and 180 s.)

For a stationary M/M/c queue the probability that a call waits at most T is
  P(W <= T) = 1 - C(c, A) * exp(-(c mu - lambda) T),   A = lambda / mu,
with C(c, A) Erlang C's probability of waiting. mmc-70: C = 0.2217,
P(W <= 1 s) = 0.9505; mmc-90: C = 0.6687, P(W <= 2 s) = 0.7540.

What is checked, on the engine's `today` view of each queue (the log runs
from 22:00 UTC, a two-hour warm-up the day before, to 16:00 UTC; only what
happens on the measured day counts in today):
 1. the engine's counts equal the simulation's own, exactly: offered,
    answered, answered within T, answered_wait_sum, waited beyond T (a
    crossing of queued_at + T inside the day), handled, talk_sum; and no
    abandons or flow-outs;
 2. the engine's share answered within T (answered_within_T / answered)
    matches Erlang C within a tolerance derived from the sample.

THE TOLERANCE. The share is a mean of N indicators I_k = [W_k <= T]
(N ~ 200,000 and 260,000 calls). Were they independent, its standard
error would be the binomial sqrt(p (1 - p) / N): 0.0005 and 0.0009. They are not:
consecutive calls see nearly the same queue, so the indicators are
positively correlated and the variance of the mean is larger by the
integrated autocorrelation factor, 1 + 2 sum_k rho_k, which near rho = 0.9
is in the hundreds (the queue's relaxation time is of the order of
1 / (c mu (1 - sqrt(rho))^2), i.e. rho / (1 - sqrt(rho))^2 ~ 340 calls at
rho 0.9 and ~ 26 at 0.7, whatever c and mu). We do not guess that factor;
we measure it with batch means: the N calls in arrival order are cut into
B = 20 consecutive batches of N/B (10,000 to 13,000 calls, tens of
relaxation times each, so batch means are close to independent), and
  SE = sd(batch means) / sqrt(B)
estimates the standard error of the overall share, autocorrelation
included. The share must then be within 4.5 SE of Erlang C: under the
t distribution with B - 1 = 19 degrees of freedom, |t| > 4.5 has
probability about 2.4e-4, so a correct engine fails (for some seed) about
once in 4,000 seeds. A threshold off by 10 % moves P(W <= T) by 0.007
(rho 0.7) and 0.025 (rho 0.9), about 0.5 to 1 SE: such errors
are caught by the exact counts of check 1, not by this one; check 2 proves that what the
engine measures is the queue's service level, as theory predicts it. The
warm-up (about 20 relaxation times) makes the bias of the empty start
negligible next to SE. The seed is fixed, so the test is deterministic; the
figures are printed.
"""
import argparse
import heapq
import json
import math
import os
import random
import statistics
import subprocess
import sys
from collections import deque
from datetime import datetime, timezone

US = 1_000_000
# name, agents, 1/mu (s), lambda (1/s), T (s)
QUEUES = [("mmc-70", 10, 2.0, 3.5, 1), ("mmc-90", 10, 2.0, 4.5, 2)]
START = int(datetime(2026, 5, 11, 22, 0, tzinfo=timezone.utc).timestamp()) * US  # warm-up from 22:00
DAY = int(datetime(2026, 5, 12, 0, 0, tzinfo=timezone.utc).timestamp()) * US     # the measured day
END = int(datetime(2026, 5, 12, 16, 0, tzinfo=timezone.utc).timestamp()) * US    # last arrival
BATCHES = 20
Z = 4.5


def erlang_c(c, a):
    """Erlang C: probability that an arrival waits, c servers, a = lambda/mu Erlangs (a < c)."""
    term = 1.0
    total = 1.0  # k = 0
    for k in range(1, c):
        term *= a / k
        total += term
    top = term * a / c * c / (c - a)  # a^c / c! * c / (c - a)
    return top / (total + top)


def p_within(c, mu, lam, t):
    return 1 - erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * t)


def simulate(rng, c, mean_service, lam):
    """M/M/c FIFO; returns the calls as (queued, answered, done) in arrival order (microseconds)."""
    calls = []
    t = START
    free_at = [START] * c  # min-heap of the times agents become free
    heapq.heapify(free_at)
    while True:
        t += max(1, int(rng.expovariate(lam) * US))
        if t >= END:
            break
        service = max(1, int(rng.expovariate(1 / mean_service) * US))
        first_free = heapq.heappop(free_at)
        answered = max(t, first_free)  # FIFO: calls take agents in arrival order
        done = answered + service
        heapq.heappush(free_at, done)
        calls.append((t, answered, done))
    return calls


def log_lines(name, calls):
    """The log of one queue, as (time, order, JSON line); ids unique across queues."""
    out = []
    common = f'"channel":"voice","queue_id":"{name}"'
    for i, (q, a, d) in enumerate(calls):
        iid = f"{name}-{i}"
        for t, k, kind in ((q, 0, "queued"), (a, 1, "answered"), (d, 2, "resolved")):
            out.append((t, k, f'{{"event_id":"{iid}-{k}","occurred_at":{t},"interaction_id":"{iid}",'
                              f'{common},"kind":"{kind}"}}'))
    return out


def expected_counts(calls, T):
    """What the engine's today must count for these calls (docs/kpis.md)."""
    day_end = DAY + 86400 * US
    inside = lambda t: DAY <= t < day_end  # noqa: E731
    e = {"offered": 0, "answered": 0, "answered_within_T": 0, "answered_wait_sum": 0, "waited_beyond_T": 0,
         "handled": 0, "talk_sum": 0, "abandoned": 0, "flowed_out": 0}
    for q, a, d in calls:
        wait = a - q
        if inside(q):
            e["offered"] += 1
        if inside(a):
            e["answered"] += 1
            e["answered_wait_sum"] += wait
            if wait <= T * US:
                e["answered_within_T"] += 1
        if wait > T * US and inside(q + T * US):
            e["waited_beyond_T"] += 1
        if inside(d):
            e["handled"] += 1
            e["talk_sum"] += d - a
    return e


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--driver", required=True)
    ap.add_argument("--work-dir", default="erlang-work")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    os.makedirs(args.work_dir, exist_ok=True)
    rng = random.Random(args.seed)

    sims = {}
    log = []
    for name, c, mean_service, lam, T in QUEUES:
        calls = simulate(rng, c, mean_service, lam)
        sims[name] = calls
        log += log_lines(name, calls)
    log.sort(key=lambda x: (x[0], x[1]))
    events_path = os.path.join(args.work_dir, "events.jsonl")
    with open(events_path, "w") as f:
        f.write("\n".join(line for _t, _k, line in log))
        f.write("\n")
    cfg = os.path.join(args.work_dir, "ccpulse.yaml")
    with open(cfg, "w") as f:
        f.write("# Written by tests/oracle/erlang_c_test.py.\ninstance_id: erlang\nsite_timezone: UTC\n"
                "kafka: {}\nprocessing:\n  short_abandon: 1s\nqueues:\n")
        for name, _c, _m, _l, T in QUEUES:
            f.write(f"  - {{ name: {name}, channel: voice, sl_threshold: {T}s }}\n")
    drv = subprocess.run([args.driver, "--config", cfg, "--input", events_path], capture_output=True, text=True)
    if drv.returncode != 0:
        print(f"driver failed ({drv.returncode}): {drv.stderr}")
        return 1
    final = json.loads(drv.stdout.strip().splitlines()[-1])
    scopes = {s["name"]: s for s in final["scopes"] if s["kind"] == "queue"}

    failed = False
    print(f"erlang_c_test: {len(log)} events, seed {args.seed}")
    for name, c, mean_service, lam, T in QUEUES:
        calls = sims[name]
        mu = 1 / mean_service
        exp = expected_counts(calls, T)
        view = scopes.get(name, {}).get("views", {}).get("today")
        got = view["counts"] if view else {}
        count_errors = [f"{k}: simulation {v}, engine {got.get(k)}" for k, v in exp.items() if got.get(k) != v]

        # The share over the calls answered on the measured day, in arrival order.
        measured = [1 if a - q <= T * US else 0 for q, a, _d in calls if DAY <= a]
        n = len(measured)
        share_sim = sum(measured) / n
        size = n // BATCHES
        means = [sum(measured[i * size:(i + 1) * size]) / size for i in range(BATCHES)]
        se = statistics.stdev(means) / math.sqrt(BATCHES)
        binomial_se = math.sqrt(share_sim * (1 - share_sim) / n)
        theory = p_within(c, mu, lam, T)
        share_engine = got["answered_within_T"] / got["answered"] if got.get("answered") else None
        ok_theory = share_engine is not None and abs(share_engine - theory) <= Z * se
        print(f"  {name}: c={c} rho={lam / (c * mu):.2f} T={T}s: Erlang C C={erlang_c(c, lam / mu):.4f} "
              f"P(W<=T)={theory:.4f}; simulation {share_sim:.4f} over {n} calls; engine "
              f"{'none' if share_engine is None else f'{share_engine:.4f}'}; batch-means SE {se:.4f} "
              f"(binomial {binomial_se:.4f}, variance factor {(se / binomial_se) ** 2:.1f}); "
              f"tolerance {Z} SE = {Z * se:.4f}; |engine - theory| = "
              f"{'n/a' if share_engine is None else f'{abs(share_engine - theory):.4f}'}")
        if count_errors:
            failed = True
            print("    counts differ from the simulation's: " + "; ".join(count_errors))
        if not ok_theory:
            failed = True
            print("    the engine's share answered within T is outside the tolerance of Erlang C")
    print("erlang_c_test: " + ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
