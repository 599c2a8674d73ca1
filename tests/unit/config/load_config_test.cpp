#include "config/load_config.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/load_helpers.h"

// The repository root, to find config/*.yaml and the test data; set by
// tests/CMakeLists.txt.
#ifndef CCPULSE_SOURCE_DIR
#error "CCPULSE_SOURCE_DIR must be defined to the repository root"
#endif

// Failed comparisons of error lists print every message, one per line.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& lines) {
    std::string out = "{";
    for (const auto& l : lines) out += "\n  " + l;
    out += "\n}";
    return String(out.c_str());
  }
};
}  // namespace doctest

using namespace std::chrono_literals;
using namespace ccpulse::config;
using ccpulse::test::errors_of;
using ccpulse::test::joined;
using ccpulse::test::loads;
namespace fs = std::filesystem;

namespace {

std::string source_path(const std::string& relative) {
  return std::string(CCPULSE_SOURCE_DIR) + "/" + relative;
}

// A folder of its own under the system temp dir, removed afterwards.
struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("ccpulse-config-test-" + std::to_string(::getpid()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  fs::path write(const std::string& name, const std::string& contents) const {
    const auto p = path / name;
    std::ofstream(p, std::ios::binary) << contents;
    return p;
  }
};

const std::string minimal_queues = "queues: [ { name: billing, channel: voice } ]\n";

}  // namespace

TEST_CASE("config_error prints FILE:LINE:COLUMN: field: problem") {
  const config_error e{"ccpulse.yaml", 12, 7, "policies[1].targets.answer.at_risk", "must be below 1"};
  CHECK(e.to_string() == "ccpulse.yaml:12:7: policies[1].targets.answer.at_risk: must be below 1");
}

TEST_CASE("the documented example config/ccpulse.yaml loads without errors") {
  const auto r = load_config_file(source_path("config/ccpulse.yaml"));
  INFO(joined(r));
  REQUIRE(r.errors.empty());
  const config& c = *r.cfg;
  CHECK(c.file == source_path("config/ccpulse.yaml"));
  CHECK(c.instance_id == "ccpulse-1");
  CHECK(c.site_timezone == "Europe/Berlin");
  REQUIRE(!c.kafka.properties.empty());
  CHECK(c.kafka.properties.front() ==
        std::pair<std::string, std::string>{"bootstrap.servers", "localhost:9092"});
  CHECK(c.queues.size() == 5);
  REQUIRE(c.policies.policies().size() == 4);
  const auto& vip = c.policies.policies()[0];
  CHECK(vip.name == "vip-voice");
  REQUIRE(vip.find(ccpulse::sla::target_type::answer) != nullptr);
  CHECK(vip.find(ccpulse::sla::target_type::answer)->for_priority(1) == 10s);
  CHECK(vip.find(ccpulse::sla::target_type::answer)->for_priority(7) == 20s);
  CHECK(c.simulator.queues.size() == 3);
  CHECK(c.simulator.queues[0].chan == ccpulse::channel::voice);  // taken from queues:
}

TEST_CASE("the demo config/demo.yaml loads without errors") {
  const auto r = load_config_file(source_path("config/demo.yaml"));
  INFO(joined(r));
  REQUIRE(r.errors.empty());
  CHECK(r.cfg->instance_id == "ccpulse-demo");
  CHECK(!r.cfg->queues.empty());
  CHECK(!r.cfg->policies.policies().empty());
  CHECK(!r.cfg->simulator.queues.empty());
}

TEST_CASE("a file with many mistakes reports each at its line, column and field") {
  const auto path = source_path("tests/unit/config/data/broken.yaml");
  const auto r = load_config_file(path);
  CHECK_FALSE(r.cfg.has_value());
  const std::vector<std::string> expected{
      path +
          ":4:16: site_timezone: unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?); "
          "use an IANA name such as Europe/Berlin or UTC",
      path + ":6:3: processing.wokers: unknown key 'wokers' (did you mean 'workers'?)",
      path + ":7:20: processing.commit_interval: must be between 10ms and 10s, got 5ms",
      path + ":8:19: processing.max_clock_skew: negative durations are not allowed, got '-5s'",
      path +
          ":9:11: processing.linger: expected a duration such as 250ms, 30s, 15m, 2h, 1d or 1h30m, "
          "got '10 minutes'",
      path + ":10:15: http.port: must be between 0 and 65535, got 70000",
      path +
          ":12:31: queues[0].channel: unknown channel 'phone'; valid channels: voice, chat, email, "
          "ticket, social, messaging, video",
      path + ":13:13: queues[1].name: duplicate queue name 'billing' (first declared on line 12)",
      path + ":13:49: queues[1].sl_target: must be greater than 0 and at most 1 (0.8 means 80 %), got 1.5",
      path +
          ":16:42: policies[0].match.queues[0]: unknown queue 'biling' (did you mean 'billing'?); "
          "declared queues: billing",
      path +
          ":20:18: policies[0].targets.answer.at_risk: a fraction of the target must be between 0 and "
          "1, exclusive (0.8 = at risk after 80 % of the target), got 1.2",
      path +
          ":21:35: policies[0].targets.answer.pause_statuses[1]: unknown ticket status 'waiting'; "
          "valid statuses: new, open, pending, on_hold, solved, closed",
      path +
          ":22:7: policies[0].targets.anwser: unknown target type 'anwser' (did you mean 'answer'?); "
          "valid target types: answer, first_response, next_reply, periodic_update, resolution, "
          "escalation_response, detractor_follow_up",
      path + ":23:11: policies[1].name: duplicate policy name 'vip' (first declared on line 15)",
      path +
          ":25:23: policies[1].targets.first_response.duration: required key is missing (the target "
          "for priorities not in by_priority)",
      path +
          ":27:14: policies[2].targets: a policy needs at least one target (answer, first_response, "
          "next_reply, periodic_update, resolution, escalation_response, detractor_follow_up)",
      path + ":29:9: simulator.rate: must be greater than 0 and at most 1000000 arrivals per second, got 0",
      path + ":31:16: simulator.queues[0].queue: unknown queue 'sales'; declared queues: billing",
      path + ":31:38: simulator.queues[0].arrival_share: must be greater than 0 (a relative weight), got -1",
  };
  const auto actual = errors_of(r);
  CHECK(actual.size() == expected.size());
  for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
    CAPTURE(i);
    CHECK(actual[i] == expected[i]);
  }
}

