#pragma once
// Seeded random traffic for partition_metrics restore tests (metrics and
// codec): every apply call, out of order by up to 40 s, now and then an hour
// late, across midnight in Europe/Berlin; and the check that two objects
// read alike.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "metrics/metrics_test_names.h"
#include "metrics/partition_metrics.h"

namespace ccpulse::test {

using namespace std::chrono_literals;
using namespace ccpulse::metrics;

// 2027-01-15 21:00 UTC = 22:00 in Europe/Berlin: the run crosses midnight.
inline const instant traffic_start = instant{std::chrono::seconds(1'800'000'000)} + 13h;

struct event {
  int kind;
  contact_scope scope;
  instant t;
  duration d;
  int n;
};

inline std::vector<event> traffic(std::uint32_t seed, std::size_t count) {
  std::mt19937 rng(seed);
  std::vector<event> out;
  instant clock = traffic_start;
  for (std::size_t i = 0; i < count; ++i) {
    clock += duration{std::uniform_int_distribution<std::int64_t>(0, 4'000'000)(rng)};
    event e;
    e.kind = std::uniform_int_distribution<int>(0, 13)(rng);
    const int q = std::uniform_int_distribution<int>(-1, 5)(rng);
    e.scope.queue = q < 0 ? std::nullopt : std::optional<queue_index>(static_cast<queue_index>(q));
    e.scope.chan = static_cast<channel>(std::uniform_int_distribution<int>(0, 3)(rng));
    // Out of order by up to 40 s; now and then an hour late.
    e.t = clock - duration{std::uniform_int_distribution<std::int64_t>(0, 40'000'000)(rng)};
    if (i % 97 == 0) e.t -= 70min;
    e.d = duration{std::uniform_int_distribution<std::int64_t>(0, 600'000'000)(rng)};
    e.n = std::uniform_int_distribution<int>(0, 11)(rng);
    out.push_back(e);
  }
  return out;
}

inline void apply(partition_metrics& m, const event& e) {
  const auto s = e.scope;
  const bool flag = e.n % 2 == 0;
  const auto reason = static_cast<reason_index>(e.n % 4);
  switch (e.kind) {
    case 0:
      m.on_offered(s, e.t);
      break;
    case 1:
      m.on_answered(s, e.t, e.d, flag);
      break;
    case 2:
      m.on_abandoned(s, e.t, e.n < 3, flag);
      break;
    case 3:
      m.on_flowed_out(s, e.t, flag);
      break;
    case 4:
      m.on_crossed_T(s, e.t);
      break;
    case 5:
      m.on_handled(s, e.t, e.d, e.d / 7, e.d / 3);
      break;
    case 6:
      m.on_first_response(s, e.t, e.d);
      break;
    case 7:
      m.on_next_reply(s, e.t, e.d);
      break;
    case 8:
      m.on_resolved(s, e.t, e.d * 20, flag);
      break;
    case 9:
      m.on_transferred(s, e.t, reason);
      break;
    case 10:
      m.on_escalated(s, e.t, reason);
      break;
    case 11:
      m.on_csat(s, e.t, e.n % 7);
      break;
    case 12:
      m.on_nps(s, e.t, e.n);
      break;
    default:
      m.on_agent_time(s, e.t, e.d, e.d / 2);
      break;
  }
  if (e.n == 0) m.advance(e.t);
}

inline partition_metrics make_metrics(metrics_test_names& names) {
  std::string error;
  auto cal = calendar_intervals::create("Europe/Berlin", error);
  REQUIRE(cal);
  auto m = partition_metrics::create({}, *cal, names, error);
  REQUIRE(m);
  return std::move(*m);
}

inline std::vector<scope_id> all_scopes() {
  std::vector<scope_id> out{scope_id::overall()};
  for (int c = 0; c < ccpulse::channel_count; ++c) out.push_back(scope_id::of(static_cast<channel>(c)));
  for (queue_index q = 0; q < 7; ++q) out.push_back(scope_id::queue(q));
  return out;
}

// Every read of every scope equal; returns how many reads held data.
inline int check_equal(const partition_metrics& a, const partition_metrics& b) {
  REQUIRE(a.head() == b.head());
  int non_empty = 0;
  for (const auto s : all_scopes()) {
    for (const duration len : {duration{10s}, duration{15min}, duration{1h}}) {
      const auto va = a.read_sliding(s, len);
      const auto vb = b.read_sliding(s, len);
      REQUIRE(va);
      REQUIRE(vb);
      CHECK(*va == *vb);
      non_empty += va->counts.empty() ? 0 : 1;
    }
    for (const auto p :
         {calendar_part::current_interval, calendar_part::previous_interval, calendar_part::today}) {
      const auto va = a.read_calendar(s, p);
      const auto vb = b.read_calendar(s, p);
      CHECK(va == vb);
      non_empty += va.counts.empty() ? 0 : 1;
    }
  }
  return non_empty;
}

}  // namespace ccpulse::test
