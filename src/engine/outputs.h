#pragma once
// What one apply/advance produced. Owned by the caller and reused across
// calls (clear keeps capacity), so steady state allocates nothing here.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"
#include "sla/alert.h"

namespace ccpulse::engine {

// A clock cycle started or stopped, for `ccpulse replay`'s report. Only
// recorded when outputs::record_clocks is set (the workers never set it).
struct clock_event {
  enum class what : std::uint8_t { started, stopped };
  what kind = what::started;
  bool met = false;  // stopped: its goal was reached
  std::string interaction_id;
  std::string_view policy;  // points into the policy_set
  sla::target_type target = sla::target_type::answer;
  std::uint32_t cycle = 0;
  std::string_view queue;  // the queue the cycle ran under (points into the queue registry)
  instant at{};            // event time of the start or stop
  duration elapsed{};      // stopped: running time at the stop (business time with a calendar)
  // alerts.size() when this was recorded: the alerts before it in the same
  // call came first, so a reader can replay the exact order.
  std::size_t alerts_before = 0;
};

struct outputs {
  std::vector<sla::sla_alert> alerts;
  bool record_clocks = false;
  std::vector<clock_event> clocks;  // only with record_clocks
  void clear() {
    alerts.clear();
    clocks.clear();
  }
  bool empty() const { return alerts.empty() && clocks.empty(); }
};

}  // namespace ccpulse::engine
