#pragma once
// Small shared pieces of command-line handling.
#include <string>
#include <string_view>
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

// RFC 3339 date-time: 2026-12-01T08:00:00Z, with optional fractional seconds
// (at most microseconds) and a Z or +HH:MM / -HH:MM offset. Throws
// std::invalid_argument naming the option and saying what is wrong.
instant parse_rfc3339(const std::string& option, std::string_view text);
// 2026-12-01T08:00:00Z (fraction only when there is one).
std::string format_rfc3339(instant t);

}  // namespace ccpulse::app
