#pragma once
// Business-hours calendars for SLA targets (DESIGN.md §6): an IANA zone,
// weekly opening hours (split shifts allowed) and holidays (closed all day,
// or open with hours of their own). Converts between wall-clock instants and
// business time: how much business time lies between two instants, and at
// which instant a given amount of it has elapsed.
//
// What "open" means: each local date has a list of local [open, close)
// intervals (its holiday's, else its weekday's). A local time maps to an
// instant as date/tz's choose::earliest does: an ambiguous time (the hour a
// fall-back repeats) is its first occurrence, a nonexistent one (the hour a
// spring-forward skips) is the transition itself. The mapping never goes
// backwards, so a day's intervals become ordered, disjoint instant spans
// inside that day, and the calendar is open exactly on their union:
// - 00:00-24:00 on a fall-back day is 25 h of business time, on a
//   spring-forward day 23 h; 01:00-04:00 is 4 h and 2 h.
// - An interval wholly inside a skipped hour is empty.
// - 24:00 is the next date's 00:00, so Mon 22:00-24:00 and Tue 00:00-06:00
//   are one open run: next_closing inside it is Tue 06:00.
//
// Deadlines: deadline_after(from, d) is the first instant t >= from with
// business_between(from, t) == d. Closed at `from`, time starts at the next
// opening; a deadline that runs out exactly at a close IS that close (the
// target is used up then, so the breach is real at that moment, not at the
// next opening). business_between(from, deadline_after(from, d)) == d.
//
// Cost: O(local days spanned), never more than `horizon_days` (about ten
// years) per call; what lies further is "never" (instant_max) for searches
// and not counted for sums. Targets are at most 365 days (config) and a
// calendar must be open some time each week, so a real deadline is found
// well within that unless the calendar is open very little (config checks a
// target against its calendar's weekly hours).
//
// DST rules come from the system tz database files as date/tz's OS reader
// reads them: their explicit transitions, which on Debian 12 end in 2037
// (later years keep standard time). Calendars look at most a few years ahead.
//
// No clock, no I/O once created: the zone's rules are loaded by create() (the
// system tz database, at config time). The query functions never throw and
// do not allocate. Nothing depends on the machine's local zone.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"

namespace date {
class time_zone;
}

namespace ccpulse::sla {

// A local [open, close) interval of one day, in minutes after local
// midnight: 0 <= open < close <= 24h.
struct local_hours {
  std::chrono::minutes open{};
  std::chrono::minutes close{};
  friend bool operator==(const local_hours&, const local_hours&) = default;
};

// "08:00-12:00", as the config file writes hours.
std::string format_hours(const local_hours& h);
// "2026-12-25".
std::string format_date(std::chrono::year_month_day d);

// A date with hours of its own: none = closed all day, else open only then
// (e.g. Dec 24 09:00-13:00).
struct calendar_holiday {
  std::chrono::year_month_day date{};
  std::vector<local_hours> hours;
};

inline constexpr std::size_t days_per_week = 7;

// What a calendar is made of, as the config file states it.
struct calendar_definition {
  std::string name;
  std::string zone;  // IANA name: "Europe/Berlin", "UTC"
  // Index 0 = Monday ... 6 = Sunday (ISO 8601 order, weekday::iso_encoding() - 1).
  std::array<std::vector<local_hours>, days_per_week> week;
  std::vector<calendar_holiday> holidays;
};

class business_calendar {
 public:
  // Searches and sums stop this many local days after their start.
  static constexpr int horizon_days = 3660;

  // Validates the definition (known zone; each day's intervals in range, in
  // any order, not overlapping; each holiday date once; some open time in
  // the week) and loads the zone's rules. On
  // failure returns nullopt with the reason in `error`. Touching intervals
  // (08:00-12:00, 12:00-13:00) are merged.
  static std::optional<business_calendar> create(const calendar_definition& def, std::string& error);

  std::string_view name() const { return _name; }
  std::string_view zone_name() const;
  // Business time in an ordinary week (no holiday, no DST change).
  duration weekly_open() const { return _weekly_open; }

  bool open_at(instant t) const;
  // The first instant >= t at which the calendar is open (t itself when
  // open at t); instant_max when none within the horizon.
  instant next_opening(instant t) const;
  // The first instant >= t at which the calendar is closed (t itself when
  // closed at t); instant_max when none within the horizon (open 24/7).
  instant next_closing(instant t) const;
  // Business time in [from, to); zero when to <= from.
  duration business_between(instant from, instant to) const;
  // The first instant at which `business` of business time has elapsed
  // since `from` (see the header comment); `from` when business <= 0;
  // instant_max when not within the horizon.
  instant deadline_after(instant from, duration business) const;

 private:
  // A range of _spans: one day's merged, ordered intervals.
  struct day_hours {
    std::uint32_t first = 0;
    std::uint32_t count = 0;
  };
  business_calendar() = default;

  // Local dates are counted in days since 1970-01-01.
  std::span<const local_hours> hours_on(std::int32_t day) const;
  bool is_holiday(std::int32_t day) const;
  // The first holiday on or after day; INT32_MAX if none.
  std::int32_t next_holiday_from(std::int32_t day) const;
  // Local time `m` after the start of `day`, as an instant (choose::earliest).
  instant at_local(std::int32_t day, std::chrono::minutes m) const;
  std::int32_t local_date_of(instant t) const;
  // Calls visit(start, end) for each open span, in order, from the first
  // that ends after `from`, until visit returns false (then true) or the
  // walk passes `until` or the horizon (then false).
  template <class Visit>
  bool walk(instant from, instant until, Visit&& visit) const;

  std::string _name;
  const date::time_zone* _zone = nullptr;
  std::vector<local_hours> _spans;  // every day's intervals, back to back
  std::array<day_hours, days_per_week> _week{};
  std::vector<std::int32_t> _holiday_days;  // sorted, days since 1970-01-01
  std::vector<day_hours> _holiday_hours;    // parallel to _holiday_days
  duration _weekly_open{};
  bool _open_all_week = false;  // every weekday 00:00-24:00: only holidays close it
};

}  // namespace ccpulse::sla
