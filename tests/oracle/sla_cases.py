#!/usr/bin/env python3
"""The README's worked SLA examples ("SLA targets"), each a small log with
the alerts written out by hand, run through ccpulse_oracle_driver; the cases
the reference implementation covers (sla_oracle.py) are checked against it
too. Usage: sla_cases.py --driver PATH [--work-dir DIR] [--only NAME]."""
import argparse
import json
import os
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_sla_oracle  # noqa: E402
import sla_generate as gen  # noqa: E402
import sla_oracle  # noqa: E402

US, S, M, H = gen.US, gen.S, gen.M, gen.H
BERLIN = ZoneInfo("Europe/Berlin")


def berlin(y, mo, d, h, mi=0):
    return int(datetime(y, mo, d, h, mi, tzinfo=BERLIN).timestamp()) * US


T0 = berlin(2026, 3, 16, 10)  # a Monday, no DST change near

OFFICE = {"name": "office", "timezone": "Europe/Berlin", "hours": {"weekdays": ["09:00-17:00"]}, "holidays": []}


def pol(name, targets, **match):
    return {"name": name, "match": match, "targets": targets}


class Log:
    def __init__(self, chan="ticket", queue="tickets"):
        self.events, self.chan, self.queue = [], chan, queue

    def __call__(self, t, kind, iid="i1", **f):
        ev = {"event_id": f"e{len(self.events) + 1}", "occurred_at": t, "interaction_id": iid, "channel": self.chan,
              "queue_id": self.queue, "priority": 0, "customer_id": "c1", "tier": "std", "kind": kind}
        ev.update(f)
        self.events.append(ev)
        return self


def voice_policies():
    return [pol("voice", {"answer": gen.tgt(30 * S, 0.8)}, channels=["voice"])]


