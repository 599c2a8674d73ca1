#!/usr/bin/env python3
"""The oracle driver on bad input: it names the line and exits 2, never crashes.

    driver_input_test.py PATH/TO/ccpulse_oracle_driver
"""
import json
import os
import subprocess
import sys
import tempfile

GOOD = {"event_id": "e1", "occurred_at": 1778544000000000, "interaction_id": "i1", "channel": "voice",
        "queue_id": "q", "kind": "queued"}


def line(**changes):
    ev = dict(GOOD)
    for k, v in changes.items():
        if v is None:
            ev.pop(k, None)
        else:
            ev[k] = v
    return json.dumps(ev)


# (name, the bad line, a word its message must contain)
BAD = [
    ("not JSON", "{\"event_id\": ", "not JSON"),
    ("not an object", "[1, 2]", "object"),
    ("no event_id", line(event_id=None), "event_id"),
    ("no occurred_at", line(occurred_at=None), "occurred_at"),
    ("occurred_at not an integer", line(occurred_at="yesterday"), "occurred_at"),
    ("occurred_at a float", line(occurred_at=1.5), "occurred_at"),
    ("unknown kind", line(kind="teleported"), "kind"),
    ("no interaction_id", line(interaction_id=None), "interaction_id"),
    ("unknown channel", line(channel="pigeon"), "channel"),
    ("id too long", line(queue_id="q" * 65), "queue_id"),
    ("csat out of range", line(kind="survey_response", csat=6), "csat"),
    ("nps out of range", line(kind="survey_response", nps=11), "nps"),
    ("empty survey", line(kind="survey_response"), "neither"),
    ("unknown agent state", line(kind="agent_state_changed", agent="dancing"), "agent"),
    ("unknown status", line(kind="status_changed", status="lost"), "status"),
    ("sentiment out of range", line(kind="sentiment_observed", sentiment=2.0), "sentiment"),
    ("string where a number goes", line(priority="high"), "priority"),
    ("huge integer", line(occurred_at=2 ** 70), "occurred_at"),
]


def main():
    driver = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "ccpulse.yaml")
        with open(cfg, "w") as f:
            f.write("site_timezone: UTC\nkafka: {}\nqueues:\n  - { name: q, channel: voice, sl_threshold: 20s }\n")

        def run(text, *extra):
            p = os.path.join(d, "events.jsonl")
            with open(p, "w") as f:
                f.write(text)
            return subprocess.run([driver, "--config", cfg, "--input", p, *extra], capture_output=True, text=True)

        # Good input: one checkpoint per --every and one at the end, exit 0.
        good = "\n".join([line(), "", line(event_id="e2", kind="answered", occurred_at=GOOD["occurred_at"] + 5)])
        r = run(good + "\n", "--every", "1")
        outs = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
        if r.returncode != 0 or [o["events"] for o in outs] != [1, 2] or outs[-1]["line"] != 3:
            failures.append(f"good input: exit {r.returncode}, checkpoints {[o.get('events') for o in outs]}, "
                            f"stderr {r.stderr!r}")
        r = run("")
        if r.returncode != 0 or json.loads(r.stdout)["head"] is not None:
            failures.append(f"empty input: exit {r.returncode}, stdout {r.stdout[:200]!r}")

        for name, bad, word in BAD:
            # The bad line is line 3, after a good line and a blank one.
            r = run(line() + "\n\n" + bad + "\n" + line(event_id="e9") + "\n")
            if r.returncode != 2 or not r.stderr.startswith("3: ") or word not in r.stderr:
                failures.append(f"{name}: exit {r.returncode}, stderr {r.stderr.strip()!r} "
                                f"(want exit 2, '3: ...{word}...')")

        r = subprocess.run([driver, "--config", os.path.join(d, "missing.yaml")], capture_output=True, text=True)
        if r.returncode != 1:
            failures.append(f"missing config: exit {r.returncode}")
        r = subprocess.run([driver, "--every"], capture_output=True, text=True)
        if r.returncode != 1:
            failures.append(f"bad command line: exit {r.returncode}")
        r = run(good + "\n", "--end-at", "soon")
        if r.returncode != 1 or "--end-at" not in r.stderr:
            failures.append(f"bad --end-at: exit {r.returncode}, stderr {r.stderr.strip()!r}")
        r = run(good + "\n", "--alerts", os.path.join(d, "no-such-dir", "alerts.jsonl"))
        if r.returncode != 1 or "cannot write" not in r.stderr:
            failures.append(f"unwritable --alerts: exit {r.returncode}, stderr {r.stderr.strip()!r}")

    for f in failures:
        print("FAIL " + f)
    print(f"driver_input_test: {len(BAD) + 6 - len(failures)} of {len(BAD) + 6} cases pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
