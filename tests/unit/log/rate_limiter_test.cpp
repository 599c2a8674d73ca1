// The per-key budget for per-event log lines (src/log/rate_limiter.h),
// driven by a manual clock: no sleeps.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "log/rate_limiter.h"

using namespace ccpulse;
using namespace std::chrono_literals;

namespace {

struct manual_clock {
  log::rate_limiter::clock::time_point t{std::chrono::hours(1000)};
  log::rate_limiter::now_fn fn() {
    return [this] { return t; };
  }
};

int emitted(log::rate_limiter& l, const std::string& key, int tries) {
  int n = 0;
  for (int i = 0; i < tries; ++i) n += l.admit(key).emit ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("a key gets its budget per window, then its next line reports what was held back") {
  manual_clock c;
  log::rate_limiter l(3, 10s, c.fn());
  CHECK(emitted(l, "bad_payload", 100) == 3);
  CHECK(l.suppressed_total() == 97);
  c.t += 9s;
  CHECK_FALSE(l.admit("bad_payload").emit);  // still the same window
  c.t += 1s;
  const auto v = l.admit("bad_payload");
  CHECK(v.emit);
  CHECK(v.suppressed == 98);
  // That count is reported once.
  CHECK(l.admit("bad_payload").suppressed == 0);
}

TEST_CASE("keys have separate budgets") {
  manual_clock c;
  log::rate_limiter l(2, 10s, c.fn());
  CHECK(emitted(l, "a", 5) == 2);
  CHECK(emitted(l, "b", 5) == 2);
  CHECK(l.suppressed_total() == 6);
}

TEST_CASE("a key whose window ended with lines held back is reported by take_expired once") {
  manual_clock c;
  log::rate_limiter l(1, 10s, c.fn());
  CHECK(emitted(l, "a", 4) == 1);
  CHECK(emitted(l, "quiet", 1) == 1);
  CHECK(l.take_expired().empty());  // the window is still open
  c.t += 10s;
  const auto expired = l.take_expired();
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].first == "a");
  CHECK(expired[0].second == 3);
  CHECK(l.take_expired().empty());
  const auto next = l.admit("a");
  CHECK(next.emit);
  CHECK(next.suppressed == 0);  // already reported
}

TEST_CASE("past max_keys new keys share one budget instead of growing without bound") {
  manual_clock c;
  log::rate_limiter l(1, 10s, c.fn());
  for (std::size_t i = 0; i < log::rate_limiter::max_keys; ++i) CHECK(l.admit("k" + std::to_string(i)).emit);
  CHECK(l.admit("one more").emit);  // the overflow key's first line
  CHECK_FALSE(l.admit("and another").emit);
  // Once their windows are over, idle keys are forgotten and new ones get their own budget.
  c.t += 10s;
  CHECK(l.admit("fresh").emit);
  CHECK(l.admit("fresh too").emit);
}
