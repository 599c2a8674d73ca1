// SLA clocks of a partition: every target type of DESIGN.md §6, cycles,
// pauses, cancel paths and the alerts they raise. The counting of KPIs is in
// partition.cpp; both are driven from partition::apply.
#include <algorithm>
#include <optional>
#include <utility>

#include "engine/partition.h"
#include "model/stable_hash.h"

namespace ccpulse::engine {

namespace {
bool pauses(const sla::target& t, ticket_status s) {
  return s != ticket_status::unspecified &&
         std::find(t.pause_statuses.begin(), t.pause_statuses.end(), s) != t.pause_statuses.end();
}
bool is_detractor(const event& e) { return (e.csat >= 1 && e.csat <= 2) || (e.nps >= 0 && e.nps <= 6); }
// An agent has responded: an async first response was counted, or any
// channel's contact was answered (first_responded is kept for async only).
bool agent_responded(const interaction_record& r) {
  return (r.flags & first_responded) || r.answered_at != instant{};
}
}  // namespace

sla::match_context partition::match_of(const interaction_record& r) const {
  sla::match_context c{r.chan, _ctx.queues.name(r.queue), r.priority, _ctx.tiers.name(r.tier), {}};
  for (std::size_t i = 0; i < r.attributes.size(); ++i)
    c.attributes[i] = _ctx.attributes.name(r.attributes[i]);
  return c;
}

bool partition::take_attributes(interaction_record& r, const event& e) {
  bool changed = false;
  for (std::size_t i = 0; i < r.attributes.size(); ++i) {
    if (e.attributes[i].empty()) continue;  // not sent: the interaction keeps what it had
    const auto v = _ctx.attributes.intern(e.attributes[i]);
    if (v == r.attributes[i]) continue;
    r.attributes[i] = v;
    changed = true;
  }
  return changed;
}

const sla::sla_clock* partition::clock_of(std::uint64_t key, const interaction_record& r,
                                          sla::target_type t) const {
  if (!(r.clock_mask & clock_bit(t))) return nullptr;
  if (t == sla::target_type::answer) return &r.answer;
  auto it = _clocks.find({key, t});
  return it == _clocks.end() ? nullptr : &it->second;
}

sla::sla_clock* partition::clock_of(std::uint64_t key, interaction_record& r, sla::target_type t) {
  return const_cast<sla::sla_clock*>(std::as_const(*this).clock_of(key, r, t));
}

sla::sla_clock& partition::make_clock(std::uint64_t key, interaction_record& r, sla::target_type t) {
  r.clock_mask |= clock_bit(t);
  return t == sla::target_type::answer ? r.answer : _clocks[{key, t}];
}

const sla::target* partition::target_of(const sla::sla_clock& c) const {
  return _ctx.policies.policies()[c.policy].find(c.target);
}

bool partition::has_running_clock(std::uint64_t key, const interaction_record& r) {
  for (int i = 0; i < sla::target_type_count; ++i) {
    const auto* c = clock_of(key, r, static_cast<sla::target_type>(i));
    if (c && c->running) return true;
  }
  return false;
}

void partition::start_clock(std::uint64_t key, interaction_record& r, sla::target_type t, instant start,
                            outputs& out) {
  auto* existing = clock_of(key, r, t);
  if (existing && existing->running) stop_clock(key, r, t, start, false, out);
  const auto choice = _ctx.policies.select(t, match_of(r));
  if (!choice) return;
  // The answer target counts queue cycles (its ids predate the others);
  // every other target counts its own.
  const std::uint32_t cycle =
      t == sla::target_type::answer ? r.queue_cycle : (existing ? existing->cycle + 1 : 1);
  auto& c = existing ? *existing : make_clock(key, r, t);
  c.target = t;
  c.policy = choice->policy_index;
  c.cycle = cycle;
  sla::start_cycle(c, start, sla::goal_of(*choice->tgt, r.priority), pauses(*choice->tgt, r.status),
                   calendar(c));
  schedule_clock_timer(key, c);
  note_clock(r, c, false, false, start, duration{}, out);
}

void partition::schedule_clock_timer(std::uint64_t key, sla::sla_clock& c) {
  _wheel.cancel(c.timer);
  c.timer = wheel::no_timer;
  if (!c.running || c.paused || c.breached_sent) return;
  if (!c.at_risk_sent && c.at_risk_at < c.deadline)
    c.timer = _wheel.schedule(c.at_risk_at, {key, c.cycle, timer_kind::at_risk, c.target});
  else
    c.timer = _wheel.schedule(c.deadline + _ctx.settings.breach_grace,
                              {key, c.cycle, timer_kind::deadline, c.target});
}

void partition::settle_passed(const interaction_record& r, sla::sla_clock& c, instant t, outputs& out) {
  if (c.paused) return;  // nothing moved since the pause settled it
  if (!c.at_risk_sent && !c.breached_sent && c.at_risk_at < c.deadline && t >= c.at_risk_at)
    emit(r, c, sla::alert_kind::at_risk, c.at_risk_at, true, out);
  if (t > c.deadline && !c.breached_sent) emit(r, c, sla::alert_kind::breached, c.deadline, true, out);
}

void partition::settle_running(std::uint64_t key, interaction_record& r, instant t, outputs& out) {
  for (int i = 0; i < sla::target_type_count; ++i)
    if (auto* c = clock_of(key, r, static_cast<sla::target_type>(i)); c && c->running)
      settle_passed(r, *c, t, out);
}

void partition::stop_clock(std::uint64_t key, interaction_record& r, sla::target_type target, instant t,
                           bool met, outputs& out) {
  auto* c = clock_of(key, r, target);
  if (!c || !c->running) return;
  _wheel.cancel(c->timer);
  c->timer = wheel::no_timer;
  // In event time the clock passed its at-risk point or deadline before it
  // stopped, but the partition had not reached it yet (behind, on its
  // watermark): say so after the fact, as live processing would have, so
  // the alert set does not depend on how far behind the partition was.
  const bool breached_before = c->breached_sent;
  settle_passed(r, *c, t, out);
  if (!breached_before && c->breached_sent) {
    if (out.record_clocks) note_clock(r, *c, true, false, t, sla::elapsed(*c, t, calendar(*c)), out);
    c->running = false;
    return;
  }
  if (c->breached_sent && !c->paused && t <= c->deadline) {
    // The breach went out (its grace passed) before this event, stamped in
    // time, arrived: take it back.
    emit(r, *c, sla::alert_kind::retracted, t, false, out);
  } else if (c->at_risk_sent && !c->breached_sent) {
    emit(r, *c, met ? sla::alert_kind::recovered : sla::alert_kind::cancelled, t, false, out);
  }
  c->consumed = sla::elapsed(*c, t, calendar(*c));
  c->running = false;
  c->paused = false;
  note_clock(r, *c, true, met, t, c->consumed, out);
}

void partition::stop_clocks_at_close(std::uint64_t key, interaction_record& r, instant t, bool resolved,
                                     outputs& out) {
  for (int i = 0; i < sla::target_type_count; ++i) {
    const auto tt = static_cast<sla::target_type>(i);
    if (tt == sla::target_type::detractor_follow_up) continue;  // follows the survey, not the contact
    stop_clock(key, r, tt, t, resolved && tt == sla::target_type::resolution, out);
  }
}

void partition::rematch_clocks(std::uint64_t key, interaction_record& r, instant t,
                               metrics::queue_index queue_before, std::uint32_t priority_before,
                               outputs& out) {
  const auto mc = match_of(r);
  for (int i = 0; i < sla::target_type_count; ++i) {
    const auto tt = static_cast<sla::target_type>(i);
    if (tt == sla::target_type::answer) continue;  // every Queued starts its own cycle
    auto* c = clock_of(key, r, tt);
    const auto choice = _ctx.policies.select(tt, mc);
    if (!c) {
      // Measured from creation: starts once a policy matches (e.g. the
      // ticket reached a queue), from the creation time.
      if (choice && r.state != lifecycle::closed &&
          (tt == sla::target_type::first_response || tt == sla::target_type::resolution) &&
          !(tt == sla::target_type::first_response && agent_responded(r)))
        start_clock(key, r, tt, r.created_at, out);
      continue;
    }
    if (!c->running) continue;
    if (choice && choice->policy_index == c->policy) {
      // Same policy, maybe another priority: new goals for the same cycle.
      // A partition behind (on its watermark) may not have fired what the
      // clock passed before this event: raise it first, as live processing
      // did, and keep a breached cycle's deadline.
      if (c->breached_sent) continue;  // settled by on_queued (settle_running): the deadline stands
      if (!c->paused) {
        sla::pause(*c, t, calendar(*c));
        sla::resume(*c, t, sla::goal_of(*choice->tgt, r.priority), calendar(*c));
        schedule_clock_timer(key, *c);
      }
      continue;
    }
    // Another policy (or none) applies now: this cycle is cancelled, and the
    // new policy carries on with the time already run, as a new cycle.
    const sla::sla_clock before = *c;
    {
      // The cancelled cycle is reported with the queue and priority it ran
      // under, as what it passed before this Queued is (on_queued).
      const auto queue_now = r.queue;
      const auto priority_now = r.priority;
      r.queue = queue_before;
      r.priority = priority_before;
      stop_clock(key, r, tt, t, false, out);
      r.queue = queue_now;
      r.priority = priority_now;
    }
    if (!choice) continue;
    c = clock_of(key, r, tt);
    c->policy = choice->policy_index;
    c->cycle = before.cycle + 1;
    c->started_at = before.started_at;
    c->consumed = sla::elapsed(before, t, calendar(before));
    c->running = true;
    c->paused = true;
    c->at_risk_sent = false;
    c->breached_sent = false;
    if (!pauses(*choice->tgt, r.status))
      sla::resume(*c, t, sla::goal_of(*choice->tgt, r.priority), calendar(*c));
    schedule_clock_timer(key, *c);
    note_clock(r, *c, false, false, t, c->consumed, out);
  }
}

void partition::on_status(std::uint64_t key, interaction_record& r, ticket_status s, instant t,
                          outputs& out) {
  r.status = s;
  for (int i = 0; i < sla::target_type_count; ++i) {
    auto* c = clock_of(key, r, static_cast<sla::target_type>(i));
    if (!c || !c->running) continue;
    const auto* tg = target_of(*c);
    if (!tg) continue;
    if (pauses(*tg, s) && !c->paused) {
      const bool breached_before = c->breached_sent;
      settle_passed(r, *c, t, out);
      if (c->breached_sent) {
        // Breached before the pause: final for this cycle. Unless the breach
        // went out before this pause, stamped in time, arrived: then it is
        // taken back and the clock carries on paused as the next cycle, so
        // what it raises later has ids of its own. (Answer cycles are queue
        // cycles: their breach stays final.)
        if (!breached_before || t > c->deadline || c->target == sla::target_type::answer) {
          // Its run time still stops, so a cycle continuing it under
          // another policy (rematch_clocks) carries running time only.
          sla::pause(*c, t, calendar(*c));
          continue;
        }
        emit(r, *c, sla::alert_kind::retracted, t, false, out);
        c->consumed = sla::elapsed(*c, t, calendar(*c));
        // The retracted cycle ends here (unmet); its continuation starts.
        note_clock(r, *c, true, false, t, c->consumed, out);
        c->cycle += 1;
        c->paused = true;
        c->at_risk_sent = false;
        c->breached_sent = false;
        schedule_clock_timer(key, *c);
        note_clock(r, *c, false, false, t, c->consumed, out);
        mark(key, r);
        continue;
      }
      sla::pause(*c, t, calendar(*c));
      schedule_clock_timer(key, *c);
    } else if (!pauses(*tg, s) && c->paused) {
      const instant broken = c->deadline;
      sla::resume(*c, t, sla::goal_of(*tg, r.priority), calendar(*c));
      if (c->breached_sent) c->deadline = broken;  // a breached cycle keeps the deadline it missed
      schedule_clock_timer(key, *c);
    }
  }
}

void partition::on_sla_message(std::uint64_t key, interaction_record& r, const event& e, outputs& out) {
  const instant t = e.occurred_at;
  if (e.kind == event_kind::customer_replied) {
    // One next_reply cycle per customer message after an agent reply; more
    // messages before the reply do not restart it.
    const bool agent_spoke = agent_responded(r);
    auto* c = clock_of(key, r, sla::target_type::next_reply);
    if (agent_spoke && r.state != lifecycle::closed && !(c && c->running))
      start_clock(key, r, sla::target_type::next_reply, t, out);
    return;
  }
  stop_clock(key, r, sla::target_type::first_response, t, true, out);
  stop_clock(key, r, sla::target_type::next_reply, t, true, out);
  stop_clock(key, r, sla::target_type::escalation_response, t, true, out);
  // Each agent reply meets the periodic update due and starts the next.
  stop_clock(key, r, sla::target_type::periodic_update, t, true, out);
  if (r.state != lifecycle::closed) start_clock(key, r, sla::target_type::periodic_update, t, out);
}

void partition::on_detractor_survey(const event& e, outputs& out) {
  if (!is_detractor(e)) return;
  const auto key = stable_hash(e.interaction_id);
  auto it = _interactions.find(key);
  if (it != _interactions.end() && !(it->second.id == e.interaction_id)) return;  // hash collision: KPI only
  if (it == _interactions.end()) {
    // The contact's record is gone (after its linger): the follow-up gets a
    // closed record of its own, kept while its clock runs.
    if (!_ctx.policies.select(sla::target_type::detractor_follow_up,
                              {e.chan, e.queue_id, e.priority, e.customer_tier, e.attributes}))
      return;
    if (_interactions.size() >= _ctx.settings.max_open_interactions) {
      ++_probe.refused_interactions;
      return;
    }
    auto& r = _interactions.try_emplace(key).first->second;
    r.id.assign(e.interaction_id);
    r.created_at = r.closed_at = e.occurred_at;
    r.chan = e.chan;
    r.priority = e.priority;
    r.queue = _ctx.queues.intern(e.queue_id);
    r.tier = _ctx.tiers.intern(e.customer_tier);
    take_attributes(r, e);
    r.state = lifecycle::closed;
    it = _interactions.find(key);
    schedule_housekeeping(key, it->second);
  }
  auto& r = it->second;
  // One follow-up per interaction: a second detractor survey adds nothing.
  if (clock_of(key, r, sla::target_type::detractor_follow_up)) return;
  mark(key, r);
  start_clock(key, r, sla::target_type::detractor_follow_up, e.occurred_at, out);
}

void partition::describe(const interaction_record& r, sla::sla_alert& a) const {
  a.chan = r.chan;
  a.queue = _ctx.queues.name(r.queue);
  a.priority = r.priority;
  a.tier = _ctx.tiers.name(r.tier);
  const auto& keys = _ctx.policies.attribute_keys();
  for (std::size_t i = 0; i < keys.size() && i < a.attributes.size(); ++i) {
    const auto v = _ctx.attributes.name(r.attributes[i]);
    if (!v.empty()) a.attributes[i] = {keys[i], v};
  }
}

void partition::check_escalations(std::uint64_t key, interaction_record& r, const event& e, outputs& out) {
  if (r.state == lifecycle::closed) return;
  const auto choice = _ctx.policies.select_escalation(match_of(r));
  if (!choice) return;
  const auto& pol = *choice->chosen;
  for (std::size_t i = 0; i < pol.escalate.size(); ++i) {
    const std::size_t n = pol.first_rule + i;
    if (n >= sla::max_escalation_rules) break;
    const auto sent = static_cast<std::uint16_t>(1u << n);
    if (r.escalations_sent & sent) continue;
    const auto& rule = pol.escalate[i];
    std::optional<double> score;
    if (rule.sentiment_below) {
      if (e.kind != event_kind::sentiment_observed || !(e.sentiment < *rule.sentiment_below)) continue;
      score = e.sentiment;
    } else if (!(rule.repeat_contact && (r.flags & repeat_contact))) {
      continue;
    }
    r.escalations_sent = static_cast<std::uint16_t>(r.escalations_sent | sent);
    mark(key, r);
    auto& a = out.alerts.emplace_back();
    a.kind = sla::alert_kind::escalation;
    a.policy = pol.name;
    a.rule = rule.name;
    a.sentiment = score;
    a.interaction_id.assign(r.id.view());
    a.alert_id = sla::make_escalation_id(r.id.view(), pol.name, rule.name);
    describe(r, a);
    a.level = rule.level;
    a.event_time = std::max(_effective, e.occurred_at);
    ++_probe.alerts[static_cast<std::size_t>(sla::alert_kind::escalation)];
  }
}

void partition::drop_clocks(std::uint64_t key, interaction_record& r) {
  for (int i = 0; i < sla::target_type_count; ++i) {
    const auto tt = static_cast<sla::target_type>(i);
    if (!(r.clock_mask & clock_bit(tt))) continue;
    if (tt == sla::target_type::answer) {
      _wheel.cancel(r.answer.timer);
      r.answer = sla::sla_clock{};
      continue;
    }
    auto it = _clocks.find({key, tt});
    if (it == _clocks.end()) continue;
    _wheel.cancel(it->second.timer);
    _clocks.erase(it);
  }
  r.clock_mask = 0;
}

void partition::census(clock_census& census) const {
  // Counting needs only the clock; the interaction (id, queue) is looked up
  // for the few clocks that make the nearest list. A clock never outlives
  // its interaction (drop_clocks), so every clock counts.
  auto count = [&](const sla::sla_clock& c) {
    if (!c.running) return false;
    const auto cond = c.paused          ? clock_condition::paused
                      : c.breached_sent ? clock_condition::breached
                      : c.at_risk_sent  ? clock_condition::at_risk
                                        : clock_condition::ok;
    census.count(c.target, cond);
    return !c.paused && !c.breached_sent && census.wants(c.deadline);
  };
  auto offer = [&](const interaction_record& r, const sla::sla_clock& c) {
    census.offer({std::string(r.id.view()), _ctx.queues.name(r.queue),
                  _ctx.policies.policies()[c.policy].name, c.target, c.cycle, c.started_at, c.deadline,
                  c.at_risk_sent});
  };
  _interactions.for_each_record([&](const interaction_record& r) {
    if ((r.clock_mask & answer_clock_bit) && count(r.answer)) offer(r, r.answer);
  });
  for (const auto& [k, c] : _clocks) {
    if (!count(c)) continue;
    if (auto it = _interactions.find(k.interaction); it != _interactions.end()) offer(it->second, c);
  }
}

void partition::on_timer(instant due, const timer_payload& p, bool live, outputs& out) {
  if (p.what == timer_kind::housekeeping) {
    on_housekeeping(p.key, due);
    return;
  }
  auto it = _interactions.find(p.key);
  if (it == _interactions.end()) return;
  auto& r = it->second;
  auto* c = clock_of(p.key, r, p.target);
  if (!c || !c->running || c->paused || c->cycle != p.cycle) return;
  const bool late = !live || _effective - due > _ctx.settings.late_tolerance;
  mark(p.key, r);
  const auto raised_before = out.alerts.size();
  if (p.what == timer_kind::at_risk) {
    emit(r, *c, sla::alert_kind::at_risk, due, late, out);
    c->timer = _wheel.schedule(c->deadline + _ctx.settings.breach_grace,
                               {p.key, c->cycle, timer_kind::deadline, c->target});
  } else {
    // Said at the deadline (elapsed = the target), raised after the grace.
    emit(r, *c, sla::alert_kind::breached, c->deadline, late, out);
    // The breach is final for this cycle; the clock keeps no timer.
    c->timer = wheel::no_timer;
  }
  if (out.alerts.size() > raised_before) out.alerts.back().due = due;
}

void partition::note_clock(const interaction_record& r, const sla::sla_clock& c, bool stopped, bool met,
                           instant t, duration elapsed, outputs& out) const {
  if (!out.record_clocks) return;
  auto& n = out.clocks.emplace_back();
  n.kind = stopped ? clock_event::what::stopped : clock_event::what::started;
  n.met = met;
  n.interaction_id.assign(r.id.view());
  n.policy = _ctx.policies.policies()[c.policy].name;
  n.target = c.target;
  n.cycle = c.cycle;
  n.queue = _ctx.queues.name(r.queue);
  n.at = t;
  n.elapsed = elapsed;
  n.alerts_before = out.alerts.size();
}

void partition::emit(const interaction_record& r, sla::sla_clock& c, sla::alert_kind kind, instant at,
                     bool late, outputs& out) {
  switch (kind) {
    case sla::alert_kind::at_risk:
      if (c.at_risk_sent) return;
      c.at_risk_sent = true;
      break;
    case sla::alert_kind::breached:
      if (c.breached_sent) return;
      c.breached_sent = true;
      break;
    default:
      break;
  }
  const auto& pol = _ctx.policies.policies()[c.policy];
  auto& a = out.alerts.emplace_back();
  a.kind = kind;
  a.policy = pol.name;
  a.target = c.target;
  a.cycle = c.cycle;
  a.interaction_id.assign(r.id.view());
  a.alert_id = sla::make_alert_id(r.id.view(), pol.name, a.target, c.cycle, kind);
  describe(r, a);
  a.started_at = c.started_at;
  a.deadline = c.deadline;
  a.elapsed = sla::elapsed(c, at, calendar(c));
  const auto* tg = target_of(c);
  a.remaining = tg ? std::max(duration{0}, tg->for_priority(r.priority) - a.elapsed) : duration{0};
  a.level = sla::severity_of(kind);
  a.event_time = std::max(_effective, at);
  a.late = late;
  ++_probe.alerts[static_cast<std::size_t>(kind)];
}

}  // namespace ccpulse::engine
