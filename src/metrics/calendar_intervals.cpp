#include "metrics/calendar_intervals.h"

#include <algorithm>
#include <exception>

#include <date/tz.h>

namespace ccpulse::metrics {

namespace {

using std::chrono::seconds;

// Floor of a count of µs to a multiple of len (len > 0), also for negatives.
std::int64_t floor_to(std::int64_t v, std::int64_t len) {
  std::int64_t q = v / len;
  if (v % len != 0 && v < 0) --q;
  return q * len;
}

instant to_instant(date::sys_seconds s) { return std::chrono::time_point_cast<duration>(s); }

}  // namespace

std::optional<calendar_intervals> calendar_intervals::create(std::string_view zone, std::string& error,
                                                             std::chrono::minutes interval) {
  using namespace std::chrono_literals;
  if (interval <= 0min || (24h) % interval != 0min) {
    error = "calendar interval " + std::to_string(interval.count()) +
            " min must be positive and divide a day evenly (e.g. 15, 30, 60)";
    return std::nullopt;
  }
  try {
    const date::time_zone* z = date::locate_zone(std::string(zone));
    // Load the zone's transitions now, at config time, so the data plane
    // never reads the tz database.
    (void)z->get_info(date::sys_seconds{});
    return calendar_intervals(z, interval);
  } catch (const std::exception& e) {
    error = "unknown time zone \"" + std::string(zone) + "\": " + e.what();
    return std::nullopt;
  }
}

std::string_view calendar_intervals::zone_name() const { return _zone->name(); }

std::optional<calendar_intervals::offset_change> calendar_intervals::first_offset_not_multiple_of(
    duration width, instant from, instant to) const {
  auto at = std::chrono::floor<seconds>(from);
  const auto end = std::chrono::floor<seconds>(to);
  while (at < end) {
    const auto info = _zone->get_info(at);
    if (duration(info.offset) % width != duration{0})
      return offset_change{info.offset, std::max(from, to_instant(info.begin))};
    if (info.end <= at) break;  // the last rule runs forever
    at = info.end;
  }
  return std::nullopt;
}

calendar_period calendar_intervals::interval_of(instant t) const {
  const auto info = _zone->get_info(std::chrono::floor<seconds>(t));
  const std::int64_t offset_us = duration(info.offset).count();
  const std::int64_t len = duration(_interval).count();
  const std::int64_t local_start_us = floor_to(to_unix_micros(t) + offset_us, len);
  const instant nominal_start = from_unix_micros(local_start_us - offset_us);
  calendar_period p;
  // Cut at the transitions around t, so periods tile the timeline.
  p.start = std::max(nominal_start, to_instant(info.begin));
  p.end = std::min(nominal_start + duration{len}, to_instant(info.end));
  p.utc_offset = info.offset;
  p.local_start = std::chrono::local_seconds{
      std::chrono::floor<seconds>(p.start.time_since_epoch() + duration(info.offset))};
  return p;
}

calendar_period calendar_intervals::day_of(instant t) const {
  const auto info = _zone->get_info(std::chrono::floor<seconds>(t));
  const auto local = date::local_seconds{std::chrono::floor<seconds>(t.time_since_epoch()) + info.offset};
  date::local_days day = std::chrono::floor<date::days>(local);
  // A nonexistent midnight starts the day at the transition; an ambiguous
  // one at its first occurrence. Then t may lie in the neighbouring local
  // date's day (clocks set back across midnight): step once.
  auto start_of = [&](date::local_days d) { return to_instant(_zone->to_sys(d, date::choose::earliest)); };
  instant start = start_of(day), end = start_of(day + date::days{1});
  if (t >= end) {
    day += date::days{1};
    start = end;
    end = start_of(day + date::days{1});
  } else if (t < start) {
    day -= date::days{1};
    end = start;
    start = start_of(day);
  }
  calendar_period p;
  p.start = start;
  p.end = end;
  p.utc_offset = _zone->get_info(std::chrono::floor<seconds>(start)).offset;
  p.local_start = std::chrono::local_seconds{day.time_since_epoch()};
  return p;
}

}  // namespace ccpulse::metrics
