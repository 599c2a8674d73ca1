#include <cctype>
#include <charconv>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "app/cli_options.h"
#include "app/commands.h"
#include "app/log_settings_from.h"
#include "app/sim_profile.h"
#include "app/simulator_overrides.h"
#include "app/stop_signal.h"
#include "app/traffic_source.h"
#include "config/load_config.h"
#include "kafka/topic_check.h"

namespace ccpulse::app {

namespace {

instant wall_now() { return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()); }

}  // namespace

int cmd_simulate(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")("config,c", po::value<std::string>()->required(),
                                                 "config file (YAML): kafka, topics, simulator")(
      "rate", po::value<double>(),
      "arrivals per second over all queues (default: simulator.rate); with --staffing sized the agents "
      "follow it")(
      "staffing", po::value<std::string>(),
      "fixed: each queue's configured agents, always logged in; sized: agents per queue from the offered "
      "load "
      "(rate x share x mean handle time, Erlangs) by Erlang C for the queue's sl_threshold/sl_target, capped "
      "at "
      "95 % occupancy, plus break shrinkage, re-planned every 15 min, with breaks and shift changes "
      "(default: simulator.staffing)")(
      "overload", po::value<double>(),
      "offered load / the load agents are planned for, every queue, in (0, 10]: 1.3 staffs for 1/1.3 of the "
      "traffic, so contacts wait, breach and abandon on purpose (default: simulator.overload)")(
      "arrival-curve", po::value<std::string>(),
      "flat: --rate all day; intraday: low at night, peaks mid-morning and after lunch in site_timezone, "
      "--rate "
      "being the day's mean (default: simulator.arrival_curve)")(
      "duration", po::value<std::string>()->default_value("1m"),
      "wall-clock mode: how long to run, e.g. 90s, 1h")(
      "start", po::value<std::string>(),
      "backlog mode: produce the simulated time from this RFC 3339 instant (e.g. "
      "2026-12-01T08:00:00Z) as fast as possible, then exit; needs --span")(
      "span", po::value<std::string>(),
      "backlog mode: length of simulated time, e.g. 20m; start + span must not be in the future")(
      "transactional", po::bool_switch(),
      "backlog mode: produce with a transactional producer (input with transaction markers, as a "
      "transactional upstream writes it)")("transaction-records",
                                           po::value<std::uint64_t>()->default_value(500),
                                           "with --transactional: records per transaction")(
      "abort-every", po::value<std::uint64_t>()->default_value(0),
      "with --transactional: every Nth transaction is produced and aborted first, then produced again "
      "and committed (read_committed readers see the same records as without --transactional; 0 = never)")(
      "transactional-id", po::value<std::string>(),
      "with --transactional: the producer's transactional.id (default ccpulse-simulate-<topic>)")(
      "bootstrap-servers", po::value<std::string>(), "override kafka bootstrap.servers");
  po::variables_map vm;
  int code = exit_ok;
  if (!parse_options("simulate", desc, args, vm, code)) return code;

  const bool backlog = vm.count("start") > 0;
  duration run_for{};
  instant from{}, to{};
  try {
    if (backlog) {
      if (!vm.count("span")) throw std::invalid_argument("--start needs --span (e.g. --span 20m)");
      if (!vm["duration"].defaulted())
        throw std::invalid_argument("--duration is for wall-clock mode; with --start use --span");
      from = parse_rfc3339("start", vm["start"].as<std::string>());
      const auto span = parse_duration_option("span", vm["span"].as<std::string>());
      if (span <= duration::zero()) throw std::invalid_argument("--span must be longer than 0s");
      to = from + span;
      const instant now = wall_now();
      if (to > now)
        throw std::invalid_argument(
            "--start " + format_rfc3339(from) + " --span " + vm["span"].as<std::string>() + " ends at " +
            format_rfc3339(to) + ", after the current time " + format_rfc3339(now) +
            ": events beyond the wall clock would be dead-lettered by ccpulse's clock-skew check; "
            "pick an earlier --start or a shorter --span");
      if (vm["transaction-records"].as<std::uint64_t>() == 0)
        throw std::invalid_argument("--transaction-records must be at least 1");
    } else {
      if (vm.count("span")) throw std::invalid_argument("--span needs --start");
      if (vm["transactional"].as<bool>() || !vm["transaction-records"].defaulted() ||
          !vm["abort-every"].defaulted() || vm.count("transactional-id"))
        throw std::invalid_argument("--transactional and its options are for backlog mode (--start, --span)");
      run_for = parse_duration_option("duration", vm["duration"].as<std::string>());
    }
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "ccpulse simulate: %s\n", e.what());
    return exit_usage;
  }

  auto loaded = config::load_config_file(vm["config"].as<std::string>());
  for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  if (!loaded.cfg) return exit_usage;
  auto& cfg = *loaded.cfg;
  // Its own output stays plain text for people; librdkafka's lines follow logging:.
  log::configure(log_settings_from(cfg));
  if (vm.count("bootstrap-servers"))
    cfg.kafka.properties.emplace_back("bootstrap.servers", vm["bootstrap-servers"].as<std::string>());
  if (vm.count("rate")) cfg.simulator.rate = vm["rate"].as<double>();
  if (!apply_simulator_overrides(vm, cfg.simulator, "simulate")) return exit_usage;
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
  traffic_source source({cfg.kafka.properties, topic, sim_profile_from(cfg, backlog ? from : wall_now()), 0});
  const bool transactional = vm["transactional"].as<bool>();
  transactional_input txn;
  if (transactional) {
    txn.transactional_id =
        vm.count("transactional-id") ? vm["transactional-id"].as<std::string>() : "ccpulse-simulate-" + topic;
    txn.records_per_transaction = vm["transaction-records"].as<std::uint64_t>();
    txn.abort_every = vm["abort-every"].as<std::uint64_t>();
    source.set_transactional(txn);
  } else if (!vm["transaction-records"].defaulted() || !vm["abort-every"].defaulted() ||
             vm.count("transactional-id")) {
    std::fprintf(stderr,
                 "ccpulse simulate: --transaction-records, --abort-every and --transactional-id need "
                 "--transactional\n");
    return exit_usage;
  }

  if (backlog) {
    std::thread t([&] { source.run_backlog(stop, from, to); });
    // Progress once a second until the producer thread is done.
    std::atomic<bool> done{false};
    std::thread progress([&] {
      auto next = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      while (!done.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (std::chrono::steady_clock::now() < next) continue;
        next += std::chrono::seconds(1);
        std::fprintf(stderr, "simulate: %llu events produced to %s, simulated time up to %s\n",
                     static_cast<unsigned long long>(source.produced()), topic.c_str(),
                     format_rfc3339(source.simulated_until()).c_str());
      }
    });
    t.join();
    done.store(true);
    progress.join();
    std::printf("simulate: done, %llu events produced to %s, %llu delivery failures, simulated time [%s, %s)",
                static_cast<unsigned long long>(source.produced()), topic.c_str(),
                static_cast<unsigned long long>(source.failed()), format_rfc3339(from).c_str(),
                format_rfc3339(to).c_str());
    if (transactional)
      std::printf(", %llu transactions committed (transactional.id %s), %llu more aborted and produced again",
                  static_cast<unsigned long long>(source.transactions_committed()),
                  txn.transactional_id.c_str(),
                  static_cast<unsigned long long>(source.transactions_aborted()));
    std::printf("\n");
    if (!source.error().empty()) {
      std::fprintf(stderr, "ccpulse simulate: %s (%llu of %llu records delivered, simulated time up to %s)\n",
                   source.error().c_str(), static_cast<unsigned long long>(source.delivered()),
                   static_cast<unsigned long long>(source.produced()),
                   format_rfc3339(source.simulated_until()).c_str());
      return exit_failure;
    }
    return source.failed() ? exit_failure : exit_ok;
  }

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
