#include "config/duration_parse.h"

#include <array>
#include <cstdint>
#include <limits>

namespace ccpulse::config {

namespace {

struct unit {
  std::string_view name;
  std::int64_t micros;
};

// Largest first: the order parse_duration demands and format_duration writes.
constexpr std::array<unit, 6> units{{
    {"d", 86'400'000'000},
    {"h", 3'600'000'000},
    {"m", 60'000'000},
    {"s", 1'000'000},
    {"ms", 1'000},
    {"us", 1},
}};

constexpr std::int64_t max_micros = std::numeric_limits<std::int64_t>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

duration_parse_result fail(std::string why) { return {duration{}, std::move(why)}; }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

}  // namespace

duration_parse_result parse_duration(std::string_view text) {
  constexpr std::string_view forms = "expected a duration such as 250ms, 30s, 15m, 2h, 1d or 1h30m";
  if (text.empty()) return fail(std::string(forms) + ", got nothing");
  if (text.front() == '-') return fail("negative durations are not allowed, got " + quoted(text));
  if (text == "0") return {};

  std::int64_t total = 0;
  std::size_t last_unit = 0;  // index into units, +1; 0 = none yet
  std::size_t i = 0;
  while (i < text.size()) {
    // Number: digits, optionally a fraction.
    std::int64_t whole = 0;
    std::string_view fraction;
    const std::size_t number_start = i;
    while (i < text.size() && is_digit(text[i])) {
      const int digit = text[i] - '0';
      if (whole > (max_micros - digit) / 10) return fail("duration " + quoted(text) + " is too large");
      whole = whole * 10 + digit;
      ++i;
    }
    const bool had_whole = i > number_start;
    if (i < text.size() && text[i] == '.') {
      const std::size_t fraction_start = ++i;
      while (i < text.size() && is_digit(text[i])) ++i;
      fraction = text.substr(fraction_start, i - fraction_start);
      if (fraction.empty()) return fail(std::string(forms) + ", got " + quoted(text));
    }
    if (!had_whole && fraction.empty()) return fail(std::string(forms) + ", got " + quoted(text));

    // Unit: a run of letters.
    const std::size_t unit_start = i;
    while (i < text.size() && is_letter(text[i])) ++i;
    const std::string_view name = text.substr(unit_start, i - unit_start);
    if (name.empty()) {
      if (i < text.size()) return fail(std::string(forms) + ", got " + quoted(text));
      if (number_start == 0)
        return fail("missing unit in " + quoted(text) + " (e.g. " + std::string(text) +
                    "s; units: d, h, m, s, ms, us)");
      return fail("missing unit after the last number in " + quoted(text) + " (units: d, h, m, s, ms, us)");
    }
    std::size_t u = 0;
    while (u < units.size() && units[u].name != name) ++u;
    if (u == units.size())
      return fail("unknown unit '" + std::string(name) + "' in " + quoted(text) +
                  " (units: d, h, m, s, ms, us)");
    if (u + 1 <= last_unit)
      return fail("units must go from largest to smallest, each once, in " + quoted(text) + " (e.g. 1h30m)");
    last_unit = u + 1;

    const std::int64_t scale = units[u].micros;
    if (whole > max_micros / scale) return fail("duration " + quoted(text) + " is too large");
    std::int64_t part = whole * scale;
    // The fraction must land on a whole microsecond: digits beyond the
    // unit's precision must be zero.
    std::int64_t place = scale;
    for (char c : fraction) {
      const int digit = c - '0';
      if (place % 10 != 0) {
        if (digit != 0) return fail("duration " + quoted(text) + " is finer than a microsecond");
        continue;
      }
      place /= 10;
      if (digit * place > max_micros - part) return fail("duration " + quoted(text) + " is too large");
      part += digit * place;
    }
    if (part > max_micros - total) return fail("duration " + quoted(text) + " is too large");
    total += part;
  }
  return {duration{total}, {}};
}

std::string format_duration(duration d) {
  std::int64_t us = d.count();
  if (us == 0) return "0s";
  std::string out;
  if (us < 0) {
    out += '-';
    // Negative values only appear in messages; they do not round-trip.
    us = us == std::numeric_limits<std::int64_t>::min() ? max_micros : -us;
  }
  for (const auto& u : units) {
    const std::int64_t n = us / u.micros;
    if (n == 0) continue;
    out += std::to_string(n);
    out += u.name;
    us -= n * u.micros;
  }
  return out;
}

}  // namespace ccpulse::config
