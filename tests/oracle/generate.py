#!/usr/bin/env python3
"""Seeded generator of realistic contact-center event logs for the oracle.

    generate.py --seed 1 --out DIR [--min-events 100000] [--hours 6.5]

Writes DIR/events.jsonl (the driver's input format, tests/oracle/engine_driver.cpp)
and DIR/scenario.json (queues, thresholds, zone, processing settings: what
run_oracle.py turns into the engine's YAML config and what oracle.py reads).

The floor is a small discrete-event simulation, so what comes out is
consistent: agents take contacts from their queue FIFO and change state as
they work (available, on contact, after-contact work, away on breaks, logged
out at the end of their shift); voice calls have holds and wrap-up, some are
transferred or escalated with reasons, some callers abandon (a few within the
short-abandon time); chats exchange messages; emails, social posts and
tickets go back and forth over minutes, tickets go pending and some are
reopened (a few back into the queue); customers come back (repeat contacts),
some are anonymous; surveys follow some resolutions, a few after the linger.

Delivery order (what the engine sees) differs from event time: a few events
are delayed by up to 25 s behind others (never more than the engine's 30 s
out-of-orderness), a few are delivered twice, and a few interactions deliver
their Answered or Abandoned before their Queued (the cases docs/kpis.md
defines). Agent events are never delayed: an agent's state changes arrive
in order and never behind another event (the contract leaves a state change
stamped behind the partition's head undefined).

The seed picks the site zone and a start such that the log crosses the
site's midnight; seeds 1 and 2 also cross a DST change (Europe/Berlin spring
forward, America/New_York fall back).
"""
import argparse
import heapq
import json
import math
import os
import random
import sys
from collections import deque
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

US = 1_000_000

# name, channel, sl_threshold (s), agents, mean handle (s), mean patience (s, None = never abandons),
# arrivals/h; agents and arrivals are multiplied by --scale (agents: about 1.1 x the offered Erlangs, so queues
# build up at the busy start and some callers abandon)
QUEUES = [
    ("billing", "voice", 20, 13, 240, 90, 180),
    ("support", "voice", 30, 18, 360, 120, 160),
    ("sales", "voice", 15, 8, 200, 60, 120),
    ("tier2", "voice", 30, 4, 420, 150, 10),
    ("video-care", "video", 30, 3, 300, 120, 25),
    ("web-chat", "chat", 60, 11, 360, 180, 100),
    ("chat-vip", "chat", 45, 4, 300, 240, 30),
    ("email", "email", 3600, 7, 300, None, 60),
    ("social", "social", 600, 2, 180, None, 30),
    ("whatsapp", "messaging", 120, 3, 200, 1800, 40),
    ("helpdesk", "ticket", 1800, 5, 400, None, 40),
]
SCENARIOS = {
    # seed % 3 -> (zone, local start)
    1: ("Europe/Berlin", datetime(2026, 3, 28, 21, 30)),  # 02:00 -> 03:00 CEST on 29 March
    2: ("America/New_York", datetime(2026, 10, 31, 22, 0)),  # 02:00 EDT -> 01:00 EST on 1 November
    0: ("Asia/Kathmandu", datetime(2026, 6, 15, 21, 0)),  # UTC+05:45
}
TRANSFER_REASONS = ["billing_question", "technical", "wrong_queue", "language", "sales_lead", ""]
ESCALATION_REASONS = ["supervisor_request", "complaint", "legal", "outage", ""]
SETTINGS = {
    "max_out_of_orderness_s": 30,
    "short_abandon_s": 5,
    "linger_s": 600,
    "bucket_s": 10,
    "coarse_bucket_s": 300,
    "sliding_s": [900, 3600],
    "interval_min": 15,
    # docs/kpis.md: the repeat-contact index is not built yet; true once it is.
    "repeat_contacts": True,
}
MAX_DELAY_US = 25 * US  # delivery delay: strictly inside the 30 s out-of-orderness


class Log:
    """Events in generation order, each with a delivery key (when the engine sees it)."""

    def __init__(self, seed):
        self.seed = seed
        self.events = []  # (key, seq, event dict)
        self.seq = 0
        self.next_id = 0

    def add(self, ev, key):
        self.seq += 1
        self.events.append((key, self.seq, ev))

    def new_id(self):
        self.next_id += 1
        return f"e{self.seed}-{self.next_id}"


