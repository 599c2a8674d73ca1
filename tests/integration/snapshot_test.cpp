// The global view end to end over real TCP: events produced to the input, the
// pipeline's workers publish scope snapshots to the snapshots topic, the
// process's reader merges them, and /api/v1/snapshot and /metrics show the
// offered contacts. Runs against the mock cluster or a real broker.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <map>
#include <vector>

#include "app/pipeline.h"
#include "ccpulse/v1/events.pb.h"
#include "ccpulse/v1/snapshot.pb.h"
#include "codec/snapshot_codec.h"
#include "config/load_config.h"
#include "http/http_get.h"
#include "kafka/event_producer.h"
#include "test_cluster.h"

using namespace std::chrono_literals;
namespace t = ccpulse::testing;
namespace json = boost::json;

namespace {

std::uint64_t offered_in(const std::string& body, const std::string& queue, const std::string& window) {
  const auto doc = json::parse(body).as_object();
  const auto* q = doc.at("queues").as_object().if_contains(queue);
  if (!q) return 0;
  return q->at("windows").at(window).at("parts").at("offered_contacts").to_number<std::uint64_t>();
}

}  // namespace

TEST_CASE(
    "snapshots: /api/v1/snapshot shows the merged offered count of every partition, /metrics the window "
    "series") {
  t::test_cluster cluster;
  const auto input = cluster.unique("snap.events");
  const auto alerts = cluster.unique("snap.alerts");
  const auto dlq = cluster.unique("snap.dlq");
  const auto state = cluster.unique("snap.state");
  const auto snapshots = cluster.unique("snap.snapshots");
  cluster.create_topic(input, 4);
  cluster.create_topic(alerts, 1);
  cluster.create_topic(dlq, 1);
  cluster.create_topic(state, 4, true);
  cluster.create_topic(snapshots, 2, true);
  const std::string yaml = R"(
instance_id: snap-)" + cluster.unique("i") +
                           R"(
