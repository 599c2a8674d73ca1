#include "engine/clock_census.h"

#include <algorithm>
#include <utility>

namespace ccpulse::engine {

namespace {
constexpr auto later_deadline = [](const nearest_clock& a, const nearest_clock& b) {
  return a.deadline < b.deadline || (a.deadline == b.deadline && a.interaction_id < b.interaction_id);
};
}  // namespace

std::string_view to_string(clock_condition c) {
  switch (c) {
    case clock_condition::ok:
      return "ok";
    case clock_condition::at_risk:
      return "at_risk";
    case clock_condition::breached:
      return "breached";
    case clock_condition::paused:
      return "paused";
  }
  return "unknown";
}

void clock_census::offer(nearest_clock c) {
  if (limit == 0) return;
  if (nearest.size() < limit) {
    nearest.push_back(std::move(c));
    std::push_heap(nearest.begin(), nearest.end(), later_deadline);
    return;
  }
  if (!later_deadline(c, nearest.front())) return;
  std::pop_heap(nearest.begin(), nearest.end(), later_deadline);
  nearest.back() = std::move(c);
  std::push_heap(nearest.begin(), nearest.end(), later_deadline);
}

void clock_census::sort() { std::sort_heap(nearest.begin(), nearest.end(), later_deadline); }

}  // namespace ccpulse::engine
