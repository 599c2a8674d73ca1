// `ccpulse replay`: a candidate policy set over a stretch of real history,
// next to the live set (DESIGN.md §10, README "Replay").
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "app/cli_options.h"
#include "app/commands.h"
#include "app/replay_runner.h"
#include "app/stop_signal.h"
#include "ccpulse/v1/alerts.pb.h"
#include "config/load_config.h"
#include "kafka/range_reader.h"

namespace ccpulse::app {

namespace {

void set_flow(YAML::Node n) {
  n.SetStyle(YAML::EmitterStyle::Flow);
  if (n.IsSequence())
    for (auto child : n) set_flow(child);
  if (n.IsMap())
    for (auto kv : n) set_flow(kv.second);
}

// NEW.yaml gives `policies:` and optionally `calendars:`; queues (and
// calendars it does not declare) are the config's, so its references are
// checked against them. They are appended after its last line, so errors
// keep NEW.yaml's own positions.
config::load_result load_candidate(const std::string& config_path, const std::string& path) {
  config::load_result r;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.errors.push_back({path, 0, 0, "<file>", "cannot read the candidate policies file"});
    return r;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string yaml = std::move(text).str();
  bool has_calendars = false;
  try {
    const auto root = YAML::Load(yaml);
    if (root.IsMap()) {
      for (const auto& kv : root) {
        const auto key = kv.first.as<std::string>("");
        if (key == "calendars") has_calendars = true;
        if (key == "policies" || key == "calendars") continue;
        const auto m = kv.first.Mark();
        r.errors.push_back({path, m.line + 1, m.column + 1, key,
                            "a candidate policies file takes only `policies:` and `calendars:`; " + key +
                                " comes from the config (" + config_path + ")"});
      }
    }
    const auto cfg = YAML::LoadFile(config_path);
    for (const char* section : {"queues", "calendars"}) {
      if (!cfg.IsMap() || !cfg[section] || (std::string_view(section) == "calendars" && has_calendars))
        continue;
      // One line in flow style, whatever style the config wrote it in.
      auto node = YAML::Clone(cfg[section]);
      set_flow(node);
      YAML::Emitter e;
      e << node;
      yaml +=
          std::string(yaml.empty() || yaml.back() == '\n' ? "" : "\n") + section + ": " + e.c_str() + "\n";
    }
  } catch (const YAML::Exception&) {
    // The loader reports the syntax error with its position.
  }
  if (!r.errors.empty()) return r;
  return config::load_config_text(yaml, path);
}

std::set<std::string, std::less<>> queue_list(const std::string& text) {
  std::set<std::string, std::less<>> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = std::min(text.find(',', pos), text.size());
    if (comma > pos) out.emplace(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

// The SLA alerts the alerts topic holds whose event time (the raising
// partition's effective time) is in [from, to), by queue and target, into
// h.actual. An alert is raised at or after its event time, so the topic is
// read from `from` (record time) to its end.
std::string compare_alerts(const config::config& cfg, const std::set<std::string, std::less<>>& queues,
                           std::int64_t from_ms, std::optional<std::int64_t> to_ms,
                           const kafka::client_identity& id, duration stall, engine::replay_header& h) {
  kafka::range_reader reader(cfg.kafka.properties, id);
  std::vector<kafka::range_partition> ranges;
  if (auto e = reader.plan({cfg.topics.alerts}, from_ms, std::nullopt, std::chrono::seconds(30), ranges);
      !e.empty())
    return e;
  std::uint64_t undecodable = 0;
  ccpulse::v1::Alert a;
  auto e = reader.read(
      ranges,
      [&](const rd_kafka_message_t& m, const kafka::range_partition&, std::int64_t) {
        if (!a.ParseFromArray(m.payload, static_cast<int>(m.len))) {
          ++undecodable;
          return;
        }
        if (!a.has_sla()) return;  // queue alerts
        const auto& s = a.sla();
        if (!queues.empty() && !queues.contains(s.queue_id())) return;
        const auto t = s.event_time().seconds() * 1000 + s.event_time().nanos() / 1000000;
        if (t < from_ms || (to_ms && t >= *to_ms)) return;
        auto& x = h.actual[{s.queue_id(), s.target()}];
        if (s.kind() == ccpulse::v1::SLA_ALERT_KIND_AT_RISK) ++x.at_risk;
        if (s.kind() == ccpulse::v1::SLA_ALERT_KIND_BREACHED) ++x.breached;
        if (s.kind() == ccpulse::v1::SLA_ALERT_KIND_RETRACTED) ++x.retracted;
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(stall));
  if (!e.empty()) return e;
  h.compared = true;
  if (undecodable > 0)
    h.notes.push_back(cfg.topics.alerts + ": " + std::to_string(undecodable) +
                      " record(s) not decodable as Alert");
  return {};
}

}  // namespace

int cmd_replay(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")(
      "config,c", po::value<std::string>()->required(),
      "the live config (YAML): kafka, topics, processing, queues, calendars and the live policies")(
      "policies,p", po::value<std::string>()->required(),
      "the candidate: a YAML file with `policies:` (and optionally `calendars:`), checked like a config; "
      "queues, and calendars it does not declare, are the config's")(
      "from", po::value<std::string>()->required(),
      "RFC 3339 instant: each input partition is read from its first record stamped at or after it")(
      "to", po::value<std::string>(),
      "RFC 3339 instant: each partition is read up to its first record stamped at or after it "
      "(default: the end of the log as of the start)")(
      "queues", po::value<std::string>(), "comma-separated queue names: report only these (default: all)")(
      "format", po::value<std::string>()->default_value("table"), "table, json or csv")(
      "output,o", po::value<std::string>(), "write the report to this file (default: standard output)")(
      "bootstrap-servers", po::value<std::string>(), "override kafka bootstrap.servers")(
      "compare-alerts", po::bool_switch(),
      "also read the alerts topic and add an `actual` line per row: the AT_RISK and BREACHED (minus "
      "RETRACTED) alerts the running instances raised with an event time in the range")(
      "stall-timeout", po::value<std::string>()->default_value("30s"),
      "fail when a partition delivers nothing for this long before its range ends");
  po::variables_map vm;
  int code = exit_ok;
  if (!parse_options("replay", desc, args, vm, code)) return code;

  instant from{};
  std::optional<instant> to;
  engine::replay_format format = engine::replay_format::table;
  duration stall{};
  try {
    from = parse_rfc3339("from", vm["from"].as<std::string>());
    if (vm.count("to")) {
      to = parse_rfc3339("to", vm["to"].as<std::string>());
      if (*to <= from)
        throw std::invalid_argument("--to " + format_rfc3339(*to) + " is not after --from " +
                                    format_rfc3339(from) + ": the range is empty");
    }
    const auto& f = vm["format"].as<std::string>();
    if (f == "json")
      format = engine::replay_format::json;
    else if (f == "csv")
      format = engine::replay_format::csv;
    else if (f != "table")
      throw std::invalid_argument("--format " + f + ": expected table, json or csv");
    stall = parse_duration_option("stall-timeout", vm["stall-timeout"].as<std::string>());
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "ccpulse replay: %s\n", e.what());
    return exit_usage;
  }

  const auto config_path = vm["config"].as<std::string>();
  const auto policies_path = vm["policies"].as<std::string>();
  auto live = config::load_config_file(config_path);
  auto candidate = load_candidate(config_path, policies_path);
  for (const auto& e : live.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  for (const auto& e : candidate.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  if (!live.errors.empty() || !candidate.errors.empty()) {
    std::fprintf(stderr, "ccpulse replay: %zu config error(s)\n",
                 live.errors.size() + candidate.errors.size());
    return exit_usage;
  }
  auto& cfg = *live.cfg;
  if (vm.count("bootstrap-servers"))
    cfg.kafka.properties.emplace_back("bootstrap.servers", vm["bootstrap-servers"].as<std::string>());
  config::config candidate_cfg = cfg;
  candidate_cfg.policies = candidate.cfg->policies;
  candidate_cfg.calendars = candidate.cfg->calendars;
  auto queues =
      vm.count("queues") ? queue_list(vm["queues"].as<std::string>()) : std::set<std::string, std::less<>>{};
  for (const auto& q : queues) {
    const bool declared =
        std::any_of(cfg.queues.begin(), cfg.queues.end(), [&](const auto& c) { return c.name == q; });
    if (!declared)
      std::fprintf(stderr, "ccpulse replay: warning: --queues %s is not a queue of the config\n", q.c_str());
  }

  replay_runner runner(cfg, candidate_cfg, queues);
  const auto id = kafka::replay_reader_identity(cfg.instance_id);
  kafka::range_reader reader(cfg.kafka.properties, id);
  std::vector<kafka::range_partition> ranges;
  const auto ms = [](instant t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  };
  if (auto e = reader.plan(cfg.topics.input, ms(from), to ? std::optional{ms(*to)} : std::nullopt,
                           std::chrono::seconds(30), ranges);
      !e.empty()) {
    std::fprintf(stderr, "ccpulse replay: %s\n", e.c_str());
    return exit_failure;
  }
  std::uint64_t planned = 0;
  for (const auto& r : ranges) planned += static_cast<std::uint64_t>(r.end - r.start);
  const auto range_text =
      "from " + format_rfc3339(from) + (to ? " to " + format_rfc3339(*to) : " to the end");
  if (planned == 0) {
    std::fprintf(stderr, "ccpulse replay: no input record %s in %zu partition(s) of %s: the range is empty\n",
                 range_text.c_str(), ranges.size(), cfg.topics.input.front().c_str());
    return exit_usage;
  }
  std::size_t scanned = 0;
  for (const auto& r : ranges) scanned += r.scanned;
  std::fprintf(stderr, "replay: reading up to %llu records %s from %zu partition(s)%s\n",
               static_cast<unsigned long long>(planned), range_text.c_str(), ranges.size(),
               scanned ? " (the broker gave no offsets by timestamp: scanning from the log start)" : "");
  // Progress on stderr about once a second (the steady clock paces the
  // lines only; nothing of it reaches the report).
  auto& stop = install_stop_signal();
  const auto started = std::chrono::steady_clock::now();
  auto last_line = started;
  std::uint64_t seen = 0;
  auto progress = [&](std::int64_t ts, bool final_line) {
    const auto now = std::chrono::steady_clock::now();
    const double secs = std::chrono::duration<double>(now - started).count();
    const double rate = secs > 0 ? static_cast<double>(seen) / secs : 0;
    const auto left = planned > seen ? planned - seen : 0;
    std::fprintf(
        stderr, "replay: %llu records, %.0f/s, event time %s%s\n", static_cast<unsigned long long>(seen),
        rate, ts >= 0 ? format_rfc3339(from_unix_micros(ts * 1000)).c_str() : "-",
        final_line ? (reader.interrupted() ? ", interrupted" : ", done")
        : rate > 0
            ? (", at most " + std::to_string(static_cast<long long>(static_cast<double>(left) / rate) + 1) +
               " s left")
                  .c_str()
            : "");
    last_line = now;
  };
  std::int64_t last_ts = -1;
  const auto error = reader.read(
      ranges,
      [&](const rd_kafka_message_t& m, const kafka::range_partition& p, std::int64_t ts) {
        runner.record(p.partition, {static_cast<const std::byte*>(m.payload), m.len},
                      ts < 0 ? std::nullopt : std::optional{from_unix_micros(ts * 1000)});
        ++seen;
        if (ts >= 0) last_ts = ts;
        if ((seen & 1023) == 0 && std::chrono::steady_clock::now() - last_line >= std::chrono::seconds(1))
          progress(last_ts, false);
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(stall), &stop);
  progress(last_ts, true);
  if (!error.empty()) {
    std::fprintf(stderr, "ccpulse replay: %s\n", error.c_str());
    return exit_failure;
  }
  runner.finish();
  auto h = runner.header();
  if (h.records == 0 && !reader.interrupted()) {
    std::fprintf(stderr, "ccpulse replay: no input record %s in %zu partition(s) of %s: the range is empty\n",
                 range_text.c_str(), ranges.size(), cfg.topics.input.front().c_str());
    return exit_usage;
  }
  h.from = format_rfc3339(from);
  h.to = to ? format_rfc3339(*to) : "end";
  if (reader.interrupted())
    h.notes.push_back("interrupted (Ctrl-C) after " + std::to_string(h.records) +
                      " records: a partial report, up to event time " +
                      (last_ts >= 0 ? format_rfc3339(from_unix_micros(last_ts * 1000)) : std::string("-")));
  h.live_policies = config_path;
  h.candidate_policies = policies_path;
  for (const auto& r : ranges) {
    const auto where = r.topic + "[" + std::to_string(r.partition) + "]";
    if (r.without_timestamp > 0)
      h.notes.push_back(where + ": " + std::to_string(r.without_timestamp) +
                        " record(s) without a timestamp (the range edges cannot place them)");
    if (r.read > 0 && r.start == r.low && r.low > 0 && r.before_from == 0 && r.first_timestamp_ms > ms(from))
      h.notes.push_back(where +
                        ": the range starts before the oldest record kept (retention): history from " +
                        format_rfc3339(from_unix_micros(r.first_timestamp_ms * 1000)) + " only");
  }
  if (vm["compare-alerts"].as<bool>() && !reader.interrupted()) {
    if (auto e =
            compare_alerts(cfg, queues, ms(from), to ? std::optional{ms(*to)} : std::nullopt, id, stall, h);
        !e.empty()) {
      std::fprintf(stderr, "ccpulse replay: --compare-alerts: %s\n", e.c_str());
      return exit_failure;
    }
    std::uint64_t elsewhere = 0;
    for (const auto& [key, a] : h.actual) {
      bool shown = false;
      for (const auto* t : {&runner.live(), &runner.candidate()})
        for (const auto& [k, row] : t->rows())
          shown |= k.first == key.first && sla::to_string(k.second) == key.second;
      if (!shown) elsewhere += a.at_risk + a.breached + a.retracted;
    }
    if (elsewhere > 0)
      h.notes.push_back(std::to_string(elsewhere) +
                        " actual alert(s) of queues and targets with no cycle started in the range (cycles "
                        "started before --from) are in no row");
  }
  const auto report = engine::render_replay(h, runner.live(), runner.candidate(), format);
  if (vm.count("output")) {
    std::ofstream out(vm["output"].as<std::string>(), std::ios::binary | std::ios::trunc);
    out << report;
    if (!out.flush()) {
      std::fprintf(stderr, "ccpulse replay: cannot write %s\n", vm["output"].as<std::string>().c_str());
      return exit_failure;
    }
  } else {
    std::fwrite(report.data(), 1, report.size(), stdout);
  }
  return reader.interrupted() ? exit_failure : exit_ok;
}

}  // namespace ccpulse::app
