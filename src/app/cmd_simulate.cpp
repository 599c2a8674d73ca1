#include <cstdio>
#include <thread>

#include "app/cli_options.h"
#include "app/commands.h"
#include "app/sim_profile.h"
#include "app/stop_signal.h"
#include "app/traffic_source.h"
#include "config/load_config.h"
#include "kafka/topic_check.h"

namespace ccpulse::app {

int cmd_simulate(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")(
      "config,c", po::value<std::string>()->required(), "config file (YAML): kafka, topics, simulator")(
      "rate", po::value<double>(), "arrivals per second over all queues (default: simulator.rate)")(
      "duration", po::value<std::string>()->default_value("1m"), "how long to run, e.g. 90s, 1h")(
      "bootstrap-servers", po::value<std::string>(), "override kafka bootstrap.servers");
  po::variables_map vm;
  int code = exit_ok;
  if (!parse_options("simulate", desc, args, vm, code)) return code;

  auto loaded = config::load_config_file(vm["config"].as<std::string>());
  for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  if (!loaded.cfg) return exit_usage;
  auto& cfg = *loaded.cfg;
  if (vm.count("bootstrap-servers"))
    cfg.kafka.properties.emplace_back("bootstrap.servers", vm["bootstrap-servers"].as<std::string>());
  if (vm.count("rate")) cfg.simulator.rate = vm["rate"].as<double>();
  const auto run_for = parse_duration_option("duration", vm["duration"].as<std::string>());
  const auto topic = cfg.simulator.topic.empty() ? cfg.topics.input.front() : cfg.simulator.topic;

  auto check = kafka::check_topics(cfg.kafka.properties, {topic}, std::chrono::seconds(15));
  if (!check.error.empty()) {
    std::fprintf(stderr, "ccpulse simulate: cannot use the Kafka cluster: %s\n", check.error.c_str());
    return exit_failure;
  }
  if (!check.missing.empty()) {
    std::fprintf(stderr, "ccpulse simulate: topic %s does not exist; create it first (see README)\n",
                 topic.c_str());
    return exit_failure;
  }

  auto& stop = install_stop_signal();
  traffic_source source({cfg.kafka.properties, topic, sim_profile_from(cfg), 0});
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(run_for);
  std::thread t([&] { source.run(stop, until); });
  while (!stop.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    std::fprintf(stderr, "simulate: %llu events produced to %s\n",
                 static_cast<unsigned long long>(source.produced()), topic.c_str());
  }
  t.join();
  std::printf("simulate: done, %llu events produced to %s, %llu delivery failures\n",
              static_cast<unsigned long long>(source.produced()), topic.c_str(),
              static_cast<unsigned long long>(source.failed()));
  if (!source.error().empty()) {
    std::fprintf(stderr, "ccpulse simulate: %s\n", source.error().c_str());
    return exit_failure;
  }
  return source.failed() ? exit_failure : exit_ok;
}

}  // namespace ccpulse::app
