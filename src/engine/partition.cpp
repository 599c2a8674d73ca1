#include "engine/partition.h"

#include <algorithm>

#include "model/stable_hash.h"

namespace ccpulse::engine {

namespace {
using heap_entry = std::pair<instant, std::uint64_t>;
// std heaps are max-heaps: order so the oldest entry is on top.
constexpr auto later = [](const heap_entry& a, const heap_entry& b) { return a.first > b.first; };

bool creates_state(event_kind k) {
  // Lifecycle events create a record even when they arrive before the
  // interaction's Queued, so the late Queued finds what already happened.
  return k == event_kind::interaction_created || k == event_kind::queued || k == event_kind::answered ||
         k == event_kind::abandoned || k == event_kind::resolved;
}
// Channels whose contacts have a handling leg (AHT); the others have first
// response and next reply instead (docs/kpis.md).
bool has_handling(channel c) { return c == channel::voice || c == channel::video || c == channel::chat; }
bool is_async(channel c) { return c != channel::voice && c != channel::video; }
bool set(instant t) { return t != instant{}; }

metrics::partition_metrics make_windows(engine_context& ctx) {
  std::string error;
  // engine_context checked these settings when it was built.
  return std::move(*metrics::partition_metrics::create(ctx.window_layout(), ctx.calendar, ctx, error));
}
}  // namespace

partition::partition(std::int32_t id, engine_context& ctx, instant start)
    : _id(id),
      _ctx(ctx),
      _effective(start),
      _wheel(start),
      _dedup(ctx.settings.dedup_horizon, ctx.settings.dedup_max_ids),
      _repeats(ctx.settings.windows.repeat_window, ctx.settings.windows.repeat_max_customers),
      _windows(make_windows(ctx)) {}

const partition_probe& partition::probe() const {
  _probe.dedup_forced_rotations = _dedup.forced_rotations();
  _probe.repeat_forced_rotations = _repeats.forced_rotations();
  _probe.window_restored_records = _windows.probe().restored_records;
  _probe.window_restore_skipped = _windows.probe().restore_skipped;
  return _probe;
}

void partition::count(metrics::window_result w) {
  // ahead: an unconfirmed far-future event, counted in future_outliers.
  if (w == metrics::window_result::late) ++_probe.window_late;
  if (w == metrics::window_result::rejected) ++_probe.window_rejected;
}

metrics::reason_index partition::reason_of(std::string_view reason) {
  return _ctx.find_reason(reason.empty() ? std::string_view{"unspecified"} : reason).value_or(0);
}

void partition::flow_out(const interaction_record& r, instant t) {
  const duration wait = std::max(duration{0}, t - r.queued_at);
  count(_windows.on_flowed_out(scope_of(r), t, wait <= _ctx.sl_threshold(r.queue)));
}

void partition::start_leg(interaction_record& r, instant t) {
  if (has_handling(r.chan)) {
    r.flags |= in_leg;
    r.hold_started = {};
    r.hold_sum = {};
    r.wrap_started = {};
  }
  if (is_async(r.chan)) first_response(r, t);
}

void partition::end_leg(interaction_record& r, instant t) {
  if (!(r.flags & in_leg)) return;
  r.flags &= static_cast<std::uint8_t>(~in_leg);
  const instant talk_end = set(r.wrap_started) ? std::min(r.wrap_started, t) : t;
  if (set(r.hold_started)) r.hold_sum += std::max(duration{0}, talk_end - r.hold_started);
  const duration talk = std::max(duration{0}, talk_end - r.answered_at - r.hold_sum);
  const duration acw = set(r.wrap_started) ? std::max(duration{0}, t - r.wrap_started) : duration{0};
  count(_windows.on_handled(scope_of(r), t, talk, r.hold_sum, acw));
  r.hold_started = {};
  r.hold_sum = {};
  r.wrap_started = {};
}

void partition::first_response(interaction_record& r, instant t) {
  if (r.flags & first_responded) return;
  r.flags |= first_responded;
  count(_windows.on_first_response(scope_of(r), t, std::max(duration{0}, t - r.created_at)));
}

void partition::on_message(interaction_record& r, const event& e) {
  const instant t = e.occurred_at;
  if (!is_async(r.chan)) return;
  if (e.kind == event_kind::customer_replied) {
    // Only after the first response: before it, first response measures the wait.
    if ((r.flags & first_responded) && !set(r.reply_wait_since)) r.reply_wait_since = t;
    return;
  }
  if (!(r.flags & first_responded)) {
    first_response(r, t);
    return;
  }
  if (set(r.reply_wait_since)) {
    count(_windows.on_next_reply(scope_of(r), t, std::max(duration{0}, t - r.reply_wait_since)));
    r.reply_wait_since = {};
  }
}

void partition::on_resolved_kpi(interaction_record& r, instant t) {
  const bool first_contact = !(r.flags & (reopened | repeat_contact));
  count(_windows.on_resolved(scope_of(r), t, std::max(duration{0}, t - r.created_at), first_contact));
}

// --- agents ------------------------------------------------------------------

namespace {
bool counts_as_on_contact(agent_state s) {
  return s == agent_state::on_contact || s == agent_state::after_contact_work;
}
bool counted_state(agent_state s) { return counts_as_on_contact(s) || s == agent_state::available; }
}  // namespace

metrics::contact_scope partition::scope_of(const agent_record& a) const {
  return {a.has_queue ? std::optional<metrics::queue_index>(a.label) : std::nullopt, a.chan};
}

std::uint32_t partition::tally_key(const agent_record& a) {
  return (a.has_queue ? (std::uint32_t{a.label} + 1) << 8 : 0u) | static_cast<std::uint32_t>(a.chan);
}

void partition::count_agent_span(metrics::contact_scope sc, std::int64_t on_contact, std::int64_t available,
                                 instant from, instant to) {
  if (on_contact == 0 && available == 0) return;
  const auto& layout = _windows.settings();
  const duration width = layout.fine_width;
  // Older than the ring: one late update, not one per lost bucket.
  const duration span = width * static_cast<std::int64_t>(layout.fine_buckets);
  if (to - from > span) {
    count(metrics::window_result::late);
    from = to - span;
  }
  // Split at bucket boundaries, so each bucket gets its own overlap.
  while (from < to) {
    const auto e = from.time_since_epoch();
    const instant bucket_end = instant{e - ((e % width) + width) % width + width};
    const instant piece_end = std::min(to, bucket_end);
    const duration d = piece_end - from;
    count(_windows.on_agent_time(sc, from, d * on_contact, d * available));
    from = piece_end;
  }
}

void partition::count_agent_time(const agent_record& a, instant from, instant to) {
  if (!counted_state(a.state)) return;
  const bool on = counts_as_on_contact(a.state);
  count_agent_span(scope_of(a), on ? 1 : 0, on ? 0 : 1, from, to);
}

void partition::leave_tally(agent_record& a) {
  if (!a.in_tally) return;
  a.in_tally = false;
  if (!counted_state(a.state)) return;
  auto& t = _agent_tallies[tally_key(a)];
  (counts_as_on_contact(a.state) ? t.on_contact : t.available) -= 1;
}

void partition::join_tally(agent_record& a) {
  a.in_tally = true;
  if (!counted_state(a.state)) return;
  auto& t = _agent_tallies[tally_key(a)];
  t.sc = scope_of(a);
  (counts_as_on_contact(a.state) ? t.on_contact : t.available) += 1;
}

void partition::flush_agents(instant to) {
  // At bucket boundaries only, so figures do not depend on how often the
  // partition advances. Agents whose state started before the last boundary
  // are counted together per scope (a tally: O(scopes) a bucket, not
  // O(agents)); those that changed since, one by one.
  const auto& layout = _windows.settings();
  const duration width = layout.fine_width;
  const auto e = to.time_since_epoch();
  const instant boundary = instant{e - ((e % width) + width) % width};
  if (boundary <= _agents_counted_to) return;
  // Each span ends at the boundary. Its piece in the bucket it starts in is
  // counted as before; its whole buckets after that are gathered per scope
  // key and added with one update a key and bucket, for all the agents
  // there together: the same sums, but a partition that jumps ahead (a
  // backlog caught up to the wall clock: every span reaches back the whole
  // ring) does one sweep of the ring per key, not one per agent. Only the
  // live buckets (where every update is applied); late and ahead pieces
  // are counted one by one as before, so the probes count the same.
  const std::optional<instant> head = _windows.head();
  const duration ring = width * static_cast<std::int64_t>(layout.fine_buckets);
  // Live buckets start in [live_from, live_to) (none without a head).
  const instant live_from = head ? *head - ring + width : instant_max;
  const instant live_to = head ? *head + width : instant_min;
  _agent_spans.clear();
  auto span = [&](std::uint32_t key, metrics::contact_scope sc, std::int64_t on_contact,
                  std::int64_t available, instant from) {
    if (on_contact == 0 && available == 0) return;
    if (boundary - from > ring) {
      // Older than the ring: one late update, as count_agent_span counts it.
      count(metrics::window_result::late);
      from = boundary - ring;
    }
    const auto f = from.time_since_epoch();
    const instant whole =
        f % width == duration::zero() ? from : instant{f - ((f % width) + width) % width + width};
    // The whole live buckets: after the first piece, from the oldest live
    // bucket, up to the boundary or the end of the head's bucket.
    const instant lo = std::max(whole, live_from), hi = std::min(boundary, live_to);
    if (lo >= hi) {
      count_agent_span(sc, on_contact, available, from, boundary);
      return;
    }
    count_agent_span(sc, on_contact, available, from, lo);      // first piece; late buckets
    count_agent_span(sc, on_contact, available, hi, boundary);  // ahead buckets
    _agent_spans.push_back({key, lo, on_contact, available, sc});
  };
  if (_agents_counted_to != instant_min)
    for (const auto& [k, t] : _agent_tallies) span(k, t.sc, t.on_contact, t.available, _agents_counted_to);
  // A state that starts after the boundary (its event is ahead of the
  // partition's time, as events are of the watermark) stays pending.
  std::size_t kept = 0;
  for (const auto key : _pending_agents) {
    auto it = _agents.find(key);
    if (it == _agents.end() || it->second.in_tally) continue;
    agent_record& a = it->second;
    if (a.since > boundary) {
      _pending_agents[kept++] = key;
      continue;
    }
    if (counted_state(a.state)) {
      const bool on = counts_as_on_contact(a.state);
      span(tally_key(a), scope_of(a), on ? 1 : 0, on ? 0 : 1, a.since);
    }
    join_tally(a);
  }
  _pending_agents.resize(kept);
  std::sort(_agent_spans.begin(), _agent_spans.end(),
            [](const agent_span_start& x, const agent_span_start& y) {
              return x.key != y.key ? x.key < y.key : x.from < y.from;
            });
  for (std::size_t i = 0; i < _agent_spans.size();) {
    const std::uint32_t key = _agent_spans[i].key;
    const metrics::contact_scope sc = _agent_spans[i].sc;
    std::int64_t on_contact = 0, available = 0;
    for (instant b = _agent_spans[i].from; b < live_to && b < boundary; b += width) {
      for (; i < _agent_spans.size() && _agent_spans[i].key == key && _agent_spans[i].from == b; ++i) {
        on_contact += _agent_spans[i].on_contact;
        available += _agent_spans[i].available;
      }
      if (on_contact != 0 || available != 0)
        count(_windows.on_agent_time(sc, b, width * on_contact, width * available));
    }
    while (i < _agent_spans.size() && _agent_spans[i].key == key) ++i;  // none: each starts before the end
  }
  _agents_counted_to = boundary;
  // Only agents make the boundary worth storing (an idle partition writes nothing).
  if (!_agents.empty()) _meta_dirty = true;
}

void partition::on_agent(const event& e) {
  const auto key = stable_hash(e.agent_id);
  auto it = _agents.find(key);
  instant t = e.occurred_at;
  if (_agents_counted_to != instant_min && t < _agents_counted_to) {
    // Stamped before time already counted for every agent: count from there.
    ++_probe.agent_out_of_order;
    t = _agents_counted_to;
  }
  if (it == _agents.end()) {
    if (e.agent == agent_state::logged_out) return;  // nothing to end
    if (_agents.size() >= _ctx.settings.windows.max_agents) {
      ++_probe.agents_refused;
      return;
    }
    it = _agents.try_emplace(key).first;
    it->second.id.assign(e.agent_id);
    it->second.since = t;
  } else if (!(it->second.id == e.agent_id)) {
    ++_probe.agents_refused;  // a hash collision between two agent ids
    return;
  }
  auto& a = it->second;
  if (t < a.since) {
    ++_probe.agent_out_of_order;
    t = a.since;
  }
  // The old state's time not counted yet: since the last boundary for a
  // tally member, since its start otherwise.
  if (a.in_tally) {
    leave_tally(a);
    count_agent_time(a, _agents_counted_to, t);
  } else {
    count_agent_time(a, a.since, t);
  }
  if (e.agent == agent_state::logged_out) {
    _erased_agents.push_back(a.id);
    _agents.erase(it);
    return;
  }
  a.state = e.agent;
  a.since = t;
  if (!e.queue_id.empty()) {
    a.label = _ctx.queues.label(_ctx.queues.intern(e.queue_id));
    a.has_queue = true;
  }
  if (e.chan != channel::unspecified) a.chan = e.chan;
  _pending_agents.push_back(key);
  if (!a.changed) {
    a.changed = true;
    _changed_agents.push_back(key);
  }
}

void partition::restore_agent(const agent_record_state& s) {
  const auto key = stable_hash(s.agent_id);
  auto [it, created] = _agents.try_emplace(key);
  if (!created && !(it->second.id == s.agent_id)) {
    ++_probe.restore_skipped;
    return;
  }
  ++_probe.restored_records;
  auto& a = it->second;
  a = agent_record{};
  a.id.assign(s.agent_id);
  a.state = s.state;
  a.since = s.since;
  a.chan = s.chan;
  if (!s.queue.empty()) {
    a.label = _ctx.queues.label(_ctx.queues.intern(s.queue));
    a.has_queue = true;
  }
}

void partition::on_survey(const event& e) {
  // The event's own queue and channel, else the interaction's (docs/kpis.md).
  metrics::contact_scope sc{std::nullopt, e.chan};
  if (!e.queue_id.empty()) sc.queue = _ctx.queues.label(_ctx.queues.intern(e.queue_id));
  if (!sc.queue || sc.chan == channel::unspecified) {
    auto it = _interactions.find(stable_hash(e.interaction_id));
    if (it != _interactions.end() && it->second.id == e.interaction_id) {
      if (!sc.queue) sc.queue = scope_of(it->second).queue;
      if (sc.chan == channel::unspecified) sc.chan = it->second.chan;
    }
  }
  if (e.csat != 0) count(_windows.on_csat(sc, e.occurred_at, e.csat));
  if (e.nps >= 0) count(_windows.on_nps(sc, e.occurred_at, e.nps));
}

metrics::queue_counters& partition::counters(metrics::queue_index label) {
  if (label >= _queues.size()) {
    _queues.resize(static_cast<std::size_t>(label) + 1);
    _waiting_heaps.resize(_queues.size());
    _dirty_queues.resize(_queues.size());
  }
  return _queues[label];
}

void partition::mark_queue(metrics::queue_index label) {
  counters(label);
  _dirty_queues[label] = true;
  _queue_changes = true;
}

void partition::observe_time(instant t) {
  if (_max_event_time == instant_min) {
    _max_event_time = t;
    _meta_dirty = true;
    return;
  }
  if (t <= _max_event_time) return;
  const auto jump = _ctx.settings.max_event_time_jump;
  if (t - _max_event_time <= jump) {
    if (_jump_candidate != instant_min) ++_probe.future_outliers;
    _jump_candidate = instant_min;
    _max_event_time = t;
    _meta_dirty = true;
    return;
  }
  // Far ahead: one such event may be a broken producer clock; a second one
  // near it confirms that time really moved on (a quiet night, a replay gap).
  if (_jump_candidate != instant_min && t >= _jump_candidate - jump && t <= _jump_candidate + jump) {
    _max_event_time = std::min(t, _jump_candidate);
    _jump_candidate = instant_min;
  } else {
    if (_jump_candidate != instant_min) ++_probe.future_outliers;
    _jump_candidate = t;
  }
  _meta_dirty = true;
}

interaction_record* partition::create(std::uint64_t key, const event& e, bool& too_late, bool& full) {
  too_late = false;
  full = false;
  // Only events that start or advance a lifecycle create state; a survey or a
  // late Transferred for an interaction already dropped after its linger must
  // not leave a record that nothing will ever remove.
  if (!creates_state(e.kind)) return nullptr;
  // Older than the linger behind the watermark: a record for it may have
  // existed and been dropped, so applying it could restart a finished life.
  if (_max_event_time != instant_min && e.occurred_at < watermark() - _ctx.settings.linger) {
    too_late = true;
    return nullptr;
  }
  if (_interactions.size() >= _ctx.settings.max_open_interactions) {
    full = true;
    return nullptr;
  }
  auto& r = _interactions.try_emplace(key).first->second;
  r.id.assign(e.interaction_id);
  r.created_at = e.occurred_at;
  r.chan = e.chan;
  r.priority = e.priority;
  r.queue = _ctx.queues.intern(e.queue_id);
  r.tier = _ctx.tiers.intern(e.customer_tier);
  take_attributes(r, e);
  if (!e.customer_id.empty() && _repeats.contact(stable_hash(e.customer_id), e.occurred_at, _max_event_time))
    r.flags |= repeat_contact;
  // Queued, Abandoned and Resolved schedule it as they apply.
  if (e.kind == event_kind::interaction_created || e.kind == event_kind::answered)
    schedule_housekeeping(key, r);
  return &r;
}

apply_result partition::apply(const event& e, outputs& out) {
  const instant clock = _max_event_time == instant_min ? e.occurred_at : _max_event_time;
  if (!_dedup.admit(stable_hash(e.event_id), clock)) {
    ++_probe.duplicates;
    return {apply_status::duplicate, "duplicate", false};
  }
  apply_result result;
  if (_max_event_time != instant_min && e.occurred_at < watermark()) {
    result.late = true;
    ++_probe.late;
  }
  observe_time(e.occurred_at);
  // The windows' head follows the partition's confirmed clock, also for
  // events that add to no window; an unconfirmed far-future event moves it
  // not, and adds to no window either (head_from_events is off).
  _windows.advance(_max_event_time);

  if (e.kind == event_kind::agent_state_changed) {
    on_agent(e);
    ++_probe.applied;
    return result;
  }
  if (e.kind == event_kind::survey_response) {
    on_survey(e);
    on_detractor_survey(e, out);
    ++_probe.applied;
    return result;
  }

  const auto key = stable_hash(e.interaction_id);
  // One probe for the common case (the interaction exists).
  auto found = _interactions.find(key);
  const bool existed = found != _interactions.end();
  bool too_late = false, full = false;
  interaction_record* r = nullptr;
  if (existed) {
    if (!(found->second.id == e.interaction_id)) {
      ++_probe.rejected;
      return {apply_status::rejected, "interaction_id_hash_collision", result.late};
    }
    r = &found->second;
  } else {
    r = create(key, e, too_late, full);
  }
  if (full) {
    ++_probe.refused_interactions;
    ++_probe.rejected;
    return {apply_status::rejected, "state_full", result.late};
  }
  if (too_late) {
    ++_probe.rejected;
    return {apply_status::rejected, "too_late_for_unknown_interaction", result.late};
  }
  if (!r) {
    // No state for this interaction (never seen, or dropped after its linger).
    // A reopen after the linger: its record (and cycle count) is gone, so
    // no new resolution cycle can start with a fresh alert id.
    if (e.kind == event_kind::transferred || e.kind == event_kind::reopened) ++_probe.out_of_order;
    ++_probe.applied;
    return result;
  }
  mark(key, *r);
  if (!existed) {
    // Measured from creation; a policy that does not match yet (no queue
    // so far) may match at the first Queued (rematch_clocks).
    start_clock(key, *r, sla::target_type::first_response, r->created_at, out);
    start_clock(key, *r, sla::target_type::resolution, r->created_at, out);
  }
  // Attributes arriving on a later event re-match the policies, as a change
  // of queue or priority does (a Queued re-matches once, in on_queued).
  const bool attributes_changed = existed && take_attributes(*r, e);
  if (attributes_changed && e.kind != event_kind::queued) {
    if (r->clock_mask) settle_running(key, *r, e.occurred_at, out);
    rematch_clocks(key, *r, e.occurred_at, r->queue, r->priority, out);
  }
  switch (e.kind) {
    case event_kind::queued: {
      auto q = on_queued(key, *r, e, attributes_changed, out);
      if (q.status == apply_status::rejected) {
        ++_probe.rejected;
        q.late = result.late;
        return q;
      }
      break;
    }
    case event_kind::answered:
      on_answered(key, *r, e, out);
      // An agent took it: its first response, and the new tier's answer.
      stop_clock(key, *r, sla::target_type::first_response, e.occurred_at, true, out);
      stop_clock(key, *r, sla::target_type::escalation_response, e.occurred_at, true, out);
      break;
    case event_kind::abandoned:
      if (!existed || (r->state != lifecycle::waiting && r->queued_at == instant{})) {
        // Abandoned before its Queued: remembered, counted when Queued comes.
        ++_probe.out_of_order;
        r->abandoned_at = e.occurred_at;
      } else {
        on_abandoned(key, *r, e, out);
      }
      close(key, *r, e.occurred_at, false, out);
      break;
    case event_kind::transferred:
      count(_windows.on_transferred(scope_of(*r), e.occurred_at, reason_of(e.reason)));
      if (r->state == lifecycle::waiting) {
        flow_out(*r, e.occurred_at);
        on_left_queue(key, *r, e.occurred_at, out);
        r->state = lifecycle::created;
        schedule_housekeeping(key, *r);
      } else if (r->flags & in_leg) {
        // The agent passed the contact on: this leg's handling ends here.
        end_leg(*r, e.occurred_at);
        r->state = lifecycle::created;
      }
      break;
    case event_kind::escalated:
      count(_windows.on_escalated(scope_of(*r), e.occurred_at, reason_of(e.reason)));
      if (r->state != lifecycle::closed) {
        auto* c = clock_of(key, *r, sla::target_type::escalation_response);
        if (!(c && c->running))
          start_clock(key, *r, sla::target_type::escalation_response, e.occurred_at, out);
      }
      break;
    case event_kind::resolved:
      if (!existed) {
        // Nothing known of its life: no resolution time to count.
        ++_probe.out_of_order;
      } else {
        if (r->state == lifecycle::waiting) {
          flow_out(*r, e.occurred_at);
          on_left_queue(key, *r, e.occurred_at, out);
        }
        end_leg(*r, e.occurred_at);
        if (r->state != lifecycle::closed) on_resolved_kpi(*r, e.occurred_at);
      }
      close(key, *r, e.occurred_at, true, out);
      break;
    case event_kind::reopened:
      if (r->state == lifecycle::closed && r->abandoned_at == instant{}) {
        r->state = lifecycle::created;
        r->flags |= reopened;
        schedule_housekeeping(key, *r);
        start_clock(key, *r, sla::target_type::resolution, e.occurred_at, out);
      } else {
        ++_probe.out_of_order;
      }
      break;
    case event_kind::interaction_created:
      if (r->created_at > e.occurred_at) r->created_at = e.occurred_at;
      break;
    case event_kind::agent_replied:
    case event_kind::customer_replied:
      on_message(*r, e);
      on_sla_message(key, *r, e, out);
      break;
    case event_kind::status_changed:
      on_status(key, *r, e.status, e.occurred_at, out);
      break;
    case event_kind::follow_up_completed:
      stop_clock(key, *r, sla::target_type::detractor_follow_up, e.occurred_at, true, out);
      break;
    case event_kind::held:
      if ((r->flags & in_leg) && !set(r->hold_started) && !set(r->wrap_started))
        r->hold_started = e.occurred_at;
      break;
    case event_kind::resumed:
      if (set(r->hold_started)) {
        r->hold_sum += std::max(duration{0}, e.occurred_at - r->hold_started);
        r->hold_started = {};
      }
      break;
    case event_kind::wrap_up_started:
      if ((r->flags & in_leg) && !set(r->wrap_started)) {
        if (set(r->hold_started)) {
          r->hold_sum += std::max(duration{0}, e.occurred_at - r->hold_started);
          r->hold_started = {};
        }
        r->wrap_started = e.occurred_at;
      }
      break;
    case event_kind::wrap_up_ended:
      end_leg(*r, e.occurred_at);
      break;
    default:
      break;
  }
  // Escalation rules, where what they read may have changed: a new contact
  // (repeat), a new match (queue, attributes), a sentiment score.
  if (_ctx.policies.escalation_rules() != 0 &&
      (!existed || attributes_changed || e.kind == event_kind::queued ||
       e.kind == event_kind::sentiment_observed))
    check_escalations(key, *r, e, out);
  ++_probe.applied;
  return result;
}

apply_result partition::on_queued(std::uint64_t key, interaction_record& r, const event& e,
                                  bool attributes_changed, outputs& out) {
  const instant t = e.occurred_at;
  const bool never_queued = r.queued_at == instant{};
  if (never_queued && r.state == lifecycle::answered) {
    // Queued arrived after its Answered: count both now, no clock to run. A
    // Queued stamped after the answer (skewed clocks between systems) counts
    // as answered at once.
    r.queued_at = std::min(t, r.answered_at);
    auto& q = counters(label_of(r));
    const duration wait = r.answered_at - r.queued_at;
    ++q.offered;
    ++q.answered;
    q.answered_wait_sum += wait;
    if (wait <= _ctx.sl_threshold(r.queue)) ++q.answered_within_threshold;
    mark_queue(label_of(r));
    // Each part at its own event time (docs/kpis.md).
    count(_windows.on_offered(scope_of(r), t));
    cross_threshold(r, r.answered_at);
    count(_windows.on_answered(scope_of(r), r.answered_at, wait, wait <= _ctx.sl_threshold(r.queue)));
    ++_probe.out_of_order;
    return {};
  }
  if (r.state == lifecycle::closed && t < r.closed_at) {
    if (never_queued && r.abandoned_at != instant{}) {
      // Abandoned arrived before its Queued: count the abandon now.
      r.queued_at = t;
      if (!e.queue_id.empty()) r.queue = _ctx.queues.intern(e.queue_id);
      auto& q = counters(label_of(r));
      ++q.offered;
      ++q.abandoned;
      const duration wait = std::max(duration{0}, r.abandoned_at - t);
      if (wait < _ctx.settings.short_abandon) ++q.short_abandoned;
      mark_queue(label_of(r));
      count(_windows.on_offered(scope_of(r), t));
      cross_threshold(r, r.abandoned_at);
      count(_windows.on_abandoned(scope_of(r), r.abandoned_at, wait < _ctx.settings.short_abandon,
                                  wait <= _ctx.sl_threshold(r.queue)));
      return {};  // counted out of order when the Abandoned came
    }
    // Stamped before the interaction closed: it belongs to a finished life.
    return {apply_status::rejected, "queued_before_close", false};
  }
  if (r.state == lifecycle::waiting) {  // re-queued without answer
    flow_out(r, t);
    on_left_queue(key, r, t, out);
  }
  end_leg(r, t);
  const auto queue_before = r.queue;
  const auto priority_before = r.priority;
  // Behind on its watermark, the partition may not have fired what the
  // clocks passed before this event: raise it now, with the old queue, as
  // live processing did.
  if (r.clock_mask) settle_running(key, r, t, out);
  if (!e.queue_id.empty()) r.queue = _ctx.queues.intern(e.queue_id);
  if (e.priority != 0) r.priority = e.priority;
  if (r.queue != queue_before || r.priority != priority_before || attributes_changed || !r.clock_mask)
    rematch_clocks(key, r, t, queue_before, priority_before, out);
  count(_windows.on_offered(scope_of(r), t));
  r.flags &= static_cast<std::uint8_t>(~crossed_threshold);

  auto& q = counters(label_of(r));
  ++q.offered;
  ++q.waiting;
  mark_queue(label_of(r));
  r.state = lifecycle::waiting;
  r.queued_at = t;
  ++r.queue_cycle;
  enter_waiting(key, r);
  schedule_housekeeping(key, r);
  start_clock(key, r, sla::target_type::answer, t, out);
  return {};
}

void partition::enter_waiting(std::uint64_t key, interaction_record& r) {
  const auto label = label_of(r);
  counters(label);
  auto& heap = _waiting_heaps[label];
  heap.emplace_back(r.queued_at, key);
  std::push_heap(heap.begin(), heap.end(), later);
  // Stale entries leave only from the top; one contact stuck in the queue
  // (its Abandoned lost) would pin them all, so compact once they dominate.
  // The record is already waiting here, so its own entry survives.
  const auto waiting = static_cast<std::size_t>(std::max<std::int64_t>(0, _queues[label].waiting));
  if (heap.size() > 2 * waiting + 64) {
    std::erase_if(heap, [&](const auto& entry) { return !still_waiting(label, entry); });
    std::make_heap(heap.begin(), heap.end(), later);
  }
}

void partition::on_answered(std::uint64_t key, interaction_record& r, const event& e, outputs& out) {
  const instant t = e.occurred_at;
  if (r.state != lifecycle::waiting) {
    if (r.state == lifecycle::answered || r.state == lifecycle::closed) {
      ++_probe.out_of_order;
    } else if (r.queued_at == instant{}) {
      // Answered before (or without) Queued: remember it for a late Queued.
      r.state = lifecycle::answered;
      r.answered_at = t;
      start_leg(r, t);
    } else {
      ++_probe.out_of_order;  // answered after a transfer, before the next Queued
    }
    return;
  }
  const duration wait = std::max(duration{0}, t - r.queued_at);
  cross_threshold(r, t);
  auto& q = counters(label_of(r));
  ++q.answered;
  --q.waiting;
  q.answered_wait_sum += wait;
  if (wait <= _ctx.sl_threshold(r.queue)) ++q.answered_within_threshold;
  mark_queue(label_of(r));
  count(_windows.on_answered(scope_of(r), t, wait, wait <= _ctx.sl_threshold(r.queue)));
  stop_clock(key, r, sla::target_type::answer, t, true, out);
  r.state = lifecycle::answered;
  r.answered_at = t;
  start_leg(r, t);
}

void partition::cross_threshold(interaction_record& r, instant wait_end) {
  if (r.flags & crossed_threshold) return;
  const instant crossing = r.queued_at + _ctx.sl_threshold(r.queue);
  if (wait_end <= crossing) return;
  r.flags |= crossed_threshold;
  count(_windows.on_crossed_T(scope_of(r), crossing));
}

void partition::on_left_queue(std::uint64_t key, interaction_record& r, instant t, outputs& out) {
  // The wait ended after T before the crossing's timer came due (it fires
  // at the watermark): count the crossing now, at its own time.
  cross_threshold(r, t);
  --counters(label_of(r)).waiting;
  stop_clock(key, r, sla::target_type::answer, t, false, out);
}

void partition::on_abandoned(std::uint64_t key, interaction_record& r, const event& e, outputs& out) {
  if (r.state != lifecycle::waiting) {
    ++_probe.out_of_order;
    return;
  }
  const duration wait = std::max(duration{0}, e.occurred_at - r.queued_at);
  auto& q = counters(label_of(r));
  ++q.abandoned;
  if (wait < _ctx.settings.short_abandon) ++q.short_abandoned;
  mark_queue(label_of(r));
  count(_windows.on_abandoned(scope_of(r), e.occurred_at, wait < _ctx.settings.short_abandon,
                              wait <= _ctx.sl_threshold(r.queue)));
  r.abandoned_at = e.occurred_at;
  on_left_queue(key, r, e.occurred_at, out);
}

void partition::close(std::uint64_t key, interaction_record& r, instant t, bool resolved, outputs& out) {
  stop_clocks_at_close(key, r, t, resolved, out);
  r.state = lifecycle::closed;
  r.closed_at = t;
  schedule_housekeeping(key, r);
}

void partition::schedule_housekeeping(std::uint64_t key, interaction_record& r) {
  _wheel.cancel(r.housekeeping_timer);
  instant due;
  if (r.state == lifecycle::closed) {
    due = r.closed_at + _ctx.settings.linger;
  } else {
    due = r.created_at + _ctx.settings.max_open_age;
    if (r.state == lifecycle::waiting) {
      due = std::min(due, r.queued_at + _ctx.settings.max_wait);
      // The same timer counts the wait crossing T (waited_beyond_T).
      // Strictly after T: an answer stamped exactly at T is within T.
      if (!(r.flags & crossed_threshold))
        due = std::min(due, r.queued_at + _ctx.sl_threshold(r.queue) + duration{1});
    }
  }
  r.housekeeping_timer = _wheel.schedule(due, {key, 0, timer_kind::housekeeping, {}});
}

void partition::on_housekeeping(std::uint64_t key, instant due) {
  auto it = _interactions.find(key);
  if (it == _interactions.end()) return;
  auto& r = it->second;
  r.housekeeping_timer = wheel::no_timer;
  if (r.state == lifecycle::closed) {
    // A detractor follow-up outlives the contact's linger (up to max_open_age).
    if (has_running_clock(key, r) && due < r.created_at + _ctx.settings.max_open_age) {
      r.housekeeping_timer =
          _wheel.schedule(due + _ctx.settings.linger, {key, 0, timer_kind::housekeeping, {}});
      return;
    }
    erase(it);
    return;
  }
  if (r.state == lifecycle::waiting && !(r.flags & crossed_threshold) &&
      due > r.queued_at + _ctx.sl_threshold(r.queue)) {
    // Still waiting when the partition's time passed the crossing.
    cross_threshold(r, due);
    mark(key, r);
  }
  if (r.state == lifecycle::waiting && due >= r.queued_at + _ctx.settings.max_wait) {
    // Nothing ended this wait (its Abandoned lost?): leave the queue so the
    // waiting gauges stay true. Its breach, if any, was raised already.
    --counters(label_of(r)).waiting;
    ++counters(label_of(r)).expired_waits;
    mark_queue(label_of(r));
    if (auto* c = clock_of(key, r, sla::target_type::answer); c && c->running) {
      _wheel.cancel(c->timer);
      c->timer = wheel::no_timer;
      c->running = false;
    }
    r.state = lifecycle::created;
    ++_probe.expired_waits;
    mark(key, r);
  }
  if (due >= r.created_at + _ctx.settings.max_open_age) {
    if (r.state == lifecycle::waiting) --counters(label_of(r)).waiting;
    ++_probe.expired_interactions;
    erase(it);
    return;
  }
  schedule_housekeeping(key, r);
}

void partition::erase(record_table<interaction_record>::iterator it) {
  auto& r = it->second;
  drop_clocks(it->first, r);
  _wheel.cancel(r.housekeeping_timer);
  _erased.push_back(r.id);
  _interactions.erase(it);
}

void partition::advance(instant effective_now, bool live, outputs& out) {
  if (effective_now <= _effective) return;
  _effective = effective_now;
  // Windows slide with the partition's time even when no event comes, and
  // agents' time in their current state is counted up to it.
  _windows.advance(effective_now);
  flush_agents(effective_now);
  _wheel.advance(_effective, [&](instant due, const timer_payload& p) { on_timer(due, p, live, out); });
  // Stored with the other changes, so a restored partition fires a timer a
  // late event scheduled in the past when this one would, not earlier; an
  // idle partition writes nothing.
  if (has_changes()) _meta_dirty = true;
}

bool partition::still_waiting(std::size_t label, const heap_entry& entry) const {
  auto it = _interactions.find(entry.second);
  return it != _interactions.end() && it->second.state == lifecycle::waiting &&
         label_of(it->second) == label && it->second.queued_at == entry.first;
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
    _queues[q].agents = {};
  }
  for (const auto& [key, a] : _agents)
    if (a.has_queue) ++counters(a.label).agents[static_cast<std::size_t>(a.state)];
  if (by_queue.size() < _queues.size()) by_queue.resize(_queues.size());
  for (std::size_t q = 0; q < _queues.size(); ++q) by_queue[q] += _queues[q];
}

