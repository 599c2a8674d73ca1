#!/usr/bin/env python3
"""Reference implementation of the metrics engine's counting contract.

Written from docs/kpis.md and DESIGN.md §5 alone; it shares no code with the
engine (python3 standard library only, zoneinfo for the site zone). It reads
an event log in delivery order (the driver's JSON Lines, engine_driver.cpp)
and computes, at given event counts, what the engine's windows must read:
per scope (queue, channel, overall), the sliding windows, the current and
previous calendar interval and today.

    oracle.py --scenario DIR/scenario.json --events DIR/events.jsonl --at 1000,2000 [--every N]

prints one JSON object per checkpoint (the shape run_oracle.py compares).

How the contract is read, point by point (kpis.md section in brackets):
  [Scopes] a contribution goes to overall, the contact's channel and its
    queue label; the queue is the queue_id of the Queued that started the
    current wait, before any Queued the interaction's first queue_id.
    Surveys use their own queue_id, else the held interaction's queue, else
    channel and overall only.
  [Time] the head is the 10 s bucket of the newest event time seen (the
    worker behind advances to the watermark, always older). Sliding counters
    read the L/10 s newest fine buckets; distributions and reasons the
    ceil(L/5 min) newest 5-minute buckets. Intervals and today are periods
    of the site zone holding the head's bucket start; today counts what was
    applied while the head was in that day. An update whose bucket is 360
    or more buckets behind the head is late and counts nowhere.
  [Queue outcomes] as the table says; a crossing of T is counted when the
    engine's time (the watermark when behind) passes queued_at + T while
    the contact still waits, or when the wait ends after queued_at + T,
    whichever comes first, at queued_at + T. An Answered or Abandoned
    delivered before the interaction's first Queued is counted when that
    Queued comes (offered at the Queued's time, the outcome at its own, the
    wait from min(queued, answered)), a crossing of T included.
  [Handling] voice, video and chat: legs from an Answered of a waiting
    contact to the first WrapUpEnded, Transferred or Resolved.
  [Async channels] first response and next reply for every other channel.
  [Transfers, escalations] reasons: 'unspecified' when empty, the first 64
    distinct ones (transfers and escalations together) their own, then 'other'.
  [Resolution and FCR] first contact = not reopened and not a repeat
    contact; repeat = the customer (non-empty) started another interaction
    in this log within the repeat window before. The repeat-contact index
    is NOT BUILT YET (kpis.md says so): until it is, the contract counts
    resolutions never reopened, and so does this oracle unless the
    scenario's settings say "repeat_contacts": false. Closed interactions are held for
    processing.linger after their close (dropped when the engine's time
    reaches closed_at + linger); a Reopened of a held one reopens it.
  [Agents] spells by the agent's last state, in that event's queue and
    channel; on contact = ON_CONTACT + AFTER_CONTACT_WORK, available =
    AVAILABLE; split at 10 s bucket boundaries; open spells count up to the
    start of the 10 s bucket holding the engine's time (the watermark).
  Duplicates (an event_id seen before) are ignored entirely.
"""
import argparse
import heapq
import json
import sys
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

US = 1_000_000

COUNTER_FIELDS = [
    "offered", "answered", "answered_within_T", "abandoned", "short_abandoned", "abandoned_within_T",
    "abandoned_after_T", "flowed_out", "flowed_out_within_T", "waited_beyond_T", "answered_wait_sum",
    "handled", "talk_sum", "hold_sum", "after_contact_work_sum", "escalations", "transfers", "resolved",
    "resolved_first_contact", "csat_responses", "csat_satisfied", "csat_score_sum", "nps_responses",
    "nps_promoters", "nps_detractors", "agent_on_contact", "agent_available",
]
DISTRIBUTIONS = ["wait", "handle", "first_response", "next_reply", "resolution"]
HANDLED_CHANNELS = {"voice", "video", "chat"}
SYNC_CHANNELS = {"voice", "video"}  # no first response / next reply
MAX_REASONS = 64
CREATING = {"interaction_created", "queued", "answered", "abandoned", "resolved"}


# ---- the site's calendar -------------------------------------------------------------

