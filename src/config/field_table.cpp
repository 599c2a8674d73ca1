#include "config/field_table.h"

#include <array>
#include <charconv>

namespace ccpulse::config::detail {

// Fixed notation, shortest round trip: 1000000 rather than 1e+06.
std::string format_number(double d) {
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d, std::chars_format::fixed);
  if (ec != std::errc{}) return std::to_string(d);
  return std::string(buf.data(), end);
}

std::string real_limits(double above, std::optional<double> at_most) {
  std::string out = "> " + format_number(above);
  if (at_most) out += ", <= " + format_number(*at_most);
  return out;
}

std::string duration_limits(duration min, duration max) {
  if (min == duration{1}) return "> 0, <= " + format_duration(max);
  return format_duration(min) + ".." + format_duration(max);
}

std::string_view text_type(text_rule rule) {
  switch (rule) {
    case text_rule::non_empty:
      return "text";
    case text_rule::topic:
      return "topic name";
    case text_rule::topic_or_empty:
      return "topic name or empty";
    case text_rule::time_zone:
      return "IANA time zone";
  }
  return "text";
}

}  // namespace ccpulse::config::detail
