#!/usr/bin/env python3
"""Seeded event logs for the SLA alert oracle (tests/oracle/README.md).

Writes OUT/events.jsonl (the driver's input format, engine_driver.cpp),
OUT/scenario.json (settings, calendars and policies: what sla_oracle.py reads)
and OUT/ccpulse.yaml (the same scenario as the engine's config).

The log covers every target type of DESIGN.md §6 over about two days across a
weekend and the Europe/Berlin spring-forward night: voice calls (answer, with
per-tier and per-priority goals, abandons, transfers while waiting and after
the answer, a few answers delivered after their breach went out: RETRACTED),
chats (first_response, next_reply, periodic_update, escalation_response,
resolution, surveys and follow-ups), emails (first_response counted in a
business-hours calendar, pending spells) and tickets (per-priority goals,
pending and on-hold spells, escalations into a second-tier queue with another
policy, transfers into a queue no policy matches, tickets created in that
queue and moved into a matched one, reopens, detractor follow-ups). Events
are delivered slightly out of order across interactions (within the
out-of-orderness) and a few twice (the same event_id). Standard library only.
"""
import argparse
import json
import os
import random
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

US = 1_000_000
S = US
M = 60 * US
H = 3600 * US

ZONE = "Europe/Berlin"
# Thursday 2026-03-26 07:00 Berlin; the run crosses the weekend and the DST
# change of Sunday 29 March.
START_LOCAL = datetime(2026, 3, 26, 7, 0)

SETTINGS = {"max_out_of_orderness_s": 10, "linger_s": 6 * 3600, "breach_grace_s": 1}

CALENDARS = [
    {"name": "office", "timezone": ZONE,
     "hours": {"mon": ["09:00-12:00", "13:00-17:00"], "tue": ["09:00-12:00", "13:00-17:00"],
               "wed": ["09:00-12:00", "13:00-17:00"], "thu": ["09:00-12:00", "13:00-17:00"],
               "fri": ["09:00-12:00", "13:00-17:00"], "sat": ["10:00-14:00"],
               "sun": ["01:00-04:00"]},  # 2 h on the spring-forward Sunday
     "holidays": [{"date": "2026-03-27", "hours": ["09:00-13:00"]}]},
]

QUEUES = [("sales", "voice"), ("support", "voice"), ("chat", "chat"), ("email", "email"),
          ("tickets", "ticket"), ("tickets_l2", "ticket"), ("backoffice", "ticket")]


def tgt(duration, at_risk=0.8, by_priority=None, pause=None, calendar=None):
    """A target: durations in microseconds, at_risk a fraction (float) or a lead {"lead_us": n}."""
    return {"duration_us": duration, "at_risk": at_risk, "by_priority": by_priority or {},
            "pause_statuses": ["pending", "on_hold"] if pause is None else pause, "calendar": calendar}


def lead(us):
    return {"lead_us": us}


