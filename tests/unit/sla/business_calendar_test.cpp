#include "sla/business_calendar.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "model/time.h"
#include "support/allocation_counter.h"

// Every expected instant is written by hand in UTC, with the local reading
// that gives it. Offsets used: Europe/Berlin CET = UTC+1, CEST = UTC+2
// (2026: CEST from Sun Mar 29 01:00Z, CET again from Sun Oct 25 01:00Z);
// America/New_York EST = UTC-5, EDT = UTC-4 (2026: EDT from Sun Mar 8
// 07:00Z, EST again from Sun Nov 1 06:00Z). Weekdays: 2026-06-01 and
// 2026-12-28 are Mondays, 2026-12-24 is a Thursday.

namespace {

using namespace std::chrono_literals;
using ccpulse::duration;
using ccpulse::instant;
using ccpulse::instant_max;
using ccpulse::sla::business_calendar;
using ccpulse::sla::calendar_definition;
using ccpulse::sla::calendar_holiday;
using ccpulse::sla::local_hours;
using std::chrono::day;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;

instant utc(int y, unsigned mo, unsigned d, int h, int mi = 0) {
  return instant{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi};
}

constexpr std::size_t mon = 0, tue = 1, sun = 6;

local_hours hrs(minutes open, minutes close) { return {open, close}; }

calendar_definition office(const char* zone, std::vector<local_hours> weekday_hours) {
  calendar_definition d;
  d.name = "office";
  d.zone = zone;
  for (std::size_t i = mon; i <= 4; ++i) d.week[i] = weekday_hours;
  return d;
}

calendar_definition every_day(const char* zone, std::vector<local_hours> daily) {
  calendar_definition d;
  d.name = "every-day";
  d.zone = zone;
  for (auto& w : d.week) w = daily;
  return d;
}

business_calendar make(const calendar_definition& d) {
  std::string error;
  auto c = business_calendar::create(d, error);
  REQUIRE_MESSAGE(c, error);
  return *c;
}

std::string rejected(const calendar_definition& d) {
  std::string error;
  const auto c = business_calendar::create(d, error);
  CHECK_FALSE(c);
  return error;
}

}  // namespace

TEST_CASE("split shifts: closed over lunch, the deadline skips it") {
  // Mon-Fri 08:00-12:00 and 13:00-17:00 in Berlin; June is CEST (UTC+2).
  const auto cal = make(office("Europe/Berlin", {hrs(8h, 12h), hrs(13h, 17h)}));
  CHECK(cal.weekly_open() == 40h);
  CHECK(cal.open_at(utc(2026, 6, 1, 9, 59)));         // 11:59 local
  CHECK_FALSE(cal.open_at(utc(2026, 6, 1, 10, 0)));   // 12:00 local: the morning shift's close is exclusive
  CHECK_FALSE(cal.open_at(utc(2026, 6, 1, 10, 59)));  // 12:59 local
  CHECK(cal.open_at(utc(2026, 6, 1, 11, 0)));         // 13:00 local
  // 10:00-12:00 and 13:00-15:00 local.
  CHECK(cal.business_between(utc(2026, 6, 1, 8), utc(2026, 6, 1, 13)) == 4h);
  // From 11:00 local: 1 h to noon, then 2 h from 13:00: 15:00 local = 13:00Z.
  CHECK(cal.deadline_after(utc(2026, 6, 1, 9), 3h) == utc(2026, 6, 1, 13));
  CHECK(cal.next_closing(utc(2026, 6, 1, 7)) == utc(2026, 6, 1, 10));       // 09:00 local -> 12:00 local
  CHECK(cal.next_opening(utc(2026, 6, 1, 10, 30)) == utc(2026, 6, 1, 11));  // 12:30 -> 13:00 local
  // At an instant already open (closed), that instant is the next opening (closing).
  CHECK(cal.next_opening(utc(2026, 6, 1, 9)) == utc(2026, 6, 1, 9));
  CHECK(cal.next_closing(utc(2026, 6, 1, 10, 30)) == utc(2026, 6, 1, 10, 30));
}

