#include "view/global_view.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "metrics/metrics_test_traffic.h"
#include "view/snapshot_builder.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::duration;
using ccpulse::instant;
using ccpulse::metrics::distribution;
using ccpulse::metrics::scope_kind;
using ccpulse::test::metrics_test_names;
namespace v = ccpulse::view;

const std::vector<duration> lengths{15min, 1h};

std::vector<v::scope_snapshot> snapshots_of(const ccpulse::metrics::partition_metrics& m,
                                            const metrics_test_names& names, std::int32_t partition,
                                            instant produced_at, v::freshness f = v::freshness::live) {
  std::vector<v::scope_snapshot> out;
  v::snapshot_source src;
  src.partition = partition;
  src.instance_id = "test";
  src.produced_at = produced_at;
  src.fresh = f;
  v::build_snapshots(m, names, lengths, src, out);
  return out;
}

v::merged_view merged(const std::vector<std::vector<v::scope_snapshot>>& parts, std::int32_t expected) {
  std::vector<const v::scope_snapshot*> all;
  for (const auto& p : parts)
    for (const auto& s : p) all.push_back(&s);
  return v::merge(all, expected);
}

// The traffic of the restore tests without its hour-late events: whether an
// event is late depends on its partition's head when it arrives, and a split
// moves heads, so a late event is the one thing a split may change.
std::vector<ccpulse::test::event> on_time_traffic(std::uint32_t seed, std::size_t n) {
  auto events = ccpulse::test::traffic(seed, n);
  std::erase_if(events, [&, i = std::size_t{0}](const auto&) mutable { return i++ % 97 == 0; });
  return events;
}

}  // namespace

TEST_CASE("merging the snapshots of two halves of a log equals the snapshot of the whole log") {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    INFO("seed " << seed);
    metrics_test_names names(7, 4);
    auto whole = ccpulse::test::make_metrics(names);
    auto half_a = ccpulse::test::make_metrics(names);
    auto half_b = ccpulse::test::make_metrics(names);
    std::mt19937 rng(seed);
    for (const auto& e : on_time_traffic(seed, 4000)) {
      ccpulse::test::apply(whole, e);
      ccpulse::test::apply(rng() % 2 ? half_a : half_b, e);
    }
    // Both halves read at the whole's head, as partitions that are live.
    REQUIRE(whole.head());
    half_a.advance(*whole.head());
    half_b.advance(*whole.head());

    const instant at = *whole.head();
    const auto split = merged({snapshots_of(half_a, names, 0, at), snapshots_of(half_b, names, 1, at)}, 2);
    const auto one = merged({snapshots_of(whole, names, 0, at)}, 1);
    REQUIRE(split.scopes.size() == one.scopes.size());
    int non_empty = 0;
    for (std::size_t i = 0; i < one.scopes.size(); ++i) {
      const auto& a = split.scopes[i];
      const auto& b = one.scopes[i];
      REQUIRE(a.scope == b.scope);
      REQUIRE(a.windows.size() == 5);
      REQUIRE(a.windows.size() == b.windows.size());
      for (std::size_t w = 0; w < a.windows.size(); ++w) {
        INFO(v::to_string(a.scope.kind) << "/" << a.scope.name << " " << a.windows[w].name);
        CHECK(a.windows[w].name == b.windows[w].name);
        CHECK(a.windows[w].from == b.windows[w].from);
        CHECK(a.windows[w].to == b.windows[w].to);
        // Counts and sums exact; histograms bucket for bucket, so every
        // percentile is the whole log's.
        CHECK(a.windows[w].parts.counts == b.windows[w].parts.counts);
        CHECK(a.windows[w].parts == b.windows[w].parts);
        for (auto q : {0.5, 0.9, 0.99})
          CHECK(a.windows[w].parts[distribution::wait].quantile(q) ==
                b.windows[w].parts[distribution::wait].quantile(q));
        non_empty += a.windows[w].parts.counts.empty() ? 0 : 1;
      }
    }
    CHECK(non_empty > 20);
    CHECK(split.fresh.live == std::vector<std::int32_t>{0, 1});
    CHECK(split.fresh.missing.empty());
  }
}

