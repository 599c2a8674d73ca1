#pragma once
// Calendar intervals in the site's IANA time zone (DESIGN.md §5): the
// 15-minute interval and the day that contain an instant.
//
// Why local time and not UTC arithmetic: a WFM analyst reads "09:00–09:15"
// and "today" on the site's wall clock, and days are 23 or 25 hours long on
// DST changes. Periods are computed from the zone's rules (Howard Hinnant's
// date/tz over the system tz database), so midnight and both DST changes
// fall where the site's clock puts them.
//
// Keys: a period is keyed by its local start AND the UTC offset at its
// start. In the fall-back hour the same local 02:00 starts two different
// intervals (Europe/Berlin 2026-10-25: 02:00 CEST and 02:00 CET); the
// offset tells them apart, and the UTC start orders them. An interval never
// spans a zone transition or a midnight: when a transition does not fall on
// an interval boundary (rare zones, historic dates), the interval is cut at
// the transition, so periods always tile the timeline.
//
// Errors: construction is config time; create() returns the error as text
// (naming the zone) instead of throwing. interval_of/day_of never throw and
// do not allocate once the zone's data is loaded (create() loads it).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "model/time.h"

namespace date {
class time_zone;
}

namespace ccpulse::metrics {

struct calendar_period {
  instant start{};                           // UTC, inclusive
  instant end{};                             // UTC, exclusive
  std::chrono::local_seconds local_start{};  // site wall clock at start
  std::chrono::seconds utc_offset{};         // local = UTC + offset, at start

  duration length() const { return end - start; }
  bool contains(instant t) const { return start <= t && t < end; }
  friend bool operator==(const calendar_period&, const calendar_period&) = default;
};

class calendar_intervals {
 public:
  // interval must be positive, whole minutes, and divide a day evenly
  // (15 min, 30 min, 1 h); zone is an IANA name ("Europe/Berlin", "UTC").
  static std::optional<calendar_intervals> create(std::string_view zone, std::string& error,
                                                  std::chrono::minutes interval = std::chrono::minutes{15});

  std::string_view zone_name() const;
  std::chrono::minutes interval_length() const { return _interval; }

  calendar_period interval_of(instant t) const;
  calendar_period day_of(instant t) const;

  // The zone's first UTC offset in [from, to) that is not a whole multiple
  // of width (width > 0), with the instant it takes effect (from, if it is
  // already in effect then); nullopt: every offset in the range is. Buckets
  // aligned on the Unix epoch tile local intervals and days only if it is.
  struct offset_change {
    std::chrono::seconds offset{};
    instant since{};
  };
  std::optional<offset_change> first_offset_not_multiple_of(duration width, instant from, instant to) const;

 private:
  calendar_intervals(const date::time_zone* z, std::chrono::minutes interval)
      : _zone(z), _interval(interval) {}

  const date::time_zone* _zone;
  std::chrono::minutes _interval;
};

}  // namespace ccpulse::metrics
