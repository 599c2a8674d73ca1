#include "sla/business_calendar.h"

#include <algorithm>
#include <exception>
#include <limits>

#include <date/tz.h>

namespace ccpulse::sla {

namespace {

using namespace std::chrono_literals;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr minutes whole_day = 24h;
constexpr std::int32_t no_holiday = std::numeric_limits<std::int32_t>::max();

// Queries clamp instants into years [1900, 9000): far enough for any real
// input, and every local date the walks reach stays a valid civil date.
constexpr instant earliest_supported{std::chrono::sys_days{std::chrono::year{1900} / 1 / 1}};
constexpr instant latest_supported{std::chrono::sys_days{std::chrono::year{9000} / 1 / 1}};

instant clamped(instant t) { return std::clamp(t, earliest_supported, latest_supported); }

std::int32_t day_number(std::chrono::year_month_day ymd) {
  return static_cast<std::int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

// ISO weekday index of a day number: 0 = Monday; 1970-01-01 was a Thursday.
std::size_t weekday_index(std::int32_t day) { return static_cast<std::size_t>(((day % 7) + 7 + 3) % 7); }

std::string two_digits(long v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string hh_mm(minutes m) { return two_digits(m.count() / 60) + ":" + two_digits(m.count() % 60); }

constexpr std::array<const char*, days_per_week> weekday_names{"mon", "tue", "wed", "thu",
                                                               "fri", "sat", "sun"};

// Sorts and merges one day's intervals; empty string when they are valid.
std::string normalise(std::vector<local_hours>& hours) {
  for (const auto& h : hours)
    if (h.open < 0min || h.close > whole_day || h.close <= h.open)
      return "hours " + format_hours(h) + " must open before they close, within 00:00-24:00";
  std::sort(hours.begin(), hours.end(),
            [](const local_hours& a, const local_hours& b) { return a.open < b.open; });
  std::vector<local_hours> merged;
  for (const auto& h : hours) {
    if (!merged.empty() && h.open < merged.back().close)
      return "hours " + format_hours(h) + " overlap " + format_hours(merged.back());
    if (!merged.empty() && h.open == merged.back().close)
      merged.back().close = h.close;
    else
      merged.push_back(h);
  }
  hours = std::move(merged);
  return {};
}

}  // namespace

std::string format_hours(const local_hours& h) { return hh_mm(h.open) + "-" + hh_mm(h.close); }

std::string format_date(std::chrono::year_month_day d) {
  return std::to_string(static_cast<int>(d.year())) + "-" + two_digits(static_cast<unsigned>(d.month())) +
         "-" + two_digits(static_cast<unsigned>(d.day()));
}

std::optional<business_calendar> business_calendar::create(const calendar_definition& def,
                                                           std::string& error) {
  const std::string where = "calendar \"" + def.name + "\": ";
  business_calendar c;
  c._name = def.name;
  try {
    c._zone = date::locate_zone(def.zone);
    // Load the zone's transitions now, at config time, so queries never
    // read the tz database.
    (void)c._zone->get_info(date::sys_seconds{});
  } catch (const std::exception& e) {
    error = where + "unknown time zone \"" + def.zone + "\": " + e.what();
    return std::nullopt;
  }
  auto append = [&](std::vector<local_hours> hours, const std::string& day, day_hours& out) {
    if (auto problem = normalise(hours); !problem.empty()) {
      error = where + day + ": " + problem;
      return false;
    }
    out.first = static_cast<std::uint32_t>(c._spans.size());
    out.count = static_cast<std::uint32_t>(hours.size());
    c._spans.insert(c._spans.end(), hours.begin(), hours.end());
    return true;
  };
  c._open_all_week = true;
  for (std::size_t i = 0; i < days_per_week; ++i) {
    if (!append(def.week[i], weekday_names[i], c._week[i])) return std::nullopt;
    for (std::uint32_t k = 0; k < c._week[i].count; ++k) {
      const auto& h = c._spans[c._week[i].first + k];
      c._weekly_open += h.close - h.open;
    }
    const bool full = c._week[i].count == 1 && c._spans[c._week[i].first] == local_hours{0min, whole_day};
    c._open_all_week = c._open_all_week && full;
  }
  if (c._weekly_open <= duration{0}) {
    error = where + "is never open: give it some hours in the week";
    return std::nullopt;
  }
  std::vector<const calendar_holiday*> holidays;
  for (const auto& h : def.holidays) holidays.push_back(&h);
  std::sort(holidays.begin(), holidays.end(),
            [](const calendar_holiday* a, const calendar_holiday* b) { return a->date < b->date; });
  for (const auto* h : holidays) {
    const auto date_text = format_date(h->date);
    if (!h->date.ok() ||
        std::chrono::sys_days{h->date} < std::chrono::floor<std::chrono::days>(earliest_supported) ||
        std::chrono::sys_days{h->date} >= std::chrono::floor<std::chrono::days>(latest_supported)) {
      error = where + "holiday " + date_text + " is not a valid date in years 1900-8999";
      return std::nullopt;
    }
    const auto day = day_number(h->date);
    if (!c._holiday_days.empty() && c._holiday_days.back() == day) {
      error = where + "holiday " + date_text + " is given twice";
      return std::nullopt;
    }
    day_hours hours;
    if (!append(h->hours, "holiday " + date_text, hours)) return std::nullopt;
    c._holiday_days.push_back(day);
    c._holiday_hours.push_back(hours);
  }
  return c;
}

std::string_view business_calendar::zone_name() const { return _zone->name(); }

std::span<const local_hours> business_calendar::hours_on(std::int32_t day) const {
  const auto it = std::lower_bound(_holiday_days.begin(), _holiday_days.end(), day);
  const day_hours h = it != _holiday_days.end() && *it == day
                          ? _holiday_hours[static_cast<std::size_t>(it - _holiday_days.begin())]
                          : _week[weekday_index(day)];
  return std::span<const local_hours>(_spans).subspan(h.first, h.count);
}

bool business_calendar::is_holiday(std::int32_t day) const {
  return std::binary_search(_holiday_days.begin(), _holiday_days.end(), day);
}

std::int32_t business_calendar::next_holiday_from(std::int32_t day) const {
  const auto it = std::lower_bound(_holiday_days.begin(), _holiday_days.end(), day);
  return it == _holiday_days.end() ? no_holiday : *it;
}

instant business_calendar::at_local(std::int32_t day, minutes m) const {
  const date::local_seconds local{seconds{std::int64_t{day} * 86400 + m.count() * 60}};
  // Never throws: an ambiguous time is its first occurrence, a nonexistent
  // one the transition that skips it.
  return std::chrono::time_point_cast<duration>(_zone->to_sys(local, date::choose::earliest));
}

std::int32_t business_calendar::local_date_of(instant t) const {
  const auto s = std::chrono::floor<seconds>(t);
  const auto info = _zone->get_info(s);
  return static_cast<std::int32_t>(
      std::chrono::floor<std::chrono::days>(s.time_since_epoch() + info.offset).count());
}

template <class Visit>
bool business_calendar::walk(instant from, instant until, Visit&& visit) const {
  // A day's spans lie within [its local midnight, the next one), and t lies
  // in the day of its local date or a neighbour (a clock set back across
  // midnight): start one day early.
  const std::int32_t first = local_date_of(from) - 1;
  for (std::int32_t day = first; day <= first + horizon_days; ++day) {
    if (until != instant_max && at_local(day, 0min) >= until) return false;
    for (const auto& h : hours_on(day)) {
      const instant start = at_local(day, h.open);
      const instant end = at_local(day, h.close);
      if (end <= from || end == start) continue;  // before `from`, or inside a skipped hour
      if (!visit(start, end)) return true;
    }
  }
  return false;
}

bool business_calendar::open_at(instant t) const {
  if (t < earliest_supported || t >= latest_supported) return false;
  bool open = false;
  walk(t, instant_max, [&](instant start, instant) {
    open = start <= t;  // the first span ending after t
    return false;
  });
  return open;
}

instant business_calendar::next_opening(instant t) const {
  t = clamped(t);
  instant at = instant_max;
  walk(t, instant_max, [&](instant start, instant) {
    at = std::max(start, t);
    return false;
  });
  return at;
}

instant business_calendar::next_closing(instant t) const {
  t = clamped(t);
  // The open run that covers [t, end) so far; it ends at the first gap.
  instant end = t;
  const std::int32_t first = local_date_of(t) - 1;
  const std::int32_t last = first + horizon_days;
  for (std::int32_t day = first; day <= last;) {
    if (_open_all_week && !is_holiday(day)) {
      // Open all day up to the next holiday: jump there instead of walking.
      if (at_local(day, 0min) > end) return end;
      const std::int32_t holiday = next_holiday_from(day);
      if (holiday > last) return instant_max;
      end = std::max(end, at_local(holiday, 0min));
      day = holiday;
      continue;
    }
    for (const auto& h : hours_on(day)) {
      const instant start = at_local(day, h.open);
      const instant stop = at_local(day, h.close);
      if (stop <= end || stop == start) continue;
      if (start > end) return end;
      end = stop;
    }
    ++day;
  }
  return instant_max;
}

duration business_calendar::business_between(instant from, instant to) const {
  from = clamped(from);
  to = clamped(to);
  if (to <= from) return duration{0};
  duration total{0};
  walk(from, to, [&](instant start, instant end) {
    if (start >= to) return false;
    total += std::min(end, to) - std::max(start, from);
    return true;
  });
  return total;
}

instant business_calendar::deadline_after(instant from, duration business) const {
  if (business <= duration{0}) return from;
  from = clamped(from);
  duration remaining = business;
  instant at = instant_max;
  walk(from, instant_max, [&](instant start, instant end) {
    start = std::max(start, from);
    if (end - start >= remaining) {
      at = start + remaining;
      return false;
    }
    remaining -= end - start;
    return true;
  });
  return at;
}

}  // namespace ccpulse::sla
