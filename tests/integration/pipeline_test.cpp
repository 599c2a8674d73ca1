// End to end over real TCP: a real producer writes a scripted event sequence,
// the pipeline (workers, engine, transactions, HTTP) runs in-process on a
// manual clock, and separate consumers read the alerts and dead-letter
// topics. Runs against the mock cluster, or a real broker (test_cluster.h).
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <map>
#include <random>
#include <regex>

#include "app/pipeline.h"
#include "ccpulse/v1/alerts.pb.h"
#include "ccpulse/v1/events.pb.h"
#include "config/load_config.h"
#include "http/http_get.h"
#include "kafka/event_producer.h"
#include "sla/alert.h"
#include "test_cluster.h"

using namespace std::chrono_literals;
using ccpulse::instant;
namespace t = ccpulse::testing;

namespace {

struct manual_clock {
  std::atomic<std::int64_t> micros;
  explicit manual_clock(instant start) : micros(ccpulse::to_unix_micros(start)) {}
  instant now() const { return ccpulse::from_unix_micros(micros.load()); }
  void set(instant t) { micros.store(ccpulse::to_unix_micros(t)); }
};

class script {
 public:
  script(ccpulse::kafka::event_producer& p, std::string topic) : _p(p), _topic(std::move(topic)) {}

  void send(const std::string& event_id, const std::string& interaction, instant at,
            const std::function<void(ccpulse::v1::Event&)>& fill) {
    ccpulse::v1::Event e;
    e.set_event_id(event_id);
    e.set_interaction_id(interaction);
    e.set_channel(ccpulse::v1::CHANNEL_VOICE);
    e.set_queue_id("billing");
    e.set_priority(2);
    e.mutable_customer()->set_hashed_id("cust-" + interaction);
    e.mutable_customer()->set_tier("standard");
    const auto us = ccpulse::to_unix_micros(at);
    e.mutable_occurred_at()->set_seconds(us / 1000000);
    e.mutable_occurred_at()->set_nanos(static_cast<int>((us % 1000000) * 1000));
    fill(e);
    raw("cust-" + interaction, e.SerializeAsString());
  }
  void raw(const std::string& key, const std::string& bytes) {
    _p.produce({_topic, key, bytes, {}});
    ++_sent;
  }
  int sent() const { return _sent; }