TEST_CASE("the fields of a config_error are 1-based positions and a dotted path") {
  const auto r = load_config_text(
      "policies:\n  - name: a\n    targets:\n      answer: { duration: 20s, at_risk: 2 }\n", "p.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].file == "p.yaml");
  CHECK(r.errors[0].line == 4);
  CHECK(r.errors[0].column == 41);
  CHECK(r.errors[0].field == "policies[0].targets.answer.at_risk");
}

TEST_CASE("a YAML syntax error is reported at the parser's position") {
  CHECK(errors_of("queues:\n  - { name: billing, channel: voice\nhttp: {}\n") ==
        std::vector<std::string>{"t.yaml:3:5: <yaml>: YAML syntax error: end of map flow not found"});
  CHECK(errors_of("http:\n  port: 80\n bind: x\n") ==
        std::vector<std::string>{"t.yaml:3:2: <yaml>: YAML syntax error: end of map not found"});
}

TEST_CASE("a missing config file is an error naming the file") {
  const auto r = load_config_file("/nonexistent/ccpulse.yaml");
  CHECK_FALSE(r.cfg.has_value());
  CHECK(errors_of(r) == std::vector<std::string>{
                            "/nonexistent/ccpulse.yaml:0:0: <file>: cannot read the config file: No such "
                            "file or directory"});
}

TEST_CASE("an empty file, a non-mapping and several documents are errors") {
  CHECK(errors_of("") == std::vector<std::string>{
                             "t.yaml:1:1: <yaml>: the file is empty; expected a mapping of settings such as "
                             "`queues:`"});
  CHECK(errors_of("- a\n") ==
        std::vector<std::string>{"t.yaml:1:1: <yaml>: expected a mapping of settings at the top level, got a "
                                 "list"});
  CHECK(errors_of("http: {}\n---\nhttp: {}\n") ==
        std::vector<std::string>{
            "t.yaml:2:1: <yaml>: more than one YAML document (---); ccpulse reads a single document"});
}

TEST_CASE("a stray comma is a syntax error, not an endless stream of documents") {
  // yaml-cpp 0.7's LoadAll loops without end on this input (jbeder/yaml-cpp#1040).
  CHECK(errors_of(",") == std::vector<std::string>{"t.yaml:1:1: <yaml>: YAML syntax error: unexpected ','"});
  CHECK(errors_of("---\n,\n") ==
        std::vector<std::string>{"t.yaml:2:1: <yaml>: YAML syntax error: unexpected ','"});
}

TEST_CASE("an unknown key suggests the closest known key") {
  CHECK(errors_of("htpp: { port: 1 }\n") ==
        std::vector<std::string>{"t.yaml:1:1: htpp: unknown key 'htpp' (did you mean 'http'?)"});
  CHECK(errors_of("http: { prot: 1 }\n") ==
        std::vector<std::string>{"t.yaml:1:9: http.prot: unknown key 'prot' (did you mean 'port'?)"});
  CHECK(errors_of(minimal_queues + "queues_x: 1\n").size() == 1);
}

TEST_CASE("an unknown key with no close match lists the known keys") {
  CHECK(errors_of("http: { https: true }\n") ==
        std::vector<std::string>{"t.yaml:1:9: http.https: unknown key 'https'; expected one of: bind, port, "
                                 "api_token, metrics_token, max_connections, max_header_bytes, "
                                 "max_header_fields, max_body_bytes, request_timeout, tls"});
}

TEST_CASE("a key given twice is an error at the second") {
  CHECK(errors_of("http: { port: 1 }\nhttp: { port: 2 }\n") ==
        std::vector<std::string>{"t.yaml:2:1: http: duplicate key 'http' (first set on line 1)"});
}

TEST_CASE("absent sections keep their defaults") {
  const auto c = loads("site_timezone: UTC\n");
  CHECK(!c.instance_id.empty());  // the host name
  CHECK(c.topics.input == std::vector<std::string>{"cc.events"});
  CHECK(c.topics.alerts == "ccpulse.alerts");
  CHECK(c.processing.workers == 1);
  CHECK(c.processing.commit_interval == 100ms);
  CHECK(c.processing.max_queues == 200);
  CHECK(c.http.bind == "127.0.0.1");
  CHECK(c.http.port == 8080);
  CHECK(c.queues.empty());
  CHECK(c.policies.policies().empty());
  CHECK(c.simulator.rate == 5.0);
}

TEST_CASE("processing settings are read and bounded") {
  const auto c = loads(
      "processing: { workers: 64, commit_interval: 10s, max_clock_skew: 1s, max_out_of_orderness: 0s,\n"
      "  short_abandon: 0s, linger: 1h, dedup_horizon: 1d, max_event_bytes: 1024, max_queues: 5,\n"
      "  poll_interval: 1ms }\n");
  CHECK(c.processing.workers == 64);
  CHECK(c.processing.commit_interval == 10s);
  CHECK(c.processing.max_out_of_orderness == 0s);
  CHECK(c.processing.linger == 1h);
  CHECK(c.processing.dedup_horizon == 24h);
  CHECK(c.processing.max_event_bytes == 1024);
  CHECK(c.processing.poll_interval == 1ms);
  CHECK(errors_of("processing: { workers: 0 }\n") ==
        std::vector<std::string>{"t.yaml:1:24: processing.workers: must be between 1 and 64, got 0"});
  CHECK(errors_of("processing: { workers: two }\n") ==
        std::vector<std::string>{"t.yaml:1:24: processing.workers: expected a whole number, got 'two'"});
  CHECK(errors_of("processing: { commit_interval: 11s }\n") ==
        std::vector<std::string>{
            "t.yaml:1:32: processing.commit_interval: must be between 10ms and 10s, got 11s"});
  CHECK(errors_of("processing: { commit_interval: [1s] }\n") ==
        std::vector<std::string>{
            "t.yaml:1:32: processing.commit_interval: expected a duration such as 30s, got a list"});
}

TEST_CASE("an empty value is reported at its key") {
  CHECK(errors_of("processing:\n  workers:\n  linger: 1m\n") ==
        std::vector<std::string>{"t.yaml:2:3: processing.workers: expected a whole number, got nothing"});
}

TEST_CASE("kafka properties pass through in order, as strings") {
  const auto c = loads(
      "kafka:\n  bootstrap.servers: b1:9092,b2:9092\n  compression.type: lz4\n"
      "  linger.ms: 5\n  group.id: x\n");
  const std::vector<std::pair<std::string, std::string>> expected{{"bootstrap.servers", "b1:9092,b2:9092"},
                                                                  {"compression.type", "lz4"},
                                                                  {"linger.ms", "5"},
                                                                  {"group.id", "x"}};
  CHECK(c.kafka.properties == expected);
}

TEST_CASE("a kafka secret is read from a file, without its trailing newline") {
  temp_dir dir;
  const auto secret = dir.write("password", "s3cret\n");
  const auto c = loads("kafka:\n  sasl.password: { file: " + secret.string() + " }\n");
  REQUIRE(c.kafka.properties.size() == 1);
  CHECK(c.kafka.properties[0].second == "s3cret");
}

TEST_CASE("a relative secret file is found next to the config file") {
  temp_dir dir;
  dir.write("password", "from-dir\r\n");
  const auto c =
      loads("kafka: { sasl.password: { file: password } }\n", (dir.path / "ccpulse.yaml").string());
  REQUIRE(c.kafka.properties.size() == 1);
  CHECK(c.kafka.properties[0].second == "from-dir");
}

TEST_CASE("a kafka secret is read from an environment variable") {
  ::setenv("CCPULSE_TEST_SECRET", "from-env", 1);
  const auto c = loads("kafka:\n  a: 1\n  sasl.password: { env: CCPULSE_TEST_SECRET }\n  b: 2\n");
  REQUIRE(c.kafka.properties.size() == 3);
  CHECK(c.kafka.properties[1] == std::pair<std::string, std::string>{"sasl.password", "from-env"});
  ::unsetenv("CCPULSE_TEST_SECRET");
}

TEST_CASE("a missing secret file or variable is an error naming the field") {
  ::unsetenv("CCPULSE_TEST_UNSET");
  ::setenv("CCPULSE_TEST_EMPTY", "", 1);
  temp_dir dir;
  const auto empty = dir.write("empty", "\n");
  CHECK(errors_of("kafka:\n"
                  "  sasl.password: { file: /nonexistent/password }\n"
                  "  ssl.key.password: { env: CCPULSE_TEST_UNSET }\n"
                  "  x: { env: CCPULSE_TEST_EMPTY }\n"
                  "  y: { file: " +
                  empty.string() + " }\n") ==
        std::vector<std::string>{
            "t.yaml:2:26: kafka.sasl.password.file: cannot read secret file '/nonexistent/password': No "
            "such file or directory",
            "t.yaml:3:28: kafka.ssl.key.password.env: environment variable CCPULSE_TEST_UNSET is not set",
            "t.yaml:4:13: kafka.x.env: environment variable CCPULSE_TEST_EMPTY is empty",
            "t.yaml:5:14: kafka.y.file: secret file '" + empty.string() + "' is empty"});
  ::unsetenv("CCPULSE_TEST_EMPTY");
}

TEST_CASE("a kafka value must be a string, a file or an env reference") {
  CHECK(errors_of("kafka:\n  a: [1]\n  b: { path: x }\n  c: { file: x, env: Y }\n") ==
        std::vector<std::string>{
            "t.yaml:2:6: kafka.a: expected a string, { file: PATH } or { env: NAME }, got a list",
            "t.yaml:3:8: kafka.b.path: unknown key 'path'; expected one of: file, env",
            "t.yaml:4:6: kafka.c: give either file or env, not both"});
}

TEST_CASE("an unknown site time zone is an error") {
  CHECK(loads("site_timezone: America/New_York\n").site_timezone == "America/New_York");
  CHECK(errors_of("site_timezone: Mars/Olympus\n") ==
        std::vector<std::string>{
            "t.yaml:1:16: site_timezone: unknown time zone 'Mars/Olympus'; use an IANA name such as "
            "Europe/Berlin or UTC"});
}

TEST_CASE("topics are validated and must all differ") {
  const auto c =
      loads("topics: { input: events.voice, alerts: a, dead_letter: d, state: s, snapshots: n }\n");
  CHECK(c.topics.input == std::vector<std::string>{"events.voice"});
  CHECK(c.topics.snapshots == "n");
  CHECK(errors_of("topics: { input: [a, a], state: 'bad topic', alerts: cc.events }\n") ==
        std::vector<std::string>{
            "t.yaml:1:22: topics.input[1]: topic 'a' is listed twice",
            "t.yaml:1:33: topics.state: topic name 'bad topic' may contain only letters, digits, '.', '_' "
            "and '-'"});
  CHECK(errors_of("topics: { alerts: cc.events }\n") ==
        std::vector<std::string>{
            "t.yaml:1:19: topics.alerts: topic 'cc.events' is also topics.input; the input, alerts, "
            "dead_letter, state and snapshots topics must all differ"});
  CHECK(errors_of("topics: { input: [] }\n") ==
        std::vector<std::string>{"t.yaml:1:18: topics.input: at least one input topic is needed"});
}

TEST_CASE("the simulator's topic may not be an output topic") {
  CHECK(loads("simulator: { topic: cc.events }\n").simulator.topic == "cc.events");
  CHECK(
      errors_of("topics: { state: st }\nsimulator:\n  topic: st\n") ==
      std::vector<std::string>{
          "t.yaml:3:10: simulator.topic: topic 'st' is also topics.state; the simulator writes input events, "
          "so give it an input topic or an unused one"});
  CHECK(errors_of("simulator: { topic: ccpulse.alerts }\n")
            .at(0)
            .starts_with("t.yaml:1:21: simulator.topic: topic 'ccpulse.alerts' is also topics.alerts;"));
  CHECK(errors_of("simulator: { topic: ccpulse.dlq }\n").size() == 1);
}

TEST_CASE("a number may start with '+', as YAML 1.2's core schema allows") {
  const auto c = loads("http: { port: +80 }\nsimulator: { seed: +7, rate: +2.5 }\n");
  CHECK(c.http.port == 80);
  CHECK(c.simulator.seed == 7);
  CHECK(c.simulator.rate == 2.5);
  CHECK(errors_of("http: { port: +-80 }\n") ==
        std::vector<std::string>{"t.yaml:1:15: http.port: expected a whole number, got '+-80'"});
  CHECK(errors_of("http: { port: ++80 }\n") ==
        std::vector<std::string>{"t.yaml:1:15: http.port: expected a whole number, got '++80'"});
  CHECK(errors_of("http: { port: +70000 }\n") ==
        std::vector<std::string>{"t.yaml:1:15: http.port: must be between 0 and 65535, got +70000"});
}

TEST_CASE("queues need a name and a channel, and names are unique") {
  const auto c = loads(
      "queues:\n  - { name: billing, channel: voice, sl_threshold: 30s, sl_target: 1 }\n"
      "  - { name: chat, channel: chat }\n");
  REQUIRE(c.queues.size() == 2);
  CHECK(c.queues[0].chan == ccpulse::channel::voice);
  CHECK(c.queues[0].sl_threshold == 30s);
  CHECK(c.queues[0].sl_target == 1.0);
  CHECK(c.queues[1].sl_threshold == 20s);
  CHECK(c.queues[1].sl_target == 0.8);
  CHECK(
      errors_of("queues:\n  - { sl_target: 0.5 }\n  - { name: other, channel: voice }\n") ==
      std::vector<std::string>{
          "t.yaml:2:5: queues[0].name: required key is missing",
          "t.yaml:2:5: queues[0].channel: required key is missing (one of: voice, chat, email, ticket, "
          "social, messaging, video)",
          "t.yaml:3:13: queues[1].name: 'other' is reserved for queues beyond processing.max_queues; choose "
          "another name"});
}

TEST_CASE("more queues than processing.max_queues is an error") {
  CHECK(errors_of("processing: { max_queues: 1 }\n"
                  "queues: [ { name: a, channel: voice }, { name: b, channel: chat } ]\n") ==
        std::vector<std::string>{
            "t.yaml:1:27: processing.max_queues: 2 queues are declared but max_queues is 1"});
}

TEST_CASE("policies keep file order and their match lists") {
  const auto c =
      loads(minimal_queues +
            "policies:\n"
            "  - name: vip\n"
            "    match: { channels: [voice, chat], queues: billing, priorities: [1, 2], tiers: [gold] }\n"
            "    targets: { answer: { duration: 20s } }\n"
            "  - name: rest\n"
            "    targets: { answer: { duration: 1m }, resolution: { duration: 3d } }\n");
  const auto& ps = c.policies.policies();
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].match.channels ==
        std::vector<ccpulse::channel>{ccpulse::channel::voice, ccpulse::channel::chat});
  CHECK(ps[0].match.queues == std::vector<std::string>{"billing"});
  CHECK(ps[0].match.priorities == std::vector<std::uint32_t>{1, 2});
  CHECK(ps[0].match.tiers == std::vector<std::string>{"gold"});
  CHECK(ps[1].match.channels.empty());
  CHECK(ps[1].targets.size() == 2);

  ccpulse::sla::match_context gold{ccpulse::channel::voice, "billing", 1, "gold"};
  ccpulse::sla::match_context plain{ccpulse::channel::voice, "billing", 3, "silver"};
  CHECK(c.policies.select(ccpulse::sla::target_type::answer, gold)->chosen->name == "vip");
  CHECK(c.policies.select(ccpulse::sla::target_type::answer, plain)->chosen->name == "rest");
}

