#include "engine/partition.h"

#include <algorithm>
#include <functional>

namespace ccpulse::engine {

namespace {
std::uint64_t hash_id(std::string_view s) { return std::hash<std::string_view>{}(s); }

using heap_entry = std::pair<instant, std::uint64_t>;
// std heaps are max-heaps: order so the oldest entry is on top.
constexpr auto later = [](const heap_entry& a, const heap_entry& b) { return a.first > b.first; };
}  // namespace

partition::partition(std::int32_t id, engine_context& ctx, instant start)
    : _id(id), _ctx(ctx), _effective(start), _wheel(start), _dedup(ctx.settings.dedup_horizon) {}

metrics::queue_counters& partition::counters(metrics::queue_index q) {
  if (q >= _queues.size()) {
    _queues.resize(static_cast<std::size_t>(q) + 1);
    _waiting_heaps.resize(static_cast<std::size_t>(q) + 1);
  }
  return _queues[q];
}

interaction_record* partition::find_or_create(std::uint64_t key, const event& e, bool& collision) {
  collision = false;
  // Only events that start or advance a lifecycle create state; a survey or a
  // late Resolved for an interaction already dropped after its linger must
  // not leave a record that nothing will ever remove.
  const bool creates = e.kind == event_kind::interaction_created || e.kind == event_kind::queued ||
                       e.kind == event_kind::answered;
  if (!creates) {
    auto it = _interactions.find(key);
    if (it == _interactions.end()) return nullptr;
    if (!(it->second.id == e.interaction_id)) {
      collision = true;
      return nullptr;
    }
    return &it->second;
  }
  auto [it, inserted] = _interactions.try_emplace(key);
  auto& r = it->second;
  if (!inserted) {
    if (!(r.id == e.interaction_id)) {
      collision = true;
      return nullptr;
    }
    return &r;
  }
  r.id.assign(e.interaction_id);
  r.created_at = e.occurred_at;
  r.chan = e.chan;
  r.priority = e.priority;
  r.queue = _ctx.queues.intern(e.queue_id);
  r.tier = _ctx.tiers.intern(e.customer_tier);
  return &r;
}

apply_result partition::apply(const event& e, outputs& out) {
  if (!_dedup.admit(hash_id(e.event_id), e.occurred_at)) {
    ++_probe.duplicates;
    return {apply_status::duplicate, "duplicate", false};
  }
  apply_result result;
  if (_max_event_time != instant_min && e.occurred_at < watermark()) {
    result.late = true;
    ++_probe.late;
  }
  _max_event_time = std::max(_max_event_time, e.occurred_at);

  if (e.kind == event_kind::agent_state_changed) {
    ++_probe.applied;
    return result;
  }

  const auto key = hash_id(e.interaction_id);
  bool collision = false;
  auto* r = find_or_create(key, e, collision);
  if (collision) {
    ++_probe.rejected;
    return {apply_status::rejected, "interaction_id_hash_collision", result.late};
  }
  if (!r) {
    // No state for this interaction (never seen, or dropped after its linger).
    const bool lifecycle_event = e.kind == event_kind::abandoned || e.kind == event_kind::transferred ||
                                 e.kind == event_kind::resolved;
    if (lifecycle_event) ++_probe.out_of_order;
    ++_probe.applied;
    return result;
  }
  // A lingering (closed) interaction is reopened only by a new queue entry.
  switch (e.kind) {
    case event_kind::queued: on_queued(key, *r, e, out); break;
    case event_kind::answered: on_answered(*r, e, out); break;
    case event_kind::abandoned:
      on_abandoned(*r, e, out);
      close(key, *r, e.occurred_at);
      break;
    case event_kind::transferred:
      if (r->state == lifecycle::waiting) {
        on_left_queue(*r, e.occurred_at, out);
        r->state = lifecycle::created;
      }
      break;
    case event_kind::resolved:
      if (r->state == lifecycle::waiting) on_left_queue(*r, e.occurred_at, out);
      close(key, *r, e.occurred_at);
      break;
    case event_kind::interaction_created:
      if (r->created_at > e.occurred_at) r->created_at = e.occurred_at;
      break;
    default:
      break;
  }
  ++_probe.applied;
  return result;
}

void partition::on_queued(std::uint64_t key, interaction_record& r, const event& e,
                          outputs& out) {
  const instant t = e.occurred_at;
  if (r.state == lifecycle::answered && r.queued_at == instant{} && t <= r.answered_at) {
    // Queued arrived after its Answered: count both now, no clock to run.
    r.queued_at = t;
    auto& q = counters(r.queue);
    ++q.offered;
    ++q.answered;
    q.answered_wait_sum += r.answered_at - t;
    if (r.answered_at - t <= _ctx.sl_threshold(r.queue)) ++q.answered_within_threshold;
    ++_probe.out_of_order;
    return;
  }
  if (r.state == lifecycle::waiting) on_left_queue(r, t, out);  // re-queued without answer
  if (r.state == lifecycle::closed && _wheel.cancel(r.linger_timer))
    r.linger_timer = wheel::no_timer;
  if (!e.queue_id.empty()) r.queue = _ctx.queues.intern(e.queue_id);
  if (e.priority != 0) r.priority = e.priority;

  auto& q = counters(r.queue);
  ++q.offered;
  ++q.waiting;
  auto& heap = _waiting_heaps[r.queue];
  heap.emplace_back(t, key);
  std::push_heap(heap.begin(), heap.end(), later);
  // Stale entries leave only from the top; one contact stuck in the queue
  // (its Abandoned lost) would pin them all, so compact once they dominate.
  if (heap.size() > 2 * static_cast<std::size_t>(std::max<std::int64_t>(0, q.waiting)) + 64) {
    std::erase_if(heap, [&](const auto& entry) { return !still_waiting(r.queue, entry); });
    std::make_heap(heap.begin(), heap.end(), later);
  }
  r.state = lifecycle::waiting;
  r.queued_at = t;
  ++r.queue_cycle;
  start_answer_clock(key, r, t);
}

void partition::on_answered(interaction_record& r, const event& e, outputs& out) {
  const instant t = e.occurred_at;
  if (r.state != lifecycle::waiting) {
    if (r.state == lifecycle::answered || r.state == lifecycle::closed) {
      ++_probe.out_of_order;
    } else if (r.queued_at == instant{}) {
      // Answered before (or without) Queued: remember it for a late Queued.
      r.state = lifecycle::answered;
      r.answered_at = t;
    }
    return;
  }
  const duration wait = std::max(duration{0}, t - r.queued_at);
  auto& q = counters(r.queue);
  ++q.answered;
  --q.waiting;
  q.answered_wait_sum += wait;
  if (wait <= _ctx.sl_threshold(r.queue)) ++q.answered_within_threshold;
  stop_answer_clock(r, t, true, out);
  r.state = lifecycle::answered;
  r.answered_at = t;
}

void partition::on_left_queue(interaction_record& r, instant t, outputs& out) {
  --counters(r.queue).waiting;
  stop_answer_clock(r, t, false, out);
}

void partition::on_abandoned(interaction_record& r, const event& e, outputs& out) {
  if (r.state != lifecycle::waiting) {
    ++_probe.out_of_order;
    return;
  }
  const duration wait = std::max(duration{0}, e.occurred_at - r.queued_at);
  auto& q = counters(r.queue);
  ++q.abandoned;
  if (wait < _ctx.settings.short_abandon) ++q.short_abandoned;
  on_left_queue(r, e.occurred_at, out);
}

void partition::close(std::uint64_t key, interaction_record& r, instant t) {
  if (r.state == lifecycle::closed) _wheel.cancel(r.linger_timer);
  r.state = lifecycle::closed;
  r.closed_at = t;
  r.linger_timer = _wheel.schedule(t + _ctx.settings.linger, {key, 0, timer_kind::linger});
}

void partition::start_answer_clock(std::uint64_t key, interaction_record& r, instant t) {
  const auto& tiers = _ctx.tiers;
  sla::match_context mc{r.chan, _ctx.queues.name(r.queue), r.priority, tiers.name(r.tier)};
  auto choice = _ctx.policies.select(sla::target_type::answer, mc);
  auto& c = r.answer;
  c = sla::sla_clock{};
  if (!choice) return;
  const duration target = choice->tgt->for_priority(r.priority);
  c.running = true;
  c.policy = choice->policy_index;
  c.cycle = r.queue_cycle;
  c.started_at = t;
  c.deadline = t + target;
  c.at_risk_at = t + choice->tgt->at_risk.at_elapsed(target);
  if (c.at_risk_at < c.deadline)
    c.timer = _wheel.schedule(c.at_risk_at, {key, c.cycle, timer_kind::answer_at_risk});
  else
    c.timer = _wheel.schedule(c.deadline, {key, c.cycle, timer_kind::answer_deadline});
}

void partition::stop_answer_clock(interaction_record& r, instant t, bool met, outputs& out) {
  auto& c = r.answer;
  if (!c.running) return;
  _wheel.cancel(c.timer);
  c.timer = wheel::no_timer;
  c.running = false;
  if (t > c.deadline && !c.breached_sent) {
    // The deadline fell in event time before the clock stopped; the partition
    // had not reached it yet, so this breach is reported after the fact.
    emit(r, c, sla::alert_kind::breached, c.deadline, true, out);
  } else if (c.at_risk_sent && !c.breached_sent) {
    emit(r, c, met ? sla::alert_kind::recovered : sla::alert_kind::cancelled, t, false, out);
  }
}

void partition::advance(instant effective_now, bool live, outputs& out) {
  if (effective_now > _effective) _effective = effective_now;
  _wheel.advance(_effective, [&](instant due, const timer_payload& p) {
    on_timer(due, p, live, out);
  });
}

void partition::on_timer(instant due, const timer_payload& p, bool live, outputs& out) {
  auto it = _interactions.find(p.key);
  if (it == _interactions.end()) return;
  auto& r = it->second;
  const bool late = !live || _effective - due > _ctx.settings.late_tolerance;
  switch (p.what) {
    case timer_kind::linger:
      // Only a still-closed interaction goes; a reopened one cancelled this
      // timer, and the guard keeps a stale one from dropping live state.
      if (r.state == lifecycle::closed) _interactions.erase(it);
      return;
    case timer_kind::answer_at_risk: {
      auto& c = r.answer;
      if (!c.running || c.cycle != p.cycle) return;
      emit(r, c, sla::alert_kind::at_risk, due, late, out);
      c.timer = _wheel.schedule(c.deadline, {p.key, c.cycle, timer_kind::answer_deadline});
      return;
    }
    case timer_kind::answer_deadline: {
      auto& c = r.answer;
      if (!c.running || c.cycle != p.cycle) return;
      emit(r, c, sla::alert_kind::breached, due, late, out);
      // The breach is final for this cycle; the clock keeps no timer.
      c.timer = wheel::no_timer;
      return;
    }
  }
}

void partition::emit(const interaction_record& r, sla::sla_clock& c, sla::alert_kind kind,
                     instant at, bool late, outputs& out) {
  switch (kind) {
    case sla::alert_kind::at_risk:
      if (c.at_risk_sent) return;
      c.at_risk_sent = true;
      break;
    case sla::alert_kind::breached:
      if (c.breached_sent) return;
      c.breached_sent = true;
      break;
    default: break;
  }
  const auto& pol = _ctx.policies.policies()[c.policy];
  auto& a = out.alerts.emplace_back();
  a.kind = kind;
  a.policy = pol.name;
  a.target = sla::target_type::answer;
  a.cycle = c.cycle;
  a.interaction_id.assign(r.id.view());
  a.alert_id = sla::make_alert_id(r.id.view(), pol.name, a.target, c.cycle, kind);
  a.chan = r.chan;
  a.queue = _ctx.queues.name(r.queue);
  a.priority = r.priority;
  a.tier = _ctx.tiers.name(r.tier);
  a.started_at = c.started_at;
  a.deadline = c.deadline;
  a.elapsed = at - c.started_at;
  a.remaining = std::max(duration{0}, c.deadline - at);
  a.level = sla::severity_of(kind);
  a.event_time = std::max(_effective, at);
  a.late = late;
  ++_probe.alerts[static_cast<std::size_t>(kind)];
}

bool partition::still_waiting(std::size_t q, const std::pair<instant, std::uint64_t>& entry) const {
  auto it = _interactions.find(entry.second);
  return it != _interactions.end() && it->second.state == lifecycle::waiting &&
         it->second.queue == q && it->second.queued_at == entry.first;
}

void partition::collect(std::vector<metrics::queue_counters>& by_queue) {
  if (by_queue.size() < _queues.size()) by_queue.resize(_queues.size());
  for (std::size_t q = 0; q < _queues.size(); ++q) {
    auto& heap = _waiting_heaps[q];
    while (!heap.empty()) {
      if (still_waiting(q, heap.front())) break;
      std::pop_heap(heap.begin(), heap.end(), later);
      heap.pop_back();
    }
    _queues[q].oldest_waiting_since = heap.empty() ? instant_max : heap.front().first;
    by_queue[q] += _queues[q];
  }
}

}  // namespace ccpulse::engine
