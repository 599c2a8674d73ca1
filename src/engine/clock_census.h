#pragma once
// What a partition's SLA clocks look like right now: running clocks by
// target and state, and the ones nearest to breach (for /metrics and
// /api/v1/at-risk). Built by a scan of the open clocks, on the worker's
// status interval, never per event.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"
#include "sla/policy.h"

namespace ccpulse::engine {

enum class clock_condition : std::uint8_t { ok, at_risk, breached, paused };
inline constexpr int clock_condition_count = 4;
std::string_view to_string(clock_condition c);

struct nearest_clock {
  std::string interaction_id;
  std::string_view queue;   // the queue registry's name (outlives the census)
  std::string_view policy;  // the policy set's name
  sla::target_type target = sla::target_type::answer;
  std::uint32_t cycle = 0;
  instant started_at{};
  instant deadline{};
  bool at_risk = false;
};

struct clock_census {
  std::array<std::array<std::uint64_t, clock_condition_count>, sla::target_type_count> running{};
  // Running, unpaused, not yet breached clocks with the earliest deadlines,
  // at most `limit`, in no particular order until sorted by the reader.
  std::vector<nearest_clock> nearest;
  std::size_t limit = 100;

  void count(sla::target_type t, clock_condition c) {
    ++running[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)];
  }
  // Keeps the `limit` earliest deadlines (a max-heap on deadline).
  bool wants(instant deadline) const { return nearest.size() < limit || deadline < nearest.front().deadline; }
  void offer(nearest_clock c);
  // Earliest deadline first; ties by interaction id, so the order is stable.
  // Last: offer needs the heap order sort() ends.
  void sort();
};

}  // namespace ccpulse::engine
