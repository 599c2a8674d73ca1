#pragma once
// Live gauges of one scope (DESIGN.md §5: "not windowed"): what a queue,
// channel or the whole partition looks like at one instant, the partition's
// effective time. Read by a scan once a snapshot (about a second), never
// kept per event. Mergeable: counts add, the oldest waiting contact is a
// minimum, so partitions and instances combine exactly.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "metrics/partition_metrics.h"
#include "model/channel.h"
#include "model/event.h"
#include "model/time.h"

namespace ccpulse::metrics {

inline constexpr std::size_t agent_state_count = 6;  // model agent_state values

struct live_gauges {
  // Contacts waiting in a queue now, and the earliest queued-at among them
  // (instant_max: none waiting), so age = now - oldest_waiting_since.
  std::int64_t waiting = 0;
  instant oldest_waiting_since = instant_max;
  // Agents by the state of their last change (in this scope), indexed by
  // model agent_state; logged-out agents are not held, so that slot is 0.
  std::array<std::int64_t, agent_state_count> agents{};
  // Open (not closed) emails and tickets, and those of them whose resolution
  // clock's deadline has passed.
  std::int64_t backlog = 0;
  std::int64_t backlog_overdue = 0;
  // Running SLA clocks (every target type) at risk and not breached, and
  // breached (still open in that cycle): the wallboard's at-risk and
  // breached counts.
  std::int64_t clocks_at_risk = 0;
  std::int64_t clocks_breached = 0;

  std::int64_t& agents_in(agent_state s) { return agents[static_cast<std::size_t>(s)]; }
  std::int64_t agents_in(agent_state s) const { return agents[static_cast<std::size_t>(s)]; }

  live_gauges& operator+=(const live_gauges& o) {
    waiting += o.waiting;
    oldest_waiting_since = std::min(oldest_waiting_since, o.oldest_waiting_since);
    for (std::size_t i = 0; i < agents.size(); ++i) agents[i] += o.agents[i];
    backlog += o.backlog;
    backlog_overdue += o.backlog_overdue;
    clocks_at_risk += o.clocks_at_risk;
    clocks_breached += o.clocks_breached;
    return *this;
  }
  // A contact queued at t waits in this scope.
  void add_waiting(instant t) {
    ++waiting;
    oldest_waiting_since = std::min(oldest_waiting_since, t);
  }
  bool empty() const { return *this == live_gauges{}; }
  friend bool operator==(const live_gauges&, const live_gauges&) = default;
};

// One partition's live gauges for every scope: overall, per channel, per
// queue label index. clear() keeps the capacity, so a reader reuses it.
struct live_figures {
  live_gauges overall;
  std::array<live_gauges, channel_count> channels{};
  std::vector<live_gauges> queues;  // by queue label index

  void clear() {
    overall = {};
    channels.fill({});
    for (auto& q : queues) q = {};
  }
  live_gauges& queue(queue_index label) {
    if (queues.size() <= label) queues.resize(static_cast<std::size_t>(label) + 1);
    return queues[label];
  }
  // f(gauges) for each scope one contact (or agent) of scope s counts in.
  template <class F>
  void each_scope_of(const contact_scope& s, F&& f) {
    f(overall);
    f(channels[static_cast<std::size_t>(s.chan)]);
    if (s.queue) f(queue(*s.queue));
  }
  // nullptr for a scope this partition has no figures for.
  const live_gauges* find(scope_id id) const {
    switch (id.kind) {
      case scope_kind::overall:
        return &overall;
      case scope_kind::channel:
        return id.index < channels.size() ? &channels[id.index] : nullptr;
      case scope_kind::queue:
        return id.index < queues.size() ? &queues[id.index] : nullptr;
    }
    return nullptr;
  }
  // f(scope_id, gauges) for each scope whose gauges are not all zero.
  template <class F>
  void for_each_nonempty(F&& f) const {
    if (!overall.empty()) f(scope_id::overall(), overall);
    for (std::size_t c = 0; c < channels.size(); ++c)
      if (!channels[c].empty()) f(scope_id::of(static_cast<channel>(c)), channels[c]);
    for (std::size_t q = 0; q < queues.size(); ++q)
      if (!queues[q].empty()) f(scope_id::queue(static_cast<queue_index>(q)), queues[q]);
  }
};

}  // namespace ccpulse::metrics
