#pragma once
// The subcommands of the ccpulse binary. Each returns the process exit code.
#include <string>
#include <vector>

namespace ccpulse::app {

int cmd_run(const std::vector<std::string>& args);
int cmd_demo(const std::vector<std::string>& args);
int cmd_simulate(const std::vector<std::string>& args);
int cmd_check_config(const std::vector<std::string>& args);
int cmd_replay(const std::vector<std::string>& args);

// Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

}  // namespace ccpulse::app
