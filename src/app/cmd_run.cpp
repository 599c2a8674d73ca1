#include <cstdio>
#include <cstdlib>
#include <thread>

#include "app/cli_options.h"
#include "app/commands.h"
#include "app/pipeline.h"
#include "app/reload_signal.h"
#include "app/stop_signal.h"
#include "config/load_config.h"
#include "kafka/client_config.h"
#include "kafka/topic_check.h"

namespace ccpulse::app {

int cmd_run(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")(
      "config,c", po::value<std::string>()->required(), "config file (YAML)");
  po::variables_map vm;
  int code = exit_ok;
  if (!parse_options("run", desc, args, vm, code)) return code;

  const auto file = vm["config"].as<std::string>();
  auto loaded = config::load_config_file(file);
  for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  if (!loaded.cfg) {
    std::fprintf(stderr, "ccpulse run: refusing to start: %zu config error(s) in %s\n",
                 loaded.errors.size(), file.c_str());
    return exit_usage;
  }
  auto& cfg = *loaded.cfg;
  std::fprintf(stderr, "level=info component=run msg=\"kafka: %s\"\n",
               kafka::describe(cfg.kafka.properties).c_str());

  std::vector<std::string> needed = cfg.topics.input;
  needed.push_back(cfg.topics.alerts);
  needed.push_back(cfg.topics.dead_letter);
  needed.push_back(cfg.topics.state);
  needed.push_back(cfg.topics.snapshots);
  auto check = kafka::check_topics(cfg.kafka.properties, needed, std::chrono::seconds(15));
  if (!check.error.empty()) {
    std::fprintf(stderr, "ccpulse run: cannot use the Kafka cluster: %s\n", check.error.c_str());
    return exit_failure;
  }
  if (!check.missing.empty()) {
    std::fprintf(stderr, "ccpulse run: missing topics:");
    for (const auto& t : check.missing) std::fprintf(stderr, " %s", t.c_str());
    std::fprintf(stderr,
                 "\nCreate them first, e.g. kafka-topics.sh --create --topic NAME --partitions 12 "
                 "(input and state topics co-partitioned; see README, \"Topics\").\n");
    return exit_failure;
  }

  // Each input partition's state lives in the state-topic partition of the
  // same number (DESIGN.md §8).
  for (const auto& in : cfg.topics.input) {
    const int need = check.partitions[in], have = check.partitions[cfg.topics.state];
    if (have < need) {
      std::fprintf(stderr,
                   "ccpulse run: state topic %s has %d partitions but input topic %s has %d; the state topic needs "
                   "at least as many (and cleanup.policy=compact)\n",
                   cfg.topics.state.c_str(), have, in.c_str(), need);
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
    std::fprintf(stderr, "level=warn component=run msg=\"test hook: aborting every %llu-th transaction\"\n",
                 static_cast<unsigned long long>(opts.abort_every));
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
    std::fprintf(stderr, "ccpulse run: stopped on error: %s\n", p.failure().c_str());
    return exit_failure;
  }
  return exit_ok;
}

}  // namespace ccpulse::app
