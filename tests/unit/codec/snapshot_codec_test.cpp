#include "codec/snapshot_codec.h"

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <optional>

#include "ccpulse/v1/snapshot.pb.h"
#include "metrics/metrics_test_traffic.h"
#include "view/snapshot_builder.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::instant;
using ccpulse::metrics::scope_kind;
namespace v = ccpulse::view;
namespace c = ccpulse::codec;

std::vector<v::scope_snapshot> sample() {
  ccpulse::test::metrics_test_names names(7, 4);
  auto m = ccpulse::test::make_metrics(names);
  for (const auto& e : ccpulse::test::traffic(5, 3000)) ccpulse::test::apply(m, e);
  v::snapshot_source src;
  src.partition = 11;
  src.instance_id = "host-a";
  src.produced_at = ccpulse::test::traffic_start + 3h;
  src.watermark = ccpulse::test::traffic_start + 2h;
  src.fresh = v::freshness::behind;
  src.lag_messages = 42;
  std::vector<v::scope_snapshot> out;
  v::build_snapshots(m, names, {15min, 1h}, src, out);
  return out;
}

}  // namespace

TEST_CASE("a scope snapshot survives encode and decode, field for field") {
  const auto snaps = sample();
  REQUIRE(snaps.size() > 5);
  c::snapshot_encoder enc;
  c::snapshot_decoder dec;
  std::string key, value;
  bool histograms = false, reasons = false;
  for (const auto& s : snaps) {
    enc.encode(s, key, value);
    v::scope_snapshot back;
    const auto r = dec.decode(key, value.data(), value.size(), back);
    REQUIRE_MESSAGE(r.ok, r.detail);
    CHECK(back == s);
    for (const auto& w : s.windows) {
      histograms = histograms || !w.parts.histograms[0].empty();
      reasons = reasons || !w.parts.transfers_by_reason.empty();
    }
    // Deterministic: the same snapshot gives the same bytes.
    std::string key2, value2;
    enc.encode(back, key2, value2);
    CHECK(key2 == key);
    CHECK(value2 == value);
  }
  CHECK(histograms);
  CHECK(reasons);
}

TEST_CASE("snapshot keys name the scope kind, the scope and the partition") {
  std::string key;
  c::encode_snapshot_key({scope_kind::queue, "sales/emea"}, 3, key);
  CHECK(key == "queue/sales/emea/3");
  c::snapshot_key k;
  REQUIRE(c::parse_snapshot_key(key, k));
  CHECK(k.scope == v::scope_key{scope_kind::queue, "sales/emea"});
  CHECK(k.partition == 3);
  c::encode_snapshot_key({scope_kind::overall, ""}, 0, key);
  CHECK(key == "overall/all/0");
  REQUIRE(c::parse_snapshot_key(key, k));
  CHECK(k.scope == v::scope_key{scope_kind::overall, ""});
  c::encode_snapshot_key({scope_kind::channel, "voice"}, 12, key);
  CHECK(key == "channel/voice/12");
  for (const char* bad : {"", "queue", "queue/x", "queue//1", "queue/x/01", "queue/x/-1", "queue/x/1a",
                          "overall/x/1", "team/x/1", "queue/x/99999999999"})
    CHECK_MESSAGE(!c::parse_snapshot_key(bad, k), bad);
}