namespace {
// The backlog (DESIGN.md §5): open work items, as opposed to conversations.
bool is_backlog(channel c) { return c == channel::email || c == channel::ticket; }
}  // namespace

void partition::live(metrics::live_figures& out) const {
  out.clear();
  // A running clock at risk or breached counts in its interaction's scopes
  // (census() says the same per target type).
  auto count_clock = [&](const interaction_record& r, const sla::sla_clock& c) {
    if (!c.running) return;
    if (c.breached_sent)
      out.each_scope_of(scope_of(r), [](auto& g) { ++g.clocks_breached; });
    else if (c.at_risk_sent && !c.paused)
      out.each_scope_of(scope_of(r), [](auto& g) { ++g.clocks_at_risk; });
  };
  _interactions.for_each_record([&](const interaction_record& r) {
    if (r.state == lifecycle::waiting)
      out.each_scope_of(scope_of(r), [&](auto& g) { g.add_waiting(r.queued_at); });
    if (is_backlog(r.chan) && r.state != lifecycle::closed)
      out.each_scope_of(scope_of(r), [](auto& g) { ++g.backlog; });
    if (r.clock_mask & answer_clock_bit) count_clock(r, r.answer);
  });
  // Overdue: the running resolution cycle's deadline has passed (breached,
  // or due within the breach grace); a paused clock's deadline is moved at
  // resume, so only a breach already raised counts while paused.
  for (const auto& [k, c] : _clocks) {
    if (c.running && (c.breached_sent || c.at_risk_sent)) {
      const auto it = _interactions.find(k.interaction);
      if (it != _interactions.end()) count_clock(it->second, c);
    }
    if (k.target != sla::target_type::resolution || !c.running) continue;
    if (!c.breached_sent && (c.paused || c.deadline > _effective)) continue;
    const auto it = _interactions.find(k.interaction);
    if (it == _interactions.end() || !is_backlog(it->second.chan) || it->second.state == lifecycle::closed)
      continue;
    out.each_scope_of(scope_of(it->second), [](auto& g) { ++g.backlog_overdue; });
  }
  for (const auto& [key, a] : _agents)
    // The state by name: clang 14 cannot capture a structured binding.
    out.each_scope_of(scope_of(a), [state = a.state](auto& g) { ++g.agents_in(state); });
}

