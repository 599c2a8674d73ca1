#!/usr/bin/env python3
"""Generator -> engine driver -> oracle, compared, over several seeds.

    run_oracle.py --driver build/release/tests/ccpulse_oracle_driver --seeds 1,2,3
                  [--work-dir DIR] [--every 10000] [--jobs 2] [--metrics default|other]

For each seed: generate.py writes a log (>= 100,000 events, several hours,
across the site's midnight), this script writes the engine's YAML config
from the scenario, the driver prints the engine's windows every --every
events and at the end, oracle.py computes what they must be, and every
value is compared:
  - counts and sums (durations in microseconds) exactly, in every scope
    (queue, channel, overall) and every view (sliding 15 min and 1 h,
    current and previous interval, today), with the views' periods;
  - histogram count, sum, min and max exactly; p50, p90, p99 within the
    histogram's stated error (src/metrics/log_linear_histogram.h: v/64 for
    values of 1.024 ms and more, 0.512 ms absolute below) of the exact
    quantile of the same values;
  - transfers and escalations by reason exactly;
  - the ratios of metrics::summarize against DESIGN.md §5's formulas over
    the oracle's counts (relative 1e-9), where the counts agree;
  - the head, watermark, late updates (none expected), duplicates seen; at
    a checkpoint where the heads differ the windows are not compared (they
    all differ then), the head counts as the difference.
Both outputs are also checked for invariants that hold whatever the
contract's details (overall = sum of channels, abandoned = within T +
after T, today's histograms count what today's counters count, ...).
Exit status 0 only if nothing differs.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oracle  # noqa: E402

US = 1_000_000
QUANTILE_KEYS = ("p50", "p90", "p99")
# log_linear_histogram.h, STATED ERROR.
REL_ERROR = 1 / 64
LOWEST_US = 1024
ABS_ERROR_BELOW_US = 512


def write_config(scenario, path):
    st = scenario["settings"]
    lines = [
        "# Written by tests/oracle/run_oracle.py from scenario.json.",
        "instance_id: oracle",
        f"site_timezone: {scenario['site_timezone']}",
        "kafka: {}",
        "processing:",
        f"  max_out_of_orderness: {st['max_out_of_orderness_s']}s",
        f"  short_abandon: {st['short_abandon_s']}s",
        f"  linger: {st['linger_s']}s",
        "queues:",
    ]
    for q in scenario["queues"]:
        lines.append(f"  - {{ name: {q['name']}, channel: {q['channel']}, sl_threshold: {q['sl_threshold_s']}s }}")
    if "metrics" in st:
        # A non-default metrics section: the engine reads it from the config,
        # the oracle from the same settings (run_seed applies the variant).
        lines += [
            "metrics:",
            f"  bucket: {st['bucket_s']}s",
            f"  histogram_bucket: {st['coarse_bucket_s']}s",
            "  windows: [" + ", ".join(f"{x}s" for x in st["sliding_s"]) + "]",
            f"  interval: {st['interval_min']}m",
            f"  repeat_window: {st['repeat_window_s']}s",
        ]
    lines += [
        "policies:",
        "  - name: voice-answer",
        "    match: { channels: [voice] }",
        "    targets:",
        "      answer: { duration: 30s, at_risk: 0.8 }",
        "",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines))


# --metrics other: every window setting away from its default, and still
# valid in each scenario's zone (Kathmandu's +05:45 is a multiple of 15 min,
# not of 10). The log does not depend on them, so the same log is read.
METRICS_VARIANTS = {
    "default": None,
    "other": {"metrics": True, "bucket_s": 15, "coarse_bucket_s": 900, "sliding_s": [2700, 7200],
              "interval_min": 30, "repeat_window_s": 7200},
}


def tolerance(v):
    return max(v * REL_ERROR, ABS_ERROR_BELOW_US if v < LOWEST_US else 0) + 1


class Mismatches:
    def __init__(self):
        self.by_key = defaultdict(list)
        self.compared = 0

    def check(self, key, where, expected, got, ok=None):
        self.compared += 1
        if ok is None:
            ok = expected == got
        if not ok:
            self.by_key[key].append((where, expected, got))

    def count(self):
        return sum(len(v) for v in self.by_key.values())

    def report(self, limit):
        lines = []
        for key, items in sorted(self.by_key.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"  {len(items):6d} x {key}")
            for where, e, g in items[:limit]:
                lines.append(f"           {where}: expected {e}, got {g}")
        return "\n".join(lines)


EMPTY_HIST = {"count": 0, "sum": 0, "min": None, "max": None, "p50": None, "p90": None, "p99": None}


def empty_view():
    return {"counts": {k: 0 for k in oracle.COUNTER_FIELDS},
            "histograms": {d: dict(EMPTY_HIST) for d in oracle.DISTRIBUTIONS},
            "transfers_by_reason": {}, "escalations_by_reason": {}}


def compare(eng, exp, m):
    """eng: one driver checkpoint; exp: the oracle's checkpoint at the same event count."""
    cp = f"@{exp['events_in']}"
    m.check("events", cp, exp["events_in"], eng["events"])
    m.check("max_event_time", cp, exp["max_event_time"], eng["max_event_time"])
    m.check("watermark", cp, exp["watermark"], eng["watermark"])
    m.check("head", cp, exp["head"], eng["head"])
    if exp["head"] != eng["head"]:
        # Every window is read relative to the head: with another head they
        # all differ, which says nothing more. Counted once, as the head.
        return
    m.check("late window updates", cp, exp["late"], eng["probe"]["window_late"])
    m.check("rejected window updates", cp, 0, eng["probe"]["window_rejected"])
    m.check("agent events refused or out of order", cp, 0,
            eng["probe"]["agents_refused"] + eng["probe"]["agent_out_of_order"])
    m.check("duplicates", cp, exp["duplicates"], eng["probe"]["duplicates"])
    m.check("rejected events", cp, 0, eng["probe"]["rejected"])
    eng_scopes = {f"{s['kind']}:{s['name']}": s for s in eng["scopes"]}
    for key in sorted(set(eng_scopes) | set(exp["scopes"])):
        es = eng_scopes.get(key)
        xs = exp["scopes"].get(key)
        view_names = set((xs or es)["views"])
        if es and xs:
            view_names |= set(es["views"])
        for vn in sorted(view_names):
            ev = es["views"].get(vn) if es else None
            xv = xs["views"].get(vn) if xs else None
            where = f"{cp} {key} {vn}"
            if ev is None and es is not None:
                m.check(f"{vn} missing", where, "present", "absent")
                continue
            if ev is not None and xv is not None:
                m.check(f"{vn} from", where, xv["from"], ev["from"])
                m.check(f"{vn} to", where, xv["to"], ev["to"])
            ev = ev or empty_view()
            xv = xv or empty_view()
            counts_ok = True
            for f in oracle.COUNTER_FIELDS:
                e, g = xv["counts"][f], ev["counts"].get(f)
                if e != g:
                    counts_ok = False
                m.check(f"{vn_kind(vn)} {f}", where, e, g)
            for d in oracle.DISTRIBUTIONS:
                xh, eh = xv["histograms"][d], ev["histograms"][d]
                for f in ("count", "sum", "min", "max"):
                    m.check(f"{vn_kind(vn)} {d}.{f}", where, xh[f], eh[f])
                for q in QUANTILE_KEYS:
                    e, g = xh[q], eh[q]
                    ok = (e is None and g is None) or (e is not None and g is not None and abs(g - e) <= tolerance(e))
                    m.check(f"{vn_kind(vn)} {d}.{q}", where, e, g, ok)
            for r in ("transfers_by_reason", "escalations_by_reason"):
                m.check(f"{vn_kind(vn)} {r}", where, xv[r], ev[r])
            if counts_ok and "summary" in ev:
                exp_sum = oracle.summary(xv["counts"])
                for f, e in exp_sum.items():
                    g = ev["summary"].get(f)
                    ok = (e is None and g is None) or (
                        e is not None and g is not None and abs(g - e) <= 1e-9 * max(1.0, abs(e)))
                    m.check(f"summary {f}", where, e, g, ok)


