#include <cstdio>
#include <cstdlib>
#include <thread>

#include "app/cli_options.h"
#include "app/commands.h"
#include "app/log_settings_from.h"
#include "app/pipeline.h"
#include "app/reload_signal.h"
#include "app/stop_signal.h"
#include "config/load_config.h"
#include "kafka/client_config.h"
#include "kafka/topic_check.h"
#include "log/logger.h"

namespace ccpulse::app {

int cmd_run(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")("config,c", po::value<std::string>()->required(),
                                                 "config file (YAML)");
  po::variables_map vm;
  int code = exit_ok;
  if (!parse_options("run", desc, args, vm, code)) return code;

  const auto file = vm["config"].as<std::string>();
  auto loaded = config::load_config_file(file);
  for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  if (!loaded.cfg) {
    std::fprintf(stderr, "ccpulse run: refusing to start: %zu config error(s) in %s\n", loaded.errors.size(),
                 file.c_str());
    return exit_usage;
  }
  auto& cfg = *loaded.cfg;
  log::configure(log_settings_from(cfg));
  const log::logger log("run");
  log.info("kafka client properties", {{"properties", kafka::describe(cfg.kafka.properties)}});

  std::vector<std::string> needed = cfg.topics.input;
  needed.push_back(cfg.topics.alerts);
  needed.push_back(cfg.topics.dead_letter);
  needed.push_back(cfg.topics.state);
  needed.push_back(cfg.topics.snapshots);
  auto check = kafka::check_topics(cfg.kafka.properties, needed, std::chrono::seconds(15));
  if (!check.error.empty()) {
    log.error("cannot use the Kafka cluster", {{"error", check.error}});
    return exit_failure;
  }
  if (!check.missing.empty()) {
    std::string missing;
    for (const auto& t : check.missing) missing += (missing.empty() ? "" : " ") + t;
    log.error("missing topics",
              {{"topics", missing},
               {"hint",
                "create them first, e.g. kafka-topics.sh --create --topic NAME --partitions 12 "
                "(input and state topics co-partitioned; see README, \"Topics\")"}});
    return exit_failure;
  }

  // Each input partition's state lives in the state-topic partition of the
  // same number (DESIGN.md §8).
  for (const auto& in : cfg.topics.input) {
    const int need = check.partitions[in], have = check.partitions[cfg.topics.state];
    if (have < need) {
      log.error(
          "the state topic has fewer partitions than an input topic; it needs at least as many (and "
          "cleanup.policy=compact)",
          {{"state_topic", cfg.topics.state},
           {"state_partitions", have},
           {"input_topic", in},
           {"input_partitions", need}});
      return exit_failure;
    }
  }

  auto& stop = install_stop_signal();
  auto& reload = install_reload_signal();
  pipeline_options opts;
  // Test hook for the chaos suite (README, "Testing the guarantees"): abort
  // every Nth transaction through the abortable-recovery path.
  if (const char* every = std::getenv("CCPULSE_TEST_ABORT_EVERY")) {
    opts.abort_every = std::strtoull(every, nullptr, 10);
    log.warn("test hook: aborting every Nth transaction", {{"every", opts.abort_every}});
  }
  pipeline p(cfg, opts);
  p.start();
  std::printf("ccpulse run: metrics %s://%s:%u/metrics  health /healthz  ready /readyz\n",
              cfg.http.tls.enabled() ? "https" : "http", cfg.http.bind.c_str(), p.http_port());
  std::fflush(stdout);
  while (!stop.load() && p.failure().empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (reload.exchange(false)) p.reload();
  }
  p.stop();
  if (!p.failure().empty()) {
    log.error("stopped on error", {{"error", p.failure()}});
    return exit_failure;
  }
  return exit_ok;
}

}  // namespace ccpulse::app