TEST_CASE("a deadline runs across a weekend") {
  const auto cal = make(office("Europe/Berlin", {hrs(8h, 12h), hrs(13h, 17h)}));
  // Fri 2026-06-05 16:00 local (14:00Z) + 3 h: 1 h on Friday, then Mon 08:00-10:00
  // local: Mon 2026-06-08 10:00 local = 08:00Z.
  CHECK(cal.deadline_after(utc(2026, 6, 5, 14), 3h) == utc(2026, 6, 8, 8));
  CHECK(cal.business_between(utc(2026, 6, 5, 14), utc(2026, 6, 8, 8)) == 3h);
  // Closed all weekend: Saturday noon's next opening is Monday 08:00 local = 06:00Z.
  CHECK_FALSE(cal.open_at(utc(2026, 6, 6, 10)));
  CHECK(cal.next_opening(utc(2026, 6, 6, 10)) == utc(2026, 6, 8, 6));
  CHECK(cal.business_between(utc(2026, 6, 5, 15), utc(2026, 6, 8, 6)) == 0h);
}

TEST_CASE("a full-day holiday is closed") {
  // Mon-Fri 09:00-17:00 in Berlin; December is CET (UTC+1); Fri 2026-12-25 is a holiday.
  auto def = office("Europe/Berlin", {hrs(9h, 17h)});
  def.holidays.push_back(calendar_holiday{year{2026} / 12 / 25, {}});
  const auto cal = make(def);
  CHECK_FALSE(cal.open_at(utc(2026, 12, 25, 11)));  // Fri 12:00 local
  // Thu 2026-12-24 16:00 local (15:00Z) + 2 h: 1 h on Thursday; Friday is the
  // holiday, then the weekend; Mon 2026-12-28 09:00 + 1 h = 10:00 local = 09:00Z.
  // (Without the holiday it would be Fri 10:00 local.)
  CHECK(cal.deadline_after(utc(2026, 12, 24, 15), 2h) == utc(2026, 12, 28, 9));
  CHECK(cal.next_opening(utc(2026, 12, 24, 16)) == utc(2026, 12, 28, 8));
}

TEST_CASE("a partial-day holiday is open only in its own hours") {
  // Thu 2026-12-24 open 09:00-13:00 local only.
  auto def = office("Europe/Berlin", {hrs(9h, 17h)});
  def.holidays.push_back(calendar_holiday{year{2026} / 12 / 24, {hrs(9h, 13h)}});
  const auto cal = make(def);
  CHECK(cal.open_at(utc(2026, 12, 24, 11)));        // 12:00 local
  CHECK_FALSE(cal.open_at(utc(2026, 12, 24, 13)));  // 14:00 local: a normal Thursday is open then
  CHECK(cal.open_at(utc(2026, 12, 17, 13)));        // the Thursday before, 14:00 local
  CHECK(cal.next_closing(utc(2026, 12, 24, 9)) == utc(2026, 12, 24, 12));  // 13:00 local
  // Wed 2026-12-23 16:00 local (15:00Z) + 6 h: 1 h on Wednesday, 4 h on the
  // 24th (09:00-13:00), then Fri 2026-12-25 09:00 + 1 h = 10:00 local = 09:00Z.
  CHECK(cal.deadline_after(utc(2026, 12, 23, 15), 6h) == utc(2026, 12, 25, 9));
  CHECK(cal.business_between(utc(2026, 12, 24, 0), utc(2026, 12, 25, 0)) == 4h);
}