class Interaction:
    __slots__ = ("iid", "chan", "queue", "customer", "tier", "priority", "events", "special",
                 "patience", "queued_at", "abandon_at", "taken", "hops", "created")

    def __init__(self, iid, chan, queue, customer, tier, priority):
        self.iid, self.chan, self.queue = iid, chan, queue
        self.customer, self.tier, self.priority = customer, tier, priority
        self.events = []  # (t, kind, fields) in lifecycle order
        self.special = None
        self.patience = None
        self.queued_at = None
        self.abandon_at = None
        self.taken = False
        self.hops = 0
        self.created = None


class Agent:
    __slots__ = ("aid", "queue", "chan", "state", "busy", "away_until", "shift_end", "logged_in")

    def __init__(self, aid, queue, chan, shift_end):
        self.aid, self.queue, self.chan = aid, queue, chan
        self.state = None
        self.busy = False
        self.away_until = None
        self.shift_end = shift_end
        self.logged_in = False


class Floor:
    def __init__(self, seed, start_us, end_us, scale):
        self.scale = scale
        self.rng = random.Random(seed)
        self.log = Log(seed)
        self.start, self.end = start_us, end_us
        self.heap = []
        self.hseq = 0
        self.queues = {q[0]: q for q in QUEUES}
        self.waiting = {q[0]: deque() for q in QUEUES}
        self.agents = {q[0]: [] for q in QUEUES}
        self.interactions = []
        self.n_inter = 0
        self.customers = []  # (customer id, last contact start)
        self.n_customers = 0
        self.stats = {"contacts": 0, "abandons": 0, "transfers": 0, "reopens": 0, "surveys": 0}

    # ---- the event heap ----
    def at(self, t, what, *args):
        self.hseq += 1
        heapq.heappush(self.heap, (t, self.hseq, what, args))

    def run(self):
        r = self.rng
        for name, chan, _T, n_agents, _h, _p, rate in QUEUES:
            for k in range(math.ceil(n_agents * self.scale)):
                # Shifts: most cover the whole log; some start late, some end early.
                shift_end = self.end + 3600 * US
                if r.random() < 0.25:
                    shift_end = self.start + int(r.uniform(0.3, 0.9) * (self.end - self.start))
                a = Agent(f"a-{name}-{k}", name, chan, shift_end)
                self.agents[name].append(a)
                login = self.start + (0 if r.random() < 0.8 else int(r.uniform(0, 0.5) * (self.end - self.start)))
                self.at(login + r.randrange(0, 20 * US), "login", a)
            self.at(self.start + int(r.expovariate(rate * self.scale / 3600) * US), "arrival", name)
        while self.heap:
            t, _s, what, args = heapq.heappop(self.heap)
            getattr(self, "on_" + what)(t, *args)

    # ---- rates ----
    def rate_factor(self, t):
        # A gentle curve: busier at the start, quieter towards the small hours.
        x = (t - self.start) / (self.end - self.start)
        return 1.15 - 0.5 * x + 0.15 * math.sin(6.0 * x)

    # ---- agents ----
    def agent_event(self, t, a, state):
        a.state = state
        ev = {"event_id": self.log.new_id(), "occurred_at": t, "kind": "agent_state_changed",
              "channel": a.chan, "queue_id": a.queue, "agent_id": a.aid, "agent": state}
        self.log.add(ev, t)

    def on_login(self, t, a):
        if t >= a.shift_end or t >= self.end:
            return
        a.logged_in = True
        self.agent_event(t, a, "available")
        self.dispatch(t, a.queue)

    def free(self, t, a):
        """a finished its work at t: a break, the end of its shift, or the next contact."""
        a.busy = False
        r = self.rng
        if t >= a.shift_end:
            a.logged_in = False
            self.agent_event(t, a, "logged_out")
            return
        if r.random() < 0.06:
            a.away_until = t + int(r.expovariate(1 / 300) * US) + 30 * US
            self.agent_event(t, a, "away")
            self.at(a.away_until, "back", a)
            return
        if a.state != "available":
            self.agent_event(t, a, "available")
        self.dispatch(t, a.queue)

    def on_back(self, t, a):
        a.away_until = None
        if t >= a.shift_end:
            a.logged_in = False
            self.agent_event(t, a, "logged_out")
            return
        self.agent_event(t, a, "available")
        self.dispatch(t, a.queue)

    def dispatch(self, t, qname):
        w = self.waiting[qname]
        for a in self.agents[qname]:
            if not w:
                return
            if a.busy or not a.logged_in or a.away_until is not None:
                continue
            while w and (w[0].abandon_at is not None and w[0].abandon_at <= t):
                w.popleft()
            if not w:
                return
            c = w.popleft()
            self.take(t, a, c)

    # ---- contacts ----
    def customer(self, t):
        r = self.rng
        x = r.random()
        if x < 0.05:
            return ""  # anonymous: never a repeat contact
        if x < 0.22 and self.customers:
            # A repeat: a customer seen at least 10 minutes ago.
            for _ in range(5):
                i = r.randrange(max(0, len(self.customers) - 400), len(self.customers))
                cid, last = self.customers[i]
                if t - last >= 600 * US:
                    self.customers[i] = (cid, t)
                    return cid
        self.n_customers += 1
        cid = f"c{self.log.seed}-{self.n_customers}"
        self.customers.append((cid, t))
        return cid

    def on_arrival(self, t, qname):
        r = self.rng
        name, chan, _T, _n, _h, patience, rate = self.queues[qname]
        if t < self.end:
            nxt = t + int(r.expovariate(rate * self.scale * self.rate_factor(t) / 3600) * US) + 1
            self.at(nxt, "arrival", qname)
        else:
            return
        self.n_inter += 1
        self.stats["contacts"] += 1
        tier = r.choice(["gold", "silver", "bronze", "bronze", ""])
        prio = r.choice([0, 0, 0, 0, 1, 2])
        c = Interaction(f"i{self.log.seed}-{self.n_inter}", chan, qname, self.customer(t), tier, prio)
        self.interactions.append(c)
        c.created = t
        # Most interactions start with InteractionCreated; some only with
        # their Queued (created_at is then the first event).
        if r.random() < 0.9 or chan in ("email", "ticket", "social"):
            c.events.append((t, "interaction_created", {}))
            tq = t + int(r.uniform(0.2, 4) * US)
        else:
            tq = t
        # Special out-of-order deliveries (docs/kpis.md, Queue outcomes):
        x = r.random()
        if chan == "voice" and x < 0.012:
            c.special = "abandon_before_queued"
        elif chan in ("email", "ticket") and x < 0.03:
            c.special = r.choice(["answer_before_queued", "queued_stamped_after_answer",
                                  "queued_stamped_after_answer_in_order"])
        if c.special in ("answer_before_queued", "queued_stamped_after_answer",
                         "queued_stamped_after_answer_in_order"):
            self.special_answer(t, tq, c)
            return
        if c.special == "abandon_before_queued":
            wait = int(r.uniform(1, 12) * US)
            c.events.append((tq, "queued", {}))
            c.events.append((tq + wait, "abandoned", {}))
            self.stats["abandons"] += 1
            return
        self.enqueue(tq, c, qname, patience)

    def special_answer(self, t, tq, c):
        """An email/ticket answered by an auto-assigning agent within seconds of entering the queue."""
        r = self.rng
        a = None
        for cand in self.agents[c.queue]:
            if not cand.busy and cand.logged_in and cand.away_until is None:
                a = cand
                break
        if a is None:
            c.special = None
            self.enqueue(tq, c, c.queue, None)
            return
        ta = tq + int(r.uniform(1, 15) * US)
        if c.special == "answer_before_queued":
            c.events.append((tq, "queued", {}))
        else:
            c.events.append((ta + int(r.uniform(0.5, 3) * US), "queued", {}))  # skewed producer clock
        self.take(ta, a, c)  # flush() delivers Queued and Answered in the order c.special says

    def enqueue(self, t, c, qname, patience):
        r = self.rng
        c.queue = qname
        c.queued_at = t
        c.taken = False
        c.events.append((t, "queued", {"queue_id": qname}))
        if patience is not None:
            if r.random() < 0.08:
                p = r.uniform(0.5, 8) * US  # short abandons, and some just past short_abandon
            else:
                p = r.expovariate(1 / patience) * US + 2 * US
            c.abandon_at = t + int(p)
            self.at(c.abandon_at, "patience", c, t)
        else:
            c.abandon_at = None
        self.waiting[qname].append(c)
        # An email sometimes resolves itself while waiting (auto-reply, spam).
        if c.chan == "email" and r.random() < 0.04:
            self.at(t + int(r.uniform(30, 900) * US), "auto_resolve", c, t)
        self.dispatch(t, qname)

    def on_patience(self, t, c, queued_at):
        if c.taken or c.queued_at != queued_at:
            return
        c.events.append((t, "abandoned", {}))
        self.stats["abandons"] += 1
        # Left the FIFO lazily (dispatch skips it).

    def on_auto_resolve(self, t, c, queued_at):
        if c.taken or c.queued_at != queued_at:
            return
        c.taken = True
        try:
            self.waiting[c.queue].remove(c)
        except ValueError:
            pass
        c.events.append((t, "resolved", {}))

    def take(self, t, a, c):
        r = self.rng
        c.taken = True
        a.busy = True
        c.events.append((t, "answered", {"agent_id": a.aid}))
        self.agent_event(t, a, "on_contact")
        _n, chan, _T, _na, handle, _p, _rate = self.queues[c.queue]
        if chan in ("voice", "video"):
            self.voice(t, a, c, handle)
        elif chan == "chat":
            self.chat(t, a, c, handle)
        else:
            self.async_contact(t, a, c, handle)

    def voice(self, t, a, c, handle):
        r = self.rng
        talk = max(5 * US, int(r.expovariate(1 / handle) * US))
        end = t + talk
        # Holds inside the talk.
        cursor = t
        holds = r.choice([0, 0, 0, 1, 1, 2]) if c.chan == "voice" else 0
        open_hold_at_transfer = False
        for _ in range(holds):
            hs = cursor + int(r.uniform(0.1, 0.5) * (end - cursor))
            he = hs + int(r.expovariate(1 / 40) * US) + US
            if he >= end - US:
                break
            c.events.append((hs, "held", {}))
            c.events.append((he, "resumed", {}))
            cursor = he
        if c.chan == "voice" and r.random() < 0.05:
            c.events.append((t + int(r.uniform(0.2, 0.8) * talk), "escalated",
                             {"reason": r.choice(ESCALATION_REASONS)}))
        if r.random() < 0.2:
            c.events.append((t + int(r.uniform(0.1, 0.9) * talk), "sentiment_observed",
                             {"sentiment": round(r.uniform(-1, 1), 3)}))
        x = r.random()
        if c.chan == "voice" and c.hops < 2 and x < 0.09:
            # Transfer at the end of the talk, sometimes from a consult hold still open.
            if r.random() < 0.25 and cursor < end - 3 * US:
                c.events.append((end - 2 * US, "held", {}))
            target = r.choice([q[0] for q in QUEUES if q[1] == "voice" and q[0] != c.queue])
            c.events.append((end, "transferred", {"reason": r.choice(TRANSFER_REASONS), "to_queue_id": target}))
            self.stats["transfers"] += 1
            c.hops += 1
            self.agent_event_free(end, a, acw=r.random() < 0.5)
            self.at(end + int(r.uniform(0.5, 3) * US), "requeue", c, target)
            return
        self.wrap_and_resolve(end, a, c)

    def agent_event_free(self, t, a, acw):
        r = self.rng
        if acw:
            self.at(t, "acw", a)
            self.at(t + int(r.expovariate(1 / 15) * US) + US, "free", a)
        else:
            self.at(t, "free", a)

    def on_acw(self, t, a):
        self.agent_event(t, a, "after_contact_work")

    def on_free(self, t, a):
        self.free(t, a)

    def on_requeue(self, t, c, target):
        patience = self.queues[target][5]
        self.enqueue(t, c, target, patience)

    def wrap_and_resolve(self, end, a, c):
        r = self.rng
        x = r.random()
        acw = int(r.expovariate(1 / 25) * US) + US
        if x < 0.6:  # WrapUpStarted, WrapUpEnded, Resolved
            c.events.append((end, "wrap_up_started", {}))
            c.events.append((end + acw, "wrap_up_ended", {}))
            done = end + acw + int(r.uniform(0, 2) * US)
        elif x < 0.75:  # WrapUpStarted, Resolved (ends the leg), WrapUpEnded
            c.events.append((end, "wrap_up_started", {}))
            c.events.append((end + acw // 2, "resolved", {}))
            c.events.append((end + acw, "wrap_up_ended", {}))
            done = None
        elif x < 0.82:  # Resolved at hang-up, wrap-up after it (outside the leg)
            c.events.append((end, "resolved", {}))
            c.events.append((end + US, "wrap_up_started", {}))
            c.events.append((end + acw, "wrap_up_ended", {}))
            done = None
        else:  # no wrap-up
            done = end
            acw = 0
        if done is not None:
            c.events.append((done, "resolved", {}))
        if acw:
            self.at(end, "acw", a)
        self.at(end + acw, "free", a)
        self.after_resolution(end + acw + 2 * US, c)

    def chat(self, t, a, c, handle):
        r = self.rng
        dur = max(30 * US, int(r.expovariate(1 / handle) * US))
        end = t + dur
        cursor = t + int(r.uniform(5, 20) * US)
        while cursor < end - 10 * US:
            c.events.append((cursor, "customer_replied", {}))
            if r.random() < 0.3:
                cursor += int(r.uniform(2, 15) * US)
                if cursor >= end - 5 * US:
                    break
                c.events.append((cursor, "customer_replied", {}))  # a second message: the wait goes on
            cursor += int(r.expovariate(1 / 25) * US) + US
            if cursor >= end:
                break
            c.events.append((cursor, "agent_replied", {"agent_id": a.aid}))
            cursor += int(r.expovariate(1 / 30) * US) + US
        if c.hops < 1 and c.queue == "web-chat" and r.random() < 0.05:
            c.events.append((end, "transferred", {"reason": r.choice(TRANSFER_REASONS), "to_queue_id": "chat-vip"}))
            self.stats["transfers"] += 1
            c.hops += 1
            self.at(end, "free", a)
            self.at(end + US, "requeue", c, "chat-vip")
            return
        self.wrap_and_resolve(end, a, c)

    def async_contact(self, t, a, c, handle):
        """Email, social, messaging, ticket: the agent works the first answer, the rest is asynchronous."""
        r = self.rng
        work = max(20 * US, int(r.expovariate(1 / handle) * US))
        self.at(t + work, "free", a)
        cursor = t + work
        if c.chan == "ticket":
            c.events.append((t + US, "status_changed", {"status": "open"}))
        c.events.append((cursor, "agent_replied", {"agent_id": a.aid}))
        rounds = r.choice([0, 1, 1, 2, 3])
        scale = 60 if c.chan == "messaging" else 600
        for _ in range(rounds):
            if c.chan == "ticket" and r.random() < 0.5:
                c.events.append((cursor + US, "status_changed", {"status": r.choice(["pending", "on_hold"])}))
            cursor += int(r.expovariate(1 / scale) * US) + 5 * US
            c.events.append((cursor, "customer_replied", {}))
            if c.chan == "ticket":
                c.events.append((cursor + US, "status_changed", {"status": "open"}))
            if r.random() < 0.2:
                cursor += int(r.uniform(5, 120) * US)
                c.events.append((cursor, "customer_replied", {}))
            cursor += int(r.expovariate(1 / scale) * US) + 5 * US
            c.events.append((cursor, "agent_replied", {"agent_id": a.aid}))
        cursor += int(r.uniform(5, 60) * US)
        if c.chan == "ticket":
            c.events.append((cursor, "status_changed", {"status": "solved"}))
        c.events.append((cursor, "resolved", {}))
        if c.chan in ("ticket", "email") and r.random() < 0.12:
            self.reopen(cursor, c)
            return
        self.after_resolution(cursor, c)

    def reopen(self, closed, c):
        r = self.rng
        self.stats["reopens"] += 1
        t = closed + int(r.uniform(30, 480) * US)  # within the 10 min linger
        c.events.append((t, "reopened", {}))
        c.events.append((t + US, "customer_replied", {}))
        if r.random() < 0.3:
            # Back into the queue: a new wait, answered by whoever is free then.
            self.at(t + 2 * US, "requeue_async", c)
            return
        t2 = t + int(r.uniform(60, 1800) * US)
        c.events.append((t2, "agent_replied", {}))
        c.events.append((t2 + int(r.uniform(5, 60) * US), "resolved", {}))
        self.after_resolution(t2 + 61 * US, c)

    def on_requeue_async(self, t, c):
        c.special = "reopened_requeued"
        self.enqueue(t, c, c.queue, None)

    def after_resolution(self, t, c):
        r = self.rng
        if r.random() < 0.01:
            c.events.append((t, "follow_up_completed", {}))
        if r.random() > 0.3:
            return
        self.stats["surveys"] += 1
        x = r.random()
        f = {}
        if x < 0.4:
            f["csat"] = r.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 5])[0]
        elif x < 0.7:
            f["nps"] = r.choices(range(11), [1, 1, 1, 1, 1, 2, 2, 3, 4, 4, 4])[0]
        else:
            f["csat"] = r.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 5])[0]
            f["nps"] = r.randrange(0, 11)
        y = r.random()
        if y < 0.75:
            ts = t + int(r.uniform(10, 500) * US)  # within the linger
        else:
            ts = t + int(r.uniform(900, 2400) * US)  # after it: the interaction is gone
        if r.random() < 0.2:
            f["queue_id"] = ""  # no queue on the survey: the interaction's, if still held
        c.events.append((ts, "survey_response", f))

    # ---- output ----
    def flush(self):
        """Turns every interaction's lifecycle into envelope events with delivery keys."""
        r = self.rng
        log = self.log
        for c in self.interactions:
            order = {id(e): i for i, e in enumerate(c.events)}
            evs = sorted(c.events, key=lambda e: (e[0], order[id(e)]))  # event time, then lifecycle order
            kinds = [e[1] for e in evs]
            special = c.special in ("answer_before_queued", "abandon_before_queued",
                                    "queued_stamped_after_answer", "queued_stamped_after_answer_in_order")
            if c.special in ("answer_before_queued", "abandon_before_queued"):
                # Queued stamped before its Answered / Abandoned, delivered after it.
                qi = kinds.index("queued")
                oi = kinds.index("answered" if c.special == "answer_before_queued" else "abandoned")
                evs.insert(oi, evs.pop(qi))
            elif c.special == "queued_stamped_after_answer_in_order":
                # Queued stamped after its Answered (a skewed clock), delivered before it.
                ai, qi = kinds.index("answered"), kinds.index("queued")
                evs.insert(ai, evs.pop(qi))
            # queued_stamped_after_answer: time order already delivers the Answered first.
            first_queue = next((f.get("queue_id", c.queue) for _t, k, f in evs if k == "queued"), c.queue)
            cur_queue = None
            prev_key = None
            for t, kind, f in evs:
                # A few events are delayed (never special ones: their bound is
                # their own reordering); an interaction's events keep their order.
                delay = r.randrange(0, MAX_DELAY_US) if not special and r.random() < 0.05 else 0
                key = t + delay
                if prev_key is not None and key < prev_key:
                    key = prev_key
                prev_key = key
                if kind == "queued":
                    cur_queue = f.get("queue_id", c.queue)
                ev = {"event_id": log.new_id(), "occurred_at": t, "interaction_id": c.iid, "channel": c.chan,
                      "queue_id": cur_queue or first_queue, "priority": c.priority, "customer_id": c.customer,
                      "tier": c.tier, "kind": kind}
                ev.update(f)
                log.add(ev, key)
                if r.random() < 0.005:
                    log.add(dict(ev), key + r.randrange(0, 4 * US))  # delivered twice
        log.events.sort(key=lambda x: (x[0], x[1]))
        return [e for _k, _s, e in log.events]