TEST_CASE("a target reads by_priority, an at_risk lead and pause statuses") {
  const auto c = loads(
      "policies:\n"
      "  - name: p\n"
      "    targets:\n"
      "      first_response: { duration: 8h, by_priority: { 1: 1h, 2: 4h }, at_risk: 30m, pause_statuses: [] "
      "}\n"
      "      resolution: { duration: 3d }\n");
  const auto& t = c.policies.policies()[0].targets;
  REQUIRE(t.size() == 2);
  CHECK(t[0].type == ccpulse::sla::target_type::first_response);
  CHECK(t[0].default_duration == 8h);
  CHECK(t[0].for_priority(1) == 1h);
  CHECK(t[0].for_priority(2) == 4h);
  CHECK(t[0].at_risk.how == ccpulse::sla::at_risk_threshold::mode::lead);
  CHECK(t[0].at_risk.lead == 30min);
  CHECK(t[0].pause_statuses.empty());
  // Defaults: at risk at 80 %, paused while pending or on hold.
  CHECK(t[1].at_risk.how == ccpulse::sla::at_risk_threshold::mode::fraction);
  CHECK(t[1].at_risk.fraction == 0.8);
  CHECK(t[1].pause_statuses == std::vector<ccpulse::ticket_status>{ccpulse::ticket_status::pending,
                                                                   ccpulse::ticket_status::on_hold});
}

