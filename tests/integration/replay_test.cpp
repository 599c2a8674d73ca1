// `ccpulse replay` against a broker: the range reader (offsets by
// timestamp, every partition, merged by record time) and the replay runner
// over a seeded log that the real pipeline processed first. Runs against the
// mock cluster, or a real broker (test_cluster.h).
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "app/cli_options.h"
#include "app/pipeline.h"
#include "app/replay_runner.h"
#include "ccpulse/v1/alerts.pb.h"
#include "ccpulse/v1/events.pb.h"
#include "config/load_config.h"
#include "kafka/event_producer.h"
#include "kafka/range_reader.h"
#include "test_cluster.h"

using namespace std::chrono_literals;
using ccpulse::instant;
namespace t = ccpulse::testing;

namespace {

struct replay_topics : t::pipeline_topics {
  explicit replay_topics(t::test_cluster& cluster) : pipeline_topics(cluster, "rp") {}
};

ccpulse::config::config replay_config(t::test_cluster& cluster, const replay_topics& tp,
                                      const std::string& answer_goal) {
  const std::string yaml = "instance_id: rp-" + cluster.unique("p") + "\ntopics: { input: [" + tp.input +
                           "], alerts: " + tp.alerts + ", dead_letter: " + tp.dlq + ", state: " + tp.state +
                           ", snapshots: " + tp.state + R"(.snapshots }
processing: { workers: 1, commit_interval: 100ms, max_clock_skew: 1d }
http: { bind: 127.0.0.1, port: 0 }
queues:
  - { name: billing, channel: voice }
  - { name: sales, channel: voice }
policies:
  - name: voice
    match: { channels: [voice] }
    targets:
      answer: { duration: )" +
                           answer_goal +
                           R"(, at_risk: 0.5 }
)";
  auto loaded = ccpulse::config::load_config_text(yaml, "replay_test.yaml");
  for (const auto& e : loaded.errors) FAIL(e.to_string());
  auto cfg = *loaded.cfg;
  for (const auto& p : cluster.pipeline_properties()) cfg.kafka.properties.push_back(p);
  cfg.kafka.properties.emplace_back("group.id", cluster.unique("rp-group"));
  return cfg;
}

std::int64_t to_ms(instant t) { return ccpulse::to_unix_micros(t) / 1000; }

// A seeded log: 240 calls into billing and sales, one every 2 s from t0;
// answered after 0-60 s, abandoned after 0-45 s, or still waiting. Record
// timestamps are the events' times (as `simulate --start` writes them).
struct seeded_log {
  std::vector<instant> times;  // of every record, produced in this order
  int records = 0;
};
seeded_log produce_log(t::test_cluster& cluster, const std::string& topic, instant t0) {
  ccpulse::kafka::event_producer producer(cluster.client_properties());
  std::mt19937 rng(20261203);
  std::uniform_int_distribution<int> answer_s(0, 60), abandon_s(0, 45), coin(0, 9);
  struct record {
    instant at;
    int n;
    std::string key, value;
  };
  std::vector<record> recs;
  for (int i = 0; i < 240; ++i) {
    const auto ia = "call-" + std::to_string(i);
    const instant queued = t0 + std::chrono::seconds(2 * i);
    const int c = coin(rng);
    const auto end = c < 7   ? std::optional{queued + std::chrono::seconds(answer_s(rng))}
                     : c < 9 ? std::optional{queued + std::chrono::seconds(abandon_s(rng))}
                             : std::nullopt;
    auto event = [&](instant at, bool end_event) {
      ccpulse::v1::Event e;
      e.set_event_id(ia + (end_event ? "-end" : "-q"));
      e.set_interaction_id(ia);
      e.set_channel(ccpulse::v1::CHANNEL_VOICE);
      e.set_queue_id(i % 3 == 0 ? "sales" : "billing");
      e.mutable_customer()->set_hashed_id("cust-" + ia);
      const auto us = ccpulse::to_unix_micros(at);
      e.mutable_occurred_at()->set_seconds(us / 1000000);
      if (!end_event)
        e.mutable_queued();
      else if (c < 7)
        e.mutable_answered();
      else
        e.mutable_abandoned();
      recs.push_back({at, static_cast<int>(recs.size()), "cust-" + ia, e.SerializeAsString()});
    };
    event(queued, false);
    if (end) event(*end, true);
  }
  // In time order, as producers write them.
  std::sort(recs.begin(), recs.end(),
            [](const record& a, const record& b) { return std::tie(a.at, a.n) < std::tie(b.at, b.n); });
  seeded_log log;
  for (const auto& r : recs) {
    producer.produce({topic, r.key, r.value, {}}, to_ms(r.at));
    log.times.push_back(r.at);
  }
  REQUIRE(producer.flush(30s));
  log.records = static_cast<int>(recs.size());
  return log;
}