TEST_CASE("the snapshot decoder refuses values it cannot represent exactly") {
  const auto s = sample().front();
  c::snapshot_encoder enc;
  std::string key, value;
  enc.encode(s, key, value);
  c::snapshot_decoder dec;
  v::scope_snapshot out;
  auto mutate = [&](const std::function<void(ccpulse::v1::QueueSnapshot&)>& f) {
    ccpulse::v1::QueueSnapshot pb;
    REQUIRE(pb.ParseFromString(value));
    f(pb);
    const auto bytes = pb.SerializeAsString();
    return dec.decode(key, bytes.data(), bytes.size(), out);
  };
  CHECK(mutate([](auto&) {}).ok);
  CHECK_FALSE(dec.decode(key, "\xff\xff", 2, out).ok);
  CHECK_FALSE(mutate([](auto& pb) { pb.set_format_version(2); }).ok);
  CHECK_FALSE(mutate([](auto& pb) { pb.set_format_version(0); }).ok);
  CHECK_FALSE(mutate([](auto& pb) { pb.set_partition(12); }).ok);
  CHECK_FALSE(mutate([](auto& pb) { pb.set_scope_kind(ccpulse::v1::QueueSnapshot::SCOPE_KIND_QUEUE); }).ok);
  CHECK_FALSE(
      mutate([](auto& pb) { pb.set_freshness(ccpulse::v1::QueueSnapshot::FRESHNESS_UNSPECIFIED); }).ok);
  CHECK_FALSE(mutate([](auto& pb) {
                pb.mutable_windows(0)->set_kind(ccpulse::v1::QueueSnapshot::Window::KIND_UNSPECIFIED);
              }).ok);
  CHECK_FALSE(mutate([](auto& pb) { pb.mutable_windows(0)->set_length_micros(0); }).ok);
  CHECK_FALSE(mutate([](auto& pb) { pb.mutable_windows(0)->mutable_wait()->add_bucket_index(3); }).ok);
  CHECK_FALSE(mutate([](auto& pb) { pb.set_produced_at_micros(INT64_MAX); }).ok);
}

namespace {
ccpulse::metrics::live_gauges some_live() {
  ccpulse::metrics::live_gauges g;
  g.waiting = 3;
  g.oldest_waiting_since = ccpulse::test::traffic_start + 2h - 41s;
  g.agents_in(ccpulse::agent_state::available) = 2;
  g.agents_in(ccpulse::agent_state::on_contact) = 5;
  g.agents_in(ccpulse::agent_state::after_contact_work) = 1;
  g.agents_in(ccpulse::agent_state::away) = 4;
  g.agents_in(ccpulse::agent_state::unspecified) = 6;
  g.backlog = 12;
  g.backlog_overdue = 1;
  g.clocks_at_risk = 7;
  g.clocks_breached = 2;
  return g;
}
}  // namespace

TEST_CASE("a snapshot's live gauges survive encode and decode, present, empty or absent") {
  auto s = sample().front();
  c::snapshot_encoder enc;
  c::snapshot_decoder dec;
  std::string key, value;
  for (const auto& live : {std::optional(some_live()), std::optional(ccpulse::metrics::live_gauges{}),
                           std::optional<ccpulse::metrics::live_gauges>{}}) {
    s.live = live;
    enc.encode(s, key, value);
    v::scope_snapshot back;
    back.live = some_live();  // overwritten, also when absent
    const auto r = dec.decode(key, value.data(), value.size(), back);
    REQUIRE_MESSAGE(r.ok, r.detail);
    CHECK(back.live == live);
    CHECK(back == s);
  }
  // By name on the wire: each agent state in its own field.
  s.live = some_live();
  enc.encode(s, key, value);
  ccpulse::v1::QueueSnapshot pb;
  REQUIRE(pb.ParseFromString(value));
  CHECK(pb.live().agents_on_contact() == 5);
  CHECK(pb.live().agents_after_contact_work() == 1);
  CHECK(pb.live().agents_unspecified() == 6);
  CHECK(pb.live().oldest_waiting_since_micros() ==
        ccpulse::to_unix_micros(ccpulse::test::traffic_start + 2h - 41s));
}

TEST_CASE("the snapshot decoder refuses live gauges that cannot be") {
  auto s = sample().front();
  s.live = some_live();
  c::snapshot_encoder enc;
  std::string key, value;
  enc.encode(s, key, value);
  c::snapshot_decoder dec;
  v::scope_snapshot out;
  auto mutate = [&](const std::function<void(ccpulse::v1::QueueSnapshot::Live&)>& f) {
    ccpulse::v1::QueueSnapshot pb;
    REQUIRE(pb.ParseFromString(value));
    f(*pb.mutable_live());
    const auto bytes = pb.SerializeAsString();
    return dec.decode(key, bytes.data(), bytes.size(), out);
  };
  CHECK(mutate([](auto&) {}).ok);
  CHECK_FALSE(mutate([](auto& l) { l.set_waiting(-1); }).ok);
  CHECK_FALSE(mutate([](auto& l) { l.set_agents_away(-2); }).ok);
  CHECK_FALSE(mutate([](auto& l) { l.set_backlog_overdue(13); }).ok);  // more than the backlog
  CHECK_FALSE(mutate([](auto& l) { l.set_clocks_breached(-1); }).ok);
  CHECK_FALSE(mutate([](auto& l) { l.clear_oldest_waiting_since_micros(); }).ok);  // 3 waiting, no oldest
  CHECK_FALSE(mutate([](auto& l) { l.set_waiting(0); }).ok);  // an oldest, nobody waiting
  CHECK_FALSE(mutate([](auto& l) { l.set_oldest_waiting_since_micros(INT64_MAX); }).ok);
}

