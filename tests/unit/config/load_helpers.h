#pragma once
// What the config tests share: a file's errors as the printed lines
// (FILE:LINE:COLUMN: field: problem) and a config that must load.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config/load_config.h"

namespace ccpulse::test {

// All errors on one string, for INFO when a config should have loaded.
inline std::string joined(const config::load_result& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.to_string() + "\n";
  return out;
}

inline std::vector<std::string> errors_of(const config::load_result& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.to_string());
  return out;
}

// The errors of `yaml` read as the file t.yaml.
inline std::vector<std::string> errors_of(const std::string& yaml) {
  return errors_of(config::load_config_text(yaml, "t.yaml"));
}

inline config::config loads(const std::string& yaml, const std::string& file_name = "t.yaml") {
  const auto r = config::load_config_text(yaml, file_name);
  INFO(joined(r));
  REQUIRE(r.errors.empty());
  REQUIRE(r.cfg.has_value());
  return *r.cfg;
}

}  // namespace ccpulse::test