// --- changelog -------------------------------------------------------------

void partition::to_state(std::uint64_t key, const interaction_record& r, interaction_state& s) const {
  s.interaction_id.assign(r.id.view());
  s.chan = r.chan;
  s.queue.assign(_ctx.queues.name(r.queue));
  s.tier.assign(_ctx.tiers.name(r.tier));
  s.priority = r.priority;
  s.queue_cycle = r.queue_cycle;
  s.state = r.state;
  s.created_at = r.created_at;
  s.queued_at = r.queued_at;
  s.answered_at = r.answered_at;
  s.abandoned_at = r.abandoned_at;
  s.closed_at = r.closed_at;
  s.flags = r.flags;
  s.hold_started = r.hold_started;
  s.hold_sum = r.hold_sum;
  s.wrap_started = r.wrap_started;
  s.reply_wait_since = r.reply_wait_since;
  s.status = r.status;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < r.attributes.size(); ++i) {
    const auto v = _ctx.attributes.name(r.attributes[i]);
    if (v.empty()) continue;  // absent, or a value not kept (attribute_table.h)
    if (s.attributes.size() <= kept) s.attributes.emplace_back();
    s.attributes[kept].key.assign(_ctx.policies.attribute_keys()[i]);
    s.attributes[kept].value.assign(v);
    ++kept;
  }
  s.attributes.resize(kept);
  s.escalations.clear();
  if (r.escalations_sent)
    for (const auto& p : _ctx.policies.policies())
      for (std::size_t i = 0; i < p.escalate.size(); ++i) {
        const std::size_t n = p.first_rule + i;
        if (n < sla::max_escalation_rules && (r.escalations_sent & (1u << n)))
          s.escalations.push_back({p.name, p.escalate[i].name});
      }
  s.clocks.clear();
  for (int i = 0; i < sla::target_type_count; ++i) {
    const auto tt = static_cast<sla::target_type>(i);
    const auto* found = clock_of(key, r, tt);
    if (!found) continue;
    const auto& c = *found;
    auto& cs = s.clocks.emplace_back();
    cs.target = tt;
    cs.policy.assign(_ctx.policies.policies()[c.policy].name);
    cs.cycle = c.cycle;
    cs.started_at = c.started_at;
    cs.at_risk_at = c.at_risk_at;
    cs.deadline = c.deadline;
    cs.running = c.running;
    cs.at_risk_sent = c.at_risk_sent;
    cs.breached_sent = c.breached_sent;
    cs.run_since = c.run_since;
    cs.consumed = c.consumed;
    cs.paused = c.paused;
  }
}

