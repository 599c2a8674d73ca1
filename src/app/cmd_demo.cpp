#include <algorithm>
#include <cstdio>
#include <thread>

#include "app/builtin_demo_config.h"
#include "app/cli_options.h"
#include "app/commands.h"
#include "app/log_settings_from.h"
#include "app/pipeline.h"
#include "app/reload_signal.h"
#include "app/sim_profile.h"
#include "app/simulator_overrides.h"
#include "app/stop_signal.h"
#include "app/traffic_source.h"
#include "config/load_config.h"
#include "kafka/mock_cluster.h"
#include "log/logger.h"

namespace ccpulse::app {

namespace {

void print_summary(const std::vector<http::worker_status_ptr>& workers, std::uint64_t produced) {
  std::uint64_t consumed = 0, dlq = 0, offered = 0, answered = 0, abandoned = 0, at_risk = 0, breached = 0;
  std::int64_t waiting = 0, lag = 0;
  for (const auto& w : workers) {
    if (!w) continue;
    consumed += w->consumed;
    dlq += w->dead_lettered;
    for (const auto& q : w->queues) {
      offered += q.counters.offered;
      answered += q.counters.answered;
      abandoned += q.counters.abandoned;
      waiting += q.counters.waiting;
    }
    for (const auto& a : w->alerts) {
      for (const auto& [k, v] : a.labels) {
        if (k != "kind") continue;
        if (v == "at_risk") at_risk += a.value;
        if (v == "breached") breached += a.value;
      }
    }
    for (const auto& p : w->partitions) lag += std::max<std::int64_t>(0, p.lag);
  }
  std::printf(
      "produced=%llu consumed=%llu lag=%lld | offered=%llu answered=%llu abandoned=%llu "
      "waiting=%lld | alerts at_risk=%llu breached=%llu | dead_letters=%llu\n",
      static_cast<unsigned long long>(produced), static_cast<unsigned long long>(consumed),
      static_cast<long long>(lag), static_cast<unsigned long long>(offered),
      static_cast<unsigned long long>(answered), static_cast<unsigned long long>(abandoned),
      static_cast<long long>(waiting), static_cast<unsigned long long>(at_risk),
      static_cast<unsigned long long>(breached), static_cast<unsigned long long>(dlq));
  std::fflush(stdout);
}

}  // namespace

int cmd_demo(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")("duration", po::value<std::string>(),
                                                 "stop after this long (default: until Ctrl-C)")(
      "rate", po::value<double>(),
      "arrivals per second over all queues (default from demo.yaml); the demo's agents are sized from it")(
      "overload", po::value<double>(),
      "offered load / planned load, every queue, in (0, 10]: 1.3 runs the floor 30 % short (default from "
      "demo.yaml; its sales and web-chat queues are planned 25 % short already, so alerts show)")(
      "port", po::value<std::uint16_t>(), "HTTP port (default 8080; 0 = any free port)")(
      "workers", po::value<int>(), "worker threads (default from demo.yaml)")(
      "config", po::value<std::string>(), "use this config instead of the built-in demo.yaml");
  po::variables_map vm;
  int code = exit_ok;
  if (!parse_options("demo", desc, args, vm, code)) return code;

  auto loaded = vm.count("config") ? config::load_config_file(vm["config"].as<std::string>())
                                   : config::load_config_text(builtin_demo_config(), "<built-in>/demo.yaml");
  for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  if (!loaded.cfg) return exit_usage;
  auto cfg = *loaded.cfg;
  log::configure(log_settings_from(cfg));
  const log::logger log("demo");
  if (vm.count("rate")) cfg.simulator.rate = vm["rate"].as<double>();
  if (!apply_simulator_overrides(vm, cfg.simulator, "demo")) return exit_usage;
  if (vm.count("port")) cfg.http.port = vm["port"].as<std::uint16_t>();
  if (vm.count("workers")) cfg.processing.workers = vm["workers"].as<int>();
  std::optional<duration> run_for;
  if (vm.count("duration")) run_for = parse_duration_option("duration", vm["duration"].as<std::string>());

