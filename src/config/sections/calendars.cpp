// calendars: business-hours calendars for SLA targets (DESIGN.md §6): a
// zone, weekly hours per weekday ("08:00-12:00", split shifts as several
// intervals) and holidays (a date, closed all day, or a date with hours of
// its own). Each accepted calendar also passes sla::business_calendar's own
// check, so config accepts exactly what the core can build.
#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>
#include <string_view>

#include "config/sections/sections.h"

namespace ccpulse::config {

namespace {

using namespace std::chrono_literals;
using std::chrono::minutes;

constexpr std::string_view hours_form = "opening hours such as 08:00-12:00 (HH:MM-HH:MM; 24:00 ends the day)";

// "HH:MM"; hours 0..24, 24 only as 24:00.
std::optional<minutes> parse_time(std::string_view s) {
  const auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() != colon + 3)
    return std::nullopt;
  int h = 0, m = 0;
  auto number = [](std::string_view digits, int& out) {
    const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return ec == std::errc{} && p == digits.data() + digits.size() &&
           digits.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!number(s.substr(0, colon), h) || !number(s.substr(colon + 1), m)) return std::nullopt;
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return minutes{h * 60 + m};
}

std::optional<sla::local_hours> read_interval(load_context& ctx, const value& item) {
  const auto text = ctx.in.scalar(item, hours_form);
  if (!text) return std::nullopt;
  const auto dash = text->find('-');
  const auto open =
      dash == std::string::npos ? std::nullopt : parse_time(std::string_view(*text).substr(0, dash));
  const auto close =
      dash == std::string::npos ? std::nullopt : parse_time(std::string_view(*text).substr(dash + 1));
  if (!open || !close) {
    ctx.in.report(item.mark, item.path, "expected " + std::string(hours_form) + ", got " + got(item.node));
    return std::nullopt;
  }
  if (*close <= *open) {
    ctx.in.report(item.mark, item.path,
                  "hours " + quote(*text) +
                      " must close after they open on the same day; a night shift is 22:00-24:00 on one day "
                      "and 00:00-06:00 on the next");
    return std::nullopt;
  }
  return sla::local_hours{*open, *close};
}

// One day's list of intervals; overlaps are reported at the later item.
std::optional<std::vector<sla::local_hours>> read_day(load_context& ctx, const value& v) {
  const auto items = ctx.in.list(v);
  if (!items) return std::nullopt;
  std::vector<sla::local_hours> day;
  for (const auto& item : *items) {
    const auto h = read_interval(ctx, item);
    if (!h) continue;
    const auto clash = std::find_if(day.begin(), day.end(), [&](const sla::local_hours& o) {
      return h->open < o.close && o.open < h->close;
    });
    if (clash != day.end()) {
      ctx.in.report(
          item.mark, item.path,
          "hours " + sla::format_hours(*h) + " overlap " + sla::format_hours(*clash) + " on the same day");
      continue;
    }
    day.push_back(*h);
  }
  return day;
}

// The keys of `hours:`: a weekday, or a shorthand for several.
struct day_key {
  std::string_view key;
  std::size_t first, last;  // weekday indices, Monday = 0
};
constexpr std::array<day_key, 9> day_keys{{{"mon", 0, 0},
                                           {"tue", 1, 1},
                                           {"wed", 2, 2},
                                           {"thu", 3, 3},
                                           {"fri", 4, 4},
                                           {"sat", 5, 5},
                                           {"sun", 6, 6},
                                           {"weekdays", 0, 4},
                                           {"daily", 0, 6}}};

void read_week(load_context& ctx, const value& v, sla::calendar_definition& c) {
  std::array<std::string_view, 9> keys{};
  for (std::size_t i = 0; i < day_keys.size(); ++i) keys[i] = day_keys[i].key;
  const auto errors_before = ctx.in.errors().size();
  // Which key gave each weekday its hours, and on which line.
  std::array<std::optional<std::pair<std::string_view, int>>, sla::days_per_week> given{};
  const bool is_map =
      ctx.in.visit_map(v, keys, [&](std::size_t k, const YAML::Mark& key_mark, const value& x) {
        const auto& dk = day_keys[k];
        for (std::size_t d = dk.first; d <= dk.last; ++d) {
          if (!given[d]) continue;
          ctx.in.report(key_mark, x.path,
                        std::string(day_keys[d].key) + " is already given by " + quote(given[d]->first) +
                            " on line " + std::to_string(given[d]->second) +
                            "; give each weekday its hours once");
          return;
        }
        const auto day = read_day(ctx, x);
        for (std::size_t d = dk.first; d <= dk.last; ++d) {
          given[d] = std::pair{dk.key, key_mark.line + 1};
          if (day) c.week[d] = *day;
        }
      });
  if (!is_map || ctx.in.errors().size() != errors_before) return;
  const bool open_some_time =
      std::any_of(c.week.begin(), c.week.end(), [](const auto& day) { return !day.empty(); });
  if (!open_some_time) {
    const auto at = ctx.key_at(v.path);
    ctx.in.report(at ? at->mark : v.mark, v.path,
                  "the calendar has no open hour in the week; give at least one weekday hours such as "
                  "weekdays: [\"09:00-17:00\"]");
  }
}

std::optional<std::chrono::year_month_day> read_date(load_context& ctx, const value& v) {
  const auto text = ctx.in.scalar(v, "a date such as 2026-12-25");
  if (!text) return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  const char* p = text->data();
  const char* end = p + text->size();
  auto field = [&](auto& out, std::size_t digits, bool dash) {
    if (static_cast<std::size_t>(end - p) < digits) return false;
    const auto [q, ec] = std::from_chars(p, p + digits, out);
    if (ec != std::errc{} || q != p + digits) return false;
    p = q;
    if (!dash) return true;
    if (p == end || *p != '-') return false;
    ++p;
    return true;
  };
  const bool parsed = field(y, 4, true) && field(m, 2, true) && field(d, 2, false) && p == end;
  const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!parsed || !date.ok() || y < 1900 || y > 8999) {
    ctx.in.report(v.mark, v.path,
                  "expected a date such as 2026-12-25 (YYYY-MM-DD, years 1900-8999), got " + got(v.node));
    return std::nullopt;
  }
  return date;
}

