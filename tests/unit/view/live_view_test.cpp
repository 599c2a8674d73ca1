// Live gauges through the view: the builder puts them into the scope
// snapshots, the merge adds them (oldest waiting: the minimum) over live and
// behind partitions only.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <vector>

#include "metrics/live_gauges.h"
#include "metrics/metrics_test_traffic.h"
#include "view/global_view.h"
#include "view/snapshot_builder.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::agent_state;
using ccpulse::channel;
using ccpulse::instant;
using ccpulse::metrics::live_figures;
using ccpulse::metrics::live_gauges;
using ccpulse::metrics::scope_kind;
using ccpulse::test::metrics_test_names;
namespace v = ccpulse::view;

const instant t0 = ccpulse::test::traffic_start;

live_gauges gauges(std::int64_t waiting, instant oldest, std::int64_t available, std::int64_t on_contact,
                   std::int64_t backlog, std::int64_t overdue) {
  live_gauges g;
  g.waiting = waiting;
  if (waiting > 0) g.oldest_waiting_since = oldest;
  g.agents_in(agent_state::available) = available;
  g.agents_in(agent_state::on_contact) = on_contact;
  g.backlog = backlog;
  g.backlog_overdue = overdue;
  g.clocks_at_risk = waiting;  // any figure that adds
  g.clocks_breached = overdue;
  return g;
}

std::vector<v::scope_snapshot> build(const ccpulse::metrics::partition_metrics& m,
                                     const metrics_test_names& names, std::int32_t partition,
                                     const live_figures* live, v::freshness f = v::freshness::live) {
  v::snapshot_source src;
  src.partition = partition;
  src.produced_at = t0;
  src.fresh = f;
  src.live = live;
  std::vector<v::scope_snapshot> out;
  v::build_snapshots(m, names, {15min, 1h}, src, out);
  return out;
}

const v::scope_snapshot* find(const std::vector<v::scope_snapshot>& s, scope_kind k, std::string_view name) {
  const auto it = std::find_if(s.begin(), s.end(),
                               [&](const auto& x) { return x.scope.kind == k && x.scope.name == name; });
  return it == s.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE(
    "builder: every scope carries its live gauges, a scope with live gauges but no windows is included") {
  metrics_test_names names(3, 0);
  auto m = ccpulse::test::make_metrics(names);
  m.on_offered({0, channel::voice}, t0);  // q0 and voice hold window state
  live_figures live;
  live.queue(2) = gauges(0, {}, 0, 0, 7, 2);  // q2: tickets only, no windowed activity
  live.channels[static_cast<std::size_t>(channel::ticket)] = gauges(0, {}, 0, 0, 7, 2);
  live.queue(0) = gauges(2, t0 - 30s, 1, 3, 0, 0);
  live.overall = gauges(2, t0 - 30s, 1, 3, 7, 2);
  const auto out = build(m, names, 4, &live);

  const auto* q2 = find(out, scope_kind::queue, "q2");
  REQUIRE(q2);
  REQUIRE(q2->live);
  CHECK(q2->live->backlog == 7);
  CHECK(q2->live->backlog_overdue == 2);
  CHECK(q2->windows.size() == 5);  // empty windows, all of them
  REQUIRE(find(out, scope_kind::channel, "ticket"));
  const auto* q0 = find(out, scope_kind::queue, "q0");
  REQUIRE(q0);
  REQUIRE(q0->live);
  CHECK(q0->live->waiting == 2);
  CHECK(q0->live->oldest_waiting_since == t0 - 30s);
  CHECK(q0->live->agents_in(agent_state::on_contact) == 3);
  // voice has windows but no live figures of its own: zeros, not absent.
  const auto* voice = find(out, scope_kind::channel, "voice");
  REQUIRE(voice);
  REQUIRE(voice->live);
  CHECK(voice->live->empty());
  CHECK_FALSE(find(out, scope_kind::queue, "q1"));  // nothing anywhere
  CHECK(find(out, scope_kind::overall, "")->live->backlog == 7);
}

TEST_CASE("builder: no live figures given, or a restoring partition: no snapshot carries any") {
  metrics_test_names names(2, 0);
  auto m = ccpulse::test::make_metrics(names);
  m.on_offered({0, channel::voice}, t0);
  live_figures live;
  live.queue(1) = gauges(1, t0, 0, 0, 0, 0);
  for (const auto& s : build(m, names, 0, nullptr)) CHECK_FALSE(s.live);
  const auto restoring = build(m, names, 0, &live, v::freshness::restoring);
  CHECK_FALSE(find(restoring, scope_kind::queue, "q1"));
  for (const auto& s : restoring) CHECK_FALSE(s.live);
}

TEST_CASE(
    "merge: live gauges of two partitions add up, the oldest waiting is the earlier, restoring ones are left "
    "out") {
  metrics_test_names names(1, 0);
  auto m = ccpulse::test::make_metrics(names);
  live_figures a, b, c;
  a.queue(0) = gauges(3, t0 - 41s, 2, 4, 10, 1);
  b.queue(0) = gauges(2, t0 - 90s, 1, 0, 2, 2);
  c.queue(0) = gauges(50, t0 - 1h, 9, 9, 99, 99);
  const auto sa = build(m, names, 0, &a);
  const auto sb = build(m, names, 1, &b, v::freshness::behind);
  auto sc = build(m, names, 2, &c);
  for (auto& s : sc) s.fresh = v::freshness::restoring;  // as a reader may get it from an older writer
  std::vector<const v::scope_snapshot*> all;
  for (const auto* p : std::initializer_list<const std::vector<v::scope_snapshot>*>{&sa, &sb, &sc})
    for (const auto& s : *p) all.push_back(&s);
  const auto view = v::merge(all, 3);
  const auto* q = view.find({scope_kind::queue, "q0"});
  REQUIRE(q);
  CHECK(q->live.partitions == 2);
  CHECK(q->live.gauges.waiting == 5);
  CHECK(q->live.gauges.oldest_waiting_since == t0 - 90s);
  CHECK(q->live.gauges.agents_in(agent_state::available) == 3);
  CHECK(q->live.gauges.agents_in(agent_state::on_contact) == 4);
  CHECK(q->live.gauges.backlog == 12);
  CHECK(q->live.gauges.backlog_overdue == 3);
  CHECK(q->live.gauges.clocks_at_risk == 5);
  CHECK(q->live.gauges.clocks_breached == 3);
}

TEST_CASE("global view: build stamps the view, and a restoring snapshot drops the key's live gauges") {
  metrics_test_names names(1, 0);
  auto m = ccpulse::test::make_metrics(names);
  live_figures a;
  a.queue(0) = gauges(1, t0 - 5s, 1, 0, 0, 0);
  v::global_view g;
  for (auto& s : build(m, names, 0, &a)) g.put(std::move(s));
  auto view = g.build(t0 + 1s);
  CHECK(view.built_at == t0 + 1s);
  REQUIRE(view.find({scope_kind::queue, "q0"}));
  CHECK(view.find({scope_kind::queue, "q0"})->live.partitions == 1);
  for (auto& s : build(m, names, 0, &a, v::freshness::restoring)) g.put(std::move(s));
  view = g.build(t0 + 2s);
  const auto* overall = view.find({scope_kind::overall, ""});
  REQUIRE(overall);
  CHECK(overall->live.partitions == 0);
}