struct replayed {
  std::vector<ccpulse::kafka::range_partition> ranges;
  std::uint64_t records = 0;
};

// Reads [from, to) of the input into runner, as `ccpulse replay` does.
replayed replay(t::test_cluster& cluster, const ccpulse::config::config& cfg,
                ccpulse::app::replay_runner& runner, instant from, std::optional<instant> to) {
  ccpulse::kafka::range_reader reader(cluster.client_properties(), {});
  replayed out;
  const auto planned = reader.plan(cfg.topics.input, to_ms(from),
                                   to ? std::optional{to_ms(*to)} : std::nullopt, 30s, out.ranges);
  REQUIRE_MESSAGE(planned.empty(), planned);
  const auto read = reader.read(
      out.ranges,
      [&](const rd_kafka_message_t& m, const ccpulse::kafka::range_partition& p, std::int64_t ts) {
        ++out.records;
        runner.record(p.partition, {static_cast<const std::byte*>(m.payload), m.len},
                      ccpulse::from_unix_micros(ts * 1000));
      },
      30000ms);
  REQUIRE_MESSAGE(read.empty(), read);
  runner.finish();
  return out;
}

using alert_row = std::tuple<std::string, std::string, std::int64_t>;  // id, kind, deadline (us)

}  // namespace

TEST_CASE("replay over a seeded log raises, for the live policies, exactly the pipeline's alerts") {
  t::test_cluster cluster;
  const replay_topics topics(cluster);
  const auto live_cfg = replay_config(cluster, topics, "30s");
  const auto candidate_cfg = replay_config(cluster, topics, "15s");
  const instant t0 = std::chrono::floor<std::chrono::seconds>(
                         std::chrono::time_point_cast<ccpulse::duration>(std::chrono::system_clock::now())) -
                     3h;
  const auto log = produce_log(cluster, topics.input, t0);

  // The pipeline reads the whole log behind; its clock stays before the
  // first event, so once caught up nothing more fires: every alert it
  // raises comes from event time, as in a replay.
  std::atomic<std::int64_t> clock{ccpulse::to_unix_micros(t0 - 1min)};
  std::vector<alert_row> raised;
  {
    ccpulse::app::pipeline pipe(live_cfg, {[&clock] { return ccpulse::from_unix_micros(clock.load()); }});
    pipe.start();
    auto consumed = [&] {
      std::uint64_t n = 0;
      for (const auto& w : pipe.board().read())
        if (w) n += w->consumed;
      return n;
    };
    REQUIRE_MESSAGE(t::wait_for([&] { return consumed() >= static_cast<std::uint64_t>(log.records); }, 90s),
                    "consumed " << consumed() << " of " << log.records);
    pipe.stop();
  }
  ccpulse::app::replay_runner runner(live_cfg, candidate_cfg, {});
  runner.keep_alerts(true);
  const auto r = replay(cluster, live_cfg, runner, t0 - 1s, std::nullopt);
  CHECK(r.records == static_cast<std::uint64_t>(log.records));
  std::vector<alert_row> replayed_alerts;
  for (const auto& a : runner.live_alerts())
    replayed_alerts.emplace_back(a.alert_id, std::string(ccpulse::sla::to_string(a.kind)),
                                 ccpulse::to_unix_micros(a.deadline));
  std::sort(replayed_alerts.begin(), replayed_alerts.end());
  REQUIRE(replayed_alerts.size() > 20);

  const auto recs = t::read_topic_to_end(
      cluster.client_properties(), topics.alerts,
      [&](const auto& v) { return v.size() >= replayed_alerts.size(); }, 30s);
  for (const auto& rec : recs) {
    ccpulse::v1::Alert a;
    REQUIRE(a.ParseFromString(rec.value));
    REQUIRE(a.has_sla());
    std::string kind = ccpulse::v1::SlaAlertKind_Name(a.sla().kind());
    // SLA_ALERT_KIND_AT_RISK -> at_risk, as sla::to_string names it.
    kind = kind.substr(kind.rfind("KIND_") + 5);
    for (auto& ch : kind) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    raised.emplace_back(a.sla().alert_id(), kind,
                        a.sla().deadline().seconds() * 1000000 + a.sla().deadline().nanos() / 1000);
  }
  std::sort(raised.begin(), raised.end());
  CHECK(raised == replayed_alerts);

  // The candidate's 15 s breaches at least as often on every queue.
  for (const auto& [key, live] : runner.live().rows()) {
    CAPTURE(key.first);
    const auto& cand = runner.candidate().rows().at(key);
    CHECK(cand.started == live.started);
    CHECK(cand.breached >= live.breached);
  }
  CHECK(runner.live().rows().size() == 2);

  // The queues' KPIs over the range: every call queued once, sales every third.
  const auto h = runner.header();
  REQUIRE(h.kpis.size() == 2);
  CHECK(h.kpis[0].queue == "billing");
  CHECK(h.kpis[0].offered == 160);
  CHECK(h.kpis[1].queue == "sales");
  CHECK(h.kpis[1].offered == 80);
  for (const auto& k : h.kpis) CHECK(k.answered + k.abandoned + k.waiting == k.offered);
}