 private:
  ccpulse::kafka::event_producer& _p;
  std::string _topic;
  int _sent = 0;
};

std::uint64_t consumed(ccpulse::app::pipeline& p) {
  std::uint64_t n = 0;
  for (const auto& w : p.board().read())
    if (w) n += w->consumed;
  return n;
}

// True once the input's partitions are spread over every worker. State does
// not move with a partition yet (no changelog), so the scripted events must
// not be produced before the group has settled.
bool settled(ccpulse::app::pipeline& p, std::size_t partitions) {
  std::size_t total = 0;
  for (const auto& w : p.board().read()) {
    if (!w || w->partitions.empty()) return false;
    total += w->partitions.size();
  }
  return total == partitions;
}

// True once every input partition has been read to its end: only then does a
// partition run on the (manual) wall clock rather than its event-time watermark.
bool all_live(ccpulse::app::pipeline& p) {
  for (const auto& w : p.board().read()) {
    if (!w || w->partitions.empty()) return false;
    for (const auto& part : w->partitions)
      if (!part.live) return false;
  }
  return true;
}

// Returns once every worker has published a status from a loop iteration
// that began after this call, so that status reflects a timer pass that read
// the clock as it is now. A status published after the call may still come
// from an iteration that read the clock just before; the next one cannot.
bool every_worker_saw_the_clock(ccpulse::app::pipeline& p, std::chrono::milliseconds deadline = 10s) {
  auto published_after = [&p](std::chrono::steady_clock::time_point since) {
    for (const auto& w : p.board().read())
      if (!w || w->heartbeat <= since) return false;
    return true;
  };
  const auto set_at = std::chrono::steady_clock::now();
  if (!t::wait_for([&] { return published_after(set_at); }, deadline)) return false;
  const auto first_seen = std::chrono::steady_clock::now();
  return t::wait_for([&] { return published_after(first_seen); }, deadline);
}

// Alerts the workers have raised so far, counted by kind: "{at_risk: 2}".
std::string raised(ccpulse::app::pipeline& p) {
  std::map<std::string, std::uint64_t> by_kind;
  for (const auto& w : p.board().read()) {
    if (!w) continue;
    for (const auto& a : w->alerts)
      for (const auto& [k, v] : a.labels)
        if (k == "kind" && a.value > 0) by_kind[v] += a.value;
  }
  std::string out = "{";
  for (const auto& [k, n] : by_kind) out += (out.size() > 1 ? ", " : "") + k + ": " + std::to_string(n);
  return out + "}";
}

std::map<std::string, std::string> alerts_by_kind_and_interaction(
    const std::vector<t::consumed_record>& recs) {
  std::map<std::string, std::string> out;
  for (const auto& r : recs) {
    ccpulse::v1::Alert a;
    REQUIRE(a.ParseFromString(r.value));
    REQUIRE(a.has_sla());
    out[a.sla().interaction_id() + "/" + ccpulse::v1::SlaAlertKind_Name(a.sla().kind())] = a.sla().alert_id();
  }
  return out;
}

std::string run(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    std::array<char, 4096> buf{};
    while (auto n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    pclose(p);
  }
  return out;
}

std::string run_promtool(const std::string& metrics_text) {
  char path[] = "/tmp/ccpulse-metrics-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  FILE* f = fdopen(fd, "w");
  std::fwrite(metrics_text.data(), 1, metrics_text.size(), f);
  std::fclose(f);
  const std::string cmd = std::string("promtool check metrics < ") + path + " 2>&1; echo rc=$?";
  auto out = run(cmd);
  std::remove(path);
  return out;
}

double metric(const std::string& text, const std::string& series) {
  // A series line is exactly "name{labels} value".
  auto pos = text.find("\n" + series + " ");
  if (pos == std::string::npos) return -1;
  return std::stod(text.substr(pos + series.size() + 2));
}

// Now in whole seconds, so hand-computed deadlines are exact.
instant whole_second_now() {
  return std::chrono::floor<std::chrono::seconds>(
      std::chrono::time_point_cast<ccpulse::duration>(std::chrono::system_clock::now()));
}

// The topics of one test, with unique names.
struct it_topics : t::pipeline_topics {
  explicit it_topics(t::test_cluster& cluster) : pipeline_topics(cluster, "it") {}
};

// Two workers on the test topics, queue billing, and `policies` (YAML).
ccpulse::config::config pipeline_config(t::test_cluster& cluster, const it_topics& tp,
                                        const std::string& policies) {
  const std::string yaml = R"(
instance_id: it-)" + cluster.unique("p") +
                           R"(
topics: { input: [)" + tp.input +
                           R"(], alerts: )" + tp.alerts + R"(, dead_letter: )" + tp.dlq + R"(, state: )" +
                           tp.state + R"(, snapshots: )" + tp.state + R"(.snapshots }
processing: { workers: 2, commit_interval: 100ms, max_clock_skew: 5m }
http: { bind: 127.0.0.1, port: 0 }
queues:
  - { name: billing, channel: voice, sl_threshold: 20s, sl_target: 0.8 }
)" + policies;
  auto loaded = ccpulse::config::load_config_text(yaml, "pipeline_test.yaml");
  for (const auto& e : loaded.errors) FAIL(e.to_string());
  auto cfg = *loaded.cfg;
  for (const auto& p : cluster.pipeline_properties()) cfg.kafka.properties.push_back(p);
  cfg.kafka.properties.emplace_back("group.id", cluster.unique("it-group"));
  return cfg;
}

}  // namespace