void read_holiday_date(load_context& ctx, const value& x, sla::calendar_holiday& h) {
  if (const auto d = read_date(ctx, x)) {
    h.date = *d;
    ctx.accepted.insert_or_assign(x.path, x.mark);
  }
}

void read_holiday_hours(load_context& ctx, const value& x, sla::calendar_holiday& h) {
  if (auto day = read_day(ctx, x)) h.hours = std::move(*day);
}

void read_holidays(load_context& ctx, const value& v, sla::calendar_definition& c) {
  const auto items = ctx.in.list(v);
  if (!items) return;
  std::map<std::chrono::year_month_day, int> lines;
  for (const auto& item : *items) {
    sla::calendar_holiday h;
    written_at date_at{item.path, item.mark};
    if (item.node.IsMap()) {
      h = read_item(ctx, item, holiday_fields());
      const auto at = ctx.accepted_at(child(item.path, "date"));
      if (!at) continue;
      date_at = *at;
    } else {
      const auto d = read_date(ctx, item);
      if (!d) continue;
      h.date = *d;
    }
    const auto [it, fresh] = lines.emplace(h.date, date_at.mark.line + 1);
    if (!fresh) {
      ctx.in.report(date_at.mark, date_at.path,
                    "holiday " + sla::format_date(h.date) + " is listed twice (first on line " +
                        std::to_string(it->second) + ")");
      continue;
    }
    c.holidays.push_back(std::move(h));
  }
}

void read_calendar_name(load_context& ctx, const value& x, sla::calendar_definition& c) {
  auto n = ctx.in.name(x, "a calendar name");
  if (!n) return;
  const auto [it, fresh] = ctx.calendar_names.emplace(*n, x.mark.line + 1);
  if (!fresh) {
    ctx.in.report(x.mark, x.path,
                  "duplicate calendar name " + quote(*n) + " (first declared on line " +
                      std::to_string(it->second) + ")");
    return;
  }
  c.name = *n;
}

}  // namespace

field_table<sla::calendar_definition> calendar_fields() {
  using c = sla::calendar_definition;
  static const std::vector<field<c>> table{
      {"name", custom_spec<c>{read_calendar_name, "calendar name", ""},
       "unique; targets name it in calendar:", ""},
      {"timezone",
       text_field(&c::zone, text_rule::time_zone, "an IANA time zone name such as Europe/Berlin", ""),
       "IANA time zone the hours and holidays are in", " (the zone the hours are in, such as Europe/Berlin)"},
      {"hours", custom_spec<c>{read_week, "mapping of weekday to list of HH:MM-HH:MM", ""},
       "open hours per weekday (mon..sun, weekdays = mon-fri, daily = all seven), each a list of intervals",
       " (open hours per weekday, such as weekdays: [\"09:00-17:00\"])"},
      {"holidays", custom_spec<c>{read_holidays, "list of dates or {date, hours}", "[]"},
       "dates closed all day (2026-12-25), or open only in their own hours ({ date: 2026-12-24, hours: [...] "
       "})"},
  };
  return table;
}

field_table<sla::calendar_holiday> holiday_fields() {
  using h = sla::calendar_holiday;
  static const std::vector<field<h>> table{
      {"date", custom_spec<h>{read_holiday_date, "date (YYYY-MM-DD)", ""}, "the holiday's local date", ""},
      {"hours", custom_spec<h>{read_holiday_hours, "list of HH:MM-HH:MM", "[] (closed)"},
       "the hours open that day instead of the weekday's; [] = closed all day"},
  };
  return table;
}

void read_calendars(load_context& ctx, const value& v, config& cfg) {
  const auto items = ctx.in.list(v);
  if (!items) return;
  for (const auto& item : *items) {
    const auto errors_before = ctx.in.errors().size();
    auto c = read_item(ctx, item, calendar_fields());
    if (ctx.in.errors().size() != errors_before || c.name.empty()) continue;
    // The core's own check; what it refuses here the reading above has
    // missed, so say it at the calendar rather than accept it.
    std::string problem;
    if (!sla::business_calendar::create(c, problem)) {
      ctx.in.report(item.mark, item.path, problem);
      continue;
    }
    cfg.calendars.push_back(std::move(c));
  }
}

}  // namespace ccpulse::config
