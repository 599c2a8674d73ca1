#pragma once
// One problem found in a config file, positioned for a human and for tools:
// `FILE:LINE:COLUMN: field: problem`, as compilers print (DESIGN.md §9).
#include <span>
#include <string>
#include <string_view>

namespace ccpulse::config {

struct config_error {
  std::string file;
  int line = 0;       // 1-based; 0 when the problem has no position (file unreadable)
  int column = 0;     // 1-based; 0 when the problem has no position
  std::string field;  // dotted path with list indices: policies[1].targets.answer.at_risk
  std::string problem;

  std::string to_string() const;
};

// The candidate closest to `word` by edit distance, or empty when none is
// close enough to be a plausible typo. Used for "did you mean" hints.
std::string_view closest_match(std::string_view word, std::span<const std::string_view> candidates);

// "a, b, c": the valid names listed in a message.
std::string join_names(std::span<const std::string_view> names);

}  // namespace ccpulse::config