TEST_CASE("replay range edges: --from between two events, --to before the end, an empty range") {
  t::test_cluster cluster;
  const replay_topics topics(cluster);
  const auto cfg = replay_config(cluster, topics, "30s");
  const instant t0 = std::chrono::floor<std::chrono::seconds>(
                         std::chrono::time_point_cast<ccpulse::duration>(std::chrono::system_clock::now())) -
                     3h;
  const auto log = produce_log(cluster, topics.input, t0);
  auto count_from = [&](instant from, std::optional<instant> to) {
    std::uint64_t n = 0;
    for (const auto& at : log.times) n += at >= from && (!to || at < *to);
    return n;
  };
  {
    // Between two records' milliseconds: starts at the next one.
    const instant from = t0 + 100s + 500ms;
    ccpulse::app::replay_runner runner(cfg, cfg, {});
    const auto r = replay(cluster, cfg, runner, from, std::nullopt);
    CHECK(r.records == count_from(from, std::nullopt));
    CHECK(r.records < static_cast<std::uint64_t>(log.records));
    // A real broker finds the start by timestamp; the mock cluster cannot
    // (it answers -1), so its partitions are read from the log start and
    // the records before `from` skipped: the same range either way.
    for (const auto& p : r.ranges) {
      CHECK(p.scanned == !cluster.real());
      if (cluster.real()) CHECK(p.before_from == 0);
    }
    CHECK(runner.header().first_event >= ccpulse::app::format_rfc3339(from));
  }
  {
    const instant from = t0 + 60s, to = t0 + 200s;
    ccpulse::app::replay_runner runner(cfg, cfg, {});
    const auto r = replay(cluster, cfg, runner, from, to);
    CHECK(r.records == count_from(from, to));
    CHECK(r.records > 0);
  }
  {
    // After the last record: nothing is read.
    ccpulse::app::replay_runner runner(cfg, cfg, {});
    const auto r = replay(cluster, cfg, runner, t0 + 2h, std::nullopt);
    CHECK(r.records == 0);
    CHECK(r.ranges.size() == 3);
    CHECK(runner.header().records == 0);
  }
}
