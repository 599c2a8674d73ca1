#include "sim/repeat_contacts.h"

#include <algorithm>
#include <cmath>

namespace ccpulse::sim {

namespace {

using namespace std::chrono_literals;

duration seconds(double s) { return duration{static_cast<duration::rep>(std::llround(s * 1e6))}; }

// Repeats must land inside the FCR repeat window (7 days by default).
constexpr double max_return_s = 6.5 * 86400;

}  // namespace

std::optional<duration> draw_return_after_abandon(rng& r) {
  if (!r.chance(0.35)) return std::nullopt;
  return seconds(60 + r.exponential(600));
}

std::optional<duration> draw_return_after_resolution(bool follow_up_needed, rng& r) {
  if (!r.chance(follow_up_needed ? 0.45 : 0.07)) return std::nullopt;
  // Half call back the same day, the rest within the week.
  const double s = r.chance(0.5) ? 600 + r.exponential(3 * 3600.0) : r.uniform(0.5, 6.0) * 86400;
  return seconds(std::min(s, max_return_s));
}

repeat_contacts::repeat_contacts(std::size_t queues, std::size_t capacity)
    : _by_queue(queues), _capacity(capacity) {}

void repeat_contacts::plan(std::uint32_t queue, instant due, returning_customer c) {
  if (_planned >= _capacity) return;
  _by_queue[queue].push(entry{due, _next_seq++, std::move(c)});
  ++_planned;
}

std::optional<returning_customer> repeat_contacts::take_due(std::uint32_t queue, instant now) {
  auto& heap = _by_queue[queue];
  if (heap.empty() || heap.top().due > now) return std::nullopt;
  returning_customer c = heap.top().c;
  heap.pop();
  --_planned;
  return c;
}

}  // namespace ccpulse::sim
