#include "http/snapshot_json.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>

#include "http/metrics_exporter.h"
#include "metrics/metrics_test_traffic.h"
#include "view/counter_names.h"
#include "view/snapshot_builder.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::instant;
namespace v = ccpulse::view;
namespace json = boost::json;

struct fixture {
  ccpulse::test::metrics_test_names names{2, 2};
  ccpulse::metrics::partition_metrics m = ccpulse::test::make_metrics(names);
  instant t0 = ccpulse::test::traffic_start;
  std::vector<v::scope_snapshot> snaps;

  fixture() {
    const ccpulse::metrics::contact_scope q0{0, ccpulse::channel::voice};
    for (int i = 0; i < 4; ++i) m.on_offered(q0, t0 + std::chrono::seconds(i));
    m.on_answered(q0, t0 + 10s, 8s, true);
    m.on_answered(q0, t0 + 20s, 40s, false);
    m.on_abandoned(q0, t0 + 21s, false, false);
    m.on_handled(q0, t0 + 30s, 100s, 10s, 20s);
    m.on_transferred(q0, t0 + 31s, 1);
    m.on_csat(q0, t0 + 32s, 5);
    v::snapshot_source src;
    src.partition = 0;
    src.produced_at = t0 + 40s;
    v::build_snapshots(m, names, {15min, 1h}, src, snaps);
  }
  v::merged_view view() const {
    std::vector<const v::scope_snapshot*> p;
    for (const auto& s : snaps) p.push_back(&s);
    return v::merge(p, 2);
  }
};

}  // namespace

TEST_CASE("/api/v1/snapshot: every scope and window with its parts, KPIs and the view's freshness") {
  fixture f;
  ccpulse::metrics::sl_options asterisk;
  asterisk.formula = ccpulse::metrics::sl_formula::asterisk_sl;
  const auto text = ccpulse::http::render_snapshot_json(
      f.view(), [&](std::string_view q) { return q == "q0" ? asterisk : ccpulse::metrics::sl_options{}; },
      {"inst-a", f.t0 + 41s, 30s, true, {}});
  const auto doc = json::parse(text).as_object();
  CHECK(doc.at("version").as_int64() == 1);
  CHECK(doc.at("instance_id").as_string() == "inst-a");
  const auto& fresh = doc.at("freshness").as_object();
  CHECK(fresh.at("partitions_expected").as_int64() == 2);
  CHECK(fresh.at("partitions_live").as_array() == json::array{0});
  CHECK(fresh.at("partitions_missing").as_array() == json::array{1});
  CHECK(fresh.at("oldest_age_seconds").as_double() == doctest::Approx(1.0));
  CHECK(doc.at("windows").as_array() == json::array{"15m", "1h", "interval", "previous_interval", "today"});

  const auto& q0 = doc.at("queues").at("q0").as_object();
  CHECK(q0.at("sl_formula").as_string() == "asterisk_sl");
  const auto& w = q0.at("windows").at("15m").as_object();
  CHECK(w.at("kind").as_string() == "sliding");
  CHECK(w.at("length_seconds").as_double() == 900);
  CHECK(w.at("partitions").as_int64() == 1);
  const auto& parts = w.at("parts").as_object();
  for (const auto& n : v::counter_names) CHECK_MESSAGE(parts.contains(n.key), n.key);
  CHECK(parts.at("offered_contacts").to_number<std::uint64_t>() == 4);
  CHECK(parts.at("answered_wait_seconds").as_double() == 48);
  CHECK(parts.at("transfers_by_reason").at("r1").to_number<std::uint64_t>() == 1);
  const auto& k = w.at("kpis").as_object();
  // asterisk_sl: answered within T / answered = 1 / 2.
  CHECK(k.at("service_level").as_double() == 0.5);
  CHECK(k.at("abandonment_rate").as_double() == 0.25);
  CHECK(k.at("average_speed_of_answer_seconds").as_double() == 24);
  CHECK(k.at("average_handle_time_seconds").as_double() == 130);
  CHECK(k.at("csat_share").as_double() == 1);
  CHECK(k.at("net_promoter_score").is_null());  // no answers: no figure, not 0
  CHECK(k.at("first_contact_resolution").is_null());
  CHECK(k.at("wait_seconds").at("count").to_number<std::uint64_t>() == 2);
  CHECK(k.at("wait_seconds").at("p50").as_double() == doctest::Approx(8).epsilon(1.0 / 64));
  for (const char* d :
       {"handle_seconds", "first_response_seconds", "next_reply_seconds", "resolution_seconds"})
    CHECK_MESSAGE(k.contains(d), d);
  for (const char* name : {"interval", "previous_interval", "today"}) {
    const auto& cw = q0.at("windows").at(name).as_object();
    CHECK(cw.contains("from"));
    CHECK_FALSE(cw.contains("length_seconds"));
  }
  CHECK(doc.at("queues").as_object().size() == 1);
  CHECK(doc.at("channels")
            .at("voice")
            .at("windows")
            .at("today")
            .at("parts")
            .at("offered_contacts")
            .to_number<std::uint64_t>() == 4);
  CHECK(doc.at("overall").at("windows").at("1h").at("kpis").at("offered").to_number<std::uint64_t>() == 4);
  // Overall and channels use the default formula: Aw / (A + B - Bs) = 1 / 3.
  CHECK(doc.at("overall").at("windows").at("1h").at("kpis").at("service_level").as_double() ==
        doctest::Approx(1.0 / 3));
}