TEST_CASE("merged percentiles are within the stated error of the whole sample's") {
  metrics_test_names names(2);
  auto a = ccpulse::test::make_metrics(names);
  auto b = ccpulse::test::make_metrics(names);
  const instant t0 = ccpulse::test::traffic_start;
  std::mt19937 rng(7);
  std::vector<duration> waits;
  for (int i = 0; i < 5000; ++i) {
    const duration w{std::uniform_int_distribution<std::int64_t>(1'024, 900'000'000)(rng)};
    waits.push_back(w);
    (i % 3 ? a : b).on_answered({0, ccpulse::channel::voice}, t0 + std::chrono::milliseconds(i), w, true);
  }
  a.advance(t0 + 10s);
  b.advance(t0 + 10s);
  const auto view = merged({snapshots_of(a, names, 0, t0), snapshots_of(b, names, 1, t0)}, 2);
  const auto* q0 = view.find({scope_kind::queue, "q0"});
  REQUIRE(q0);
  std::sort(waits.begin(), waits.end());
  for (const auto& w : q0->windows) {
    INFO(w.name);
    if (w.kind == v::window_kind::previous_interval) {
      CHECK(w.parts.counts.empty());
      continue;
    }
    REQUIRE(w.parts.counts.answered == 5000);
    for (double q : {0.5, 0.9, 0.99}) {
      const auto truth = waits[static_cast<std::size_t>(std::ceil(q * 5000)) - 1];
      const auto got = w.parts[distribution::wait].quantile(q);
      REQUIRE(got);
      CHECK(std::abs(static_cast<double>((*got - truth).count())) <=
            static_cast<double>(truth.count()) * ccpulse::metrics::log_linear_layout::kRelativeError);
    }
  }
}

TEST_CASE(
    "a partition still in the previous interval adds into the view's previous interval, not its current") {
  metrics_test_names names(1);
  auto ahead = ccpulse::test::make_metrics(names);
  auto behind = ccpulse::test::make_metrics(names);
  // 22:00 Berlin; intervals of 15 min: ahead is at 22:16, behind at 22:14.
  const instant t0 = ccpulse::test::traffic_start;
  const ccpulse::metrics::contact_scope q0{0, ccpulse::channel::voice};
  ahead.on_offered(q0, t0 + 16min);
  behind.on_offered(q0, t0 + 14min);
  behind.on_offered(q0, t0 + 14min);
  const auto view = merged(
      {snapshots_of(ahead, names, 0, t0), snapshots_of(behind, names, 1, t0, v::freshness::behind)}, 3);
  const auto* q = view.find({scope_kind::queue, "q0"});
  REQUIRE(q);
  auto window = [&](std::string_view n) {
    auto it = std::find_if(q->windows.begin(), q->windows.end(), [&](const auto& w) { return w.name == n; });
    REQUIRE(it != q->windows.end());
    return *it;
  };
  CHECK(window("interval").from == t0 + 15min);
  CHECK(window("interval").parts.counts.offered == 1);
  CHECK(window("interval").partitions == 1);
  CHECK(window("previous_interval").from == t0);
  CHECK(window("previous_interval").parts.counts.offered == 2);
  CHECK(window("today").parts.counts.offered == 3);
  CHECK(window("1h").parts.counts.offered == 3);
  CHECK(view.fresh.live == std::vector<std::int32_t>{0});
  CHECK(view.fresh.behind == std::vector<std::int32_t>{1});
  CHECK(view.fresh.missing == std::vector<std::int32_t>{2});
}

TEST_CASE(
    "the global view keeps the latest snapshot per key, drops stale keys and keeps figures while restoring") {
  metrics_test_names names(1);
  auto m = ccpulse::test::make_metrics(names);
  const instant t0 = ccpulse::test::traffic_start;
  m.on_offered({0, ccpulse::channel::voice}, t0);
  v::global_view g({30s});
  g.expect_partitions(2);
  for (auto& s : snapshots_of(m, names, 0, t0)) g.put(s);
  m.on_offered({0, ccpulse::channel::voice}, t0 + 1s);
  for (auto& s : snapshots_of(m, names, 0, t0 + 1s)) g.put(s);
  CHECK(g.size() == 3);  // overall, channel voice, queue q0
  auto view = g.build(t0 + 2s);
  CHECK(view.find({scope_kind::queue, "q0"})->windows.front().parts.counts.offered == 2);
  CHECK(view.fresh.missing == std::vector<std::int32_t>{1});
  CHECK(view.fresh.oldest_produced_at == t0 + 1s);

  // Partition 0 restoring elsewhere: the marker has no windows, the figures stay.
  v::scope_snapshot marker;
  marker.partition = 0;
  marker.produced_at = t0 + 10s;
  marker.fresh = v::freshness::restoring;
  g.put(marker);
  view = g.build(t0 + 6s);
  CHECK(view.fresh.restoring == std::vector<std::int32_t>{0});
  CHECK(view.find({scope_kind::overall, ""})->windows.front().parts.counts.offered == 2);

  // Nothing new for longer than max_age: the keys go, the partition is missing.
  view = g.build(t0 + 36s);
  CHECK(g.size() == 1);  // the marker is newer
  view = g.build(t0 + 41s);
  CHECK(g.size() == 0);
  CHECK(view.fresh.missing == std::vector<std::int32_t>{0, 1});
  CHECK(view.fresh.dropped_stale == 3);
  REQUIRE(view.scopes.size() == 1);  // the overall scope, always there
  CHECK(view.scopes.front().scope.kind == scope_kind::overall);
}

TEST_CASE("snapshots name their scopes and reasons, and every partition reports its overall scope") {
  metrics_test_names names(3, 3);
  auto m = ccpulse::test::make_metrics(names);
  std::vector<v::scope_snapshot> out;
  v::build_snapshots(m, names, lengths, {}, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].scope == v::scope_key{scope_kind::overall, ""});
  CHECK(out[0].windows.size() == 5);

  const instant t0 = ccpulse::test::traffic_start;
  m.on_transferred({2, ccpulse::channel::chat}, t0, 1);
  m.on_transferred({2, ccpulse::channel::chat}, t0, 1);
  m.on_transferred({2, ccpulse::channel::chat}, t0, 0);
  v::build_snapshots(m, names, {15min, 7s}, {}, out);  // 7 s: not a multiple of the bucket, left out
  REQUIRE(out.size() == 3);
  const auto q =
      std::find_if(out.begin(), out.end(), [](const auto& s) { return s.scope.kind == scope_kind::queue; });
  REQUIRE(q != out.end());
  CHECK(q->scope.name == "q2");
  CHECK(std::any_of(out.begin(), out.end(), [](const auto& s) { return s.scope.name == "chat"; }));
  REQUIRE(q->windows.size() == 4);
  CHECK(v::window_name(q->windows[0]) == "15m");
  CHECK(q->windows[0].parts.transfers_by_reason == v::reason_counts{{"r0", 1}, {"r1", 2}});
  CHECK(v::window_name(q->windows[3]) == "today");
}

TEST_CASE(
    "merge: the partitions' firing queue alerts make one list by queue and rule, the later report of a moved "
    "owner wins") {
  const instant t0 = ccpulse::test::traffic_start;
  v::scope_snapshot old_owner, new_owner;
  old_owner.partition = 0;
  old_owner.produced_at = t0;
  old_owner.firing = {{"waits-long", "sales", "waiting", "", "above", 5, "warning", t0 - 1min}};
  new_owner.partition = 1;
  new_owner.produced_at = t0 + 1s;
  new_owner.firing = {{"waits-long", "sales", "waiting", "", "above", 5, "critical", t0 - 1min},
                      {"sl-low", "billing", "service_level", "15m", "below", 0.8, "warning", t0 - 2min}};
  const auto view = v::merge({&old_owner, &new_owner}, 2);
  REQUIRE(view.firing.size() == 2);
  CHECK(view.firing[0].queue == "billing");
  CHECK(view.firing[1].queue == "sales");
  CHECK(view.firing[1].severity == "critical");
  CHECK(v::merge({&old_owner}, 1).firing.size() == 1);
}

TEST_CASE(
    "queue rules judge a view only when every partition reports, none restores, and the reader caught up") {
  const instant t0 = ccpulse::test::traffic_start;
  v::view_freshness f;
  f.expected_partitions = 2;
  f.live = {0, 1};
  f.oldest_produced_at = t0;
  CHECK(v::complete_for_judging(f, t0 + 10s, 10s));
  CHECK_FALSE(v::complete_for_judging(f, t0 + 11s, 10s));  // a snapshot too old

  auto missing = f;
  missing.missing = {1};
  CHECK_FALSE(v::complete_for_judging(missing, t0, 10s));
  auto restoring = f;
  restoring.restoring = {0};
  CHECK_FALSE(v::complete_for_judging(restoring, t0, 10s));
  // After a restart the reader replays the snapshots topic: every overall
  // scope can be in while a queue's scopes on another snapshots partition
  // are not yet; judged then, a firing rule read "no figures" and resolved.
  auto reading = f;
  reading.catching_up = true;
  CHECK_FALSE(v::complete_for_judging(reading, t0, 10s));
  auto unknown = f;
  unknown.expected_partitions = 0;
  CHECK_FALSE(v::complete_for_judging(unknown, t0, 10s));
  auto no_snapshot = f;
  no_snapshot.oldest_produced_at.reset();
  CHECK_FALSE(v::complete_for_judging(no_snapshot, t0, 10s));
}