TEST_CASE("an at_risk lead must be shorter than every target duration") {
  CHECK(errors_of("policies:\n"
                  "  - name: p\n"
                  "    targets:\n"
                  "      answer: { duration: 1m, by_priority: { 1: 10s }, at_risk: 15s }\n") ==
        std::vector<std::string>{
            "t.yaml:4:65: policies[0].targets.answer.at_risk: lead 15s is not shorter than the priority 1 "
            "target 10s"});
  CHECK(errors_of("policies:\n"
                  "  - name: p\n"
                  "    targets:\n"
                  "      answer: { duration: 1m, at_risk: soon }\n") ==
        std::vector<std::string>{
            "t.yaml:4:40: policies[0].targets.answer.at_risk: expected a fraction of the target such as 0.8, "
            "or a lead before the deadline such as 5m, got 'soon'"});
}

TEST_CASE("by_priority keys are priorities") {
  CHECK(errors_of("policies:\n"
                  "  - name: p\n"
                  "    targets:\n"
                  "      answer: { duration: 1m, by_priority: { high: 10s, 2: 0s } }\n") ==
        std::vector<std::string>{
            "t.yaml:4:46: policies[0].targets.answer.by_priority.high: expected a priority (a whole number "
            "such "
            "as 1), got 'high'",
            "t.yaml:4:60: policies[0].targets.answer.by_priority.2: must be greater than 0 and at most 365d, "
            "got 0s"});
}