class Calendar:
    """Periods of the site zone, as [start, end) in unix microseconds."""

    def __init__(self, zone, interval_min):
        self.zone = ZoneInfo(zone)
        self.interval = timedelta(minutes=interval_min)
        self._days = {}

    def _offset(self, t_s):
        return datetime.fromtimestamp(t_s, tz=self.zone).utcoffset()

    def _transition_between(self, a_s, b_s):
        """The first second in (a, b] where the offset differs from a's (None if none)."""
        off = self._offset(a_s)
        if self._offset(b_s) == off:
            return None  # (transitions closer together than an interval do not occur)
        lo, hi = a_s, b_s
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._offset(mid) == off:
                lo = mid
            else:
                hi = mid
        return hi

    def day_of(self, t_us):
        t_s = t_us // US
        d = datetime.fromtimestamp(t_s, tz=self.zone).date()
        if d not in self._days:
            self._days[d] = (self._local_midnight(d), self._local_midnight(d + timedelta(days=1)))
        return self._days[d]

    def _local_midnight(self, d):
        # The first instant whose local date is d: local 00:00 (the earlier one
        # if it occurs twice; the end of the gap if it does not exist).
        guess = int(datetime(d.year, d.month, d.day, tzinfo=self.zone).timestamp())
        while datetime.fromtimestamp(guess - 1, tz=self.zone).date() >= d:
            guess -= 60
        while datetime.fromtimestamp(guess, tz=self.zone).date() < d:
            guess += 1
        return guess * US

    def interval_of(self, t_us):
        t_s = t_us // US
        local = datetime.fromtimestamp(t_s, tz=self.zone)
        off = local.utcoffset()
        naive = local.replace(tzinfo=None)
        midnight = naive.replace(hour=0, minute=0, second=0, microsecond=0)
        k = (naive - midnight) // self.interval
        ls = midnight + k * self.interval
        start_s = int((ls - off).replace(tzinfo=timezone.utc).timestamp())
        end_s = int((ls + self.interval - off).replace(tzinfo=timezone.utc).timestamp())
        # Cut at a zone transition inside it.
        tr = self._transition_between(start_s, t_s) if start_s < t_s else None
        while tr is not None:
            start_s = tr
            tr = self._transition_between(start_s, t_s) if start_s < t_s else None
        tr = self._transition_between(t_s, end_s - 1) if t_s < end_s - 1 else None
        if tr is not None:
            end_s = tr
        return start_s * US, end_s * US


# ---- windows ----------------------------------------------------------------------------

def empty_part():
    return {"counts": Counter(), "dist": {d: [] for d in DISTRIBUTIONS},
            "transfers_by_reason": Counter(), "escalations_by_reason": Counter()}