POLICIES = [
    {"name": "gold-voice", "match": {"channels": ["voice"], "tiers": ["gold"]},
     "targets": {"answer": tgt(20 * S, lead(5 * S), {1: 10 * S})}},
    {"name": "voice", "match": {"channels": ["voice"]},
     "targets": {"answer": tgt(30 * S, 0.8, {1: 15 * S, 2: 20 * S})}},
    # Only first_response (answer comes from the policies above): a call
    # answered in sales and moved here has had its first response.
    {"name": "support-voice", "match": {"channels": ["voice"], "queues": ["support"]},
     "targets": {"first_response": tgt(90 * S, 0.5)}},
    {"name": "chat", "match": {"channels": ["chat"]},
     "targets": {"answer": tgt(60 * S, 0.5),
                 "first_response": tgt(90 * S, 0.5),
                 "next_reply": tgt(2 * M, 0.75),
                 "periodic_update": tgt(5 * M, lead(1 * M)),
                 "escalation_response": tgt(3 * M, 0.8),
                 "resolution": tgt(30 * M, 0.8),
                 "detractor_follow_up": tgt(1 * H, 0.5)}},
    {"name": "email", "match": {"channels": ["email"]},
     "targets": {"first_response": tgt(4 * H, lead(30 * M), {1: 1 * H}, calendar="office"),
                 "next_reply": tgt(2 * H, 0.8, pause=[]),
                 "resolution": tgt(24 * H, 0.9),
                 "detractor_follow_up": tgt(2 * H, 0.8)}},
    # Priority 1 tickets get their own escalation_response (the rest from
    # tickets-l1): a re-prioritisation moves a running one to another policy.
    {"name": "tickets-urgent", "match": {"channels": ["ticket"], "queues": ["tickets"], "priorities": [1]},
     "targets": {"escalation_response": tgt(15 * M, 0.5)}},
    {"name": "tickets-l1", "match": {"channels": ["ticket"], "queues": ["tickets"]},
     "targets": {"first_response": tgt(2 * H, 0.8, {1: 30 * M, 2: 1 * H}),
                 "next_reply": tgt(1 * H, 0.8),
                 "periodic_update": tgt(1 * H, 0.8, pause=["pending"]),
                 "resolution": tgt(8 * H, lead(1 * H), {1: 2 * H}),
                 "escalation_response": tgt(30 * M, lead(10 * M)),
                 "detractor_follow_up": tgt(4 * H, 0.5)}},
    {"name": "tickets-l2", "match": {"channels": ["ticket"], "queues": ["tickets_l2"]},
     "targets": {"first_response": tgt(1 * H, 0.8),
                 "resolution": tgt(4 * H, 0.8, pause=["on_hold"]),
                 "escalation_response": tgt(20 * M, 0.75)}},
]


def fmt_dur(us):
    if us % H == 0:
        return f"{us // H}h"
    if us % M == 0:
        return f"{us // M}m"
    if us % S == 0:
        return f"{us // S}s"
    return f"{us // 1000}ms"


def write_config(scenario, path):
    st = scenario["settings"]
    out = ["# Written by tests/oracle/sla_generate.py.",
           "instance_id: sla-oracle",
           f"site_timezone: {scenario['site_timezone']}",
           "kafka: {}",
           "processing:",
           f"  max_out_of_orderness: {st['max_out_of_orderness_s']}s",
           f"  linger: {st['linger_s']}s",
           f"  breach_grace: {st['breach_grace_s']}s",
           "queues:"]
    for name, chan in scenario["queues"]:
        out.append(f"  - {{ name: {name}, channel: {chan}, sl_threshold: 20s }}")
    out.append("calendars:")
    for c in scenario["calendars"]:
        hours = ", ".join(f"{d}: [{', '.join(json.dumps(h) for h in hs)}]" for d, hs in c["hours"].items())
        hol = ", ".join(f"{{ date: {h['date']}, hours: [{', '.join(json.dumps(x) for x in h['hours'])}] }}"
                        if isinstance(h, dict) else h for h in c["holidays"])
        out.append(f"  - {{ name: {c['name']}, timezone: {c['timezone']}, hours: {{ {hours} }}, holidays: [{hol}] }}")
    out.append("policies:")
    for p in scenario["policies"]:
        out.append(f"  - name: {p['name']}")
        m = ", ".join(f"{k}: [{', '.join(str(x) for x in v)}]" for k, v in p["match"].items())
        out.append(f"    match: {{ {m} }}")
        out.append("    targets:")
        for tname, t in p["targets"].items():
            parts = [f"duration: {fmt_dur(t['duration_us'])}"]
            if t["by_priority"]:
                parts.append("by_priority: { " + ", ".join(f"{k}: {fmt_dur(v)}" for k, v in
                                                          sorted(t["by_priority"].items(), key=lambda x: int(x[0]))) + " }")
            ar = t["at_risk"]
            parts.append(f"at_risk: {fmt_dur(ar['lead_us'])}" if isinstance(ar, dict) else f"at_risk: {ar}")
            parts.append(f"pause_statuses: [{', '.join(t['pause_statuses'])}]")
            if t["calendar"]:
                parts.append(f"calendar: {t['calendar']}")
            out.append(f"      {tname}: {{ {', '.join(parts)} }}")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