TEST_CASE("a policy needs a name and targets") {
  CHECK(errors_of("policies:\n  - match: { channels: [voice] }\n") ==
        std::vector<std::string>{
            "t.yaml:2:5: policies[0].name: required key is missing",
            "t.yaml:2:5: policies[0].targets: required key is missing (a policy needs at least one target: "
            "answer, first_response, next_reply, periodic_update, resolution, escalation_response, "
            "detractor_follow_up)"});
}

TEST_CASE("the simulator reads its settings and takes each queue's channel") {
  const auto c = loads(
      minimal_queues +
      "simulator:\n"
      "  rate: 2.5\n  seed: 18446744073709551615\n  topic: sim.events\n  partitions: 3\n"
      "  queues: [ { queue: billing, arrival_share: 2, agents: 0, mean_handle: 1m, mean_patience: 30s } ]\n");
  CHECK(c.simulator.rate == 2.5);
  CHECK(c.simulator.seed == 18446744073709551615ULL);
  CHECK(c.simulator.topic == "sim.events");
  CHECK(c.simulator.partitions == 3);
  REQUIRE(c.simulator.queues.size() == 1);
  const auto& q = c.simulator.queues[0];
  CHECK(q.queue == "billing");
  CHECK(q.chan == ccpulse::channel::voice);
  CHECK(q.arrival_share == 2.0);
  CHECK(q.agents == 0);
  CHECK(q.mean_handle == 1min);
  CHECK(q.mean_patience == 30s);
}

