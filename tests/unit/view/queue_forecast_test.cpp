// The queue forecast from a merged scope: which window gives the arrival
// rate and the handle time, which agents count, and the Erlang C figures
// (reference values in tests/unit/metrics/erlang_c_test.cpp).
#include "view/queue_forecast.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>

namespace {

using namespace std::chrono_literals;
using ccpulse::agent_state;
using ccpulse::duration;
namespace v = ccpulse::view;

v::merged_window sliding(duration length, std::uint64_t offered, std::uint64_t handled, duration talk,
                         duration acw = {}) {
  v::merged_window w;
  w.name = v::window_name(length);
  w.kind = v::window_kind::sliding;
  w.length = length;
  w.partitions = 1;
  w.parts.counts.offered = offered;
  w.parts.counts.handled = handled;
  w.parts.counts.talk_sum = talk;
  w.parts.counts.after_contact_work_sum = acw;
  return w;
}

// 100 contacts in 30 min is 50 in 15 min; AHT 180 s = 150 s talk + 30 s ACW.
v::merged_scope queue(std::int64_t available, std::int64_t on_contact, std::int64_t acw,
                      std::int64_t waiting) {
  v::merged_scope s;
  s.scope = {ccpulse::metrics::scope_kind::queue, "sales"};
  s.windows = {sliding(15min, 50, 20, 20 * 150s, 20 * 30s), sliding(1h, 210, 90, 90 * 100s)};
  v::merged_window today;
  today.name = "today";
  today.kind = v::window_kind::today;
  s.windows.push_back(today);
  s.live.partitions = 2;
  auto& g = s.live.gauges;
  g.agents_in(agent_state::available) = available;
  g.agents_in(agent_state::on_contact) = on_contact;
  g.agents_in(agent_state::after_contact_work) = acw;
  g.agents_in(agent_state::away) = 5;  // not serving: not counted
  g.waiting = waiting;
  return s;
}

}  // namespace

TEST_CASE("forecast: the 15-minute window's rate and AHT, agents available + on contact + wrap-up") {
  const auto s = queue(3, 8, 2, 6);
  const auto f = v::forecast_queue(s, 20s);
  REQUIRE(f);
  CHECK(f->arrival_window == "15m");
  CHECK(f->arrival_per_second == doctest::Approx(50.0 / 900));
  REQUIRE(f->aht_seconds);
  CHECK(*f->aht_seconds == doctest::Approx(180));
  CHECK(f->aht_window == "15m");
  CHECK(f->agents == 13);
  CHECK(f->waiting == 6);
  REQUIRE(f->service_level);
  CHECK(*f->service_level == doctest::Approx(0.795595).epsilon(1e-5));  // A = 10, N = 13, T = 20 s
  REQUIRE(f->drain_seconds);
  CHECK(*f->drain_seconds == doctest::Approx(360));
  CHECK(v::forecast_service_level(s, 20s) == f->service_level);
  CHECK(v::forecast_drain_seconds(s) == f->drain_seconds);
  // A longer threshold: a better forecast.
  CHECK(*v::forecast_service_level(s, 60s) > *f->service_level);
}

TEST_CASE(
    "forecast: AHT from the longer window when the short one handled nothing, shortest window without 15m") {
  auto s = queue(4, 8, 0, 0);
  s.windows[0].parts.counts.handled = 0;
  s.windows[0].parts.counts.talk_sum = {};
  s.windows[0].parts.counts.after_contact_work_sum = {};
  auto f = v::forecast_queue(s, 20s);
  REQUIRE(f);
  CHECK(f->aht_window == "1h");
  CHECK(*f->aht_seconds == doctest::Approx(100));
  CHECK(f->arrival_window == "15m");
  CHECK(*f->drain_seconds == 0);  // nobody waiting

  // Windows 5m and 1h: the rate comes from 5 min.
  s = queue(4, 8, 0, 0);
  s.windows[0] = sliding(5min, 30, 10, 10 * 120s);
  f = v::forecast_queue(s, 20s);
  REQUIRE(f);
  CHECK(f->arrival_window == "5m");
  CHECK(f->arrival_per_second == doctest::Approx(0.1));
  CHECK(*f->aht_seconds == doctest::Approx(120));
}

TEST_CASE("forecast: understaffed queues never drain, no live figures or no sliding window, no forecast") {
  auto s = queue(1, 8, 0, 4);  // 9 agents for 10 erlangs
  auto f = v::forecast_queue(s, 20s);
  REQUIRE(f);
  CHECK(*f->service_level == 0);
  CHECK(std::isinf(*f->drain_seconds));

  s.live.partitions = 0;
  CHECK_FALSE(v::forecast_queue(s, 20s));
  CHECK_FALSE(v::forecast_service_level(s, 20s));
  CHECK_FALSE(v::forecast_drain_seconds(s));

  s = queue(3, 8, 2, 0);
  s.windows.erase(s.windows.begin(), s.windows.begin() + 2);  // calendar windows only
  CHECK_FALSE(v::forecast_queue(s, 20s));
}

TEST_CASE("forecast: no handled contact in any window: no service level while contacts arrive") {
  auto s = queue(3, 8, 2, 2);
  for (auto& w : s.windows) w.parts.counts.handled = 0;
  const auto f = v::forecast_queue(s, 20s);
  REQUIRE(f);
  CHECK_FALSE(f->aht_seconds);
  CHECK(f->aht_window.empty());
  CHECK_FALSE(f->service_level);
  CHECK_FALSE(f->drain_seconds);
}