def vn_kind(vn):
    return "sliding" if vn.startswith("sliding") else vn


def invariants(cp, who, m):
    """Relations any correct output has, engine or oracle."""
    scopes = cp["scopes"]
    items = scopes.items() if isinstance(scopes, dict) else ((f"{s['kind']}:{s['name']}", s) for s in scopes)
    by_key = dict(items)
    at = f"{who} @{cp.get('events_in', cp.get('events'))}"
    for key, s in by_key.items():
        for vn, v in s["views"].items():
            c, h = v["counts"], v["histograms"]
            where = f"{at} {key} {vn}"
            m.check("inv abandoned = within T + after T", where, c["abandoned"],
                    c["abandoned_within_T"] + c["abandoned_after_T"])
            m.check("inv short abandons are within T", where, True,
                    c["short_abandoned"] <= c["abandoned_within_T"])
            m.check("inv answered_within_T <= answered", where, True, c["answered_within_T"] <= c["answered"])
            m.check("inv flowed_out_within_T <= flowed_out", where, True,
                    c["flowed_out_within_T"] <= c["flowed_out"])
            m.check("inv resolved_first_contact <= resolved", where, True,
                    c["resolved_first_contact"] <= c["resolved"])
            if vn in ("today",):
                # Today keeps counters and distributions of the same updates.
                m.check("inv today: wait histogram counts answered", where, c["answered"], h["wait"]["count"])
                m.check("inv today: wait histogram sum = answered_wait_sum", where, c["answered_wait_sum"],
                        h["wait"]["sum"])
                m.check("inv today: handle histogram counts handled", where, c["handled"], h["handle"]["count"])
                m.check("inv today: handle sum = talk + hold + acw", where,
                        c["talk_sum"] + c["hold_sum"] + c["after_contact_work_sum"], h["handle"]["sum"])
                m.check("inv today: resolution histogram counts resolved", where, c["resolved"],
                        h["resolution"]["count"])
                m.check("inv today: transfers by reason add up", where, c["transfers"],
                        sum(v["transfers_by_reason"].values()))
                m.check("inv today: escalations by reason add up", where, c["escalations"],
                        sum(v["escalations_by_reason"].values()))
    # Every update lands in overall and exactly one channel.
    overall = by_key.get("overall:")
    if overall:
        for vn, ov in overall["views"].items():
            for f in oracle.COUNTER_FIELDS:
                total = sum(s["views"][vn]["counts"][f] for k, s in by_key.items()
                            if k.startswith("channel:") and vn in s["views"])
                m.check(f"inv overall = sum of channels ({f})", f"{at} {vn}", ov["counts"][f], total)


