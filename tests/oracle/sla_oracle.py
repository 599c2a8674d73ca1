#!/usr/bin/env python3
"""Reference implementation of the SLA alert contract (DESIGN.md §6, README
"SLA targets"), written from the documents, sharing no code with the engine.

Given a scenario (settings, calendars, policies: sla_generate.py's
scenario.json) and an event log in delivery order, it returns the SLA alerts
the engine must raise, as dicts {interaction_id, policy, target, cycle, kind,
queue, started_at, deadline, elapsed, remaining}. How it reads the contract:

- Delivery: events are taken in the log's order; a repeated event_id is
  ignored. The partition's watermark is the largest stamp seen minus
  max_out_of_orderness; before each event every timer at or before the
  watermark fires (a worker that is behind). An event first raises what its
  interaction's clocks reached at or before its stamp (one stamped at the very
  at-risk point raises AT_RISK first; a stop at the very deadline is in time,
  its breach timer being breach_grace later), then applies at its stamp. The run ends at END: timers at or
  before END fire, later ones never.
- Policies: for each target type the first policy in order whose match
  accepts (channel, queue, priority, tier; empty lists match all) and that
  defines the type. Goal: by_priority[p] else duration; at-risk point:
  goal x fraction (truncated to the microsecond) or goal - lead.
- A clock runs unless the interaction's last StatusChanged is one of the
  target's pause_statuses (also when it starts). Run time is wall time, or
  with a calendar the business time of the calendar's open hours (zone, weekly
  hours, holidays with their own hours). AT_RISK fires when the run time
  reaches the at-risk point (elapsed = that point, remaining = goal - it),
  BREACHED breach_grace after the run time reaches the goal (elapsed = goal,
  remaining = 0), both with the deadline the clock has then (the wall
  instant at which its run time reaches the goal if it keeps running).
- A stop that meets the goal at stamp t: RECOVERED if AT_RISK went out and no
  BREACHED, and t <= deadline; RETRACTED if BREACHED went out and t <= the
  deadline; elapsed = run time at t. A cancel: CANCELLED if AT_RISK went out
  and no BREACHED. A stop or cancel stamped after the deadline but before the
  breach timer: BREACHED first (it passed its deadline).
- Targets (README table): answer from Queued to Answered, cancelled by
  Abandoned, Transferred, Resolved or a new Queued; first_response from
  creation to the first Answered/AgentReplied, cancelled at close (Resolved,
  Abandoned); next_reply from a CustomerReplied after an agent reply (not
  restarted by more customer messages) to the next AgentReplied; periodic_
  update from each AgentReplied to the next (which starts the next cycle);
  resolution from creation (and from each Reopened) to Resolved, cancelled
  by Abandoned; escalation_response from Escalated (not restarted while
  running) to the next Answered/AgentReplied; detractor_follow_up from a
  survey with CSAT 1-2 or NPS 0-6 (once per interaction) to
  FollowUpCompleted, never cancelled.
- Re-matching: a Queued that changes the queue or the priority (0 = not
  given) matches every running clock again: same policy, the goals follow
  the new priority with the time run so far (a breached cycle is left as it
  is); another policy or none: the cycle is cancelled and the
  new policy's target, if any, continues it as the next cycle with the run
  time so far and the original start. A creation-measured target
  (first_response, resolution) that never had a clock starts from the
  creation time when a policy first matches it - first_response only if the
  interaction has had no agent response yet (an Answered counts).
- A pause stamped at or before the deadline that arrives after the BREACHED
  (not for answer) retracts it (elapsed = run time at the pause); the clock
  carries on paused as the next cycle, with the time it had run.
- Cycles are numbered per (interaction, target) from 1 in the order the
  clocks start, a re-matched continuation counting as a new one.
"""
import heapq
import json
import sys
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

US = 1_000_000
DAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CREATION_TARGETS = ("first_response", "resolution")
TARGETS = ("answer", "first_response", "next_reply", "periodic_update", "resolution",
           "escalation_response", "detractor_follow_up")


def to_us(dt):
    return int(dt.timestamp()) * US + dt.microsecond