  // The embedded broker: real Kafka protocol over loopback TCP. Its retention
  // is ~5 MiB per partition, so input is spread over many partitions and the
  // workers keep up; any gap they observe is counted in
  // ccpulse_input_gap_messages_total.
  kafka::mock_cluster cluster(1);
  const auto input = cfg.topics.input.front();
  cluster.create_topic(input, cfg.simulator.partitions);
  for (const auto& t : {cfg.topics.alerts, cfg.topics.dead_letter, cfg.topics.state, cfg.topics.snapshots})
    cluster.create_topic(t, cfg.simulator.partitions);
  const auto bootstrap = cluster.bootstrap_servers();
  cfg.kafka.properties.emplace_back("bootstrap.servers", bootstrap);
  for (auto& t : kafka::mock_cluster::group_timing()) {
    const bool given = std::any_of(cfg.kafka.properties.begin(), cfg.kafka.properties.end(),
                                   [&](const auto& p) { return p.first == t.first; });
    if (!given) cfg.kafka.properties.push_back(std::move(t));
  }

  // Five minutes of history: long enough for queues to form and waits to
  // settle (patience is a few minutes), so the floor shows its designed
  // service, and the planned-short queues their alerts, from the start.
  const duration history = std::chrono::minutes{5};
  const instant sim_start =
      std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()) - history;
  auto& stop = install_stop_signal();
  auto& reload = install_reload_signal();
  pipeline p(cfg);
  p.start();
  const auto host = cfg.http.bind;
  const char* scheme = cfg.http.tls.enabled() ? "https" : "http";
  std::printf("ccpulse demo\n");
  std::printf("  wallboard %s://%s:%u/wallboard\n", scheme, host.c_str(), p.http_port());
  std::printf("  metrics   %s://%s:%u/metrics\n", scheme, host.c_str(), p.http_port());
  std::printf("  health    %s://%s:%u/healthz  %s://%s:%u/readyz\n", scheme, host.c_str(), p.http_port(),
              scheme, host.c_str(), p.http_port());
  std::printf("  kafka     %s (librdkafka mock cluster; topics %s %s %s)\n", bootstrap.c_str(), input.c_str(),
              cfg.topics.alerts.c_str(), cfg.topics.dead_letter.c_str());
  std::printf("  alerts    kcat -b %s -C -t %s -e -o beginning -X isolation.level=read_committed\n",
              bootstrap.c_str(), cfg.topics.alerts.c_str());
  // A policy change previewed over the demo's history (README "Replay").
  std::printf(
      "  replay    ccpulse replay --config %s --bootstrap-servers %s --policies config/replay-tighter.yaml "
      "--from %s\n",
      vm.count("config") ? vm["config"].as<std::string>().c_str() : "config/demo.yaml", bootstrap.c_str(),
      format_rfc3339(std::chrono::floor<std::chrono::seconds>(sim_start)).c_str());
  std::printf(
      "  traffic   %.1f arrivals/s over %zu queues, %s staffing, overload %.2f, from %lld min of history; "
      "Ctrl-C stops\n",
      cfg.simulator.rate, cfg.simulator.queues.size(), cfg.simulator.staffing.c_str(), cfg.simulator.overload,
      static_cast<long long>(std::chrono::duration_cast<std::chrono::minutes>(history).count()));
  std::fflush(stdout);

  traffic_options topts{{{"bootstrap.servers", bootstrap}, {"client.id", "ccpulse-demo-traffic"}},
                        input,
                        sim_profile_from(cfg, sim_start, history),
                        0.002,
                        history};
  traffic_source source(std::move(topts));
  const auto start = std::chrono::steady_clock::now();
  const auto until = run_for
                         ? start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(*run_for)
                         : std::chrono::steady_clock::time_point::max();
  std::thread traffic([&] { source.run(stop, until); });
  auto next_summary = start + std::chrono::seconds(5);
  while (!stop.load() && std::chrono::steady_clock::now() < until && p.failure().empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (reload.exchange(false)) p.reload();
    if (std::chrono::steady_clock::now() >= next_summary) {
      print_summary(p.board().read(), source.produced());
      next_summary += std::chrono::seconds(5);
    }
  }
  stop.store(true);
  traffic.join();
  p.stop();
  print_summary(p.board().read(), source.produced());
  if (!source.error().empty()) {
    log.error("traffic stopped on error", {{"error", source.error()}});
    return exit_failure;
  }
  if (!p.failure().empty()) {
    log.error("stopped on error", {{"error", p.failure()}});
    return exit_failure;
  }
  std::printf("ccpulse demo: stopped cleanly\n");
  return exit_ok;
}

}  // namespace ccpulse::app
