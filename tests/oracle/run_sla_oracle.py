#!/usr/bin/env python3
"""SLA alerts of the engine against sla_oracle.py over generated logs.

For each seed: sla_generate.py writes the log, scenario and config into
WORK/seed-N/, ccpulse_oracle_driver runs the engine over it (--alerts,
--end-at the last stamp), sla_oracle.py computes the expected alerts, and the
two are compared per (interaction, target) as ordered sequences of
(policy, cycle, kind, queue, started_at, deadline, elapsed, remaining). A
mismatch prints the first differing interactions with both sides and exits 1.
"""
import argparse
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sla_oracle  # noqa: E402

FIELDS = ("policy", "cycle", "kind", "queue", "started_at", "deadline", "elapsed", "remaining")


def key_of(a):
    return tuple(a[f] for f in FIELDS)


def fmt(a):
    return (f"n={a.get('n')} {a['target']}#{a['cycle']} {a['kind']:<9} policy={a['policy']} queue={a['queue']} "
            f"start={a['started_at']} deadline={a['deadline']} elapsed={a['elapsed']} remaining={a['remaining']}")


def compare(expected, got, limit=8, out=sys.stdout):
    """Returns the number of (interaction, target) sequences that differ."""
    e, g = defaultdict(list), defaultdict(list)
    for a in expected:
        e[(a["interaction_id"], a["target"])].append(a)
    for a in got:
        g[(a["interaction_id"], a["target"])].append(a)
    bad = []
    for k in set(e) | set(g):
        if [key_of(x) for x in e.get(k, [])] != [key_of(x) for x in g.get(k, [])]:
            first_n = min([x["n"] for x in e.get(k, []) + g.get(k, [])])
            bad.append((first_n, k))
    bad.sort()
    if bad:
        kinds = Counter(k[1] for _n, k in bad)
        print(f"{len(bad)} (interaction, target) sequences differ; by target: {dict(kinds)}", file=out)
        for _n, k in bad[:limit]:
            print(f"--- {k[0]} {k[1]}", file=out)
            for a in e.get(k, []):
                print(f"  expected {fmt(a)}", file=out)
            for a in g.get(k, []):
                print(f"  engine   {fmt(a)}", file=out)
    return len(bad)


def run_driver(driver, work, cfg, events, end_at):
    alerts = os.path.join(work, "engine-alerts.jsonl")
    with open(os.path.join(work, "driver.out"), "w") as out:
        r = subprocess.run([driver, "--config", cfg, "--input", events, "--alerts", alerts,
                            "--end-at", str(end_at)], stdout=out, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"driver exit {r.returncode}: {r.stderr.strip()}")
    return sla_oracle.load(alerts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--driver", required=True)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--work-dir", default="sla-oracle-work")
    ap.add_argument("--hours", type=float, default=52.0)
    ap.add_argument("--limit", type=int, default=8, help="mismatching sequences printed per seed")
    args = ap.parse_args()
    failed = 0
    for seed in [int(s) for s in args.seeds.split(",") if s]:
        d = os.path.join(args.work_dir, f"seed-{seed}")
        r = subprocess.run([sys.executable, os.path.join(HERE, "sla_generate.py"), "--seed", str(seed), "--out", d,
                            "--hours", str(args.hours)], stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
            return 2
        with open(os.path.join(d, "scenario.json")) as f:
            sc = json.load(f)
        events = sla_oracle.load(os.path.join(d, "events.jsonl"))
        end_at = sc["end_at_us"]
        got = run_driver(args.driver, d, os.path.join(d, "ccpulse.yaml"), os.path.join(d, "events.jsonl"), end_at)
        expected = sla_oracle.Oracle(sc).run(events, end_at)
        with open(os.path.join(d, "expected-alerts.jsonl"), "w") as f:
            for a in expected:
                f.write(json.dumps(a) + "\n")
        kinds = Counter((a["target"], a["kind"]) for a in expected)
        print(f"seed {seed}: {len(events)} events, {len(expected)} alerts expected, {len(got)} raised")
        print("  " + ", ".join(f"{t}/{k}={n}" for (t, k), n in sorted(kinds.items())))
        n = compare(expected, got, args.limit)
        if n:
            failed += 1
            print(f"seed {seed}: MISMATCH (work files in {d})")
        else:
            print(f"seed {seed}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