namespace {
// promtool, when installed, finds nothing to complain about.
void check_promtool(const std::string& text) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) return;
  char path[] = "/tmp/ccpulse-unit-metrics-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  FILE* out = fdopen(fd, "w");
  std::fwrite(text.data(), 1, text.size(), out);
  std::fclose(out);
  const std::string cmd = std::string("promtool check metrics < ") + path + " > " + path + ".out 2>&1";
  const int rc = std::system(cmd.c_str());
  std::string report;
  if (FILE* in = std::fopen((std::string(path) + ".out").c_str(), "r")) {
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, in)) report.append(buf, n);
    std::fclose(in);
  }
  std::remove(path);
  std::remove((std::string(path) + ".out").c_str());
  CHECK_MESSAGE(rc == 0, report);
  CHECK_MESSAGE(report.empty(), report);
}

// f's snapshots with live gauges for q0 (3 waiting, the oldest since t0 + 1 s;
// 1 agent available, 1 on contact, 1 away; 12 open tickets, 1 overdue), put
// into a global view built at t0 + 42.5 s.
v::merged_view live_view(fixture& f) {
  ccpulse::metrics::live_figures live;
  auto& g = live.queue(0);
  g.waiting = 3;
  g.oldest_waiting_since = f.t0 + 1s;
  g.agents_in(ccpulse::agent_state::available) = 1;
  g.agents_in(ccpulse::agent_state::on_contact) = 1;
  g.agents_in(ccpulse::agent_state::away) = 1;
  g.backlog = 12;
  g.backlog_overdue = 1;
  g.clocks_at_risk = 4;
  live.overall = g;
  v::snapshot_source src;
  src.partition = 0;
  src.produced_at = f.t0 + 40s;
  src.live = &live;
  v::build_snapshots(f.m, f.names, {15min, 1h}, src, f.snaps);
  v::global_view gv;
  for (auto s : f.snaps) gv.put(std::move(s));
  return gv.build(f.t0 + 42500ms);
}
}  // namespace