void partition::drain_changes(state_sink& sink) {
  for (const auto& id : _erased) sink.erase({state_kind::interaction, id.view(), {}, 0});
  _erased.clear();
  for (const auto key : _changed) {
    auto it = _interactions.find(key);
    if (it == _interactions.end() || !it->second.changed) continue;  // erased, or put already
    it->second.changed = false;
    to_state(key, it->second, _scratch_interaction);
    sink.put(_scratch_interaction);
  }
  _changed.clear();
  _queue_changes = false;
  for (std::size_t q = 0; q < _dirty_queues.size(); ++q) {
    if (!_dirty_queues[q]) continue;
    _dirty_queues[q] = false;
    const auto& c = _queues[q];
    auto& s = _scratch_queue;
    s.queue.assign(_ctx.queues.name(static_cast<metrics::queue_index>(q)));
    s.offered = c.offered;
    s.answered = c.answered;
    s.abandoned = c.abandoned;
    s.short_abandoned = c.short_abandoned;
    s.answered_within_threshold = c.answered_within_threshold;
    s.answered_wait_sum = c.answered_wait_sum;
    s.expired = c.expired_waits;
    sink.put(s);
  }
  if (_meta_dirty) {
    _meta_dirty = false;
    sink.put(partition_meta_state{_max_event_time, _effective, _jump_candidate, _agents_counted_to});
  }
  _dedup.drain(sink);
  _repeats.drain(sink);
  for (const auto& id : _erased_agents) sink.erase({state_kind::agent, id.view(), {}, 0});
  _erased_agents.clear();
  for (const auto key : _changed_agents) {
    auto it = _agents.find(key);
    if (it == _agents.end() || !it->second.changed) continue;
    auto& a = it->second;
    a.changed = false;
    auto& s = _scratch_agent;
    s.agent_id.assign(a.id.view());
    s.state = a.state;
    s.since = a.since;
    s.queue.assign(a.has_queue ? _ctx.queues.name(a.label) : std::string_view{});
    s.chan = a.chan;
    sink.put_agent(s);
  }
  _changed_agents.clear();
  _queue_alerts.drain(sink);
  _windows.drain(sink);
}

