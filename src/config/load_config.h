#pragma once
// Loads and validates a ccpulse YAML config. All problems are collected, not
// just the first, each with file, line, column and field, so one run of
// `ccpulse check-config` shows everything to fix.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/config_error.h"

namespace ccpulse::config {

struct load_result {
  std::optional<config> cfg;         // set only when errors is empty
  std::vector<config_error> errors;  // in file order
};

load_result load_config_file(const std::string& path);

// Same as load_config_file on text already in memory. `file_name` appears in
// errors, and relative `{ file: ... }` secrets resolve against its folder.
load_result load_config_text(std::string_view yaml, const std::string& file_name);

}  // namespace ccpulse::config