TEST_CASE("spring forward in Europe/Berlin: the whole day is 23 h, 01:00-04:00 is 2 h") {
  // Sun 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z.
  SUBCASE("open only on Sundays, 00:00-24:00") {
    calendar_definition def;
    def.zone = "Europe/Berlin";
    def.week[sun] = {hrs(0h, 24h)};
    const auto cal = make(def);
    // Sunday 00:00 CET = Sat 23:00Z; Monday 00:00 CEST = Sun 22:00Z.
    CHECK(cal.business_between(utc(2026, 3, 28, 12), utc(2026, 3, 30, 12)) == 23h);
    CHECK(cal.next_opening(utc(2026, 3, 28, 12)) == utc(2026, 3, 28, 23));
    CHECK(cal.next_closing(utc(2026, 3, 29, 0)) == utc(2026, 3, 29, 22));
    CHECK(cal.deadline_after(utc(2026, 3, 28, 12), 23h) == utc(2026, 3, 29, 22));  // ends at the close
    // 24 h needs the next Sunday, Apr 5: 00:00 CEST = Apr 4 22:00Z, plus 1 h.
    CHECK(cal.deadline_after(utc(2026, 3, 28, 12), 24h) == utc(2026, 4, 4, 23));
  }
  SUBCASE("open every day 01:00-04:00") {
    const auto cal = make(every_day("Europe/Berlin", {hrs(1h, 4h)}));
    // 01:00 CET = 00:00Z, 04:00 CEST = 02:00Z.
    CHECK(cal.business_between(utc(2026, 3, 28, 22), utc(2026, 3, 29, 22)) == 2h);
    CHECK(cal.next_closing(utc(2026, 3, 29, 0, 30)) == utc(2026, 3, 29, 2));
    CHECK(cal.open_at(utc(2026, 3, 29, 1)));  // 03:00 CEST, just after the skipped hour
    // 2 h that night, then Mon 01:00 CEST = Sun 23:00Z, plus 30 min.
    CHECK(cal.deadline_after(utc(2026, 3, 29, 0), 150min) == utc(2026, 3, 29, 23, 30));
    // The day before (CET): 01:00-04:00 local = 00:00Z-03:00Z, 3 h.
    CHECK(cal.business_between(utc(2026, 3, 27, 23), utc(2026, 3, 28, 23)) == 3h);
  }
  SUBCASE("an opening inside the skipped hour opens at the transition") {
    const auto cal = make(every_day("Europe/Berlin", {hrs(150min, 6h)}));  // 02:30-06:00
    // 02:30 does not exist that night: open from 03:00 CEST = 01:00Z to 06:00 CEST = 04:00Z.
    CHECK(cal.next_opening(utc(2026, 3, 28, 23)) == utc(2026, 3, 29, 1));
    CHECK(cal.business_between(utc(2026, 3, 28, 23), utc(2026, 3, 29, 23)) == 3h);
  }
}

TEST_CASE("fall back in Europe/Berlin: the whole day is 25 h, 01:00-04:00 is 4 h") {
  // Sun 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00Z; 02:00-03:00 local happens twice.
  SUBCASE("open every day 00:00-24:00 but Saturday") {
    auto def = every_day("Europe/Berlin", {hrs(0h, 24h)});
    def.week[5].clear();
    const auto cal = make(def);
    // Sunday 00:00 CEST = Sat 22:00Z; Monday 00:00 CET = Sun 23:00Z.
    CHECK(cal.next_opening(utc(2026, 10, 24, 12)) == utc(2026, 10, 24, 22));
    CHECK(cal.business_between(utc(2026, 10, 24, 12), utc(2026, 10, 25, 23)) == 25h);
    CHECK(cal.deadline_after(utc(2026, 10, 24, 12), 25h) == utc(2026, 10, 25, 23));
    CHECK(cal.open_at(utc(2026, 10, 25, 1, 30)));  // 02:30 CET, the second 02:30
  }
  SUBCASE("open every day 01:00-04:00") {
    const auto cal = make(every_day("Europe/Berlin", {hrs(1h, 4h)}));
    // 01:00 CEST = Sat 23:00Z; 04:00 CET = 03:00Z.
    CHECK(cal.next_opening(utc(2026, 10, 24, 12)) == utc(2026, 10, 24, 23));
    CHECK(cal.next_closing(utc(2026, 10, 24, 23)) == utc(2026, 10, 25, 3));
    CHECK(cal.business_between(utc(2026, 10, 24, 12), utc(2026, 10, 25, 12)) == 4h);
    CHECK(cal.deadline_after(utc(2026, 10, 24, 23), 210min) == utc(2026, 10, 25, 2, 30));
  }
  SUBCASE("a boundary inside the repeated hour is its first occurrence") {
    const auto cal = make(every_day("Europe/Berlin", {hrs(150min, 6h)}));  // 02:30-06:00
    // Opens at the first 02:30 (CEST) = 00:30Z, closes 06:00 CET = 05:00Z: 4.5 h.
    CHECK(cal.next_opening(utc(2026, 10, 24, 12)) == utc(2026, 10, 25, 0, 30));
    CHECK(cal.business_between(utc(2026, 10, 24, 12), utc(2026, 10, 25, 12)) == 270min);
  }
}