void partition::restore_interaction(const interaction_state& s) {
  const auto key = stable_hash(s.interaction_id);
  auto [it, created] = _interactions.try_emplace(key);
  if (!created && !(it->second.id == s.interaction_id)) {
    ++_probe.restore_skipped;
    return;
  }
  ++_probe.restored_records;
  auto& r = it->second;
  if (!created) {
    drop_clocks(key, r);
    r = interaction_record{};
  }
  r.id.assign(s.interaction_id);
  r.chan = s.chan;
  r.queue = _ctx.queues.intern(s.queue);
  r.tier = _ctx.tiers.intern(s.tier);
  // Keys the config no longer matches on are not kept.
  for (const auto& a : s.attributes)
    if (const int slot = _ctx.policies.attribute_slot(a.key); slot >= 0)
      r.attributes[static_cast<std::size_t>(slot)] = _ctx.attributes.intern(a.value);
  // Rules the config no longer has cannot fire again anyway.
  for (const auto& m : s.escalations)
    if (const auto n = _ctx.policies.rule_number(m.policy, m.rule); n && *n < sla::max_escalation_rules)
      r.escalations_sent = static_cast<std::uint16_t>(r.escalations_sent | (1u << *n));
  r.priority = s.priority;
  r.queue_cycle = s.queue_cycle;
  r.state = s.state;
  r.created_at = s.created_at;
  r.queued_at = s.queued_at;
  r.answered_at = s.answered_at;
  r.abandoned_at = s.abandoned_at;
  r.closed_at = s.closed_at;
  r.flags = s.flags;
  r.hold_started = s.hold_started;
  r.hold_sum = s.hold_sum;
  r.wrap_started = s.wrap_started;
  r.reply_wait_since = s.reply_wait_since;
  r.status = s.status;
  drop_clocks(key, r);
  for (const auto& cs : s.clocks) {
    const auto& pols = _ctx.policies.policies();
    auto p = std::find_if(pols.begin(), pols.end(), [&](const auto& x) { return x.name == cs.policy; });
    if (p == pols.end() || !p->find(cs.target)) {
      // The policy (or its target) left the config: its clock cannot continue.
      ++_probe.restore_skipped;
      continue;
    }
    auto& c = make_clock(key, r, cs.target);
    c = sla::sla_clock{};
    c.target = cs.target;
    c.policy = static_cast<std::uint16_t>(p - pols.begin());
    c.cycle = cs.cycle;
    c.started_at = cs.started_at;
    c.at_risk_at = cs.at_risk_at;
    c.deadline = cs.deadline;
    c.running = cs.running;
    c.at_risk_sent = cs.at_risk_sent;
    c.breached_sent = cs.breached_sent;
    c.run_since = cs.run_since == instant{} ? cs.started_at : cs.run_since;
    c.consumed = cs.consumed;
    c.paused = cs.paused;
  }
}

