#pragma once
// Per-queue partial aggregates. Every field is mergeable by addition (or by
// min for the oldest waiting contact), so partitions, workers and instances
// combine exactly (DESIGN.md §2).
#include <algorithm>
#include <array>
#include <cstdint>

#include "model/time.h"

namespace ccpulse::metrics {

struct queue_counters {
  std::uint64_t offered = 0;
  std::uint64_t answered = 0;
  std::uint64_t abandoned = 0;
  // Left within short_abandon: excluded from SL and abandonment by default.
  std::uint64_t short_abandoned = 0;
  std::uint64_t answered_within_threshold = 0;
  // Sum of waits of answered contacts (for ASA).
  duration answered_wait_sum{};
  // Contacts removed from the queue after max_wait with nothing ending the wait.
  std::uint64_t expired_waits = 0;

  std::int64_t waiting = 0;
  instant oldest_waiting_since = instant_max;
  // Agents whose last state change was in this queue, by model agent_state
  // value (index 0 unspecified: a state the producer did not name).
  std::array<std::int64_t, 6> agents{};

  queue_counters& operator+=(const queue_counters& o) {
    offered += o.offered;
    answered += o.answered;
    abandoned += o.abandoned;
    short_abandoned += o.short_abandoned;
    answered_within_threshold += o.answered_within_threshold;
    answered_wait_sum += o.answered_wait_sum;
    expired_waits += o.expired_waits;
    waiting += o.waiting;
    oldest_waiting_since = std::min(oldest_waiting_since, o.oldest_waiting_since);
    for (std::size_t i = 0; i < agents.size(); ++i) agents[i] += o.agents[i];
    return *this;
  }
};

}  // namespace ccpulse::metrics
