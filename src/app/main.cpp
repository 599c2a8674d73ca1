// ccpulse: one binary, several commands (DESIGN.md §10).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.h"
#include "codec/protobuf_logging.h"

namespace {

constexpr std::string_view usage = R"(ccpulse - real-time contact-center stream processor

Usage: ccpulse <command> [options]

Commands:
  demo          Start an embedded Kafka (librdkafka mock cluster), the traffic
                simulator, the engine and the HTTP server; print the URLs.
                Options: --duration D  --rate N  --port P  --workers N
  run           Production mode against a real Kafka cluster.
                Options: --config FILE
  simulate      Produce realistic traffic into a Kafka cluster.
                Options: --config FILE  --rate N  --duration D  --bootstrap-servers HOSTS
  check-config  Validate a config file; prints FILE:LINE:COLUMN: field: problem
                for every error and exits 2 when there is any.
                Usage: ccpulse check-config FILE
  replay        Re-read the input topics over a time range with a candidate
                policy set next to the live one; report per queue and target.
                Options: --config FILE  --policies NEW.yaml  --from TIME
                         [--to TIME]  [--queues a,b]  [--format table|json|csv]

Run `ccpulse <command> --help` for the options of one command.
Durations are written like 90s, 15m, 1h30m.
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(usage.data(), stderr);
    return ccpulse::app::exit_usage;
  }
  ccpulse::codec::install_protobuf_log_limit();
  const std::string_view command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(usage.data(), stdout);
    return ccpulse::app::exit_ok;
  }
  if (command == "--version") {
    std::puts("ccpulse " CCPULSE_VERSION);
    return ccpulse::app::exit_ok;
  }
  try {
    if (command == "run") return ccpulse::app::cmd_run(args);
    if (command == "demo") return ccpulse::app::cmd_demo(args);
    if (command == "simulate") return ccpulse::app::cmd_simulate(args);
    if (command == "check-config") return ccpulse::app::cmd_check_config(args);
    if (command == "replay") return ccpulse::app::cmd_replay(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ccpulse %s: %s\n", argv[1], e.what());
    return ccpulse::app::exit_failure;
  }
  std::fprintf(stderr, "ccpulse: unknown command '%s'\n\n%s", argv[1], usage.data());
  return ccpulse::app::exit_usage;
}