def scenario_for(seed):
    zone, local_start = SCENARIOS[seed % 3]
    z = ZoneInfo(zone)
    start = local_start.replace(tzinfo=z).astimezone(timezone.utc)
    return zone, int(start.timestamp()) * US


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True, help="directory for events.jsonl and scenario.json")
    ap.add_argument("--min-events", type=int, default=100_000)
    ap.add_argument("--hours", type=float, default=7.0)
    ap.add_argument("--scale", type=float, default=2.0, help="arrivals and agents, relative to QUEUES")
    args = ap.parse_args()
    zone, start = scenario_for(args.seed)
    end = start + int(args.hours * 3600 * US)
    floor = Floor(args.seed, start, end, args.scale)
    floor.run()
    events = floor.flush()
    if len(events) < args.min_events:
        print(f"generate.py: only {len(events)} events (< {args.min_events}); raise --hours", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "events.jsonl"), "w") as f:
        for e in events:
            f.write(json.dumps(e, separators=(",", ":")))
            f.write("\n")
    scenario = {
        "seed": args.seed,
        "site_timezone": zone,
        "start_us": start,
        "end_us": end,
        "queues": [{"name": q[0], "channel": q[1], "sl_threshold_s": q[2]} for q in QUEUES],
        "settings": SETTINGS,
        "events": len(events),
        "stats": floor.stats,
    }
    with open(os.path.join(args.out, "scenario.json"), "w") as f:
        json.dump(scenario, f, indent=1)
    print(f"generate.py: seed {args.seed}: {len(events)} events, {floor.stats}, zone {zone}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