def cases():
    out = []

    # README "Business-hours calendars": Berlin, weekdays 09:00-17:00,
    # first_response 2 h: created Friday 16:00, at risk (1 h) Friday 17:00,
    # breaches Monday 10:00.
    fri = lambda h, mi=0: berlin(2026, 3, 20, h, mi)  # noqa: E731
    mon = lambda h, mi=0: berlin(2026, 3, 23, h, mi)  # noqa: E731
    ps = [pol("office-tickets", {"first_response": gen.tgt(2 * H, 0.5, calendar="office")}, channels=["ticket"])]
    out.append({"name": "calendar_friday_to_monday", "policies": ps, "calendars": [OFFICE],
                "events": Log()(fri(16), "interaction_created").events, "end_at": mon(12), "oracle": True,
                "expected": [("first_response", 1, "at_risk", 1 * H, mon(10)),
                             ("first_response", 1, "breached", 2 * H, mon(10))]})
    # ... paused (PENDING) from Friday 16:30 to Monday 09:30, it breaches Monday 11:00.
    log = Log()(fri(16), "interaction_created")(fri(16, 30), "status_changed", status="pending")
    log(mon(9, 30), "status_changed", status="open")
    out.append({"name": "calendar_paused_over_the_weekend", "policies": ps, "calendars": [OFFICE],
                "events": log.events, "end_at": mon(12), "oracle": True,
                "expected": [("first_response", 1, "at_risk", 1 * H, mon(11)),
                             ("first_response", 1, "breached", 2 * H, mon(11))]})

    # "A breach that was not" (1): BREACHED is raised breach_grace after the
    # deadline: an Answered stamped in time that the partition applies when
    # its time is past the deadline but within the grace raises none.
    log = Log("voice", "sales")(T0, "interaction_created")(T0 + 1 * S, "queued")
    log(T0 + 41 * S + 500_000, "interaction_created", iid="other")  # watermark T0 + 31.5 s
    log(T0 + 30 * S + 900_000, "answered")  # deadline T0 + 31 s
    out.append({"name": "answer_in_time_applied_within_the_grace", "policies": voice_policies(), "calendars": [],
                "events": log.events, "end_at": T0 + 2 * M, "oracle": True,
                "expected": [("answer", 1, "at_risk", 24 * S, T0 + 31 * S),
                             ("answer", 1, "recovered", 29 * S + 900_000, T0 + 31 * S)]})
    # (2): an Answered stamped before the deadline that arrives after the
    # breach went out: RETRACTED, with the elapsed time at the stop.
    log = Log("voice", "sales")(T0, "interaction_created")(T0 + 1 * S, "queued")
    log(T0 + 50 * S, "interaction_created", iid="other")  # moves the watermark to T0 + 40 s
    log(T0 + 30 * S, "answered")
    out.append({"name": "late_answer_retracts_the_breach", "policies": voice_policies(), "calendars": [],
                "events": log.events, "end_at": T0 + 2 * M, "oracle": True,
                "expected": [("answer", 1, "at_risk", 24 * S, T0 + 31 * S),
                             ("answer", 1, "breached", 30 * S, T0 + 31 * S),
                             ("answer", 1, "retracted", 29 * S, T0 + 31 * S)]})
    # Ties: an Answered stamped at the very at-risk point raises AT_RISK
    # first; one stamped at the very deadline is in time.
    log = Log("voice", "sales")(T0, "interaction_created")(T0 + 1 * S, "queued")(T0 + 25 * S, "answered")
    log(T0, "interaction_created", iid="i2")(T0 + 1 * S, "queued", iid="i2")(T0 + 31 * S, "answered", iid="i2")
    out.append({"name": "answer_at_the_at_risk_point_and_at_the_deadline", "policies": voice_policies(),
                "calendars": [], "events": log.events, "end_at": T0 + 2 * M, "oracle": True,
                "expected": [("answer", 1, "at_risk", 24 * S, T0 + 31 * S),
                             ("answer", 1, "recovered", 24 * S, T0 + 31 * S),
                             ("answer", 1, "at_risk", 24 * S, T0 + 31 * S),
                             ("answer", 1, "recovered", 30 * S, T0 + 31 * S)]})
    # A stop stamped after the deadline leaves the breach standing, even
    # when it comes within the grace.
    log = Log("voice", "sales")(T0, "interaction_created")(T0 + 1 * S, "queued")
    log(T0 + 31 * S + 500_000, "answered")
    out.append({"name": "answer_after_the_deadline_within_the_grace", "policies": voice_policies(),
                "calendars": [], "events": log.events, "end_at": T0 + 2 * M, "oracle": True,
                "expected": [("answer", 1, "at_risk", 24 * S, T0 + 31 * S),
                             ("answer", 1, "breached", 30 * S, T0 + 31 * S)]})
    # A pause stamped before the deadline that arrives after the breach
    # retracts it; the clock carries on paused as the next cycle: AT_RISK at
    # once after the resume (it is past its at-risk point), BREACHED at the
    # new deadline.
    ps = [pol("tickets", {"resolution": gen.tgt(1 * H, 0.5)}, channels=["ticket"])]
    log = Log()(T0, "interaction_created")
    # Watermark T0 + 1 h + 20 s (a jump over max_event_time_jump, 1 h, moves
    # the partition's clock once a second event confirms it).
    log(T0 + 1 * H + 30 * S, "interaction_created", iid="other")(T0 + 1 * H + 30 * S, "escalated", iid="other")
    log(T0 + 50 * M, "status_changed", status="pending")
    log(T0 + 2 * H, "status_changed", status="open")
    out.append({"name": "late_pause_retracts_and_continues", "policies": ps, "calendars": [],
                "events": log.events, "end_at": T0 + 3 * H, "oracle": True,
                "expected": [("resolution", 1, "at_risk", 30 * M, T0 + 1 * H),
                             ("resolution", 1, "breached", 1 * H, T0 + 1 * H),
                             ("resolution", 1, "retracted", 50 * M, T0 + 1 * H),
                             ("resolution", 2, "at_risk", 50 * M, T0 + 2 * H + 10 * M),
                             ("resolution", 2, "breached", 1 * H, T0 + 2 * H + 10 * M)]})

    # Resolution: a reopen (within the linger) starts a new cycle.
    log = Log()(T0, "interaction_created")(T0 + 20 * M, "resolved")(T0 + 25 * M, "reopened")
    out.append({"name": "reopen_starts_a_resolution_cycle", "policies": ps, "calendars": [],
                "events": log.events, "end_at": T0 + 3 * H, "oracle": True,
                "expected": [("resolution", 2, "at_risk", 30 * M, T0 + 1 * H + 25 * M),
                             ("resolution", 2, "breached", 1 * H, T0 + 1 * H + 25 * M)]})

    # A Queued after the close reopens the interaction: a new answer cycle,
    # clocks that later events start; no resolution cycle (only Reopened
    # starts one).
    ps2 = [pol("tickets", {"resolution": gen.tgt(1 * H, 0.5), "periodic_update": gen.tgt(20 * M, 0.5),
                           "answer": gen.tgt(10 * M, 0.5)}, channels=["ticket"])]
    log = Log()(T0, "interaction_created")(T0 + 1 * S, "queued")(T0 + 2 * M, "answered")
    log(T0 + 3 * M, "agent_replied")(T0 + 4 * M, "resolved")(T0 + 6 * M, "queued")(T0 + 7 * M, "agent_replied")
    out.append({"name": "queued_after_the_close_reopens_without_resolution", "policies": ps2, "calendars": [],
                "events": log.events, "end_at": T0 + 3 * H, "oracle": True,
                "expected": [("answer", 2, "at_risk", 5 * M, T0 + 16 * M),
                             ("answer", 2, "breached", 10 * M, T0 + 16 * M),
                             ("periodic_update", 2, "at_risk", 10 * M, T0 + 27 * M),
                             ("periodic_update", 2, "breached", 20 * M, T0 + 27 * M)]})

    # Re-matching: a Queued into a queue of another policy cancels the cycle
    # (CANCELLED, it was at risk, with the queue it ran in) and the new
    # policy continues it as the next cycle with the time already run.
    ps = [pol("billing", {"resolution": gen.tgt(4 * H, 0.5)}, channels=["ticket"], queues=["billing"]),
          pol("tickets", {"resolution": gen.tgt(10 * H, 0.5)}, channels=["ticket"], queues=["tickets"])]
    log = Log(queue="billing")(T0, "interaction_created")
    log(T0 + 3 * H, "queued", queue_id="tickets")
    out.append({"name": "queue_change_continues_under_the_new_policy", "policies": ps, "calendars": [],
                "events": log.events, "end_at": T0 + 12 * H, "oracle": True,
                "expected": [("resolution", 1, "at_risk", 2 * H, T0 + 4 * H),
                             ("resolution", 1, "cancelled", 3 * H, T0 + 4 * H),
                             ("resolution", 2, "at_risk", 5 * H, T0 + 10 * H),
                             ("resolution", 2, "breached", 10 * H, T0 + 10 * H)]})
    # A target measured from creation starts once a policy matches, from the
    # creation time; an interaction already answered has had its first
    # response, so a later Queued starts no first_response clock.
    ps = [pol("tickets", {"first_response": gen.tgt(1 * H, 0.5)}, channels=["ticket"], queues=["tickets"])]
    log = Log(queue="triage")(T0, "interaction_created")(T0, "interaction_created", iid="i2")
    log(T0 + 10 * M, "answered", iid="i2")(T0 + 20 * M, "queued", iid="i2", queue_id="tickets")
    log(T0 + 40 * M, "queued", queue_id="tickets")
    out.append({"name": "first_response_from_creation_unless_answered", "policies": ps, "calendars": [],
                "events": log.events, "end_at": T0 + 3 * H, "oracle": True,
                "expected": [("first_response", 1, "at_risk", 30 * M, T0 + 1 * H),
                             ("first_response", 1, "breached", 1 * H, T0 + 1 * H)]})

    # next_reply: more customer messages before the reply do not restart it;
    # escalation_response: a further escalation while running does not.
    ps = [pol("chat", {"next_reply": gen.tgt(2 * M, 0.5), "escalation_response": gen.tgt(4 * M, 0.5)},
              channels=["chat"])]
    log = Log("chat", "chat")(T0, "interaction_created")(T0 + 1 * S, "queued")(T0 + 10 * S, "answered")
    log(T0 + 11 * S, "agent_replied")(T0 + 20 * S, "customer_replied")(T0 + 70 * S, "customer_replied")
    log(T0 + 90 * S, "escalated", reason="supervisor")(T0 + 150 * S, "escalated", reason="supervisor")
    log(T0 + 250 * S, "agent_replied")
    out.append({"name": "reply_and_escalation_cycles_do_not_restart", "policies": ps, "calendars": [],
                "events": log.events, "end_at": T0 + 1 * H, "oracle": True,
                "expected": [("next_reply", 1, "at_risk", 1 * M, T0 + 140 * S),
                             ("next_reply", 1, "breached", 2 * M, T0 + 140 * S),
                             ("escalation_response", 1, "at_risk", 2 * M, T0 + 330 * S),
                             ("escalation_response", 1, "recovered", 160 * S, T0 + 330 * S)]})

    # detractor_follow_up: a survey with CSAT <= 2 starts it; the follow-up
    # after its at-risk point recovers it; it outlives the contact.
    ps = [pol("tickets", {"detractor_follow_up": gen.tgt(1 * H, 0.5)}, channels=["ticket"])]
    log = Log()(T0, "interaction_created")(T0 + 5 * M, "resolved")(T0 + 8 * M, "survey_response", csat=2)
    log(T0 + 50 * M, "follow_up_completed")
    out.append({"name": "detractor_follow_up_recovers", "policies": ps, "calendars": [],
                "events": log.events, "end_at": T0 + 3 * H, "oracle": True,
                "expected": [("detractor_follow_up", 1, "at_risk", 30 * M, T0 + 68 * M),
                             ("detractor_follow_up", 1, "recovered", 42 * M, T0 + 68 * M)]})
    return out