class Calendar:
    """Open intervals in UTC microseconds, built per local date."""

    def __init__(self, c):
        self.zone = ZoneInfo(c["timezone"])
        self.week = {}
        for k, hs in c["hours"].items():
            days = {"weekdays": DAY_KEYS[:5], "daily": DAY_KEYS}.get(k, [k])
            for d in days:
                self.week[d] = hs
        self.holidays = {}
        for h in c.get("holidays", []):
            if isinstance(h, dict):
                self.holidays[h["date"]] = h.get("hours", [])
            else:
                self.holidays[h] = []
        self.cache = {}

    def day(self, d):
        if d in self.cache:
            return self.cache[d]
        hs = self.holidays.get(d.isoformat(), self.week.get(DAY_KEYS[d.weekday()], []))
        out = []
        for h in hs:
            a, b = h.split("-")

            def at(s):
                hh, mm = map(int, s.split(":"))
                if hh == 24:
                    return to_us(datetime.combine(d + timedelta(days=1), time(0, 0), self.zone))
                return to_us(datetime.combine(d, time(hh, mm), self.zone))
            out.append((at(a), at(b)))
        self.cache[d] = out
        return out

    def intervals_from(self, t):
        d = datetime.fromtimestamp(t / US, timezone.utc).astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(4000):
            for a, b in self.day(d):
                if b > t:
                    yield max(a, t), b
            d += timedelta(days=1)

    def between(self, a, b):
        if b <= a:
            return 0
        total = 0
        for x, y in self.intervals_from(a):
            if x >= b:
                break
            total += min(y, b) - x
        return total

    def add(self, t, d):
        """The earliest instant at which business time d has run from t."""
        if d <= 0:
            return t
        for x, y in self.intervals_from(t):
            if y - x >= d:
                return x + d
            d -= y - x
        raise ValueError("calendar never opens")


class Clock:
    def __init__(self, o, ix, target, cycle, pol, t, start, consumed, paused):
        self.ix, self.target, self.cycle = ix, target, cycle
        self.policy, self.tdef = pol["name"], pol["targets"][target]
        self.pol_name = pol["name"]
        self.cal = o.calendars.get(self.tdef["calendar"]) if self.tdef["calendar"] else None
        self.set_goal(ix.priority)
        self.started_at = start
        self.consumed = consumed
        self.run_start = None if paused else t
        self.at_risk = self.breached = False
        self.broken = self.paused_deadline = None
        self.open = True
        self.version = 0
        self.queue = ix.queue
        o.schedule(self)

    def set_goal(self, priority):
        self.goal = self.tdef["by_priority"].get(str(priority), self.tdef["duration_us"])
        ar = self.tdef["at_risk"]
        self.risk_at = self.goal - ar["lead_us"] if isinstance(ar, dict) else int(self.goal * ar)

    def pauses(self, status):
        return status in self.tdef["pause_statuses"]

    def run(self, a, b):
        return self.cal.between(a, b) if self.cal else max(0, b - a)

    def elapsed(self, t):
        if self.run_start is None:
            return self.consumed
        return self.consumed + self.run(self.run_start, t)

    def when(self, e):
        """Wall instant the run time reaches e (None while paused)."""
        base = self.run_start
        if base is None:
            return None
        left = e - self.consumed
        return self.cal.add(base, left) if self.cal else base + left

    def instants(self):
        """(at-risk instant, deadline) of a running clock: where its run time
        reaches each goal, or its resume instant for a goal already passed."""
        return max(self.when(self.risk_at), self.run_start), max(self.when(self.goal), self.run_start)

    def deadline(self):
        if self.breached:
            return self.broken  # a breached cycle keeps the deadline it missed
        if self.run_start is None:
            return self.paused_deadline  # as it was when the clock paused
        return self.instants()[1]

    def timers(self, grace):
        """(instant, kind) of the next timer."""
        if not self.open or self.run_start is None or self.breached:
            return None
        r_at, d_at = self.instants()
        if not self.at_risk and r_at < d_at:
            return r_at, "at_risk"
        return d_at + grace, "breached"


class Interaction:
    def __init__(self, iid, ev):
        self.iid = iid
        self.chan = ev.get("channel", "")
        self.queue = ev.get("queue_id", "")
        self.priority = ev.get("priority", 0)
        self.tier = ev.get("tier", "")
        self.created = ev["occurred_at"]
        self.status = ""
        self.clocks = {}  # target -> open Clock
        self.cycles = {}
        self.ever = set()  # targets that had a clock
        self.responded = False
        self.agent_replied = False
        self.closed = False
        self.detractor = False


