#pragma once
// What a log line is and how lines are written: the two words the config
// file's logging: section chooses (config/config.h holds them typed).
#include <optional>
#include <string_view>

namespace ccpulse::log {

enum class level { debug, info, warn, error };
// logfmt: key=value pairs for people and grep; json: one object per line for
// log shippers.
enum class format { logfmt, json };

std::string_view to_string(level l);
std::string_view to_string(format f);
std::optional<level> level_named(std::string_view name);
std::optional<format> format_named(std::string_view name);

}  // namespace ccpulse::log