TEST_CASE(
    "/api/v1/snapshot: live gauges per scope (ages to the view's build time) and the forecast per queue") {
  fixture f;
  const auto view = live_view(f);
  ccpulse::http::snapshot_json_context ctx{"inst-a", f.t0 + 50s, 30s, true, {}};
  ctx.sl_threshold = [](std::string_view q) {
    return q == "q0" ? ccpulse::duration{10s} : ccpulse::duration{20s};
  };
  const auto doc = json::parse(ccpulse::http::render_snapshot_json(view, {}, ctx)).as_object();
  const auto& q0 = doc.at("queues").at("q0").as_object();
  const auto& live = q0.at("live").as_object();
  CHECK(live.at("partitions").as_int64() == 1);
  CHECK(live.at("waiting").as_int64() == 3);
  CHECK(live.at("oldest_wait_seconds").as_double() == doctest::Approx(41.5));        // built at t0 + 42.5 s
  CHECK(live.at("oldest_waiting_since").as_string() == "2027-01-15T21:00:01.000Z");  // t0 + 1 s
  const auto& agents = live.at("agents").as_object();
  CHECK(agents.at("available").as_int64() == 1);
  CHECK(agents.at("on_contact").as_int64() == 1);
  CHECK(agents.at("after_contact_work").as_int64() == 0);
  CHECK(agents.at("away").as_int64() == 1);
  CHECK(live.at("backlog").as_int64() == 12);
  CHECK(live.at("backlog_overdue").as_int64() == 1);
  CHECK(live.at("clocks_at_risk").as_int64() == 4);
  CHECK(live.at("clocks_breached").as_int64() == 0);
  // The voice channel has windows but no live figures: zeros, none waiting.
  const auto& voice = doc.at("channels").at("voice").at("live").as_object();
  CHECK(voice.at("waiting").as_int64() == 0);
  CHECK(voice.at("oldest_waiting_since").is_null());
  CHECK(voice.at("oldest_wait_seconds").as_double() == 0);

  // λ = 4 / 900 s, AHT = 130 s (15m window), N = 2 (available + on contact),
  // T = 10 s. Python: A = 0.5778, SL = 1 - C·exp(-(N-A)·T/AHT) = 0.883918;
  // drain = 3 / (2/130 - 4/900) = 274.21875 s.
  const auto& fc = q0.at("forecast").as_object();
  CHECK(fc.at("service_level").as_double() == doctest::Approx(0.883918).epsilon(1e-5));
  CHECK(fc.at("drain_seconds").as_double() == doctest::Approx(274.21875));
  CHECK(fc.at("drains").as_bool());
  CHECK(fc.at("arrival_per_second").as_double() == doctest::Approx(4.0 / 900));
  CHECK(fc.at("aht_seconds").as_double() == doctest::Approx(130));
  CHECK(fc.at("agents").as_int64() == 2);
  CHECK(fc.at("sl_threshold_seconds").as_double() == 10);
  CHECK(fc.at("arrival_window").as_string() == "15m");
  CHECK_FALSE(doc.at("overall").as_object().contains("forecast"));

  // Without thresholds no queue gets a forecast; a view merged without
  // live figures shows "live": null.
  const auto bare =
      json::parse(ccpulse::http::render_snapshot_json(f.view(), {}, {"inst-a", f.t0, 30s, true, {}}));
  CHECK(bare.at("queues").at("q0").at("forecast").is_null());
  CHECK(bare.at("queues").at("q0").at("live").is_object());  // f.snaps now carries live gauges
  fixture plain;
  const auto none =
      json::parse(ccpulse::http::render_snapshot_json(plain.view(), {}, {"inst-a", plain.t0, 30s, true, {}}));
  CHECK(none.at("queues").at("q0").at("live").is_null());
  CHECK(none.at("overall").at("live").is_null());
}

TEST_CASE("/api/v1/snapshot: a queue that cannot drain has a null drain time and drains false") {
  fixture f;
  auto view = live_view(f);
  for (auto& s : view.scopes) s.live.gauges.agents = {};  // nobody to serve
  ccpulse::http::snapshot_json_context ctx{"inst-a", f.t0 + 50s, 30s, true, {}};
  ctx.sl_threshold = [](std::string_view) { return ccpulse::duration{20s}; };
  const auto doc = json::parse(ccpulse::http::render_snapshot_json(view, {}, ctx));
  const auto& fc = doc.at("queues").at("q0").at("forecast").as_object();
  CHECK(fc.at("service_level").as_double() == 0);
  CHECK(fc.at("drain_seconds").is_null());
  CHECK_FALSE(fc.at("drains").as_bool());
}