TEST_CASE("a simulated queue's channel must agree with its queue") {
  CHECK(
      errors_of(minimal_queues + "simulator: { queues: [ { queue: billing, channel: chat } ] }\n") ==
      std::vector<std::string>{
          "t.yaml:2:51: simulator.queues[0].channel: queue 'billing' is declared as a voice queue; drop this "
          "key or make them agree"});
}

TEST_CASE("the simulator reads its staffing, overload and arrival curve, and names a wrong word") {
  const auto defaults = loads(minimal_queues + "simulator: { queues: [ { queue: billing } ] }\n");
  CHECK(defaults.simulator.staffing == "fixed");
  CHECK(defaults.simulator.overload == 1.0);
  CHECK(defaults.simulator.arrival_curve == "flat");
  CHECK(defaults.simulator.queues[0].overload == 1.0);
  const auto c = loads(minimal_queues +
                       "simulator:\n  staffing: sized\n  overload: 1.3\n  arrival_curve: intraday\n"
                       "  queues: [ { queue: billing, overload: 1.2 } ]\n");
  CHECK(c.simulator.staffing == "sized");
  CHECK(c.simulator.overload == 1.3);
  CHECK(c.simulator.arrival_curve == "intraday");
  CHECK(c.simulator.queues[0].overload == 1.2);
  CHECK(errors_of(minimal_queues + "simulator: { staffing: erlang, arrival_curve: daily, overload: 0 }\n") ==
        std::vector<std::string>{
            "t.yaml:2:24: simulator.staffing: expected one of fixed, sized, got 'erlang'",
            "t.yaml:2:47: simulator.arrival_curve: expected one of flat, intraday, got 'daily'",
            "t.yaml:2:64: simulator.overload: must be greater than 0 and at most 10 (offered / planned "
            "load), got 0"});
}

