// calendars: business-hours calendars (src/config/sections/calendars.cpp)
// and a target's `calendar:` (targets.cpp, cross_checks.cpp): what loads,
// and each mistake at its line and column.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "config/load_helpers.h"

using namespace std::chrono_literals;
using namespace ccpulse;
using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

namespace {

std::vector<std::string> errors_of_yaml(const std::string& yaml) {
  return test::errors_of(config::load_config_text(yaml, "t.yaml"));
}

config::config loads_yaml(const std::string& yaml) {
  const auto r = config::load_config_text(yaml, "t.yaml");
  INFO(test::joined(r));
  REQUIRE(r.cfg.has_value());
  return *r.cfg;
}

// One calendar item with these hours (and holidays, if given).
std::string calendar(const std::string& hours, const std::string& holidays = "") {
  return "calendars:\n"
         "  - name: office\n"
         "    timezone: Europe/Berlin\n"
         "    hours: " +
         hours + "\n" + (holidays.empty() ? "" : "    holidays: " + holidays + "\n");
}

const std::string policy_with_calendar =
    "policies:\n"
    "  - name: email\n"
    "    targets:\n"
    "      first_response: { duration: 8h, calendar: office }\n";

sla::local_hours hrs(std::chrono::minutes open, std::chrono::minutes close) { return {open, close}; }

}  // namespace

TEST_CASE("a calendar loads with its zone, weekly hours, shorthands and holidays") {
  const auto c = loads_yaml(calendar(
      "{ weekdays: [\"08:00-12:00\", \"13:00-17:00\"], sat: [\"09:00-13:00\"] }",
      "[2026-12-25, { date: 2026-12-24, hours: [\"09:00-13:00\"] }, { date: 2026-12-31, hours: [] }]"));
  REQUIRE(c.calendars.size() == 1);
  const auto& cal = c.calendars[0];
  CHECK(cal.name == "office");
  CHECK(cal.zone == "Europe/Berlin");
  for (std::size_t d = 0; d < 5; ++d) CHECK(cal.week[d] == std::vector{hrs(8h, 12h), hrs(13h, 17h)});
  CHECK(cal.week[5] == std::vector{hrs(9h, 13h)});
  CHECK(cal.week[6].empty());
  REQUIRE(cal.holidays.size() == 3);
  CHECK(cal.holidays[0].date == year{2026} / month{12} / day{25});
  CHECK(cal.holidays[0].hours.empty());
  CHECK(cal.holidays[1].date == year{2026} / month{12} / day{24});
  CHECK(cal.holidays[1].hours == std::vector{hrs(9h, 13h)});
  CHECK(cal.holidays[2].hours.empty());
}

TEST_CASE("daily covers all seven days and 24:00 ends the day") {
  const auto c = loads_yaml(calendar("{ daily: [\"00:00-24:00\"] }"));
  for (const auto& d : c.calendars.at(0).week) CHECK(d == std::vector{hrs(0h, 24h)});
}

TEST_CASE("a target names its calendar, stored on sla::target by name") {
  const auto c = loads_yaml(calendar("{ weekdays: [\"09:00-17:00\"] }") + policy_with_calendar);
  const auto& t = c.policies.policies().at(0).targets.at(0);
  CHECK(t.calendar == "office");
  // Without the key the target counts wall-clock time.
  const auto plain = test::loads("policies: [ { name: p, targets: { answer: { duration: 20s } } } ]\n");
  CHECK(plain.policies.policies().at(0).targets.at(0).calendar.empty());
}

TEST_CASE("an unknown zone is an error with a suggestion") {
  CHECK(errors_of_yaml(
            "calendars:\n  - { name: o, timezone: Europe/Berln, hours: { mon: [\"09:00-17:00\"] } }\n") ==
        std::vector<std::string>{
            "t.yaml:2:26: calendars[0].timezone: unknown time zone 'Europe/Berln' (did you mean "
            "'Europe/Berlin'?); use an IANA name such as Europe/Berlin or UTC"});
}

TEST_CASE("a malformed time is an error naming the form") {
  const std::string form =
      "expected opening hours such as 08:00-12:00 (HH:MM-HH:MM; 24:00 ends the day), got ";
  CHECK(errors_of_yaml(calendar("{ mon: [\"8-12\"] }")) ==
        std::vector<std::string>{"t.yaml:4:20: calendars[0].hours.mon[0]: " + form + "'8-12'"});
  CHECK(errors_of_yaml(calendar("{ mon: [\"08:00-24:30\"] }")) ==
        std::vector<std::string>{"t.yaml:4:20: calendars[0].hours.mon[0]: " + form + "'08:00-24:30'"});
  CHECK(errors_of_yaml(calendar("{ mon: [\"09:60-17:00\"] }")) ==
        std::vector<std::string>{"t.yaml:4:20: calendars[0].hours.mon[0]: " + form + "'09:60-17:00'"});
  CHECK(errors_of_yaml(calendar("{ mon: \"09:00-17:00\" }")).empty());  // one interval, no brackets
}

TEST_CASE("hours must close after they open") {
  CHECK(errors_of_yaml(calendar("{ fri: [\"22:00-06:00\"] }")) ==
        std::vector<std::string>{"t.yaml:4:20: calendars[0].hours.fri[0]: hours '22:00-06:00' must close "
                                 "after they open on the same "
                                 "day; a night shift is 22:00-24:00 on one day and 00:00-06:00 on the next"});
  CHECK_FALSE(errors_of_yaml(calendar("{ fri: [\"09:00-09:00\"] }")).empty());
}