TEST_CASE("/api/v1/snapshot: the view's build time and its firing queue alerts") {
  fixture f;
  auto view = live_view(f);
  view.firing = {{"waits-long", "q0", "wait_p90_seconds", "15m", "above", 10.0, "warning", f.t0 + 5s},
                 {"few-agents", "q0", "agents_available", "", "below", 2.0, "critical", f.t0}};
  const auto doc =
      json::parse(ccpulse::http::render_snapshot_json(view, {}, {"inst-a", f.t0 + 50s, 30s, true, {}}));
  CHECK(doc.at("built_at").as_string() == "2027-01-15T21:00:42.500Z");
  const auto& firing = doc.at("firing_queue_alerts").as_array();
  REQUIRE(firing.size() == 2);
  CHECK(firing[0].at("rule").as_string() == "waits-long");
  CHECK(firing[0].at("window").as_string() == "15m");
  CHECK(firing[0].at("threshold").as_double() == 10.0);
  CHECK(firing[0].at("since").as_string() == "2027-01-15T21:00:05.000Z");
  CHECK(firing[1].at("window").is_null());
  CHECK(firing[1].at("severity").as_string() == "critical");
}

TEST_CASE("/metrics: the wallboard stream's clients, slow ones dropped and events published") {
  auto w = std::make_shared<ccpulse::http::worker_status>();
  const auto text = ccpulse::http::render_metrics({w}, ccpulse::instant{}, {}, {}, {7, 2, 130, {}});
  CHECK(text.find("ccpulse_http_stream_clients 7\n") != std::string::npos);
  CHECK(text.find("ccpulse_http_stream_clients_dropped_total 2\n") != std::string::npos);
  CHECK(text.find("ccpulse_http_stream_events_total 130\n") != std::string::npos);
  check_promtool(text);
}

TEST_CASE(
    "/metrics: every capped structure's usage and configured limit, with the same labels, and its hits") {
  using ccpulse::metrics::resource_per;
  auto a = std::make_shared<ccpulse::http::worker_status>();
  auto b = std::make_shared<ccpulse::http::worker_status>();
  a->resources = {{"open_interactions", resource_per::partition, 700, 1000, 3},
                  {"queue_labels", resource_per::worker, 12, 200, 0}};
  b->resources = {{"open_interactions", resource_per::partition, 950, 1000, 2},
                  {"queue_labels", resource_per::worker, 4, 200, 5}};
  const auto text =
      ccpulse::http::render_metrics({a, b}, ccpulse::instant{}, {}, {}, {7, 0, 0, {9, 3, 1024}});
  // Usage and limit: the fullest instance (max over workers); hits add up.
  CHECK(text.find("ccpulse_resource_usage{resource=\"open_interactions\",per=\"partition\"} 950\n") !=
        std::string::npos);
  CHECK(text.find("ccpulse_resource_limit{resource=\"open_interactions\",per=\"partition\"} 1000\n") !=
        std::string::npos);
  CHECK(text.find("ccpulse_resource_cap_hits_total{resource=\"open_interactions\",per=\"partition\"} 5\n") !=
        std::string::npos);
  CHECK(text.find("ccpulse_resource_usage{resource=\"queue_labels\",per=\"worker\"} 12\n") !=
        std::string::npos);
  CHECK(text.find("ccpulse_resource_cap_hits_total{resource=\"queue_labels\",per=\"worker\"} 5\n") !=
        std::string::npos);
  // Connections against http.max_connections: a refusal is a hit of
  // http_connections; stream clients, its long-lived share, count none.
  CHECK(text.find("ccpulse_resource_usage{resource=\"http_connections\",per=\"process\"} 9\n") !=
        std::string::npos);
  CHECK(text.find("ccpulse_resource_cap_hits_total{resource=\"http_connections\",per=\"process\"} 3\n") !=
        std::string::npos);
  CHECK(text.find("ccpulse_http_connections 9\n") != std::string::npos);
  CHECK(text.find("ccpulse_http_connections_refused_total 3\n") != std::string::npos);
  CHECK(text.find("ccpulse_resource_usage{resource=\"http_stream_clients\",per=\"process\"} 7\n") !=
        std::string::npos);
  CHECK(text.find("ccpulse_resource_limit{resource=\"http_stream_clients\",per=\"process\"} 1024\n") !=
        std::string::npos);
  CHECK(text.find("ccpulse_resource_cap_hits_total{resource=\"http_stream_clients\"") == std::string::npos);
  check_promtool(text);
}