TEST_CASE("agents under sized staffing would be ignored, so it is an error at its line") {
  CHECK(
      errors_of(minimal_queues +
                "simulator:\n  staffing: sized\n  queues: [ { queue: billing, agents: 40 } ]\n") ==
      std::vector<std::string>{
          "t.yaml:4:39: simulator.queues[0].agents: agents is used only with simulator.staffing: fixed; with "
          "staffing: sized the agents of queue 'billing' come from its offered load (remove it, or use "
          "staffing: fixed)"});
  CHECK(errors_of(minimal_queues +
                  "simulator:\n  staffing: fixed\n  queues: [ { queue: billing, agents: 40 } ]\n")
            .empty());
}

TEST_CASE("a simulated queue's surges are read, and a bad one is named with its line") {
  const std::string queues = "queues: [{ name: billing, channel: voice }]\n";
  const auto c = loads(queues +
                       "simulator:\n  queues:\n    - queue: billing\n"
                       "      surges: [{ after: 30s, lasting: 90s, factor: 2.5 }, { after: 10m }]\n");
  REQUIRE(c.simulator.queues.at(0).surges.size() == 2);
  const auto& s = c.simulator.queues[0].surges;
  CHECK(s[0].after == std::chrono::seconds{30});
  CHECK(s[0].lasting == std::chrono::seconds{90});
  CHECK(s[0].factor == 2.5);
  CHECK(s[1].after == std::chrono::minutes{10});
  CHECK(s[1].lasting == std::chrono::minutes{1});  // the defaults
  CHECK(s[1].factor == 2.0);
  const auto errors = errors_of(queues +
                                "simulator:\n  queues:\n    - queue: billing\n"
                                "      surges: [{ factor: 1 }, { lasting: 0s }, { when: 1m }]\n");
  REQUIRE(errors.size() == 3);
  CHECK(errors[0] ==
        "t.yaml:5:26: simulator.queues[0].surges[0].factor: must be greater than 1 and at most 20 (times the "
        "usual "
        "arrival rate), got 1");
  CHECK(errors[1] ==
        "t.yaml:5:42: simulator.queues[0].surges[1].lasting: must be greater than 0 and at most 1d, got 0s");
  CHECK(errors[2] ==
        "t.yaml:5:50: simulator.queues[0].surges[2].when: unknown key 'when'; expected one of: after, "
        "lasting, factor");
}

