#include "log/level.h"

#include <array>

namespace ccpulse::log {

namespace {
constexpr std::array<std::string_view, 4> level_names{"debug", "info", "warn", "error"};
constexpr std::array<std::string_view, 2> format_names{"logfmt", "json"};
}  // namespace

std::string_view to_string(level l) { return level_names[static_cast<std::size_t>(l)]; }
std::string_view to_string(format f) { return format_names[static_cast<std::size_t>(f)]; }

std::optional<level> level_named(std::string_view name) {
  for (std::size_t i = 0; i < level_names.size(); ++i)
    if (level_names[i] == name) return static_cast<level>(i);
  return std::nullopt;
}

std::optional<format> format_named(std::string_view name) {
  for (std::size_t i = 0; i < format_names.size(); ++i)
    if (format_names[i] == name) return static_cast<format>(i);
  return std::nullopt;
}

}  // namespace ccpulse::log
