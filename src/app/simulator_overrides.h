#pragma once
// Simulator settings given on the command line (`simulate`, `demo`) over
// the config's `simulator:` section.
#include <string_view>

#include <boost/program_options.hpp>

#include "config/config.h"

namespace ccpulse::app {

// Applies --staffing, --overload and --arrival-curve where given (a command
// need not declare all of them). On a bad value prints why, naming the
// command, and returns false (exit 2).
bool apply_simulator_overrides(const boost::program_options::variables_map& vm, config::simulator_settings& s,
                               std::string_view command);

}  // namespace ccpulse::app