topics: { input: [)" + input +
                           R"(], alerts: )" + alerts + R"(, dead_letter: )" + dlq + R"(, state: )" + state +
                           R"(, snapshots: )" + snapshots + R"( }
processing: { workers: 2, commit_interval: 100ms }
http: { bind: 127.0.0.1, port: 0 }
queues:
  - { name: billing, channel: voice, sl_threshold: 20s, sl_target: 0.8 }
  - { name: sales, channel: chat, sl_threshold: 30s, sl_target: 0.8 }
policies:
  - name: voice
    match: { channels: [voice] }
    targets:
      answer: { duration: 30m, at_risk: 0.8 }
)";
  auto loaded = ccpulse::config::load_config_text(yaml, "snapshot_test.yaml");
  for (const auto& e : loaded.errors) FAIL(e.to_string());
  auto cfg = *loaded.cfg;
  for (const auto& p : cluster.pipeline_properties()) cfg.kafka.properties.push_back(p);
  cfg.kafka.properties.emplace_back("group.id", cluster.unique("snap-group"));

  ccpulse::app::pipeline pipe(cfg);
  pipe.start();
  REQUIRE_MESSAGE(t::wait_for([&] { return pipe.ready(); }, 60s), pipe.not_ready_reason());

  // 40 contacts for billing over 40 customers (so over every partition), 5 for sales.
  ccpulse::kafka::event_producer producer(cluster.client_properties());
  const auto now = std::chrono::time_point_cast<ccpulse::duration>(std::chrono::system_clock::now());
  const int billing = 40, sales = 5;
  for (int i = 0; i < billing + sales; ++i) {
    ccpulse::v1::Event e;
    e.set_event_id("ev-" + std::to_string(i));
    e.set_interaction_id("it-" + std::to_string(i));
    e.set_channel(i < billing ? ccpulse::v1::CHANNEL_VOICE : ccpulse::v1::CHANNEL_CHAT);
    e.set_queue_id(i < billing ? "billing" : "sales");
    e.mutable_customer()->set_hashed_id("cust-" + std::to_string(i));
    const auto us = ccpulse::to_unix_micros(now);
    e.mutable_occurred_at()->set_seconds(us / 1000000);
    e.mutable_occurred_at()->set_nanos(static_cast<int>((us % 1000000) * 1000));
    e.mutable_queued();
    producer.produce({input, "cust-" + std::to_string(i), e.SerializeAsString(), {}});
  }
  REQUIRE(producer.flush(10s));

  std::string body;
  const bool shown = t::wait_for(
      [&] {
        body = ccpulse::http::http_get("127.0.0.1", pipe.http_port(), "/api/v1/snapshot").body;
        return offered_in(body, "billing", "15m") == billing && offered_in(body, "sales", "today") == sales;
      },
      30s);
  REQUIRE_MESSAGE(shown, body);
  const auto doc = json::parse(body).as_object();
  CHECK(doc.at("queues").at("sales").at("sl_formula").as_string() == "default");
  CHECK(doc.at("overall").at("windows").at("interval").at("parts").at("offered_contacts").to_number<int>() ==
        billing + sales);
  CHECK(doc.at("channels").at("voice").at("windows").at("1h").at("kpis").at("offered").to_number<int>() ==
        billing);
  const auto& fresh = doc.at("freshness").as_object();
  CHECK(fresh.at("partitions_expected").to_number<int>() == 4);
  CHECK(fresh.at("partitions_missing").as_array().empty());
  CHECK(fresh.at("partitions_live").as_array().size() + fresh.at("partitions_behind").as_array().size() == 4);
  // No customer data in the document.
  CHECK(body.find("cust-") == std::string::npos);
  CHECK(body.find("it-") == std::string::npos);

  // /metrics: this instance owns every partition, so its window series hold
  // everything once its workers hold them. The merged view above can be ahead:
  // on a real broker the second worker's join moves partitions between this
  // instance's own workers, and a revoked partition leaves /metrics at once
  // while its last snapshot stays in the topic until the new owner publishes.
  std::string metrics;
  const bool exported = t::wait_for(
      [&] {
        metrics = ccpulse::http::http_get("127.0.0.1", pipe.http_port(), "/metrics").body;
        return metrics.find("ccpulse_queue_window_offered_contacts{queue=\"billing\",window=\"15m\"} 40") !=
                   std::string::npos &&
               metrics.find("ccpulse_overall_window_offered_contacts{window=\"today\"} 45") !=
                   std::string::npos &&
               metrics.find(
                   "ccpulse_channel_window_offered_contacts{channel=\"chat\",window=\"interval\"} 5") !=
                   std::string::npos;
      },
      30s);
  CHECK_MESSAGE(exported, metrics.substr(0, 4000));

  // The topic holds decodable QueueSnapshots, read by a client nobody here
  // wrote to. Each partition's overall key starts with its owner's
  // "restoring" mark, committed before the restore began, then figures.
  ccpulse::codec::snapshot_decoder dec;
  // Per partition, the freshness of its overall snapshots from `instance`, in topic order.
  auto overall_history = [&](const std::vector<t::consumed_record>& recs, const std::string& instance) {
    std::map<std::int32_t, std::vector<ccpulse::view::freshness>> by_partition;
    for (const auto& r : recs) {
      if (r.value.empty()) continue;
      ccpulse::view::scope_snapshot s;
      const auto res = dec.decode(r.key, r.value.data(), r.value.size(), s);
      CHECK_MESSAGE(res.ok, res.detail);
      if (s.instance_id == instance && s.scope.kind == ccpulse::metrics::scope_kind::overall)
        by_partition[s.partition].push_back(s.fresh);
    }
    return by_partition;
  };
  auto marked_then_published = [&](const std::map<std::int32_t, std::vector<ccpulse::view::freshness>>& h,
                                   std::int32_t p) {
    const auto it = h.find(p);
    if (it == h.end() || it->second.size() < 2) return false;
    return it->second.front() == ccpulse::view::freshness::restoring &&
           it->second.back() != ccpulse::view::freshness::restoring;
  };
  std::map<std::int32_t, std::vector<ccpulse::view::freshness>> history;
  t::read_topic(
      cluster.client_properties(), snapshots,
      [&](const auto& recs) {
        history = overall_history(recs, cfg.instance_id);
        for (std::int32_t p = 0; p < 4; ++p)
          if (!marked_then_published(history, p)) return false;
        return true;
      },
      30s);
  for (std::int32_t p = 0; p < 4; ++p) CHECK_MESSAGE(marked_then_published(history, p), "partition " << p);

  // A second instance joins the group: partitions move with their state,
  // and summed across both instances' /metrics the figure ends equal to the
  // whole and never exceeds it on the way (a revoked partition leaves
  // /metrics at once; cooperative rebalancing assigns it a round after the
  // revoke, so here the bound holds even without that).
  auto cfg2 = cfg;
  cfg2.instance_id = cfg.instance_id + "-b";
  ccpulse::app::pipeline pipe2(cfg2);
  pipe2.start();
  auto today = [](const ccpulse::app::pipeline& p) -> long {
    const auto m = ccpulse::http::http_get("127.0.0.1", p.http_port(), "/metrics").body;
    const std::string name = "ccpulse_overall_window_offered_contacts{window=\"today\"} ";
    const auto at = m.find(name);
    return at == std::string::npos ? 0 : std::stol(m.substr(at + name.size()));
  };
  long most = 0, last_a = 0, last_b = 0;
  const bool moved = t::wait_for(
      [&] {
        last_a = today(pipe);
        last_b = today(pipe2);
        most = std::max(most, last_a + last_b);
        return last_b > 0 && last_a > 0 && last_a + last_b == billing + sales;
      },
      60s);
  CHECK_MESSAGE(moved, "a " << last_a << ", b " << last_b);
  CHECK_MESSAGE(most <= billing + sales, "summed /metrics reached " << most);
  // The partitions that moved were marked restoring by their new owner
  // before it published their figures.
  std::size_t moved_marked = 0;
  t::read_topic(
      cluster.client_properties(), snapshots,
      [&](const auto& recs) {
        const auto h = overall_history(recs, cfg2.instance_id);
        moved_marked = 0;
        for (std::int32_t p = 0; p < 4; ++p) moved_marked += marked_then_published(h, p) ? 1u : 0u;
        return moved_marked > 0;
      },
      30s);
  CHECK(moved_marked > 0);

  // The "next to breach" list: each instance knows the clocks of its own
  // partitions; either one lists the whole cluster's from the snapshots.
  auto clocks = [](const ccpulse::app::pipeline& p, const std::string& scope) -> std::size_t {
    const auto b =
        ccpulse::http::http_get("127.0.0.1", p.http_port(), "/api/v1/at-risk?limit=100&scope=" + scope).body;
    return json::parse(b).at("clocks").as_array().size();
  };
  std::size_t a_own = 0, b_own = 0, a_all = 0, b_all = 0;
  const bool listed = t::wait_for(
      [&] {
        a_own = clocks(pipe, "instance");
        b_own = clocks(pipe2, "instance");
        a_all = clocks(pipe, "cluster");
        b_all = clocks(pipe2, "cluster");
        return a_own + b_own == billing && a_all == billing && b_all == billing;
      },
      30s);
  CHECK_MESSAGE(listed, "instance lists " << a_own << " + " << b_own << ", cluster lists " << a_all << " and "
                                          << b_all);
  CHECK(a_own > 0);
  CHECK(b_own > 0);
  CHECK(ccpulse::http::http_get("127.0.0.1", pipe.http_port(), "/api/v1/at-risk?scope=everything").status ==
        400);
  pipe2.stop();
  pipe.stop();
}