def run_case(driver, work, c):
    d = os.path.join(work, c["name"])
    os.makedirs(d, exist_ok=True)
    sc = {"site_timezone": "Europe/Berlin", "settings": gen.SETTINGS, "calendars": c["calendars"],
          "policies": c["policies"], "end_at_us": c["end_at"],
          "queues": [("sales", "voice"), ("chat", "chat"), ("tickets", "ticket"), ("billing", "ticket"),
                     ("triage", "ticket")]}
    with open(os.path.join(d, "scenario.json"), "w") as f:
        json.dump(sc, f, indent=1)
    gen.write_config(sc, os.path.join(d, "ccpulse.yaml"))
    events = os.path.join(d, "events.jsonl")
    with open(events, "w") as f:
        for e in c["events"]:
            f.write(json.dumps(e) + "\n")
    got = run_sla_oracle.run_driver(driver, d, os.path.join(d, "ccpulse.yaml"), events, c["end_at"])
    got = [a for a in got if a["interaction_id"] != "other"]
    problems = []
    seen = [(a["target"], a["cycle"], a["kind"], a["elapsed"], a["deadline"]) for a in got]
    if sorted(seen) != sorted(c["expected"]):
        problems.append("engine differs from the README:\n" +
                        "".join(f"  expected {x}\n" for x in c["expected"]) +
                        "".join(f"  engine   {x}\n" for x in seen))
    if c["oracle"]:
        exp = [a for a in sla_oracle.Oracle(sc).run(c["events"], c["end_at"]) if a["interaction_id"] != "other"]
        buf = []

        class W:
            def write(self, s):
                buf.append(s)
        if run_sla_oracle.compare(exp, got, out=W()):
            problems.append("sla_oracle.py differs from the engine:\n" + "".join(buf))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--driver", required=True)
    ap.add_argument("--work-dir", default="sla-cases-work")
    ap.add_argument("--only")
    args = ap.parse_args()
    failed = 0
    all_cases = [c for c in cases() if not args.only or c["name"] == args.only]
    for c in all_cases:
        problems = run_case(args.driver, args.work_dir, c)
        print(f"{c['name']}: {'ok' if not problems else 'FAILED'}")
        for p in problems:
            print(p)
        failed += bool(problems)
    print(f"sla_cases: {len(all_cases) - failed} of {len(all_cases)} cases pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