TEST_CASE("spring forward in America/New_York: 00:00-24:00 is 23 h, 01:00-04:00 is 2 h") {
  // Sun 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z.
  SUBCASE("open every day 00:00-24:00 but Saturday") {
    auto def = every_day("America/New_York", {hrs(0h, 24h)});
    def.week[5].clear();
    const auto cal = make(def);
    // Sunday 00:00 EST = 05:00Z; Monday 00:00 EDT = 04:00Z.
    CHECK(cal.next_opening(utc(2026, 3, 7, 12)) == utc(2026, 3, 8, 5));
    CHECK(cal.business_between(utc(2026, 3, 7, 12), utc(2026, 3, 9, 4)) == 23h);
    CHECK(cal.deadline_after(utc(2026, 3, 7, 12), 23h) == utc(2026, 3, 9, 4));
    CHECK(cal.deadline_after(utc(2026, 3, 8, 5), 1h) == utc(2026, 3, 8, 6));
  }
  SUBCASE("open every day 01:00-04:00") {
    const auto cal = make(every_day("America/New_York", {hrs(1h, 4h)}));
    // 01:00 EST = 06:00Z; 04:00 EDT = 08:00Z.
    CHECK(cal.next_opening(utc(2026, 3, 8, 0)) == utc(2026, 3, 8, 6));
    CHECK(cal.next_closing(utc(2026, 3, 8, 6)) == utc(2026, 3, 8, 8));
    CHECK(cal.business_between(utc(2026, 3, 8, 0), utc(2026, 3, 8, 20)) == 2h);
    // The next night is EDT: 01:00 = 05:00Z.
    CHECK(cal.deadline_after(utc(2026, 3, 8, 6), 150min) == utc(2026, 3, 9, 5, 30));
  }
}

TEST_CASE("fall back in America/New_York: 00:00-24:00 is 25 h, 01:00-04:00 is 4 h") {
  // Sun 2026-11-01: 02:00 EDT becomes 01:00 EST at 06:00Z; 01:00-02:00 local happens twice.
  SUBCASE("open only on Sundays, 00:00-24:00") {
    calendar_definition def;
    def.zone = "America/New_York";
    def.week[sun] = {hrs(0h, 24h)};
    const auto cal = make(def);
    // Sunday 00:00 EDT = 04:00Z; Monday 00:00 EST = 05:00Z.
    CHECK(cal.business_between(utc(2026, 10, 31, 12), utc(2026, 11, 2, 12)) == 25h);
    CHECK(cal.next_closing(utc(2026, 11, 1, 4)) == utc(2026, 11, 2, 5));
  }
  SUBCASE("open every day 01:00-04:00") {
    const auto cal = make(every_day("America/New_York", {hrs(1h, 4h)}));
    // 01:00 is ambiguous: the first (EDT) = 05:00Z; 04:00 EST = 09:00Z.
    CHECK(cal.next_opening(utc(2026, 11, 1, 0)) == utc(2026, 11, 1, 5));
    CHECK(cal.next_closing(utc(2026, 11, 1, 5)) == utc(2026, 11, 1, 9));
    CHECK(cal.business_between(utc(2026, 11, 1, 0), utc(2026, 11, 1, 20)) == 4h);
    CHECK(cal.open_at(utc(2026, 11, 1, 6, 30)));  // 01:30 EST, the second 01:30
    CHECK(cal.deadline_after(utc(2026, 11, 1, 5), 4h) == utc(2026, 11, 1, 9));
  }
}