class Gen:
    def __init__(self, seed, start, hours):
        self.r = random.Random(seed)
        self.start = start
        self.end = start + int(hours * H)
        self.items = []  # (delivery key, seq, event)
        self.seq = 0
        self.n_id = 0
        self.stats = {}

    def stat(self, k):
        self.stats[k] = self.stats.get(k, 0) + 1

    def jit(self, lo, hi):
        return self.r.randrange(int(lo), int(hi)) + self.r.randrange(1, 997)

    def emit(self, evs):
        """One interaction's events (stamp order is delivery order, except a
        `deliver_after` field that delays one past its stamp)."""
        r = self.r
        prev = None
        for ev in evs:
            self.n_id += 1
            ev["event_id"] = f"e{self.n_id}"
            extra = ev.pop("deliver_after", 0)
            key = ev["occurred_at"] + extra
            if not extra and r.random() < 0.05:
                key += r.randrange(0, 8 * S)  # within the out-of-orderness (10 s)
            if prev is not None and key < prev:
                key = prev
            prev = key
            self.seq += 1
            self.items.append((key, self.seq, ev))
            if r.random() < 0.003:
                self.seq += 1
                self.items.append((key + r.randrange(0, 2 * S), self.seq, dict(ev)))
                self.stat("duplicates")

    def base(self, iid, chan, queue, prio, tier, cust):
        return lambda t, kind, **f: dict({"occurred_at": t, "interaction_id": iid, "channel": chan,
                                          "queue_id": queue, "priority": prio, "customer_id": cust,
                                          "tier": tier, "kind": kind}, **f)

    def survey(self, ev, t, evs, queue):
        r = self.r
        if r.random() < 0.5:
            return
        t += self.jit(1 * M, 5 * M)
        csat = r.choice([0, 1, 2, 3, 4, 5])
        nps = r.choice([-1, 3, 6, 7, 9, 10])
        if csat == 0 and nps < 0:
            csat = 2
        evs.append(ev(t, "survey_response", csat=csat, nps=nps, queue_id=queue))
        if (1 <= csat <= 2) or (0 <= nps <= 6):
            self.stat("detractor")
            if r.random() < 0.7:
                evs.append(ev(t + self.jit(0, 5 * H), "follow_up_completed", queue_id=queue))
            if r.random() < 0.1:  # a second detractor survey starts nothing new
                evs.append(ev(t + self.jit(1 * S, 20 * S), "survey_response", csat=1, queue_id=queue))

    def voice(self, iid, t):
        r = self.r
        q = r.choice(["sales", "support"])
        tier = "gold" if r.random() < 0.2 else "std"
        prio = r.choice([0, 1, 2, 3])
        ev = self.base(iid, "voice", q, prio, tier, f"c{iid}")
        evs = [ev(t, "interaction_created")]
        t += self.jit(0, 2 * S)
        evs.append(ev(t, "queued"))
        legs = 0
        while True:
            legs += 1
            wait = self.jit(0, 45 * S)
            t += wait
            x = r.random()
            if x < 0.15:
                evs.append(ev(t, "abandoned"))
                self.stat("voice_abandoned")
                break
            if x < 0.22 and legs < 3:  # transferred while waiting
                q2 = "support" if q == "sales" else "sales"
                evs.append(ev(t, "transferred", to_queue_id=q2))
                q = q2
                ev = self.base(iid, "voice", q, prio, tier, f"c{iid}")
                t += self.jit(0, 2 * S)
                evs.append(ev(t, "queued"))
                self.stat("voice_transferred_waiting")
                continue
            if x < 0.24:
                # Answered just before the deadline, delivered well after its breach.
                goal = (20 * S if tier == "gold" else 30 * S) if prio not in (1, 2) else \
                    ({1: 10 * S, 2: 20 * S}[prio] if tier == "gold" else {1: 15 * S, 2: 20 * S}[prio])
                queued_at = max(e["occurred_at"] for e in evs if e["kind"] == "queued")
                t = queued_at + goal - self.jit(0, 3 * S)
                evs.append(ev(t, "answered", deliver_after=25 * S, agent_id="a1"))
                t += 40 * S  # nothing else of this call before the late answer is delivered
                self.stat("voice_late_answer")
            else:
                evs.append(ev(t, "answered", agent_id="a1"))
            t += self.jit(20 * S, 5 * M)
            if r.random() < 0.15 and legs < 3:
                q2 = "support" if q == "sales" else "sales"
                evs.append(ev(t, "transferred", to_queue_id=q2))
                q = q2
                ev = self.base(iid, "voice", q, prio, tier, f"c{iid}")
                t += self.jit(0, 2 * S)
                evs.append(ev(t, "queued"))
                self.stat("voice_transferred_after_answer")
                continue
            evs.append(ev(t, "resolved"))
            break
        return evs

    def chat(self, iid, t):
        r = self.r
        prio = r.choice([0, 1, 2])
        ev = self.base(iid, "chat", "chat", prio, "std", f"c{iid}")
        evs = [ev(t, "interaction_created")]
        t += self.jit(0, 2 * S)
        evs.append(ev(t, "queued"))
        t += self.jit(0, 100 * S)
        if r.random() < 0.1:
            evs.append(ev(t, "abandoned"))
            self.stat("chat_abandoned")
            return evs
        evs.append(ev(t, "answered", agent_id="a2"))
        t += self.jit(1 * S, 3 * S)
        evs.append(ev(t, "agent_replied", agent_id="a2"))
        for _ in range(r.randrange(0, 5)):
            x = r.random()
            if x < 0.05:
                # Pending stamped just before the periodic update's deadline
                # (5 min after the agent reply at t), delivered after its
                # breach went out: the breach is retracted, the clock
                # carries on paused as the next cycle.
                t += 5 * M - self.jit(0, 3 * S)
                evs.append(ev(t, "status_changed", status="pending", deliver_after=25 * S))
                t += self.jit(1 * M, 3 * M)
                evs.append(ev(t, "status_changed", status="open"))
                t += self.jit(1 * S, 2 * M)
                evs.append(ev(t, "agent_replied", agent_id="a2"))
                self.stat("chat_late_pause")
                continue
            if x < 0.15:
                t += self.jit(5 * S, 60 * S)
                evs.append(ev(t, "escalated", reason="supervisor"))
                if r.random() < 0.2:
                    t += self.jit(5 * S, 30 * S)
                    evs.append(ev(t, "escalated", reason="supervisor"))  # does not restart
                t += self.jit(0, 4 * M)
                evs.append(ev(t, "agent_replied", agent_id="a3"))
                self.stat("chat_escalated")
                continue
            t += self.jit(5 * S, 7 * M)
            evs.append(ev(t, "customer_replied"))
            if r.random() < 0.3:
                t += self.jit(5 * S, 40 * S)
                evs.append(ev(t, "customer_replied"))  # does not restart next_reply
            t += self.jit(5 * S, 3 * M)
            evs.append(ev(t, "agent_replied", agent_id="a2"))
        t += self.jit(10 * S, 8 * M)
        evs.append(ev(t, "resolved"))
        self.survey(ev, t, evs, "chat")
        return evs

    def email(self, iid, t):
        r = self.r
        prio = r.choice([0, 1, 2])
        ev = self.base(iid, "email", "email", prio, "std", f"c{iid}")
        evs = [ev(t, "interaction_created"), ev(t + self.jit(0, 1 * S), "queued")]
        t += self.jit(2 * S, 8 * H)
        evs.append(ev(t, "answered", agent_id="a4"))
        t += self.jit(1 * S, 3 * S)
        evs.append(ev(t, "agent_replied", agent_id="a4"))
        for _ in range(r.randrange(0, 3)):
            t += self.jit(1 * M, 2 * H)
            evs.append(ev(t, "customer_replied"))
            t += self.jit(1 * M, 3 * H)
            evs.append(ev(t, "agent_replied", agent_id="a4"))
        t += self.jit(1 * M, 3 * H)
        evs.append(ev(t, "resolved"))
        self.survey(ev, t, evs, "email")
        return evs

    def ticket(self, iid, t):
        r = self.r
        prio = r.choice([0, 1, 2, 3])
        q = "tickets"
        moved_in = r.random() < 0.12  # created where no policy matches, then moved in
        if moved_in:
            q = "backoffice"
        ev = self.base(iid, "ticket", q, prio, "std", f"c{iid}")
        evs = [ev(t, "interaction_created"), ev(t + self.jit(0, 1 * S), "queued")]
        t += self.jit(1 * S, 3 * S)
        answered = False
        if moved_in:
            if r.random() < 0.5:  # answered in backoffice: first response is done
                t += self.jit(1 * M, 40 * M)
                evs.append(ev(t, "answered", agent_id="a5"))
                answered = True
                self.stat("ticket_answered_before_move")
            t += self.jit(1 * M, 1 * H)
            evs.append(ev(t, "transferred", to_queue_id="tickets"))
            q = "tickets"
            ev = self.base(iid, "ticket", q, prio, "std", f"c{iid}")
            t += self.jit(0, 2 * S)
            evs.append(ev(t, "queued"))
            self.stat("ticket_moved_in")
        if not answered:
            t += self.jit(1 * M, 2 * H)
            evs.append(ev(t, "answered", agent_id="a5"))
        t += self.jit(1 * S, 3 * S)
        evs.append(ev(t, "agent_replied", agent_id="a5"))
        reopened = False
        steps = r.randrange(1, 5)
        i = 0
        while i < steps:
            i += 1
            x = r.random()
            if x < 0.35:  # waiting on the customer
                t += self.jit(1 * S, 5 * S)
                evs.append(ev(t, "status_changed", status="pending"))
                t += self.jit(5 * M, 4 * H)
                evs.append(ev(t, "status_changed", status="open"))
                evs.append(ev(t, "customer_replied"))
                t += self.jit(1 * M, 90 * M)
                evs.append(ev(t, "agent_replied", agent_id="a5"))
            elif x < 0.5:  # waiting on a third party
                t += self.jit(1 * S, 5 * S)
                evs.append(ev(t, "status_changed", status="on_hold"))
                t += self.jit(5 * M, 3 * H)
                evs.append(ev(t, "status_changed", status="open"))
                t += self.jit(1 * M, 30 * M)
                evs.append(ev(t, "agent_replied", agent_id="a5"))
            elif x < 0.65 and q == "tickets":  # escalated into the second tier
                t += self.jit(1 * M, 30 * M)
                evs.append(ev(t, "escalated", reason="tier2"))
                if r.random() < 0.6:
                    t += self.jit(0, 5 * S)
                    evs.append(ev(t, "transferred", to_queue_id="tickets_l2"))
                    q = "tickets_l2"
                    ev = self.base(iid, "ticket", q, prio, "std", f"c{iid}")
                    t += self.jit(0, 2 * S)
                    evs.append(ev(t, "queued"))
                    self.stat("ticket_to_l2")
                elif r.random() < 0.4:  # re-prioritised while the escalation waits
                    t += self.jit(1 * M, 12 * M)
                    prio = 1 if prio != 1 else 2
                    ev = self.base(iid, "ticket", q, prio, "std", f"c{iid}")
                    evs.append(ev(t, "queued"))
                    self.stat("ticket_reprioritised_escalated")
                t += self.jit(1 * M, 45 * M)
                evs.append(ev(t, "agent_replied", agent_id="a6"))
            elif x < 0.69 and q in ("tickets", "tickets_l2"):  # re-prioritised: same queue, new goals
                t += self.jit(1 * M, 30 * M)
                prio = 1 if prio != 1 else 2
                ev = self.base(iid, "ticket", q, prio, "std", f"c{iid}")
                evs.append(ev(t, "queued"))
                self.stat("ticket_reprioritised")
            elif x < 0.75 and q == "tickets":  # out of every policy
                t += self.jit(1 * M, 30 * M)
                evs.append(ev(t, "transferred", to_queue_id="backoffice"))
                q = "backoffice"
                ev = self.base(iid, "ticket", q, prio, "std", f"c{iid}")
                t += self.jit(0, 2 * S)
                evs.append(ev(t, "queued"))
                self.stat("ticket_to_backoffice")
            else:
                t += self.jit(1 * M, 2 * H)
                evs.append(ev(t, "customer_replied"))
                t += self.jit(1 * M, 80 * M)
                evs.append(ev(t, "agent_replied", agent_id="a5"))
            if i == steps and not reopened and r.random() < 0.2:
                t += self.jit(1 * M, 2 * H)
                evs.append(ev(t, "resolved"))
                t += self.jit(1 * M, 2 * H)
                evs.append(ev(t, "reopened"))
                evs.append(ev(t + self.jit(0, 1 * S), "customer_replied"))
                reopened = True
                steps += 1
                self.stat("ticket_reopened")
        t += self.jit(1 * M, 2 * H)
        if r.random() < 0.05:
            evs.append(ev(t, "abandoned"))
            self.stat("ticket_abandoned")
            return evs
        evs.append(ev(t, "resolved"))
        self.survey(ev, t, evs, q)
        return evs

    def run(self):
        r = self.r
        t = self.start
        n = 0
        while t < self.end:
            n += 1
            iid = f"i{n}"
            x = r.random()
            kind = "voice" if x < 0.55 else "chat" if x < 0.75 else "email" if x < 0.85 else "ticket"
            evs = getattr(self, kind)(iid, t)
            self.stat(kind)
            self.emit(evs)
            t += self.jit(5 * S, 60 * S)
        self.items.sort(key=lambda x: (x[0], x[1]))
        return [e for _k, _s, e in self.items]


def scenario(seed, hours):
    start = int(START_LOCAL.replace(tzinfo=ZoneInfo(ZONE)).astimezone(timezone.utc).timestamp()) * US
    start += (seed % 7) * 5 * H  # each seed starts at another hour
    return {"seed": seed, "site_timezone": ZONE, "start_us": start, "hours": hours, "settings": SETTINGS,
            "queues": QUEUES, "calendars": CALENDARS, "policies": POLICIES}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--hours", type=float, default=52.0, help="how long new interactions arrive")
    args = ap.parse_args()
    sc = scenario(args.seed, args.hours)
    g = Gen(args.seed, sc["start_us"], args.hours)
    events = g.run()
    sc["stats"] = g.stats
    sc["events"] = len(events)
    sc["end_at_us"] = max(e["occurred_at"] for e in events)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "events.jsonl"), "w") as f:
        for e in events:
            f.write(json.dumps(e, separators=(",", ":")) + "\n")
    with open(os.path.join(args.out, "scenario.json"), "w") as f:
        json.dump(sc, f, indent=1)
    write_config(sc, os.path.join(args.out, "ccpulse.yaml"))
    print(f"sla_generate.py: seed {args.seed}: {len(events)} events, {g.stats}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
