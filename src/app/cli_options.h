#pragma once
// Small shared pieces of command-line handling.
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "model/time.h"

namespace ccpulse::app {

namespace po = boost::program_options;

// Parses args into vm; prints usage and returns false on --help or an error
// (exit_code says which).
bool parse_options(const std::string& command, const po::options_description& desc,
                   const std::vector<std::string>& args, po::variables_map& vm, int& exit_code);

// "90s", "15m", "1h30m"; throws std::invalid_argument naming the option.
duration parse_duration_option(const std::string& option, const std::string& text);

}  // namespace ccpulse::app