void partition::restore_queue(const queue_state& s) {
  ++_probe.restored_records;
  // Every commit rewrites the record: the last one read is the state.
  _restored_queues[s.queue] = s;
}

void partition::restore_meta(const partition_meta_state& s) {
  ++_probe.restored_records;
  _max_event_time = s.max_event_time;
  _effective = std::max(_effective, s.effective);
  _jump_candidate = s.jump_candidate;
  _agents_counted_to = s.agents_counted_to;
}

void partition::restore_erase(const state_key& k) {
  switch (k.kind) {
    case state_kind::interaction: {
      auto it = _interactions.find(stable_hash(k.name));
      if (it != _interactions.end() && it->second.id == k.name) {
        drop_clocks(it->first, it->second);
        _interactions.erase(it);
      }
      break;
    }
    case state_kind::queue:
      _restored_queues.erase(std::string(k.name));
      break;
    case state_kind::meta:
      _max_event_time = instant_min;
      break;
    case state_kind::dedup:
      _dedup.restore_erase(k.generation, k.sequence);
      break;
    case state_kind::repeat:
      _repeats.restore_erase(k.generation, k.sequence);
      break;
    case state_kind::agent: {
      auto it = _agents.find(stable_hash(k.name));
      if (it != _agents.end() && it->second.id == k.name) _agents.erase(it);
      break;
    }
    case state_kind::queue_rule: {
      const auto slash = k.name.find('/');
      if (slash != std::string_view::npos)
        _queue_alerts.restore_erase(k.name.substr(0, slash), k.name.substr(slash + 1));
      break;
    }
  }
}

