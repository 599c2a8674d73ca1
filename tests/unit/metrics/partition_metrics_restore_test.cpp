// "Serialise at any point, restore, continue = same output" (CONVENTIONS.md)
// for partition_metrics: a seeded random event sequence goes to A, whose
// drains fill a compacted store; at a random point B restores from the store
// and both continue with the same events: every read must be equal.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "metrics/metrics_test_names.h"
#include "metrics/metrics_test_traffic.h"
#include "metrics/partition_metrics.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::channel;
using ccpulse::duration;
using ccpulse::instant;
using namespace ccpulse::metrics;
using ccpulse::test::metrics_test_names;

using ccpulse::test::traffic_start;
const instant start = traffic_start;

// The compacted topic: the last put per key, tombstones delete.
struct store final : window_state_sink {
  using key = std::tuple<window_bucket_kind, scope_kind, std::string, std::int64_t>;
  std::map<key, window_bucket_state> buckets;
  std::optional<window_clock_state> clock;
  std::size_t puts = 0, erases = 0;

  void put_bucket(const window_bucket_state& s) override {
    ++puts;
    buckets[{s.kind, s.scope, s.scope_name, ccpulse::to_unix_micros(s.start)}] = s;
  }
  void put_clock(const window_clock_state& s) override { clock = s; }
  void erase_bucket(const window_state_key& k) override {
    ++erases;
    buckets.erase({k.kind, k.scope, std::string(k.scope_name), ccpulse::to_unix_micros(k.start)});
  }
  void replay(partition_metrics& into) const {
    if (clock) into.restore(*clock);
    for (const auto& [k, s] : buckets) into.restore(s);
  }
};

}  // namespace

TEST_CASE(
    "partition metrics: restored at a random point from its drained records, a copy reads the same ever "
    "after") {
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    const auto evs = ccpulse::test::traffic(seed, 9000);
    std::mt19937 rng(seed * 7919);
    const std::size_t cut = std::uniform_int_distribution<std::size_t>(500, evs.size() - 500)(rng);
    metrics_test_names names_a(6, 4), names_b(6, 4);
    auto a = ccpulse::test::make_metrics(names_a);
    store topic;
    for (std::size_t i = 0; i < cut; ++i) {
      ccpulse::test::apply(a, evs[i]);
      if (i % 40 == 0) a.drain(topic);  // a commit
    }
    a.drain(topic);
    CHECK(topic.erases > 0);  // the run crosses an hour and midnight: buckets were tombstoned

    auto b = ccpulse::test::make_metrics(names_b);
    topic.replay(b);
    b.finish_restore();
    CHECK(b.probe().restore_skipped == 0);
    CHECK(ccpulse::test::check_equal(a, b) > 20);

    store topic_b;
    for (std::size_t i = cut; i < evs.size(); ++i) {
      ccpulse::test::apply(a, evs[i]);
      ccpulse::test::apply(b, evs[i]);
      if (i % 40 == 0) {
        a.drain(topic);
        b.drain(topic_b);
      }
      if (i % 1500 == 0) ccpulse::test::check_equal(a, b);
    }
    CHECK(ccpulse::test::check_equal(a, b) > 20);
    CHECK(b.probe().late > 0);  // the hour-late events were refused after the restore too
  }
}

TEST_CASE(
    "partition metrics: records of another bucket width or an unknown scope are skipped and tombstoned") {
  metrics_test_names names(1);
  auto m = ccpulse::test::make_metrics(names);
  window_bucket_state r;
  r.kind = window_bucket_kind::counters;
  r.scope = scope_kind::overall;
  r.start = start;
  r.width = 1min;  // this build uses 10 s
  r.counts.offered = 5;
  m.restore(r);
  r.width = 10s;
  r.scope = scope_kind::channel;
  r.scope_name = "fax";
  m.restore(r);
  r.scope = scope_kind::overall;
  r.scope_name = "";
  r.start = start + 10s;
  m.restore(r);
  m.restore(window_clock_state{start + 20s});
  m.finish_restore();
  CHECK(m.probe().restore_skipped == 2);
  CHECK(m.read_sliding(scope_id::overall(), 1min)->counts.offered == 5);
  store topic;
  m.drain(topic);
  CHECK(topic.erases == 2);
}