class Windows:
    def __init__(self, s, calendar):
        self.fine = s["bucket_s"] * US
        self.coarse = s["coarse_bucket_s"] * US
        self.span = max(s["sliding_s"]) * US
        self.fine_n = self.span // self.fine
        self.sliding = [x * US for x in s["sliding_s"]]
        self.cal = calendar
        self.head = None  # fine bucket number
        self.day = None   # (start, end) of the head's day
        self.fine_counts = defaultdict(Counter)   # (scope, fine bucket) -> counts
        self.coarse_parts = defaultdict(empty_part)  # (scope, coarse bucket) -> distributions, reasons
        self.today = defaultdict(empty_part)      # (scope, day start) -> counts, distributions, reasons
        self.scopes = set()
        self.late = 0
        # Reads add these: the open agent spells up to now, at a checkpoint.
        self.overlay_fine = {}
        self.overlay_today = {}

    def observe(self, t):
        n = t // self.fine
        if self.head is None or n > self.head:
            self.head = n
            hs = n * self.fine
            if self.day is None or hs >= self.day[1]:
                self.day = self.cal.day_of(hs)

    def add(self, scopes, t, counts=None, dist=None, reasons=None, never_late=False):
        """One contribution at event time t to each of scopes.

        counts: {field: n}; dist: (distribution, value); reasons: (kind, reason)."""
        self.observe(t)
        n = t // self.fine
        if n <= self.head - self.fine_n and not never_late:
            self.late += 1
            return
        c = t // self.coarse
        in_today = self.day[0] <= t < self.day[1]
        for s in scopes:
            self.scopes.add(s)
            parts = [self.coarse_parts[(s, c)]]
            if in_today:
                parts.append(self.today[(s, self.day[0])])
            if counts:
                fc = self.fine_counts[(s, n)]
                for k, v in counts.items():
                    fc[k] += v
                if in_today:
                    tc = self.today[(s, self.day[0])]["counts"]
                    for k, v in counts.items():
                        tc[k] += v
            for p in parts:
                if dist:
                    p["dist"][dist[0]].append(dist[1])
                if reasons:
                    p[reasons[0]][reasons[1]] += 1

    def add_span(self, scopes, field, a, b, fine_counts=None, today=None):
        """A duration [a, b) of one counter, split at fine bucket boundaries,
        each piece in its bucket; never late (agent time is brought up to the
        head as it moves). Into the windows, or into the given overlay."""
        fine_counts = self.fine_counts if fine_counts is None else fine_counts
        today = self.today if today is None else today
        fine = self.fine
        for n in range(a // fine, (b - 1) // fine + 1):
            d = min(b, (n + 1) * fine) - max(a, n * fine)
            for s in scopes:
                fine_counts[(s, n)][field] += d
        lo, hi = max(a, self.day[0]), min(b, self.day[1])
        for s in scopes:
            self.scopes.add(s)
            if hi > lo:
                today[(s, self.day[0])]["counts"][field] += hi - lo

    # ---- reads ----
    def _view(self, s, f_from, f_to, c_from, c_to, period):
        counts = Counter()
        for src in (self.fine_counts, self.overlay_fine):
            for n in range(f_from, f_to + 1):
                fc = src.get((s, n))
                if fc:
                    counts.update(fc)
        part = empty_part()
        for c in range(c_from, c_to + 1):
            p = self.coarse_parts.get((s, c))
            if p:
                merge(part, p)
        part["counts"] = counts
        part["from"], part["to"] = period
        return part

    def read_sliding(self, s, length):
        k = length // self.fine
        h = self.head
        m = -(-length // self.coarse)
        ch = (h * self.fine) // self.coarse
        return self._view(s, h - k + 1, h, ch - m + 1, ch, ((h - k + 1) * self.fine, (h + 1) * self.fine))

    def read_interval(self, s, period):
        start, end = period
        f_from = -(-start // self.fine)
        f_to = -(-end // self.fine) - 1
        c_from = -(-start // self.coarse)
        c_to = -(-end // self.coarse) - 1
        return self._view(s, f_from, f_to, c_from, c_to, period)

    def read_today(self, s):
        part = empty_part()
        for src in (self.today, self.overlay_today):
            p = src.get((s, self.day[0]))
            if p:
                merge(part, p)
        part["from"], part["to"] = self.day
        return part

    def prune(self):
        """Forgets buckets no read can reach any more (memory only)."""
        if self.head is None:
            return
        oldest_fine = self.head - self.fine_n - 1
        oldest_coarse = (oldest_fine * self.fine) // self.coarse - 2
        for k in [k for k in self.fine_counts if k[1] < oldest_fine]:
            del self.fine_counts[k]
        for k in [k for k in self.coarse_parts if k[1] < oldest_coarse]:
            del self.coarse_parts[k]


def merge(into, p):
    into["counts"].update(p["counts"])
    for d in DISTRIBUTIONS:
        into["dist"][d].extend(p["dist"][d])
    into["transfers_by_reason"].update(p["transfers_by_reason"])
    into["escalations_by_reason"].update(p["escalations_by_reason"])


# ---- interactions -------------------------------------------------------------------------

class Record:
    __slots__ = ("chan", "queue", "created_at", "customer", "repeat", "waiting", "queued_at", "wait_queue",
                 "crossed", "cycle", "ever_queued", "answered_pending", "abandoned_pending", "leg",
                 "first_response_done", "reply_since", "closed", "closed_at", "reopened")

    def __init__(self, chan, queue, t, customer, repeat):
        self.chan, self.queue, self.created_at = chan, queue, t
        self.customer, self.repeat = customer, repeat
        self.waiting = False
        self.queued_at = None
        self.wait_queue = None
        self.crossed = False
        self.cycle = 0
        self.ever_queued = False
        self.answered_pending = None
        self.abandoned_pending = None
        self.leg = None  # [answered_at, hold_start, hold_sum, wrap_start]
        self.first_response_done = False
        self.reply_since = None
        self.closed = False
        self.closed_at = None
        self.reopened = False


class Oracle:
    def __init__(self, scenario):
        st = scenario["settings"]
        self.ooo = st["max_out_of_orderness_s"] * US
        self.short = st["short_abandon_s"] * US
        self.linger = st["linger_s"] * US
        self.repeat_window = st.get("repeat_window_s", 7 * 86400) * US
        self.repeat_contacts = st.get("repeat_contacts", True)
        self.T = {q["name"]: q["sl_threshold_s"] * US for q in scenario["queues"]}
        self.default_T = st.get("default_sl_threshold_s", 20) * US
        self.cal = Calendar(scenario["site_timezone"], st["interval_min"])
        self.w = Windows(st, self.cal)
        self.max_t = None
        self.effective = None
        self.records = {}
        self.timers = []  # (due, seq, kind, iid, cycle)
        self.tseq = 0
        self.repeat_index = {}
        self.reasons = {}  # reason -> its label
        self.agents = {}  # id -> [state, since, queue, chan, accounted_until]
        self.seen = set()
        self.duplicates = 0
        self.events = 0

    # ---- helpers ----
    def scopes(self, queue, chan):
        s = [("overall", ""), ("channel", chan or "unspecified")]
        if queue:
            s.append(("queue", queue))
        return s

    def reason(self, ev):
        """The reason label: 'unspecified' when empty; beyond 64 distinct reasons, 'other'."""
        name = ev.get("reason") or "unspecified"
        if name not in self.reasons:
            self.reasons[name] = name if len(self.reasons) < MAX_REASONS else "other"
        return self.reasons[name]

    def t_of(self, queue):
        return self.T.get(queue, self.default_T)

    def add(self, r_or_scope, t, counts=None, dist=None, reasons=None):
        if isinstance(r_or_scope, Record):
            sc = self.scopes(r_or_scope.queue, r_or_scope.chan)
        else:
            sc = r_or_scope
        self.w.add(sc, t, counts, dist, reasons)

    def timer(self, due, kind, iid, cycle):
        self.tseq += 1
        heapq.heappush(self.timers, (due, self.tseq, kind, iid, cycle))

    def watermark(self):
        return None if self.max_t is None else self.max_t - self.ooo

    def advance(self, now):
        if now is None or (self.effective is not None and now <= self.effective):
            return
        self.effective = now
        # A crossing is known once the engine's time is past queued_at + T:
        # an event stamped exactly at the watermark is still in time, and an
        # answer exactly at T is within T. A closed interaction is dropped
        # once the time reaches closed_at + linger.
        while self.timers and (self.timers[0][0] < now or (self.timers[0][0] == now and self.timers[0][2] == "drop")):
            due, _s, kind, iid, cycle = heapq.heappop(self.timers)
            r = self.records.get(iid)
            if r is None:
                continue
            if kind == "cross":
                if r.waiting and r.cycle == cycle and not r.crossed:
                    r.crossed = True
                    self.add(r, due, {"waited_beyond_T": 1})
            elif kind == "drop":
                if r.closed and r.closed_at + self.linger == due:
                    del self.records[iid]

    # ---- queue outcomes ----
    def end_wait(self, r, t, how):
        """The current wait of r ends at t by how (answered, abandoned, flowed_out)."""
        T = self.t_of(r.queue)
        wait = max(0, t - r.queued_at)
        if wait > T and not r.crossed:
            r.crossed = True
            self.add(r, r.queued_at + T, {"waited_beyond_T": 1})
        if how == "answered":
            c = {"answered": 1, "answered_wait_sum": wait}
            if wait <= T:
                c["answered_within_T"] = 1
            self.add(r, t, c, ("wait", wait))
        elif how == "abandoned":
            c = {"abandoned": 1}
            if wait < self.short:
                c["short_abandoned"] = 1
            c["abandoned_within_T" if wait <= T else "abandoned_after_T"] = 1
            self.add(r, t, c)
        else:
            c = {"flowed_out": 1}
            if wait <= T:
                c["flowed_out_within_T"] = 1
            self.add(r, t, c)
        r.waiting = False

    def end_leg(self, r, t):
        answered_at, hold_start, hold_sum, wrap_start = r.leg
        talk_end = wrap_start if wrap_start is not None else t
        if hold_start is not None:
            hold_sum += talk_end - hold_start
        acw = t - wrap_start if wrap_start is not None else 0
        talk = talk_end - answered_at - hold_sum
        self.add(r, t, {"handled": 1, "talk_sum": talk, "hold_sum": hold_sum, "after_contact_work_sum": acw},
                 ("handle", t - answered_at))
        r.leg = None

    def first_response(self, r, t):
        if r.chan in SYNC_CHANNELS or r.first_response_done:
            return False
        r.first_response_done = True
        self.add(r, t, None, ("first_response", t - r.created_at))
        return True

    # ---- agents ----
    AGENT_FIELDS = {"on_contact": "agent_on_contact", "after_contact_work": "agent_on_contact",
                    "available": "agent_available"}

    def agent_time(self, a, until, overlay=None):
        """Counts agent a's spell from where it was counted to until."""
        state, _since, queue, chan, acc = a
        if until <= acc:
            return
        a[4] = until
        field = self.AGENT_FIELDS.get(state)
        if field is None:
            return
        if overlay:
            self.w.add_span(self.scopes(queue, chan), field, acc, until, *overlay)
        else:
            self.w.add_span(self.scopes(queue, chan), field, acc, until)

    # ---- apply ----
    def apply(self, ev):
        eid = ev["event_id"]
        if eid in self.seen:
            self.duplicates += 1
            return
        self.seen.add(eid)
        self.events += 1
        self.advance(self.watermark())
        t = ev["occurred_at"]
        self.max_t = t if self.max_t is None else max(self.max_t, t)
        self.w.observe(t)
        kind = ev["kind"]
        chan = ev.get("channel") or "unspecified"
        queue = ev.get("queue_id") or ""
        if kind == "agent_state_changed":
            aid = ev.get("agent_id") or ""
            a = self.agents.get(aid)
            if a is not None:
                self.agent_time(a, t)
            self.agents[aid] = [ev.get("agent") or "unspecified", t, queue, chan, t]
            return
        iid = ev["interaction_id"]
        r = self.records.get(iid)
        if r is None:
            if kind == "survey_response":
                self.survey(self.scopes(queue, chan), t, ev)
                return
            if kind not in CREATING:
                return
            wm = self.watermark()
            if wm is not None and t < wm - self.linger:
                return  # refused by the engine: too late for an unknown interaction
            cust = ev.get("customer_id") or ""
            repeat = False
            if cust and self.repeat_contacts:
                prev = self.repeat_index.get(cust)
                repeat = prev is not None and prev < t and t - prev <= self.repeat_window
                if prev is None or t > prev:
                    self.repeat_index[cust] = t
            r = Record(chan, queue, t, cust, repeat)
            self.records[iid] = r
            if kind == "resolved":
                # Nothing known of its life: no resolution to count (kpis.md).
                self.close(r, iid, t)
                return
        if kind == "interaction_created":
            r.created_at = min(r.created_at, t)
        elif kind == "queued":
            self.on_queued(r, iid, t, queue)
        elif kind == "answered":
            if r.waiting:
                self.end_wait(r, t, "answered")
                if r.chan in HANDLED_CHANNELS:
                    r.leg = [t, None, 0, None]
            elif not r.ever_queued and r.answered_pending is None and not r.closed:
                r.answered_pending = t
            self.first_response(r, t)
        elif kind == "abandoned":
            if r.waiting:
                self.end_wait(r, t, "abandoned")
            elif not r.ever_queued and not r.closed:
                r.abandoned_pending = t
            self.close(r, iid, t)
        elif kind == "agent_replied":
            if r.chan not in SYNC_CHANNELS and not self.first_response(r, t) and r.reply_since is not None:
                self.add(r, t, None, ("next_reply", t - r.reply_since))
                r.reply_since = None
        elif kind == "customer_replied":
            if r.chan not in SYNC_CHANNELS and r.first_response_done and r.reply_since is None:
                r.reply_since = t
        elif kind == "held":
            if r.leg and r.leg[1] is None and r.leg[3] is None:
                r.leg[1] = t
        elif kind == "resumed":
            if r.leg and r.leg[1] is not None:
                r.leg[2] += t - r.leg[1]
                r.leg[1] = None
        elif kind == "wrap_up_started":
            if r.leg and r.leg[3] is None:
                if r.leg[1] is not None:
                    r.leg[2] += t - r.leg[1]
                    r.leg[1] = None
                r.leg[3] = t
        elif kind == "wrap_up_ended":
            if r.leg:
                self.end_leg(r, t)
        elif kind == "transferred":
            if r.waiting:
                self.end_wait(r, t, "flowed_out")
            if r.leg:
                self.end_leg(r, t)
            self.add(r, t, {"transfers": 1}, None, ("transfers_by_reason", self.reason(ev)))
        elif kind == "escalated":
            self.add(r, t, {"escalations": 1}, None, ("escalations_by_reason", self.reason(ev)))
        elif kind == "resolved":
            if r.waiting:
                self.end_wait(r, t, "flowed_out")
            if r.leg:
                self.end_leg(r, t)
            c = {"resolved": 1}
            if not r.reopened and not r.repeat:
                c["resolved_first_contact"] = 1
            self.add(r, t, c, ("resolution", t - r.created_at))
            self.close(r, iid, t)
        elif kind == "reopened":
            if r.closed:
                r.closed = False
                r.reopened = True
        elif kind == "survey_response":
            self.survey(self.scopes(queue or r.queue, chan if chan != "unspecified" else r.chan), t, ev)
        # status_changed, sentiment_observed, follow_up_completed: no windowed KPI.

    def on_queued(self, r, iid, t, queue):
        if not r.ever_queued and r.answered_pending is not None:
            r.ever_queued = True
            if queue:
                r.queue = queue
            r.queued_at = min(t, r.answered_pending)
            self.add(r, t, {"offered": 1})
            r.waiting, r.crossed = True, False
            self.end_wait(r, r.answered_pending, "answered")
            if r.chan in HANDLED_CHANNELS:
                r.leg = [r.answered_pending, None, 0, None]
            r.answered_pending = None
            return
        if r.closed and not r.ever_queued and r.abandoned_pending is not None and t < r.closed_at:
            r.ever_queued = True
            if queue:
                r.queue = queue
            r.queued_at = t
            self.add(r, t, {"offered": 1})
            r.waiting, r.crossed = True, False
            self.end_wait(r, r.abandoned_pending, "abandoned")
            r.abandoned_pending = None
            return
        if r.closed and t < r.closed_at:
            return  # rejected: stamped before the close of a finished life
        if r.waiting:
            self.end_wait(r, t, "flowed_out")
        if queue:
            r.queue = queue
        r.ever_queued = True
        r.waiting, r.crossed = True, False
        r.queued_at = t
        r.cycle += 1
        self.add(r, t, {"offered": 1})
        self.timer(t + self.t_of(r.queue), "cross", iid, r.cycle)

    def close(self, r, iid, t):
        r.closed = True
        r.closed_at = t
        self.timer(t + self.linger, "drop", iid, 0)

    def survey(self, scopes, t, ev):
        csat = ev.get("csat") or 0
        nps = ev.get("nps")
        nps = -1 if nps is None else nps
        if 1 <= csat <= 5:
            c = {"csat_responses": 1, "csat_score_sum": csat}
            if csat >= 4:
                c["csat_satisfied"] = 1
            self.w.add(scopes, t, c)
        if 0 <= nps <= 10:
            c = {"nps_responses": 1}
            if nps >= 9:
                c["nps_promoters"] = 1
            if nps <= 6:
                c["nps_detractors"] = 1
            self.w.add(scopes, t, c)

    # ---- checkpoint ----
    def checkpoint(self):
        """What the engine's windows must read now (after advancing to the watermark)."""
        self.advance(self.watermark())
        # Open agent spells count up to the start of the bucket holding the
        # engine's time (the watermark, after the advance above): into an
        # overlay the reads add, so the windows themselves stay as they are.
        overlay = (defaultdict(Counter), defaultdict(empty_part))
        wm = self.watermark()
        cut = None if wm is None else (wm // self.w.fine) * self.w.fine
        for a in self.agents.values():
            if cut is not None:
                self.agent_time(list(a), cut, overlay)
        self.w.overlay_fine, self.w.overlay_today = overlay
        out = self.read()
        self.w.overlay_fine, self.w.overlay_today = {}, {}
        return out

    def read(self):
        w = self.w
        head_t = w.head * w.fine
        cur = self.cal.interval_of(head_t)
        prev = self.cal.interval_of(cur[0] - 1)
        scopes = {}
        for s in sorted(w.scopes):
            views = {}
            for length in w.sliding:
                views[f"sliding_{length // US}s"] = export(w.read_sliding(s, length))
            views["current_interval"] = export(w.read_interval(s, cur))
            views["previous_interval"] = export(w.read_interval(s, prev))
            views["today"] = export(w.read_today(s))
            scopes[f"{s[0]}:{s[1]}"] = {"kind": s[0], "name": s[1], "views": views}
        return {"events": self.events, "duplicates": self.duplicates, "max_event_time": self.max_t,
                "watermark": self.watermark(), "head": head_t, "late": w.late, "scopes": scopes}


def copy_part(p):
    q = empty_part()
    merge(q, p)
    return q


# q as an exact fraction: rank = max(1, ceil(q * n)) without float surprises.
QUANTILES = {"p50": (1, 2), "p90": (9, 10), "p99": (99, 100)}


def quantile(sorted_values, q):
    """The value at rank max(1, ceil(q * n)) of the sorted values (None if empty)."""
    n = len(sorted_values)
    if n == 0:
        return None
    num, den = QUANTILES[q]
    rank = max(1, min(n, -(-(num * n) // den)))
    return sorted_values[rank - 1]


def export(part):
    """A view as plain data: counts, per distribution the sorted values, reasons."""
    counts = {k: part["counts"].get(k, 0) for k in COUNTER_FIELDS}
    hist = {}
    for d in DISTRIBUTIONS:
        v = sorted(part["dist"][d])
        hist[d] = {"count": len(v), "sum": sum(v), "min": v[0] if v else None, "max": v[-1] if v else None,
                   **{q: quantile(v, q) for q in QUANTILES}}
    return {"from": part["from"], "to": part["to"], "counts": counts, "histograms": hist,
            "transfers_by_reason": dict(part["transfers_by_reason"]),
            "escalations_by_reason": dict(part["escalations_by_reason"])}


def summary(counts):
    """DESIGN.md §5's ratios from a view's counts (default service-level formula)."""
    c = counts

    def ratio(a, b):
        return None if b <= 0 else a / b

    sl_den = c["answered"] + c["abandoned"] - c["short_abandoned"]
    handled = c["handled"]
    return {
        "service_level": ratio(c["answered_within_T"], sl_den),
        "abandonment_rate": ratio(c["abandoned"] - c["short_abandoned"], c["offered"] - c["short_abandoned"]),
        "average_speed_of_answer": ratio(c["answered_wait_sum"] / US, c["answered"]),
        "average_handle_time": ratio((c["talk_sum"] + c["hold_sum"] + c["after_contact_work_sum"]) / US, handled),
        "transfer_rate": ratio(c["transfers"], handled),
        "escalation_rate": ratio(c["escalations"], handled),
        "first_contact_resolution": ratio(c["resolved_first_contact"], c["resolved"]),
        "csat_share": ratio(c["csat_satisfied"], c["csat_responses"]),
        "csat_mean": ratio(c["csat_score_sum"], c["csat_responses"]),
        "net_promoter_score": None if c["nps_responses"] <= 0 else
        100.0 * (c["nps_promoters"] - c["nps_detractors"]) / c["nps_responses"],
        "occupancy": ratio(c["agent_on_contact"], c["agent_on_contact"] + c["agent_available"]),
    }


def run(scenario, events_path, checkpoints, every=0):
    """Applies the log; returns the expected reads after each event count in checkpoints
    (and every `every` events), plus one after the last event."""
    o = Oracle(scenario)
    out = []
    n = 0
    with open(events_path) as f:
        for line in f:
            if not line.strip():
                continue
            o.apply(json.loads(line))
            n += 1
            if (every and n % every == 0) or n in checkpoints:
                out.append(o.checkpoint())
                out[-1]["events_in"] = n
            if n % 20000 == 0:
                o.w.prune()
    if not out or out[-1]["events_in"] != n:
        out.append(o.checkpoint())
        out[-1]["events_in"] = n
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--at", default="")
    ap.add_argument("--every", type=int, default=0)
    args = ap.parse_args()
    with open(args.scenario) as f:
        scenario = json.load(f)
    at = {int(x) for x in args.at.split(",") if x}
    for cp in run(scenario, args.events, at, args.every):
        print(json.dumps(cp, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