void partition::finish_restore() {
  // Timers and indexes are rebuilt from deadlines and timestamps; handles
  // never travel.
  for (auto&& [key, r] : _interactions) {
    if (r.state == lifecycle::waiting) {
      ++counters(label_of(r)).waiting;
      enter_waiting(key, r);
    }
    for (int i = 0; i < sla::target_type_count; ++i)
      if (auto* c = clock_of(key, r, static_cast<sla::target_type>(i))) {
        c->timer = wheel::no_timer;  // handles never travel
        schedule_clock_timer(key, *c);
      }
    schedule_housekeeping(key, r);
  }
  for (const auto& [name, s] : _restored_queues) {
    // Two names may share a label ("other") under another config: add up.
    const auto label = _ctx.queues.label(_ctx.queues.intern(name));
    metrics::queue_counters c;
    c.offered = s.offered;
    c.answered = s.answered;
    c.abandoned = s.abandoned;
    c.short_abandoned = s.short_abandoned;
    c.answered_within_threshold = s.answered_within_threshold;
    c.answered_wait_sum = s.answered_wait_sum;
    c.expired_waits = s.expired;
    counters(label) += c;
  }
  _restored_queues.clear();
  // Agents: those whose state started before the counted-to boundary are
  // counted by their scope's tally from there, the others one by one.
  _agent_tallies.clear();
  _pending_agents.clear();
  for (auto& [key, a] : _agents) {
    if (_agents_counted_to != instant_min && a.since <= _agents_counted_to)
      join_tally(a);
    else
      _pending_agents.push_back(key);
  }
  _dedup.finish_restore();
  _repeats.finish_restore();
  _windows.finish_restore();
  // What was restored is what the state topic holds: nothing to re-send.
  _changed.clear();
  _erased.clear();
  _changed_agents.clear();
  _erased_agents.clear();
  for (auto& [key, a] : _agents) a.changed = false;
  std::fill(_dirty_queues.begin(), _dirty_queues.end(), false);
  _queue_changes = false;
  _meta_dirty = false;
}

}  // namespace ccpulse::engine