TEST_CASE("overlapping hours on one day are an error at the later one") {
  CHECK(errors_of_yaml(calendar("{ tue: [\"13:00-17:00\", \"08:00-13:30\"] }")) ==
        std::vector<std::string>{
            "t.yaml:4:35: calendars[0].hours.tue[1]: hours 08:00-13:30 overlap 13:00-17:00 on the same day"});
  // Touching is fine: 12:00 closes one and opens the other.
  CHECK(errors_of_yaml(calendar("{ tue: [\"08:00-12:00\", \"12:00-13:00\"] }")).empty());
}

TEST_CASE("a weekday given twice is an error, also through a shorthand") {
  CHECK(errors_of_yaml(calendar("\n      weekdays: [\"09:00-17:00\"]\n      wed: [\"09:00-12:00\"]")) ==
        std::vector<std::string>{
            "t.yaml:6:7: calendars[0].hours.wed: wed is already given by 'weekdays' on line 5; "
            "give each weekday its hours once"});
  CHECK(errors_of_yaml(calendar("{ mon: [\"09:00-17:00\"], mon: [\"10:00-11:00\"] }")).size() == 1);
}

TEST_CASE("an unknown weekday key is an error with a suggestion") {
  const auto errors = errors_of_yaml(calendar("{ thur: [\"09:00-17:00\"], tue: [\"09:00-17:00\"] }"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] ==
        std::string("t.yaml:4:14: calendars[0].hours.thur: unknown key 'thur' (did you mean 'thu'?)"));
}

TEST_CASE("a calendar with no open hour in the week is an error at its hours") {
  // A holiday's hours do not count: the calendar would never open once it is past.
  CHECK(
      errors_of_yaml(calendar("{ sat: [], sun: [] }", "[{ date: 2026-12-24, hours: [\"09:00-13:00\"] }]")) ==
      std::vector<std::string>{
          "t.yaml:4:5: calendars[0].hours: the calendar has no open hour in the week; give at "
          "least one weekday hours such as weekdays: [\"09:00-17:00\"]"});
  CHECK(errors_of_yaml(calendar("{}")).size() == 1);
}

TEST_CASE("holidays: a date once each, written YYYY-MM-DD") {
  CHECK(errors_of_yaml(calendar("{ mon: [\"09:00-17:00\"] }",
                                "\n      - 2026-12-25\n      - { date: 2026-12-25, hours: [] }")) ==
        std::vector<std::string>{"t.yaml:7:17: calendars[0].holidays[1].date: holiday 2026-12-25 is listed "
                                 "twice (first on line 6)"});
  CHECK(errors_of_yaml(calendar("{ mon: [\"09:00-17:00\"] }", "[2026-02-30]")) ==
        std::vector<std::string>{"t.yaml:5:16: calendars[0].holidays[0]: expected a date such as 2026-12-25 "
                                 "(YYYY-MM-DD, years 1900-8999), got '2026-02-30'"});
  const std::string monday = "{ mon: [\"09:00-17:00\"] }";
  CHECK(errors_of_yaml(calendar(monday, "[{ date: 2026-12-24, hours: [\"14:00-13:00\"] }]")).size() == 1);
  CHECK(errors_of_yaml(calendar(monday, "[{ hours: [] }]")).size() == 1);  // no date
}

TEST_CASE("calendar names are unique, and name and zone and hours are required") {
  CHECK(errors_of_yaml(calendar("{ mon: [\"09:00-17:00\"] }") +
                       "  - { name: office, timezone: UTC, hours: { mon: [\"09:00-17:00\"] } }\n") ==
        std::vector<std::string>{
            "t.yaml:5:13: calendars[1].name: duplicate calendar name 'office' (first declared on line 2)"});
  CHECK(errors_of_yaml("calendars:\n  - { name: o, hours: { mon: [\"09:00-17:00\"] } }\n").size() == 1);
  CHECK(errors_of_yaml("calendars:\n  - { name: o, timezone: UTC }\n").size() == 1);
}

TEST_CASE("a target's calendar must be declared") {
  CHECK(errors_of_yaml(calendar("{ weekdays: [\"09:00-17:00\"] }") +
                       "policies:\n"
                       "  - name: email\n"
                       "    targets:\n"
                       "      first_response: { duration: 8h, calendar: ofice }\n") ==
        std::vector<std::string>{
            "t.yaml:8:39: policies[0].targets.first_response.calendar: unknown calendar 'ofice' "
            "(did you mean 'office'?); declared calendars: office"});
  CHECK(errors_of_yaml(policy_with_calendar) ==
        std::vector<std::string>{
            "t.yaml:4:39: policies[0].targets.first_response.calendar: unknown calendar 'office'; "
            "no calendars are declared under `calendars:`"});
}

TEST_CASE("a target its calendar could not end within the searched span is an error") {
  // Open one minute a week: 365 days of business time would take 525,600 weeks.
  CHECK(errors_of_yaml(calendar("{ mon: [\"09:00-09:01\"] }") +
                       "policies:\n"
                       "  - name: email\n"
                       "    targets:\n"
                       "      resolution: { duration: 1h, by_priority: { 1: 365d }, "
                       "calendar: office }\n") ==
        std::vector<std::string>{
            "t.yaml:8:61: policies[0].targets.resolution.calendar: a target of 365d needs about "
            "525600 weeks of calendar 'office' (open 1m a week), more than the 521 weeks a "
            "deadline is searched; give the calendar more hours or the target less time"});
  // 365 days on an ordinary 40-hour week fits (219 weeks).
  CHECK(errors_of_yaml(calendar("{ weekdays: [\"09:00-17:00\"] }") +
                       "policies:\n"
                       "  - name: email\n"
                       "    targets:\n"
                       "      resolution: { duration: 365d, calendar: office }\n")
            .empty());
}