class Oracle:
    def __init__(self, scenario):
        st = scenario["settings"]
        self.ooo = st["max_out_of_orderness_s"] * US
        self.grace = st["breach_grace_s"] * US
        self.policies = scenario["policies"]
        self.calendars = {c["name"]: Calendar(c) for c in scenario["calendars"]}
        self.ix = {}
        self.heap = []
        self.seq = 0
        self.alerts = []
        self.seen = set()
        self.max_t = None
        self.n = 0

    # ---- policies and clocks
    def select(self, ix, target):
        for p in self.policies:
            m = p["match"]
            if m.get("channels") and ix.chan not in m["channels"]:
                continue
            if m.get("queues") and ix.queue not in m["queues"]:
                continue
            if m.get("priorities") and ix.priority not in m["priorities"]:
                continue
            if m.get("tiers") and ix.tier not in m["tiers"]:
                continue
            if target in p["targets"]:
                return p
        return None

    def schedule(self, c):
        c.version += 1
        tm = c.timers(self.grace)
        if tm is not None:
            self.seq += 1
            heapq.heappush(self.heap, (tm[0], self.seq, c, c.version))

    def emit(self, c, kind, elapsed, deadline):
        self.alerts.append({"n": self.n, "interaction_id": c.ix.iid, "policy": c.policy, "target": c.target,
                            "cycle": c.cycle, "kind": kind, "queue": c.queue, "started_at": c.started_at,
                            "deadline": deadline, "elapsed": elapsed, "remaining": max(0, c.goal - elapsed)})

    def fire(self, c, upto, strict):
        """Raise c's timers due before (strict) or at upto."""
        while True:
            tm = c.timers(self.grace)
            if tm is None or tm[0] > upto or (strict and tm[0] == upto):
                break
            r_at, d_at = c.instants()
            if tm[1] == "at_risk":
                c.at_risk = True
                self.emit(c, "at_risk", c.elapsed(r_at), d_at)
            else:
                c.at_risk = c.breached = True
                c.broken = d_at
                self.emit(c, "breached", c.elapsed(d_at), d_at)
        self.schedule(c)

    def advance(self, upto):
        while self.heap and self.heap[0][0] <= upto:
            _t, _s, c, v = heapq.heappop(self.heap)
            if v != c.version or not c.open:
                continue
            self.fire(c, upto, False)

    def start(self, ix, target, t, start=None, consumed=0, pol=None):
        pol = pol or self.select(ix, target)
        if pol is None:
            return None
        cyc = ix.cycles.get(target, 0) + 1
        ix.cycles[target] = cyc
        ix.ever.add(target)
        c = Clock(self, ix, target, cyc, pol, t, t if start is None else start, consumed, False)
        if c.pauses(ix.status):
            c.paused_deadline = c.instants()[1]
            c.run_start = None
            self.schedule(c)
        ix.clocks[target] = c
        return c

    def pre_stop(self, c, t):
        # Past its deadline before the stop but the breach timer not yet due.
        if not c.breached and c.run_start is not None:
            r_at, d_at = c.instants()
            if d_at < t:
                if not c.at_risk and r_at < d_at:
                    c.at_risk = True
                    self.emit(c, "at_risk", c.elapsed(r_at), d_at)
                c.at_risk = c.breached = True
                c.broken = d_at
                self.emit(c, "breached", c.elapsed(d_at), d_at)

    def meet(self, ix, target, t):
        c = ix.clocks.pop(target, None)
        if c is None:
            return
        self.pre_stop(c, t)
        el = c.elapsed(t)
        d = c.deadline()
        c.open = False
        c.version += 1
        if c.breached:
            if c.run_start is not None and t <= d:
                self.emit(c, "retracted", el, d)
        elif c.at_risk:
            self.emit(c, "recovered", el, d)

    def cancel(self, ix, target, t):
        c = ix.clocks.pop(target, None)
        if c is None:
            return
        self.pre_stop(c, t)
        el = c.elapsed(t)
        c.open = False
        c.version += 1
        if c.at_risk and not c.breached:
            self.emit(c, "cancelled", el, c.deadline())

    # ---- events
    def apply(self, ev):
        self.n += 1
        eid = ev["event_id"]
        if eid in self.seen:
            return
        self.seen.add(eid)
        t = ev["occurred_at"]
        self.max_t = t if self.max_t is None else max(self.max_t, t)
        k = ev["kind"]
        iid = ev.get("interaction_id", "")
        if not iid:
            return
        ix = self.ix.get(iid)
        if ix is None:
            ix = self.ix[iid] = Interaction(iid, ev)
            for tg in CREATION_TARGETS:
                self.start(ix, tg, t, start=t)
        for c in list(ix.clocks.values()):
            self.fire(c, t, False)
        if k == "queued":
            q = ev.get("queue_id", ix.queue)
            self.cancel(ix, "answer", t)
            if ix.closed:
                ix.closed = False
            p = ev.get("priority", 0)
            if q != ix.queue or (p != 0 and p != ix.priority):
                ix.queue = q
                ix.priority = p or ix.priority
                self.rematch(ix, t)
            self.start(ix, "answer", t)
        elif k == "answered":
            self.meet(ix, "answer", t)
            self.respond(ix, t)
        elif k == "agent_replied":
            self.respond(ix, t)
            self.meet(ix, "next_reply", t)
            self.meet(ix, "periodic_update", t)
            ix.agent_replied = True
            if not ix.closed:
                self.start(ix, "periodic_update", t)
        elif k == "customer_replied":
            if ix.agent_replied and "next_reply" not in ix.clocks:
                self.start(ix, "next_reply", t)
        elif k == "escalated":
            if "escalation_response" not in ix.clocks:
                self.start(ix, "escalation_response", t)
        elif k == "transferred":
            self.cancel(ix, "answer", t)
        elif k == "abandoned":
            for tg in ("answer", "first_response", "next_reply", "periodic_update", "resolution",
                       "escalation_response"):
                self.cancel(ix, tg, t)
            ix.closed = True
        elif k == "resolved":
            self.cancel(ix, "answer", t)
            self.meet(ix, "resolution", t)
            for tg in ("first_response", "next_reply", "periodic_update", "escalation_response"):
                self.cancel(ix, tg, t)
            ix.closed = True
        elif k == "reopened":
            ix.closed = False
            if "resolution" not in ix.clocks:
                self.start(ix, "resolution", t)
        elif k == "status_changed":
            ix.status = ev.get("status", "")
            for c in list(ix.clocks.values()):
                p = c.pauses(ix.status)
                if p and c.run_start is not None:
                    breached_before = c.breached
                    self.pre_stop(c, t)
                    c.paused_deadline = c.deadline()
                    c.consumed = c.elapsed(t)
                    c.run_start = None
                    if breached_before and t <= c.broken and c.target != "answer":
                        # The breach went out before this pause, stamped in
                        # time, arrived: taken back, and the clock carries on
                        # paused as the next cycle.
                        self.emit(c, "retracted", c.consumed, c.broken)
                        c.cycle = ix.cycles[c.target] = ix.cycles[c.target] + 1
                        c.at_risk = c.breached = False
                    self.schedule(c)
                elif not p and c.run_start is None:
                    c.run_start = t
                    self.schedule(c)
        elif k == "survey_response":
            csat, nps = ev.get("csat", 0), ev.get("nps", -1)
            if ((1 <= csat <= 2) or (0 <= nps <= 6)) and not ix.detractor:
                ix.detractor = True
                self.start(ix, "detractor_follow_up", t)
        elif k == "follow_up_completed":
            self.meet(ix, "detractor_follow_up", t)

    def respond(self, ix, t):
        self.meet(ix, "first_response", t)
        self.meet(ix, "escalation_response", t)
        ix.responded = True

    def rematch(self, ix, t):
        for tg in TARGETS:
            if tg == "answer":
                continue
            c = ix.clocks.get(tg)
            pol = self.select(ix, tg)
            if c is not None:
                if pol is not None and pol["name"] == c.pol_name:
                    # Same policy: the goals follow the priority, the time
                    # run stays (a breached cycle keeps its deadline).
                    if not c.breached:
                        c.set_goal(ix.priority)
                        if c.run_start is not None:
                            c.consumed = c.elapsed(t)
                            c.run_start = t
                        self.schedule(c)
                    continue
                consumed, start = c.elapsed(t), c.started_at
                self.cancel(ix, tg, t)
                if pol is not None:
                    n = self.start(ix, tg, t, start=start, consumed=consumed, pol=pol)
                    n.consumed = consumed
                    self.schedule(n)
            elif tg in CREATION_TARGETS and tg not in ix.ever and pol is not None and not ix.closed:
                if tg == "first_response" and ix.responded:
                    continue
                # Placed as if it had run since the creation: what it passed
                # fires at once, with its own instants.
                self.start(ix, tg, ix.created, start=ix.created, pol=pol)

    def run(self, events, end_at):
        for ev in events:
            if self.max_t is not None:
                self.advance(self.max_t - self.ooo)
            self.apply(ev)
        wm = self.max_t - self.ooo if self.max_t is not None else None
        end = end_at if wm is None else max(end_at, wm)
        self.advance(end)
        return self.alerts


def load(path):
    with open(path) as f:
        return [json.loads(x) for x in f if x.strip()]


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--end-at", type=int)
    args = ap.parse_args()
    with open(args.scenario) as f:
        sc = json.load(f)
    alerts = Oracle(sc).run(load(args.events), args.end_at if args.end_at is not None else sc["end_at_us"])
    for a in alerts:
        print(json.dumps(a))
    return 0


if __name__ == "__main__":
    sys.exit(main())