def run_seed(args_tuple):
    driver, seed, work, every, min_events, variant = args_tuple
    d = os.path.join(work, f"seed-{seed}")
    os.makedirs(d, exist_ok=True)
    times = {}
    t0 = time.monotonic()
    gen = subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--seed", str(seed), "--out", d,
                          "--min-events", str(min_events)], capture_output=True, text=True)
    times["generate"] = time.monotonic() - t0
    if gen.returncode != 0:
        return seed, None, f"generate.py failed:\n{gen.stderr}", times
    with open(os.path.join(d, "scenario.json")) as f:
        scenario = json.load(f)
    if METRICS_VARIANTS[variant]:
        scenario["settings"] = {**scenario["settings"], **METRICS_VARIANTS[variant]}
    cfg = os.path.join(d, "ccpulse.yaml")
    write_config(scenario, cfg)
    t0 = time.monotonic()
    out_path = os.path.join(d, "engine.jsonl")
    with open(out_path, "w") as out:
        drv = subprocess.run([driver, "--config", cfg, "--input", os.path.join(d, "events.jsonl"),
                              "--every", str(every), "--rejects", os.path.join(d, "rejects.tsv")],
                             stdout=out, stderr=subprocess.PIPE, text=True)
    times["driver"] = time.monotonic() - t0
    if drv.returncode != 0:
        return seed, None, f"driver failed ({drv.returncode}):\n{drv.stderr}", times
    with open(out_path) as f:
        engine_cps = [json.loads(line) for line in f if line.strip()]
    t0 = time.monotonic()
    expected = oracle.run(scenario, os.path.join(d, "events.jsonl"), set(), every)
    times["oracle"] = time.monotonic() - t0
    m = Mismatches()
    inv = Mismatches()
    if len(engine_cps) != len(expected):
        m.check("checkpoints", "-", len(expected), len(engine_cps))
    for eng, exp in zip(engine_cps, expected):
        compare(eng, exp, m)
        invariants(exp, "oracle", inv)
        invariants(eng, "engine", inv)
    info = {"events": scenario["events"], "zone": scenario["site_timezone"], "checkpoints": len(expected),
            "scopes": len(expected[-1]["scopes"]), "stats": scenario["stats"]}
    return seed, (m, inv, info), None, times


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--driver", required=True)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--work-dir", default=None)
    ap.add_argument("--every", type=int, default=10000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--min-events", type=int, default=100_000)
    ap.add_argument("--examples", type=int, default=3, help="examples printed per kind of mismatch")
    ap.add_argument("--metrics", choices=sorted(METRICS_VARIANTS), default="default",
                    help="the engine's metrics section: defaults, or every window setting changed")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s]
    work = args.work_dir or os.path.join(os.getcwd(), "oracle-work")
    os.makedirs(work, exist_ok=True)
    start = time.monotonic()
    failed = False
    jobs = [(os.path.abspath(args.driver), s, work, args.every, args.min_events, args.metrics) for s in seeds]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(run_seed, jobs))
    for seed, res, err, times in results:
        t = ", ".join(f"{k} {v:.1f} s" for k, v in times.items())
        if err:
            print(f"seed {seed}: ERROR {err} ({t})")
            failed = True
            continue
        m, inv, info = res
        print(f"seed {seed}: {info['events']} events ({info['zone']}), {info['checkpoints']} checkpoints, "
              f"{info['scopes']} scopes; {m.compared} values compared, {m.count()} differ; "
              f"{inv.compared} invariant checks, {inv.count()} fail ({t})")
        print(f"  log: {info['stats']}")
        if m.count():
            failed = True
            print(m.report(args.examples))
        if inv.count():
            failed = True
            print(inv.report(args.examples))
    print(f"run_oracle: {len(seeds)} seeds in {time.monotonic() - start:.1f} s: {'FAIL' if failed else 'PASS'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
