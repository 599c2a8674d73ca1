// Queue alerts end to end (README "Queue alerts"): a rule on the merged view
// fires once for the queue it watches, and only for it; a second pipeline
// of the same instance restores the rule's state from the changelog and does
// not fire it again; a third one, whose config no longer has the rule,
// resolves it exactly once. Each check reads the alerts topic to its end,
// so a duplicate would show. Runs against the mock cluster or a real broker.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "app/pipeline.h"
#include "ccpulse/v1/alerts.pb.h"
#include "ccpulse/v1/events.pb.h"
#include "config/load_config.h"
#include "http/http_get.h"
#include "kafka/event_producer.h"
#include "test_cluster.h"

using namespace std::chrono_literals;
namespace t = ccpulse::testing;

namespace {

double metric(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

std::vector<ccpulse::v1::QueueAlert> queue_alerts(const std::vector<t::consumed_record>& recs) {
  std::vector<ccpulse::v1::QueueAlert> out;
  for (const auto& r : recs) {
    if (r.header("ccpulse-type") != "queue") continue;
    ccpulse::v1::Alert a;
    REQUIRE(a.ParseFromString(r.value));
    REQUIRE(a.has_queue());
    CHECK(r.key == a.queue().queue_id());
    out.push_back(a.queue());
  }
  return out;
}

}  // namespace

TEST_CASE(
    "queue alerts: a rule fires once, survives a restart without firing again, and resolves once when "
    "removed") {
  t::test_cluster cluster;
  const auto input = cluster.unique("qa.events");
  const auto alerts = cluster.unique("qa.alerts");
  const auto dlq = cluster.unique("qa.dlq");
  const auto state = cluster.unique("qa.state");
  const auto snapshots = cluster.unique("qa.snapshots");
  cluster.create_topic(input, 4);
  cluster.create_topic(alerts, 1);
  cluster.create_topic(dlq, 1);
  cluster.create_topic(state, 4, true);
  cluster.create_topic(snapshots, 2, true);
  const auto group = cluster.unique("qa-group");
  const auto instance = cluster.unique("qa");
  auto config_with = [&](const std::string& rules) {
    const std::string yaml = "instance_id: " + instance + "\ntopics: { input: [" + input +
                             "], alerts: " + alerts + ", dead_letter: " + dlq + ", state: " + state +
                             ", snapshots: " + snapshots +
                             " }\n"
                             "processing: { workers: 2, commit_interval: 100ms }\n"
                             "http: { bind: 127.0.0.1, port: 0 }\n"
                             "queues:\n"
                             "  - { name: billing, channel: voice }\n"
                             "  - { name: sales, channel: voice }\n" +
                             rules;
    auto loaded = ccpulse::config::load_config_text(yaml, "queue_alert_test.yaml");
    for (const auto& e : loaded.errors) FAIL(e.to_string());
    auto cfg = *loaded.cfg;
    for (const auto& p : cluster.pipeline_properties()) cfg.kafka.properties.push_back(p);
    cfg.kafka.properties.emplace_back("group.id", group);
    return cfg;
  };
  // Fires for billing (12 offered), never for sales (2 offered).
  const std::string rules =
      "queue_alerts:\n"
      "  - { name: busy, metric: offered, window: 15m, above: 5, severity: critical }\n";
  auto read_queue_alerts = [&](std::size_t n) {
    const auto recs = t::read_topic_to_end(
        cluster.client_properties(), alerts,
        [n](const auto& r) {
          std::size_t q = 0;
          for (const auto& x : r) q += x.header("ccpulse-type") == "queue";
          return q >= n;
        },
        30s);
    return queue_alerts(recs);
  };
  auto rounds = [](ccpulse::app::pipeline& p) {
    return metric(ccpulse::http::http_get("127.0.0.1", p.http_port(), "/metrics").body,
                  "ccpulse_queue_alert_rounds_total");
  };

  std::string fired_id;
  {
    ccpulse::app::pipeline pipe(config_with(rules));
    pipe.start();
    REQUIRE_MESSAGE(t::wait_for([&] { return pipe.ready(); }, 60s), pipe.not_ready_reason());
    ccpulse::kafka::event_producer producer(cluster.client_properties());
    const auto now = std::chrono::time_point_cast<ccpulse::duration>(std::chrono::system_clock::now());
    for (int i = 0; i < 14; ++i) {
      ccpulse::v1::Event e;
      e.set_event_id("ev-" + std::to_string(i));
      e.set_interaction_id("it-" + std::to_string(i));
      e.set_channel(ccpulse::v1::CHANNEL_VOICE);
      e.set_queue_id(i < 12 ? "billing" : "sales");
      e.mutable_customer()->set_hashed_id("cust-" + std::to_string(i));
      const auto us = ccpulse::to_unix_micros(now);
      e.mutable_occurred_at()->set_seconds(us / 1000000);
      e.mutable_occurred_at()->set_nanos(static_cast<int>((us % 1000000) * 1000));
      e.mutable_queued();
      producer.produce({input, "cust-" + std::to_string(i), e.SerializeAsString(), {}});
    }
    REQUIRE(producer.flush(10s));

    const auto fired = read_queue_alerts(1);
    REQUIRE(fired.size() == 1);
    const auto& a = fired[0];
    CHECK(a.rule() == "busy");
    CHECK(a.queue_id() == "billing");
    CHECK(a.state() == ccpulse::v1::QueueAlert::STATE_FIRING);
    CHECK(a.metric() == "offered");
    // Above the threshold, at most the whole: the round may judge a view in
    // which some partitions have published their counts and others not yet
    // (each worker, and each slice of a worker's partitions, publishes at
    // its own commit).
    CHECK(a.value() > 5);
    CHECK(a.value() <= 12);
    CHECK(a.threshold() == 5);
    CHECK(a.comparison() == "above");
    CHECK(a.window() == "15m");
    CHECK(a.episode() == 1);
    CHECK(a.severity() == ccpulse::v1::SEVERITY_CRITICAL);
    fired_id = a.alert_id();
    // A few more rounds on the same figures raise nothing more.
    const double r0 = rounds(pipe);
    REQUIRE(t::wait_for([&] { return rounds(pipe) >= r0 + 3; }, 30s));
    CHECK(read_queue_alerts(1).size() == 1);
    const auto text = ccpulse::http::http_get("127.0.0.1", pipe.http_port(), "/metrics").body;
    CHECK(metric(text, "ccpulse_queue_alert_firing{rule=\"busy\",queue=\"billing\"}") == 1);
    CHECK(metric(text, "ccpulse_queue_alerts_total{rule=\"busy\",state=\"firing\"}") == 1);
    pipe.stop();
  }
  {
    // The same instance again: the rule's state comes back from the
    // changelog with its owner partition, firing, so nothing is raised.
    ccpulse::app::pipeline pipe(config_with(rules));
    pipe.start();
    REQUIRE_MESSAGE(t::wait_for([&] { return pipe.ready(); }, 60s), pipe.not_ready_reason());
    REQUIRE(t::wait_for([&] { return rounds(pipe) >= 5; }, 30s));
    const auto text = ccpulse::http::http_get("127.0.0.1", pipe.http_port(), "/metrics").body;
    CHECK(metric(text, "ccpulse_queue_alert_firing{rule=\"busy\",queue=\"billing\"}") == 1);
    CHECK(read_queue_alerts(1).size() == 1);
    pipe.stop();
  }
  {
    // The rule left the config: its firing state is resolved once, with the
    // FIRING's episode and no value, and forgotten.
    ccpulse::app::pipeline pipe(config_with(""));
    pipe.start();
    REQUIRE_MESSAGE(t::wait_for([&] { return pipe.ready(); }, 60s), pipe.not_ready_reason());
    const auto all = read_queue_alerts(2);
    REQUIRE(all.size() == 2);
    const auto& r = all[1];
    CHECK(r.state() == ccpulse::v1::QueueAlert::STATE_RESOLVED);
    CHECK(r.rule() == "busy");
    CHECK(r.queue_id() == "billing");
    CHECK(r.episode() == 1);
    CHECK_FALSE(r.has_value());
    CHECK(r.severity() == ccpulse::v1::SEVERITY_INFO);
    CHECK(r.alert_id() != fired_id);
    // Without rules the rounds stop once the state is gone; snapshots, which
    // share the commit, go on.
    auto snapshots_written = [&] {
      return metric(ccpulse::http::http_get("127.0.0.1", pipe.http_port(), "/metrics").body,
                    "ccpulse_snapshots_written_total");
    };
    const double s0 = snapshots_written();
    REQUIRE(t::wait_for([&] { return snapshots_written() >= s0 + 48; }, 30s));
    CHECK(read_queue_alerts(2).size() == 2);
    pipe.stop();
  }
}