TEST_CASE(
    "the pipeline raises answer alerts at the right moment, dead-letters bad input and exports metrics") {
  t::test_cluster cluster;
  const it_topics topics(cluster);
  const auto& [input, alerts, dlq, state] = topics;
  auto cfg = pipeline_config(cluster, topics, R"(
policies:
  - name: voice-answer
    match: { channels: [voice], queues: [billing] }
    targets:
      answer: { duration: 30s, by_priority: { 2: 20s }, at_risk: 0.8 }
)");

  const instant t0 = whole_second_now();
  manual_clock clock(t0);
  ccpulse::app::pipeline pipe(cfg, {[&clock] { return clock.now(); }});
  pipe.start();

  REQUIRE_MESSAGE(t::wait_for([&] { return settled(pipe, 3); }, 60s), "consumer group did not settle");

  ccpulse::kafka::event_producer producer(cluster.client_properties());
  script s(producer, input);
  auto queued = [](ccpulse::v1::Event& e) { e.mutable_queued(); };
  auto created = [](ccpulse::v1::Event& e) { e.mutable_interaction_created(); };
  // i1 waits forever: AT_RISK at +16 s, BREACHED at +20 s.
  s.send("e1", "i1", t0, created);
  s.send("e2", "i1", t0, queued);
  // i2 answered at +5 s: no alert.
  s.send("e3", "i2", t0, queued);
  s.send("e4", "i2", t0 + 5s, [](auto& e) { e.mutable_answered(); });
  s.send("e4", "i2", t0 + 5s, [](auto& e) { e.mutable_answered(); });  // duplicate event id
  // i3 abandons after 3 s: a short abandon, no alert.
  s.send("e5", "i3", t0 + 1s, queued);
  s.send("e6", "i3", t0 + 4s, [](auto& e) { e.mutable_abandoned(); });
  // i4 is answered at +17 s (sent later), after AT_RISK: RECOVERED.
  s.send("e7", "i4", t0, queued);
  // Bad input, each with its reason.
  std::string valid;
  {
    ccpulse::v1::Event e;
    e.set_event_id("bad-1-with-a-long-event-id-so-truncation-cuts-into-it");
    e.set_interaction_id("i9");
    e.mutable_occurred_at()->set_seconds(ccpulse::to_unix_micros(t0) / 1000000);
    e.mutable_queued();
    e.set_channel(ccpulse::v1::CHANNEL_VOICE);
    e.set_queue_id("billing");
    valid = e.SerializeAsString();
  }
  const std::string truncated = valid.substr(0, 20);
  s.raw("k-trunc", truncated);
  s.raw("k-random", std::string("\xff\xff\xff\xff\x0f\x01\x02", 7));
  s.send("e8", "", t0, queued);         // missing interaction id
  s.send("", "i5", t0, queued);         // missing event id
  s.send("e9", "i6", t0 + 1h, queued);  // beyond max_clock_skew
  REQUIRE(producer.flush(10s));
  const auto first_batch = static_cast<std::uint64_t>(s.sent());

  REQUIRE_MESSAGE(t::wait_for([&] { return consumed(pipe) >= first_batch; }, 60s),
                  "consumed " << consumed(pipe) << " of " << first_batch);
  REQUIRE(t::wait_for([&] { return pipe.ready(); }, 10s));

  // Every partition runs on the manual clock from here on.
  REQUIRE_MESSAGE(t::wait_for([&] { return all_live(pipe); }, 30s), "input partitions not live");
  // The alerts topic read to its end once it holds n records: an alert raised
  // too early, or twice, shows up as one record too many.
  auto read_alerts = [&](std::size_t n) {
    auto recs = t::read_topic_to_end(
        cluster.client_properties(), alerts, [n](const auto& r) { return r.size() >= n; }, 30s);
    CHECK(recs.size() == n);
    return recs;
  };

  // Each move of the clock is checked before the next one: what the workers
  // raised once they saw it, and what a separate consumer reads.
  // +15 s: nothing is due before +16 s.
  clock.set(t0 + 15s);
  REQUIRE(every_worker_saw_the_clock(pipe));
  CHECK(raised(pipe) == "{}");

  // +16 s: both at-risk thresholds, no deadline yet.
  clock.set(t0 + 16s);
  REQUIRE(every_worker_saw_the_clock(pipe));
  CHECK(raised(pipe) == "{at_risk: 2}");
  auto recs = read_alerts(2);
  auto kinds = alerts_by_kind_and_interaction(recs);
  CHECK(kinds.size() == 2);
  CHECK(kinds.contains("i1/SLA_ALERT_KIND_AT_RISK"));
  CHECK(kinds.contains("i4/SLA_ALERT_KIND_AT_RISK"));
  CHECK_FALSE(kinds.contains("i1/SLA_ALERT_KIND_BREACHED"));

  // i4 answered at +17 s, after its AT_RISK: RECOVERED as soon as it is read.
  s.send("e10", "i4", t0 + 17s, [](auto& e) { e.mutable_answered(); });
  REQUIRE(producer.flush(10s));
  REQUIRE(t::wait_for([&] { return consumed(pipe) >= first_batch + 1; }, 30s));
  REQUIRE_MESSAGE(t::wait_for([&] { return all_live(pipe); }, 30s), "input partitions not live");

  // +19 s: one second before i1's deadline, still no breach.
  clock.set(t0 + 19s);
  REQUIRE(every_worker_saw_the_clock(pipe));
  CHECK(raised(pipe) == "{at_risk: 2, recovered: 1}");
  recs = read_alerts(3);
  kinds = alerts_by_kind_and_interaction(recs);
  CHECK(kinds.size() == 3);
  CHECK(kinds.contains("i4/SLA_ALERT_KIND_RECOVERED"));
  CHECK_FALSE(kinds.contains("i1/SLA_ALERT_KIND_BREACHED"));

  // +20 s: i1's deadline; the breach waits out processing.breach_grace
  // (1 s by default) for an answer stamped in time that is still on its way.
  clock.set(t0 + 20s);
  REQUIRE(every_worker_saw_the_clock(pipe));
  CHECK(raised(pipe) == "{at_risk: 2, recovered: 1}");
  clock.set(t0 + 21s);
  REQUIRE(every_worker_saw_the_clock(pipe));
  CHECK(raised(pipe) == "{at_risk: 2, breached: 1, recovered: 1}");
  recs = read_alerts(4);
  kinds = alerts_by_kind_and_interaction(recs);
  CHECK(kinds.size() == 4);
  CHECK(kinds.contains("i4/SLA_ALERT_KIND_RECOVERED"));
  CHECK(kinds.contains("i1/SLA_ALERT_KIND_BREACHED"));
  for (const auto& r : recs) {
    ccpulse::v1::Alert a;
    REQUIRE(a.ParseFromString(r.value));
    CHECK(r.key == a.sla().interaction_id());
    CHECK(a.sla().policy() == "voice-answer");
    CHECK(a.sla().target() == "answer");
    CHECK(a.sla().queue_id() == "billing");
    CHECK(a.sla().deadline().seconds() == a.sla().started_at().seconds() + 20);
    if (a.sla().kind() == ccpulse::v1::SLA_ALERT_KIND_BREACHED) {
      CHECK(a.sla().interaction_id() == "i1");
      CHECK(a.sla().elapsed().seconds() == 20);
      CHECK(a.sla().severity() == ccpulse::v1::SEVERITY_CRITICAL);
    }
    if (a.sla().kind() == ccpulse::v1::SLA_ALERT_KIND_AT_RISK) CHECK(a.sla().elapsed().seconds() == 16);
  }

  // The same alerts as kcat (a client nobody here wrote) sees them, read_committed.
  {
    std::string auth;
    for (const auto& [k, v] : cluster.client_properties())
      if (k != "bootstrap.servers") auth += " -X '" + k + "=" + v + "'";
    const auto kcat = run("kcat -b " + cluster.bootstrap() + auth + " -C -t " + alerts +
                          " -e -o beginning -q -X isolation.level=read_committed -f '%k %h\\n' 2>&1");
    std::size_t lines = 0;
    for (auto pos = kcat.find('\n'); pos != std::string::npos; pos = kcat.find('\n', pos + 1)) ++lines;
    CHECK_MESSAGE(lines == 4, kcat);
    CHECK(kcat.find("i1 ccpulse-type=sla") != std::string::npos);
    CHECK(kcat.find("i4 ccpulse-type=sla") != std::string::npos);
  }

  auto dead = t::read_topic(
      cluster.client_properties(), dlq, [](const auto& r) { return r.size() >= 5; }, 30s);
  std::map<std::string, std::string> reasons;  // key -> reason
  for (const auto& r : dead) {
    reasons[r.key] = r.header("ccpulse-reason");
    CHECK(r.header("ccpulse-source-topic") == input);
    CHECK_FALSE(r.header("ccpulse-source-offset").empty());
  }
  CHECK(dead.size() == 5);
  CHECK(reasons["k-trunc"] == "decode_failed");
  CHECK(reasons["k-random"] == "decode_failed");
  CHECK(reasons["cust-"] == "missing_interaction_id");
  CHECK(reasons["cust-i5"] == "missing_event_id");
  CHECK(reasons["cust-i6"] == "future_timestamp");
  for (const auto& r : dead)
    if (r.key == "k-trunc") CHECK(r.value == truncated);  // original bytes

  // Metrics over HTTP, checked by promtool and by value. Workers publish
  // every 200 ms; wait for the counts to settle.
  std::string text;
  REQUIRE(t::wait_for(
      [&] {
        text = ccpulse::http::http_get("127.0.0.1", pipe.http_port(), "/metrics").body;
        return metric(
                   text,
                   "ccpulse_sla_alerts_total{policy=\"voice-answer\",target=\"answer\",kind=\"breached\"}") ==
               1;
      },
      10s));
  const auto promtool = run_promtool(text);
  CHECK_MESSAGE(promtool.find("rc=0") != std::string::npos, promtool);
  CHECK(metric(text, "ccpulse_queue_offered_contacts{queue=\"billing\"}") == 4);
  CHECK(metric(text, "ccpulse_queue_answered_contacts{queue=\"billing\"}") == 2);
  CHECK(metric(text, "ccpulse_queue_abandoned_contacts{queue=\"billing\"}") == 1);
  CHECK(metric(text, "ccpulse_queue_short_abandoned_contacts{queue=\"billing\"}") == 1);
  CHECK(metric(text, "ccpulse_queue_contacts_waiting{queue=\"billing\"}") == 1);
  CHECK(metric(text, "ccpulse_queue_answered_within_threshold_contacts{queue=\"billing\"}") == 2);
  CHECK(metric(text, "ccpulse_events_duplicate_total") == 1);
  CHECK(metric(text, "ccpulse_events_invalid_total{reason=\"decode_failed\"}") == 2);
  CHECK(metric(text, "ccpulse_events_invalid_total{reason=\"future_timestamp\"}") == 1);
  CHECK(metric(text, "ccpulse_dead_letters_total") == 5);
  CHECK(metric(text, "ccpulse_events_consumed_total") == static_cast<double>(first_batch + 1));
  CHECK(metric(text,
               "ccpulse_sla_alerts_total{policy=\"voice-answer\",target=\"answer\",kind=\"at_risk\"}") == 2);
  CHECK(metric(text, "ccpulse_queue_oldest_contact_age_seconds{queue=\"billing\"}") > 0);
  // The three timer alerts went out live, on the manual clock set to their
  // due moments: each handed over within the first latency bucket.
  CHECK(metric(text, "ccpulse_alert_latency_seconds_count") == 3);
  CHECK(metric(text, "ccpulse_alert_latency_seconds_bucket{le=\"0.001\"}") == 3);

  CHECK(ccpulse::http::http_get("127.0.0.1", pipe.http_port(), "/healthz").status == 200);
  CHECK(ccpulse::http::http_get("127.0.0.1", pipe.http_port(), "/readyz").status == 200);
  CHECK(pipe.failure().empty());
  pipe.stop();
}