TEST_CASE("the overall snapshot's nearest deadlines survive encode and decode, elsewhere they are refused") {
  auto snaps = sample();
  auto overall = std::find_if(snaps.begin(), snaps.end(),
                              [](const auto& s) { return s.scope.kind == scope_kind::overall; });
  REQUIRE(overall != snaps.end());
  const instant t = ccpulse::test::traffic_start + 3h;
  overall->nearest = {{"ia-1", "billing", "voice", "answer", 2, t - 15s, t + 5s, true},
                      {"ia-7", "support", "tickets", "resolution", 1, t - 2h, t + 1h, false}};
  c::snapshot_encoder enc;
  c::snapshot_decoder dec;
  std::string key, value;
  enc.encode(*overall, key, value);
  v::scope_snapshot back;
  back.nearest = {{"stale", "", "", "answer", 0, {}, {}, false}};  // overwritten
  const auto r = dec.decode(key, value.data(), value.size(), back);
  REQUIRE_MESSAGE(r.ok, r.detail);
  CHECK(back.nearest == overall->nearest);
  CHECK(back == *overall);

  auto queue = std::find_if(snaps.begin(), snaps.end(),
                            [](const auto& s) { return s.scope.kind == scope_kind::queue; });
  REQUIRE(queue != snaps.end());
  queue->nearest = overall->nearest;
  enc.encode(*queue, key, value);
  CHECK_FALSE(dec.decode(key, value.data(), value.size(), back).ok);

  overall->nearest.assign(v::snapshot_nearest_limit + 1, overall->nearest.front());
  enc.encode(*overall, key, value);
  CHECK_FALSE(dec.decode(key, value.data(), value.size(), back).ok);
  overall->nearest = {{"", "billing", "voice", "answer", 1, t, t, false}};
  enc.encode(*overall, key, value);
  CHECK_FALSE(dec.decode(key, value.data(), value.size(), back).ok);
}

TEST_CASE(
    "the overall snapshot's firing queue alerts survive encode and decode, elsewhere they are refused") {
  auto snaps = sample();
  auto overall = std::find_if(snaps.begin(), snaps.end(),
                              [](const auto& s) { return s.scope.kind == scope_kind::overall; });
  REQUIRE(overall != snaps.end());
  const instant t = ccpulse::test::traffic_start + 3h;
  overall->firing = {{"waits-long", "sales", "wait_p90_seconds", "15m", "above", 10.0, "warning", t - 40s},
                     {"few-agents", "billing", "agents_available", "", "below", 2.0, "critical", t}};
  c::snapshot_encoder enc;
  c::snapshot_decoder dec;
  std::string key, value;
  enc.encode(*overall, key, value);
  v::scope_snapshot back;
  back.firing = {{"stale", "q", "", "", "", 0, "", {}}};  // overwritten
  auto r = dec.decode(key, value.data(), value.size(), back);
  REQUIRE_MESSAGE(r.ok, r.detail);
  CHECK(back.firing == overall->firing);
  CHECK(back == *overall);
  overall->firing.pop_back();  // a shorter list replaces a longer one in the reused message
  enc.encode(*overall, key, value);
  r = dec.decode(key, value.data(), value.size(), back);
  REQUIRE_MESSAGE(r.ok, r.detail);
  CHECK(back.firing.size() == 1);

  auto queue = std::find_if(snaps.begin(), snaps.end(),
                            [](const auto& s) { return s.scope.kind == scope_kind::queue; });
  REQUIRE(queue != snaps.end());
  queue->firing = overall->firing;
  enc.encode(*queue, key, value);
  CHECK_FALSE(dec.decode(key, value.data(), value.size(), back).ok);
  overall->firing = {{"", "sales", "waiting", "", "above", 1.0, "warning", t}};
  enc.encode(*overall, key, value);
  CHECK_FALSE(dec.decode(key, value.data(), value.size(), back).ok);
}