TEST_CASE("a deadline that runs out exactly at a close is the close, not the next opening") {
  // Mon-Fri 09:00-17:00 Berlin, June (UTC+2).
  const auto cal = make(office("Europe/Berlin", {hrs(9h, 17h)}));
  const instant monday_open = utc(2026, 6, 1, 7);  // 09:00 local
  const instant deadline = cal.deadline_after(monday_open, 8h);
  CHECK(deadline == utc(2026, 6, 1, 15));  // 17:00 local, the close: the target is used up then
  CHECK(cal.business_between(monday_open, deadline) == 8h);
  CHECK_FALSE(cal.open_at(deadline));
  CHECK(cal.next_opening(deadline) == utc(2026, 6, 2, 7));  // Tue 09:00 local
  // One µs more of business time needs the next opening.
  CHECK(cal.deadline_after(monday_open, 8h + duration{1}) == utc(2026, 6, 2, 7) + duration{1});
  // Closed at `from`: time starts at the next opening (06:00 local -> 09:00 + 1 h).
  CHECK(cal.deadline_after(utc(2026, 6, 1, 4), 1h) == utc(2026, 6, 1, 8));
  // Nothing left to run: the deadline is `from` itself, open or not.
  CHECK(cal.deadline_after(utc(2026, 6, 1, 4), 0h) == utc(2026, 6, 1, 4));
}

TEST_CASE("hours that meet at midnight are one open run") {
  // Night shift: Mon 22:00-24:00 and Tue 00:00-06:00 Berlin, June (UTC+2).
  calendar_definition def;
  def.zone = "Europe/Berlin";
  def.week[mon] = {hrs(22h, 24h)};
  def.week[tue] = {hrs(0h, 6h)};
  const auto cal = make(def);
  // Mon 23:00 local = 21:00Z; the run closes Tue 06:00 local = 04:00Z, not at midnight.
  CHECK(cal.next_closing(utc(2026, 6, 1, 21)) == utc(2026, 6, 2, 4));
  CHECK(cal.open_at(utc(2026, 6, 1, 22)));  // Tue 00:00 local
  // Mon 23:00 + 3 h = Tue 02:00 local = 00:00Z.
  CHECK(cal.deadline_after(utc(2026, 6, 1, 21), 3h) == utc(2026, 6, 2, 0));
  CHECK(cal.business_between(utc(2026, 6, 1, 0), utc(2026, 6, 3, 0)) == 8h);
}

TEST_CASE("business time summed over the running spans around a pause across closed hours and midnight") {
  // Mon-Fri 09:00-17:00 Berlin, June (UTC+2). A 4 h target starts Mon 15:00
  // local, pauses Mon 16:00 local, resumes Tue 10:00 local. The pause spans
  // Mon 16:00-17:00 and Tue 09:00-10:00 of business time, the closed night and
  // midnight; none of it counts.
  const auto cal = make(office("Europe/Berlin", {hrs(9h, 17h)}));
  const instant start = utc(2026, 6, 1, 13);
  const instant pause = utc(2026, 6, 1, 14);
  const instant resume = utc(2026, 6, 2, 8);
  const duration before_pause = cal.business_between(start, pause);
  CHECK(before_pause == 1h);
  // Remaining 3 h from Tue 10:00 local: Tue 13:00 local = 11:00Z.
  const instant deadline = cal.deadline_after(resume, 4h - before_pause);
  CHECK(deadline == utc(2026, 6, 2, 11));
  CHECK(before_pause + cal.business_between(resume, deadline) == 4h);
  // At Tue 11:30 local: 1 h + 1.5 h elapsed, while the unpaused span holds 4.5 h.
  const instant now = utc(2026, 6, 2, 9, 30);
  CHECK(before_pause + cal.business_between(resume, now) == 150min);
  CHECK(cal.business_between(start, now) == 270min);
}