TEST_CASE(
    "the pipeline matches policies on event attributes and raises an ESCALATION once, with its rule and "
    "score") {
  t::test_cluster cluster;
  const it_topics topics(cluster);
  auto cfg = pipeline_config(cluster, topics, R"(
policies:
  - name: german
    match: { attributes: { language: [de] } }
    targets: { answer: { duration: 1h } }
    escalate:
      - { name: angry, sentiment_below: -0.5, severity: critical }
)");
  const instant t0 = whole_second_now();
  manual_clock clock(t0);
  ccpulse::app::pipeline pipe(cfg, {[&clock] { return clock.now(); }});
  pipe.start();
  REQUIRE_MESSAGE(t::wait_for([&] { return settled(pipe, 3); }, 60s), "consumer group did not settle");

  ccpulse::kafka::event_producer producer(cluster.client_properties());
  script s(producer, topics.input);
  auto language = [](std::string lang, bool queued) {
    return [lang, queued](ccpulse::v1::Event& e) {
      (*e.mutable_attributes())["language"] = lang;
      (*e.mutable_attributes())["reason"] = "billing";
      if (queued)
        e.mutable_queued();
      else
        e.mutable_interaction_created();
    };
  };
  auto sentiment = [](double score) {
    return [score](ccpulse::v1::Event& e) { e.mutable_sentiment_observed()->set_score(score); };
  };
  s.send("a1", "de-1", t0, language("de", true));
  s.send("a2", "de-1", t0 + 1s, sentiment(-0.9));
  s.send("a3", "de-1", t0 + 2s, sentiment(-0.95));  // once per interaction and rule
  s.send("a4", "en-1", t0, language("en", true));
  s.send("a5", "en-1", t0 + 1s, sentiment(-0.9));  // no policy matches
  REQUIRE(producer.flush(10s));
  REQUIRE_MESSAGE(t::wait_for([&] { return consumed(pipe) >= 5; }, 60s), "consumed " << consumed(pipe));
  REQUIRE_MESSAGE(t::wait_for([&] { return raised(pipe) == "{escalation: 1}"; }, 30s), raised(pipe));

  const auto recs = t::read_topic_to_end(
      cluster.client_properties(), topics.alerts, [](const auto& r) { return !r.empty(); }, 30s);
  REQUIRE(recs.size() == 1);
  ccpulse::v1::Alert a;
  REQUIRE(a.ParseFromString(recs[0].value));
  REQUIRE(a.has_sla());
  CHECK(recs[0].key == "de-1");
  CHECK(a.sla().kind() == ccpulse::v1::SLA_ALERT_KIND_ESCALATION);
  CHECK(a.sla().policy() == "german");
  CHECK(a.sla().escalation_rule() == "angry");
  CHECK(a.sla().sentiment() == -0.9);
  CHECK(a.sla().severity() == ccpulse::v1::SEVERITY_CRITICAL);
  CHECK(a.sla().alert_id() == ccpulse::sla::make_escalation_id("de-1", "german", "angry"));
  // Only the keys a policy matches on are kept.
  CHECK(a.sla().attributes().size() == 1);
  CHECK(a.sla().attributes().at("language") == "de");
  pipe.stop();
}
