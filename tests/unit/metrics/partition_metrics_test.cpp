#include "metrics/partition_metrics.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>

#include "metrics/metrics_test_names.h"
#include "support/allocation_counter.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::channel;
using ccpulse::duration;
using ccpulse::instant;
using ccpulse::metrics::calendar_intervals;
using ccpulse::metrics::calendar_part;
using ccpulse::metrics::contact_scope;
using ccpulse::metrics::distribution;
using ccpulse::metrics::kpi_view;
using ccpulse::metrics::partition_metrics;
using ccpulse::metrics::scope_id;
using ccpulse::metrics::window_result;
using ccpulse::test::metrics_test_names;

// 2027-01-15 08:00:00 UTC = 09:00 in Europe/Berlin (CET, UTC+1).
const instant t0 = instant{std::chrono::seconds(1'800'000'000)};

partition_metrics make(metrics_test_names& names, std::string_view zone = "Europe/Berlin") {
  std::string error;
  auto cal = calendar_intervals::create(zone, error);
  REQUIRE(cal);
  auto m = partition_metrics::create({}, *cal, names, error);
  REQUIRE_MESSAGE(m, error);
  return std::move(*m);
}

kpi_view sliding(const partition_metrics& m, scope_id s, duration len) {
  auto v = m.read_sliding(s, len);
  REQUIRE(v);
  return *v;
}

bool within_error(std::optional<duration> got, duration want) {
  return got &&
         std::abs(static_cast<double>((*got - want).count())) <= static_cast<double>(want.count()) / 64;
}

const contact_scope q0_voice{0, channel::voice};

}  // namespace

TEST_CASE("partition metrics: no scope before the first event, then its queue, channel and overall") {
  metrics_test_names names(100);
  auto m = make(names);
  CHECK(m.scope_count() == 0);
  CHECK(m.heap_bytes() == 0);
  CHECK(m.on_offered({7, channel::chat}, t0) == window_result::applied);
  CHECK(m.scope_count() == 3);
  CHECK(sliding(m, scope_id::queue(7), 15min).counts.offered == 1);
  CHECK(sliding(m, scope_id::of(channel::chat), 15min).counts.offered == 1);
  CHECK(sliding(m, scope_id::overall(), 15min).counts.offered == 1);
  CHECK(sliding(m, scope_id::queue(6), 15min).counts.offered == 0);
  // A contact without a queue counts in its channel and overall only.
  m.on_offered({std::nullopt, channel::email}, t0);
  CHECK(m.scope_count() == 4);
}

TEST_CASE("partition metrics: a 15 min view of one queue, KPIs computed by hand") {
  metrics_test_names names(1);
  auto m = make(names);
  for (int i = 0; i < 4; ++i) m.on_offered(q0_voice, t0 + i * 1s);
  m.on_abandoned(q0_voice, t0 + 4s, /*short*/ true, /*within_T*/ true);
  m.on_answered(q0_voice, t0 + 10s, 10s, true);
  m.on_abandoned(q0_voice, t0 + 40s, false, false);
  m.on_answered(q0_voice, t0 + 50s, 48s, false);
  m.on_handled(q0_voice, t0 + 5min, 120s, 30s, 60s);
  CHECK(m.on_csat(q0_voice, t0 + 6min, 5) == window_result::applied);
  m.on_csat(q0_voice, t0 + 6min, 3);
  for (int s : {10, 6, 8}) m.on_nps(q0_voice, t0 + 6min, s);
  CHECK(m.on_csat(q0_voice, t0 + 6min, 6) == window_result::rejected);
  CHECK(m.probe().rejected == 1);

  for (const auto s : {scope_id::queue(0), scope_id::of(channel::voice), scope_id::overall()}) {
    const auto v = sliding(m, s, 15min);
    const auto k = summarize(v, {});
    CHECK(k.offered == 4);
    CHECK(k.answered == 2);
    CHECK(k.abandoned == 2);
    // SL = Aw / (A + B - Bs) = 1 / (2 + 2 - 1).
    CHECK(*k.service_level == doctest::Approx(1.0 / 3));
    // Abandonment = (B - Bs) / (Q - Bs) = 1 / 3.
    CHECK(*k.abandonment_rate == doctest::Approx(1.0 / 3));
    CHECK(*k.average_speed_of_answer == doctest::Approx(29.0));
    CHECK(*k.average_handle_time == doctest::Approx(210.0));
    CHECK(*k.csat_share == doctest::Approx(0.5));
    CHECK(*k.csat_mean == doctest::Approx(4.0));
    CHECK(*k.net_promoter_score == doctest::Approx(0.0));
    CHECK(within_error(k.wait.p50, 10s));  // rank 1 of 2
    CHECK(within_error(k.wait.p99, 48s));  // rank 2 of 2
    CHECK(within_error(k.handle.p50, 210s));
    CHECK_FALSE(k.first_response.p50);
  }
  // The window: the 90 newest 10 s buckets, the head (t0 + 6 min) included.
  const auto v = sliding(m, scope_id::queue(0), 15min);
  CHECK(v.from == t0 + 6min + 10s - 15min);
  CHECK(v.to == t0 + 6min + 10s);
  CHECK_FALSE(m.read_sliding(scope_id::queue(0), 15s));
  CHECK_FALSE(m.read_sliding(scope_id::queue(0), 2h));
}

TEST_CASE("partition metrics: the 15 min view slides off old buckets, the 1 h view keeps them") {
  metrics_test_names names(1);
  auto m = make(names);
  m.on_offered(q0_voice, t0);
  m.on_answered(q0_voice, t0 + 50s, 48s, false);
  m.on_handled(q0_voice, t0 + 5min, 120s, 30s, 60s);
  m.advance(t0 + 16min);
  // 15 min: fine buckets from t0 + 1 min 10 s; coarse (5 min) buckets from t0 + 5 min.
  auto v = sliding(m, scope_id::queue(0), 15min);
  CHECK(v.counts.offered == 0);
  CHECK(v.counts.answered == 0);
  CHECK(v.counts.handled == 1);
  CHECK(v.dist[distribution::wait].empty());
  CHECK(v.dist[distribution::handle].count() == 1);
  v = sliding(m, scope_id::queue(0), 1h);
  CHECK(v.counts.offered == 1);
  CHECK(v.counts.answered == 1);
  CHECK(v.dist[distribution::wait].count() == 1);
  // An hour later everything has left; an event that old is late.
  m.advance(t0 + 1h + 10min);
  CHECK(sliding(m, scope_id::queue(0), 1h).counts.handled == 0);
  CHECK(m.on_offered(q0_voice, t0 + 5min) == window_result::late);
  CHECK(m.probe().late == 1);
  CHECK(m.on_offered(q0_voice, t0 + 10min + 10s) == window_result::applied);
}

TEST_CASE("partition metrics: current and previous 15 min interval and today in the site's zone") {
  metrics_test_names names(1);
  auto m = make(names);
  m.on_offered(q0_voice, t0 + 5min);   // 09:05 local
  m.on_offered(q0_voice, t0 + 20min);  // 09:20
  m.on_first_response(q0_voice, t0 + 20min, 90s);
  m.advance(t0 + 25min);
  auto cur = m.read_calendar(scope_id::queue(0), calendar_part::current_interval);
  CHECK(cur.from == t0 + 15min);
  CHECK(cur.to == t0 + 30min);
  CHECK(cur.counts.offered == 1);
  CHECK(cur.dist[distribution::first_response].count() == 1);
  auto prev = m.read_calendar(scope_id::queue(0), calendar_part::previous_interval);
  CHECK(prev.from == t0);
  CHECK(prev.counts.offered == 1);
  CHECK(prev.dist[distribution::first_response].empty());
  auto today = m.read_calendar(scope_id::queue(0), calendar_part::today);
  CHECK(today.from == t0 - 9h);  // local midnight
  CHECK(today.counts.offered == 2);

  // 23:50 local, then past midnight: a new day; yesterday's last interval is
  // the previous one.
  m.on_offered(q0_voice, t0 + 14h + 50min);
  m.advance(t0 + 15h + 5min);
  today = m.read_calendar(scope_id::queue(0), calendar_part::today);
  CHECK(today.from == t0 + 15h);
  CHECK(today.counts.offered == 0);
  prev = m.read_calendar(scope_id::queue(0), calendar_part::previous_interval);
  CHECK(prev.from == t0 + 14h + 45min);
  CHECK(prev.counts.offered == 1);
  // An event from before midnight, seen after it, fills the interval but not today.
  m.on_offered(q0_voice, t0 + 14h + 59min);
  CHECK(m.read_calendar(scope_id::queue(0), calendar_part::previous_interval).counts.offered == 2);
  CHECK(m.read_calendar(scope_id::queue(0), calendar_part::today).counts.offered == 0);
}

TEST_CASE("partition metrics: transfers and escalations count in total and by reason") {
  metrics_test_names names(1, 3);
  auto m = make(names);
  m.on_transferred(q0_voice, t0, 2);
  m.on_transferred(q0_voice, t0 + 1s, 2);
  m.on_transferred(q0_voice, t0 + 2s, 0);
  m.on_escalated(q0_voice, t0 + 3s, 1);
  m.on_handled(q0_voice, t0 + 4s, 60s, 0s, 0s);
  m.on_handled(q0_voice, t0 + 5s, 60s, 0s, 0s);
  const auto v = sliding(m, scope_id::queue(0), 15min);
  CHECK(v.counts.transfers == 3);
  CHECK(v.counts.escalations == 1);
  CHECK(v.dist.transfers_by_reason.get(2) == 2);
  CHECK(v.dist.transfers_by_reason.get(0) == 1);
  CHECK(v.dist.escalations_by_reason.get(1) == 1);
  const auto k = summarize(v, {});
  CHECK(*k.transfer_rate == doctest::Approx(1.5));
  CHECK(*k.escalation_rate == doctest::Approx(0.5));
}

TEST_CASE("partition metrics: settings that cannot work are refused with a reason") {
  metrics_test_names names;
  std::string error;
  auto cal = calendar_intervals::create("UTC", error);
  REQUIRE(cal);
  ccpulse::metrics::partition_metrics_settings s;
  s.coarse_width = 7s;
  CHECK_FALSE(partition_metrics::create(s, *cal, names, error));
  CHECK(error.find("coarse width") != std::string::npos);
  s = {};
  s.fine_buckets = 90;  // 15 min: the previous 15 min interval would not be live
  CHECK_FALSE(partition_metrics::create(s, *cal, names, error));
  CHECK(error.find("half the fine span") != std::string::npos);
}

TEST_CASE("partition metrics: a warm partition applies and drains steady traffic without allocating") {
  struct null_sink final : ccpulse::metrics::window_state_sink {
    void put_bucket(const ccpulse::metrics::window_bucket_state&) override { ++n; }
    void put_clock(const ccpulse::metrics::window_clock_state&) override { ++n; }
    void erase_bucket(const ccpulse::metrics::window_state_key&) override { ++n; }
    std::size_t n = 0;
  } sink;
  metrics_test_names names(3, 2);
  auto m = make(names);
  // The same pattern every 5 minutes, so each ring slot sees the same buckets.
  auto traffic = [&](instant from, int minutes) {
    for (int s = 0; s < minutes * 60; s += 2) {
      const instant t = from + s * 1s;
      const contact_scope cs{static_cast<ccpulse::metrics::queue_index>(s % 3), channel::voice};
      const auto wait = duration{(s % 300) * 100'000};
      m.on_offered(cs, t);
      m.on_answered(cs, t - 3s, wait, wait < 20s);
      m.on_handled(cs, t, wait * 3, 5s, 30s);
      m.on_transferred(cs, t, static_cast<ccpulse::metrics::reason_index>(s % 2));
      m.advance(t - 30s);
      if (s % 10 == 0) m.drain(sink);
    }
  };
  traffic(t0, 130);
  ccpulse::test::allocation_scope scope;
  traffic(t0 + 130min, 60);
  CHECK(scope.count() == 0);
  CHECK(sink.n > 0);
}