TEST_CASE("http tokens come from a file or the environment, never from the config text") {
  setenv("CCPULSE_TEST_METRICS_TOKEN", "m-0123456789abcdef", 1);
  const auto c = loads("http:\n  metrics_token: { env: CCPULSE_TEST_METRICS_TOKEN }\n");
  CHECK(c.http.metrics_token == "m-0123456789abcdef");
  CHECK(c.http.api_token.empty());
  CHECK(errors_of("http:\n  api_token: s3cr3t-0123456789abcdef\n") ==
        std::vector<std::string>{
            "t.yaml:2:14: http.api_token: a token is never written in the config file: use "
            "{ file: PATH } or { env: NAME }"});
  setenv("CCPULSE_TEST_SHORT_TOKEN", "short", 1);
  const auto short_one = errors_of("http:\n  api_token: { env: CCPULSE_TEST_SHORT_TOKEN }\n");
  REQUIRE(short_one.size() == 1);
  CHECK(short_one[0].starts_with("t.yaml:2:14: http.api_token: the token must be 16 to 4096 characters"));
  CHECK(short_one[0].find("short") == std::string::npos);  // the secret is not printed
  setenv("CCPULSE_TEST_SPACED_TOKEN", "0123456789 abcdef;", 1);
  CHECK(errors_of("http:\n  api_token: { env: CCPULSE_TEST_SPACED_TOKEN }\n").size() == 1);
  unsetenv("CCPULSE_TEST_METRICS_TOKEN");
  unsetenv("CCPULSE_TEST_SHORT_TOKEN");
  unsetenv("CCPULSE_TEST_SPACED_TOKEN");
}

TEST_CASE("a secret file read stops at its limit: /dev/zero is an error, not a hang") {
  const auto errors = errors_of("kafka:\n  sasl.password: { file: /dev/zero }\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] ==
        "t.yaml:2:26: kafka.sasl.password.file: secret file '/dev/zero' is larger than 64 KiB; a secret "
        "is a short value");
}

TEST_CASE("http limits are read with their ranges") {
  const auto c = loads(
      "http:\n  max_connections: 50\n  max_header_bytes: 4096\n  max_header_fields: 20\n"
      "  max_body_bytes: 0\n  request_timeout: 5s\n");
  CHECK(c.http.max_connections == 50);
  CHECK(c.http.max_header_bytes == 4096);
  CHECK(c.http.max_header_fields == 20);
  CHECK(c.http.max_body_bytes == 0);
  CHECK(c.http.request_timeout == std::chrono::seconds{5});
  const auto defaults = loads("http: {}\n");
  CHECK(defaults.http.max_connections == 1024);
  CHECK(defaults.http.request_timeout == std::chrono::seconds{30});
  const auto errors = errors_of("http:\n  max_connections: 0\n  request_timeout: 100ms\n");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].starts_with("t.yaml:2:20: http.max_connections: "));
  CHECK(errors[1].starts_with("t.yaml:3:20: http.request_timeout: "));
}