TEST_CASE("open 24/7 never closes, except on a holiday") {
  auto def = every_day("UTC", {hrs(0h, 24h)});
  CHECK(make(def).next_closing(utc(2026, 6, 1, 12)) == instant_max);
  def.holidays.push_back(calendar_holiday{year{2026} / 12 / 25, {hrs(0h, 12h)}});
  const auto cal = make(def);
  CHECK(cal.next_closing(utc(2026, 6, 1, 12)) == utc(2026, 12, 25, 12));
  CHECK(cal.next_opening(utc(2026, 12, 25, 13)) == utc(2026, 12, 26, 0));
  CHECK(cal.business_between(utc(2026, 12, 25, 0), utc(2026, 12, 27, 0)) == 36h);
}

TEST_CASE("a calendar open a minute a week gives up at the horizon instead of looping") {
  calendar_definition def;
  def.zone = "UTC";
  def.week[mon] = {hrs(9h, 9h + 1min)};
  const auto cal = make(def);
  CHECK(cal.deadline_after(utc(2026, 6, 1, 0), 2min) == utc(2026, 6, 8, 9, 1));
  // 365 days of business time would take 525,600 weeks: beyond the horizon.
  CHECK(cal.deadline_after(utc(2026, 6, 1, 0), 365 * 24h) == instant_max);
}

TEST_CASE("results do not depend on where the machine is: UTC hours are UTC") {
  const auto cal = make(office("UTC", {hrs(9h, 17h)}));
  CHECK(cal.next_opening(utc(2026, 6, 1, 0)) == utc(2026, 6, 1, 9));
  CHECK(cal.zone_name() == "UTC");
}

TEST_CASE("create rejects what cannot be a calendar") {
  CHECK(rejected(calendar_definition{"never", "Europe/Berlin", {}, {}}) ==
        "calendar \"never\": is never open: give it some hours in the week");
  auto bad_zone = office("Europe/Berlinn", {hrs(9h, 17h)});
  CHECK(rejected(bad_zone).starts_with("calendar \"office\": unknown time zone \"Europe/Berlinn\""));
  CHECK(rejected(office("UTC", {hrs(9h, 13h), hrs(12h, 17h)})) ==
        "calendar \"office\": mon: hours 12:00-17:00 overlap 09:00-13:00");
  CHECK(rejected(office("UTC", {hrs(17h, 9h)})) ==
        "calendar \"office\": mon: hours 17:00-09:00 must open before they close, within 00:00-24:00");
  auto twice = office("UTC", {hrs(9h, 17h)});
  twice.holidays = {calendar_holiday{year{2026} / 12 / 25, {}}, calendar_holiday{year{2026} / 12 / 25, {}}};
  CHECK(rejected(twice) == "calendar \"office\": holiday 2026-12-25 is given twice");
}

TEST_CASE("touching intervals merge into one") {
  const auto cal = make(office("UTC", {hrs(12h, 13h), hrs(9h, 12h)}));
  CHECK(cal.next_closing(utc(2026, 6, 1, 10)) == utc(2026, 6, 1, 13));
  CHECK(cal.weekly_open() == 20h);
}

TEST_CASE("queries allocate nothing, across DST changes and holidays") {
  auto def = office("Europe/Berlin", {hrs(8h, 12h), hrs(13h, 17h)});
  def.holidays.push_back(calendar_holiday{year{2026} / 12 / 25, {}});
  def.holidays.push_back(calendar_holiday{year{2026} / 12 / 24, {hrs(9h, 13h)}});
  const auto cal = make(def);
  const instant from = utc(2026, 3, 20, 9);
  duration sum{0};
  std::size_t allocations = 0;
  {
    ccpulse::test::allocation_scope counting;
    for (int i = 0; i < 300; ++i) {
      const instant t = from + i * 25h;  // through both DST changes and the holidays
      sum += cal.business_between(t, cal.deadline_after(t, 30h));
      sum += duration{cal.open_at(t) ? 1 : 0};
      sum += cal.next_closing(t) - cal.next_opening(t);
    }
    allocations = counting.count();
  }
  CHECK(allocations == 0);
  CHECK(sum != duration{0});  // the results were used
}
