#include <cstdio>

#include "app/commands.h"
#include "config/load_config.h"

namespace ccpulse::app {

int cmd_check_config(const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0] == "--help") {
    std::fputs("Usage: ccpulse check-config FILE\n", args.empty() ? stderr : stdout);
    return args.size() == 1 ? exit_ok : exit_usage;
  }
  auto r = config::load_config_file(args[0]);
  for (const auto& e : r.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  if (!r.errors.empty()) {
    std::fprintf(stderr, "%s: %zu error(s)\n", args[0].c_str(), r.errors.size());
    return exit_usage;
  }
  std::printf("%s: ok (%zu queues, %zu policies, %zu queue-alert rules, %zu input topics)\n", args[0].c_str(),
              r.cfg->queues.size(), r.cfg->policies.policies().size(), r.cfg->queue_alerts.size(),
              r.cfg->topics.input.size());
  return exit_ok;
}

}  // namespace ccpulse::app
