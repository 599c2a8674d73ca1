// Fuzz target: YAML text -> config or FILE:LINE errors
// (config/load_config.h, load_config_text). Invariants: never throws;
// exactly one of config and errors; every error names the file it was
// given, has a problem, and a position within the text (or 0: none).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/load_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The folder that relative { file: ... } secrets resolve against; it does
  // not exist, so a secret file never reads the machine's files by accident.
  static const std::string name = "/nonexistent-ccpulse-fuzz/fuzz.yaml";
  const auto r = ccpulse::config::load_config_text(text, name);
  if (r.cfg.has_value() == !r.errors.empty()) std::abort();
  const auto lines = 1 + std::count(text.begin(), text.end(), '\n');
  for (const auto& e : r.errors) {
    if (e.file != name || e.problem.empty()) std::abort();
    if (e.line < 0 || e.line > lines + 1 || e.column < 0) std::abort();
  }
  return 0;
}
