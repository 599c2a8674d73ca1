#pragma once
// Human durations in config files: "250ms", "30s", "15m", "2h", "1d" and
// combinations from the largest unit down, "1h30m", "1m30.5s". Negative
// values and anything else are rejected with a reason.
#include <string>
#include <string_view>

#include "model/time.h"

namespace ccpulse::config {

struct duration_parse_result {
  duration value{};
  std::string error;  // empty on success: why the text is not a duration

  bool ok() const { return error.empty(); }
};

// Units: d, h, m, s, ms, us. Each unit at most once, largest first. A
// decimal fraction is allowed when the result is a whole number of
// microseconds ("1.5s", not "0.0000001s"). "0" alone is zero.
duration_parse_result parse_duration(std::string_view text);

// The shortest text that parse_duration reads back as `d`: "1h30m", "250ms",
// "0s". For messages that quote a limit.
std::string format_duration(duration d);

}  // namespace ccpulse::config
