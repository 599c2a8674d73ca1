#pragma once
// Time in ccpulse: microsecond precision on the system (UTC) epoch. The core
// never reads a clock; instants are passed in.
#include <chrono>
#include <cstdint>

namespace ccpulse {

using duration = std::chrono::microseconds;
using instant = std::chrono::sys_time<duration>;

inline constexpr instant instant_min = instant{duration{INT64_MIN / 2}};
inline constexpr instant instant_max = instant{duration{INT64_MAX / 2}};

constexpr instant from_unix_micros(std::int64_t us) { return instant{duration{us}}; }
constexpr std::int64_t to_unix_micros(instant t) { return t.time_since_epoch().count(); }
constexpr double to_seconds(duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace ccpulse
