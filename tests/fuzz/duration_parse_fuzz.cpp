// Fuzz target: config duration text -> duration or a reason (never throws).
// Invariants: a parsed value is non-negative and
// format_duration of it parses back to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/duration_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ccpulse::config;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto r = parse_duration(text);
  if (!r.ok()) return 0;
  if (r.value < ccpulse::duration::zero()) std::abort();
  const auto again = parse_duration(format_duration(r.value));
  if (!again.ok() || again.value != r.value) std::abort();
  return 0;
}