TEST_CASE("/metrics: backlog per queue from the workers, forecast gauges from the merged global view") {
  fixture f;
  const auto view = live_view(f);
  auto w = std::make_shared<ccpulse::http::worker_status>();
  w->snapshots = std::make_shared<const std::vector<v::scope_snapshot>>(f.snaps);  // with live gauges
  const auto text = ccpulse::http::render_metrics(
      {w}, f.t0, {}, {&view, [](std::string_view) { return ccpulse::duration{10s}; }});
  CHECK(text.find("ccpulse_queue_backlog{queue=\"q0\"} 12") != std::string::npos);
  CHECK(text.find("ccpulse_queue_backlog_overdue{queue=\"q0\"} 1") != std::string::npos);
  CHECK(text.find("ccpulse_queue_forecast_service_level_ratio{queue=\"q0\"} 0.88391") != std::string::npos);
  CHECK(text.find("ccpulse_queue_forecast_drain_seconds{queue=\"q0\"} 274.21875") != std::string::npos);
  // Never drains: +Inf.
  auto stuck = view;
  for (auto& s : stuck.scopes) s.live.gauges.agents = {};
  const auto text2 = ccpulse::http::render_metrics(
      {w}, f.t0, {}, {&stuck, [](std::string_view) { return ccpulse::duration{10s}; }});
  CHECK(text2.find("ccpulse_queue_forecast_drain_seconds{queue=\"q0\"} +Inf") != std::string::npos);
  CHECK(text2.find("ccpulse_queue_forecast_service_level_ratio{queue=\"q0\"} 0\n") != std::string::npos);
  // No view: no forecast series. Snapshots without live gauges: no backlog series.
  CHECK(ccpulse::http::render_metrics({w}, f.t0).find("ccpulse_queue_forecast_") == std::string::npos);
  fixture plain;
  w->snapshots = std::make_shared<const std::vector<v::scope_snapshot>>(plain.snaps);
  CHECK(ccpulse::http::render_metrics({w}, f.t0).find("ccpulse_queue_backlog") == std::string::npos);
  check_promtool(text2);
}

TEST_CASE("/metrics: the windowed parts of this instance's partitions as gauges and histograms by window") {
  fixture f;
  auto w = std::make_shared<ccpulse::http::worker_status>();
  w->snapshots = std::make_shared<const std::vector<v::scope_snapshot>>(f.snaps);
  const auto text = ccpulse::http::render_metrics({w}, f.t0);
  CHECK(text.find("ccpulse_queue_window_offered_contacts{queue=\"q0\",window=\"15m\"} 4") !=
        std::string::npos);
  CHECK(text.find("ccpulse_channel_window_offered_contacts{channel=\"voice\",window=\"today\"} 4") !=
        std::string::npos);
  CHECK(text.find("ccpulse_overall_window_answered_wait_seconds{window=\"interval\"} 48") !=
        std::string::npos);
  CHECK(text.find("ccpulse_queue_window_wait_seconds_bucket{queue=\"q0\",window=\"1h\",le=\"10\"} 1") !=
        std::string::npos);
  CHECK(text.find("ccpulse_queue_window_wait_seconds_bucket{queue=\"q0\",window=\"1h\",le=\"60\"} 2") !=
        std::string::npos);
  CHECK(text.find("ccpulse_queue_window_wait_seconds_count{queue=\"q0\",window=\"1h\"} 2") !=
        std::string::npos);
  CHECK(text.find("ccpulse_queue_window_handle_seconds_sum{queue=\"q0\",window=\"today\"} 130") !=
        std::string::npos);
  check_promtool(text);
}
