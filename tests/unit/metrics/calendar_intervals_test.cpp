#include "metrics/calendar_intervals.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <tuple>

#include "metrics/calendar_window.h"

namespace {

using namespace std::chrono_literals;
using namespace std::chrono;
using ccpulse::duration;
using ccpulse::instant;
using ccpulse::metrics::calendar_intervals;
using ccpulse::metrics::calendar_period;
using ccpulse::metrics::calendar_window;

// UTC civil time.
instant utc(int y, unsigned mo, unsigned d, int h, int mi, int s = 0) {
  return instant{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} + seconds{s};
}
local_seconds local(int y, unsigned mo, unsigned d, int h, int mi) {
  return local_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}

calendar_intervals zone(const char* name) {
  std::string error;
  auto c = calendar_intervals::create(name, error);
  REQUIRE_MESSAGE(c, error);
  return *c;
}

// Intervals from start to end, checking they tile it without gap or overlap.
int count_intervals(const calendar_intervals& cal, instant start, instant end) {
  int n = 0;
  for (instant t = start; t < end; ++n) {
    const auto p = cal.interval_of(t);
    REQUIRE(p.start == t);
    REQUIRE(p.end > p.start);
    REQUIRE(p.length() <= 15min);
    t = p.end;
  }
  return n;
}

struct tally {
  std::uint64_t n = 0;
};
auto one = [](tally& b) { ++b.n; };

}  // namespace

TEST_CASE("calendar: an unknown zone or an interval that does not divide the day is an error, not a throw") {
  std::string error;
  CHECK_FALSE(calendar_intervals::create("Europe/Atlantis", error));
  CHECK(error.find("Europe/Atlantis") != std::string::npos);
  error.clear();
  CHECK_FALSE(calendar_intervals::create("UTC", error, 7min));
  CHECK(error.find("7 min") != std::string::npos);
  CHECK_FALSE(calendar_intervals::create("UTC", error, 0min));
  CHECK(calendar_intervals::create("UTC", error, 30min));
  CHECK(zone("Europe/Berlin").zone_name() == "Europe/Berlin");
}

TEST_CASE("calendar: a summer morning in Berlin, keyed by its local start") {
  const auto cal = zone("Europe/Berlin");
  // 10:07:30 CEST = 08:07:30 UTC.
  const auto p = cal.interval_of(utc(2026, 6, 15, 8, 7, 30));
  CHECK(p.start == utc(2026, 6, 15, 8, 0));
  CHECK(p.end == utc(2026, 6, 15, 8, 15));
  CHECK(p.local_start == local(2026, 6, 15, 10, 0));
  CHECK(p.utc_offset == 2h);
  // The boundary belongs to the next interval.
  CHECK(cal.interval_of(utc(2026, 6, 15, 8, 15)).local_start == local(2026, 6, 15, 10, 15));
  CHECK(cal.interval_of(utc(2026, 6, 15, 8, 15) - 1us).local_start == local(2026, 6, 15, 10, 0));
  const auto d = cal.day_of(utc(2026, 6, 15, 8, 7, 30));
  CHECK(d.start == utc(2026, 6, 14, 22, 0));
  CHECK(d.end == utc(2026, 6, 15, 22, 0));
  CHECK(d.local_start == local(2026, 6, 15, 0, 0));
  CHECK(count_intervals(cal, d.start, d.end) == 96);
}

TEST_CASE("calendar: midnight in the site zone, not in UTC, starts the day") {
  const auto cal = zone("Europe/Berlin");
  // 2026-01-15 23:59:59 CET = 22:59:59 UTC; midnight CET = 23:00 UTC.
  const auto before = cal.day_of(utc(2026, 1, 15, 22, 59, 59));
  const auto after = cal.day_of(utc(2026, 1, 15, 23, 0));
  CHECK(before.local_start == local(2026, 1, 15, 0, 0));
  CHECK(before.end == utc(2026, 1, 15, 23, 0));
  CHECK(after.local_start == local(2026, 1, 16, 0, 0));
  CHECK(after.start == utc(2026, 1, 15, 23, 0));
  CHECK(cal.interval_of(utc(2026, 1, 15, 22, 59, 59)).local_start == local(2026, 1, 15, 23, 45));
  CHECK(cal.interval_of(utc(2026, 1, 15, 23, 0)).local_start == local(2026, 1, 16, 0, 0));
  // UTC's own midnight is 01:00 in Berlin: an ordinary interval boundary.
  CHECK(cal.day_of(utc(2026, 1, 16, 0, 0)).local_start == local(2026, 1, 16, 0, 0));
}

TEST_CASE("calendar: DST forward in Berlin (2026-03-29): 02:00-03:00 does not exist, the day has 23 h") {
  const auto cal = zone("Europe/Berlin");
  // 01:59:59 CET = 00:59:59 UTC; the next second is 03:00:00 CEST.
  const auto last_cet = cal.interval_of(utc(2026, 3, 29, 0, 59, 59));
  CHECK(last_cet.local_start == local(2026, 3, 29, 1, 45));
  CHECK(last_cet.utc_offset == 1h);
  CHECK(last_cet.end == utc(2026, 3, 29, 1, 0));
  const auto first_cest = cal.interval_of(utc(2026, 3, 29, 1, 0));
  CHECK(first_cest.start == utc(2026, 3, 29, 1, 0));
  CHECK(first_cest.local_start == local(2026, 3, 29, 3, 0));
  CHECK(first_cest.utc_offset == 2h);
  const auto d = cal.day_of(utc(2026, 3, 29, 12, 0));
  CHECK(d.start == utc(2026, 3, 28, 23, 0));
  CHECK(d.end == utc(2026, 3, 29, 22, 0));
  CHECK(d.length() == 23h);
  CHECK(count_intervals(cal, d.start, d.end) == 92);
}

TEST_CASE(
    "calendar: DST back in Berlin (2026-10-25): 02:00-03:00 happens twice, told apart by offset, and the day "
    "has 25 h") {
  const auto cal = zone("Europe/Berlin");
  const auto first = cal.interval_of(utc(2026, 10, 25, 0, 30));   // 02:30 CEST
  const auto second = cal.interval_of(utc(2026, 10, 25, 1, 30));  // 02:30 CET
  CHECK(first.local_start == local(2026, 10, 25, 2, 30));
  CHECK(second.local_start == local(2026, 10, 25, 2, 30));
  CHECK(first.utc_offset == 2h);
  CHECK(second.utc_offset == 1h);
  CHECK(first.start == utc(2026, 10, 25, 0, 30));
  CHECK(second.start == utc(2026, 10, 25, 1, 30));
  CHECK_FALSE(first == second);
  // The last CEST interval ends at the transition; the first CET one starts there.
  CHECK(cal.interval_of(utc(2026, 10, 25, 0, 59, 59)).end == utc(2026, 10, 25, 1, 0));
  CHECK(cal.interval_of(utc(2026, 10, 25, 1, 0)).local_start == local(2026, 10, 25, 2, 0));
  const auto d = cal.day_of(utc(2026, 10, 25, 1, 30));
  CHECK(d.start == utc(2026, 10, 24, 22, 0));
  CHECK(d.end == utc(2026, 10, 25, 23, 0));
  CHECK(d.length() == 25h);
  CHECK(count_intervals(cal, d.start, d.end) == 100);
}

TEST_CASE("calendar: both DST changes in New York (2026-03-08 and 2026-11-01)") {
  const auto cal = zone("America/New_York");
  // Forward: 01:59:59 EST = 06:59:59 UTC, then 03:00 EDT.
  CHECK(cal.interval_of(utc(2026, 3, 8, 6, 59, 59)).local_start == local(2026, 3, 8, 1, 45));
  CHECK(cal.interval_of(utc(2026, 3, 8, 7, 0)).local_start == local(2026, 3, 8, 3, 0));
  const auto spring = cal.day_of(utc(2026, 3, 8, 15, 0));
  CHECK(spring.start == utc(2026, 3, 8, 5, 0));
  CHECK(spring.end == utc(2026, 3, 9, 4, 0));
  CHECK(spring.length() == 23h);
  // Back: 01:30 EDT = 05:30 UTC and 01:30 EST = 06:30 UTC.
  const auto edt = cal.interval_of(utc(2026, 11, 1, 5, 30));
  const auto est = cal.interval_of(utc(2026, 11, 1, 6, 30));
  CHECK(edt.local_start == local(2026, 11, 1, 1, 30));
  CHECK(est.local_start == local(2026, 11, 1, 1, 30));
  CHECK(edt.utc_offset == -4h);
  CHECK(est.utc_offset == -5h);
  const auto fall = cal.day_of(utc(2026, 11, 1, 15, 0));
  CHECK(fall.start == utc(2026, 11, 1, 4, 0));
  CHECK(fall.end == utc(2026, 11, 2, 5, 0));
  CHECK(fall.length() == 25h);
  CHECK(count_intervals(cal, fall.start, fall.end) == 100);
}

TEST_CASE("calendar: quarter hours follow the local clock in a +05:45 zone") {
  const auto cal = zone("Asia/Kathmandu");
  // 00:00 UTC = 05:45 local: a local quarter-hour boundary.
  const auto p = cal.interval_of(utc(2026, 6, 15, 0, 5));
  CHECK(p.start == utc(2026, 6, 15, 0, 0));
  CHECK(p.local_start == local(2026, 6, 15, 5, 45));
  CHECK(cal.day_of(utc(2026, 6, 15, 0, 5)).start == utc(2026, 6, 14, 18, 15));
}

TEST_CASE("calendar: a day whose midnight does not exist starts at the transition (Sao Paulo 2018-11-04)") {
  const auto cal = zone("America/Sao_Paulo");
  // 23:59:59 -03 on Nov 3 is 02:59:59 UTC; the next second is 01:00 -02.
  const auto d = cal.day_of(utc(2018, 11, 4, 12, 0));
  CHECK(d.start == utc(2018, 11, 4, 3, 0));
  CHECK(d.end == utc(2018, 11, 5, 2, 0));
  CHECK(d.length() == 23h);
  CHECK(d.local_start == local(2018, 11, 4, 0, 0));
  CHECK(cal.day_of(utc(2018, 11, 4, 2, 59, 59)).local_start == local(2018, 11, 3, 0, 0));
  CHECK(cal.interval_of(utc(2018, 11, 4, 3, 0)).local_start == local(2018, 11, 4, 1, 0));
  CHECK(count_intervals(cal, d.start, d.end) == 92);
}

TEST_CASE(
    "calendar: a transition off the quarter hour cuts the interval (Berlin 1893, LMT +00:53:28 to CET)") {
  const auto cal = zone("Europe/Berlin");
  // 23:59:59 LMT = 1893-03-31 23:06:31 UTC; the next second is 00:06:32 CET.
  const auto lmt = cal.interval_of(utc(1893, 3, 31, 23, 0));
  CHECK(lmt.utc_offset == 3208s);
  CHECK(lmt.local_start == local(1893, 3, 31, 23, 45));
  CHECK(lmt.start == utc(1893, 3, 31, 22, 51, 32));
  CHECK(lmt.end == utc(1893, 3, 31, 23, 6, 32));
  // Nominally 00:00-00:15 CET = 23:00-23:15 UTC, cut at the transition.
  const auto cet = cal.interval_of(utc(1893, 3, 31, 23, 10));
  CHECK(cet.start == utc(1893, 3, 31, 23, 6, 32));
  CHECK(cet.end == utc(1893, 3, 31, 23, 15));
  CHECK(cet.utc_offset == 1h);
  CHECK(cet.local_start == local(1893, 4, 1, 0, 6) + 32s);
  CHECK(count_intervals(cal, lmt.start, utc(1893, 3, 31, 23, 30)) == 3);
  CHECK(cal.day_of(utc(1893, 4, 1, 12, 0)).start == utc(1893, 3, 31, 23, 6, 32));
}

TEST_CASE("calendar window: rolls current to previous at the interval boundary and today at local midnight") {
  calendar_window<tally> w(zone("Europe/Berlin"));
  CHECK_FALSE(w.started());
  // 23:50 CET on 2026-01-15 = 22:50 UTC.
  auto r = w.add(utc(2026, 1, 15, 22, 50), one);
  CHECK(r.interval);
  CHECK(r.day);
  CHECK(w.current_period().local_start == local(2026, 1, 15, 23, 45));
  CHECK(w.previous_period().local_start == local(2026, 1, 15, 23, 30));
  CHECK(w.current().n == 1);
  CHECK(w.today().n == 1);
  // 00:05 CET: the next interval and the next day.
  r = w.add(utc(2026, 1, 15, 23, 5), one);
  CHECK(r.interval);
  CHECK(r.day);
  CHECK(w.current_period().local_start == local(2026, 1, 16, 0, 0));
  CHECK(w.previous_period().local_start == local(2026, 1, 15, 23, 45));
  CHECK(w.previous().n == 1);  // the 23:50 event moved with its interval
  CHECK(w.current().n == 1);
  CHECK(w.today_period().local_start == local(2026, 1, 16, 0, 0));
  CHECK(w.today().n == 1);
  // 23:55 yesterday, seen after midnight: previous interval, not today.
  r = w.add(utc(2026, 1, 15, 22, 55), one);
  CHECK(r.interval);
  CHECK_FALSE(r.day);
  CHECK_FALSE(r.late());
  CHECK(w.previous().n == 2);
  CHECK(w.today().n == 1);
  // 23:40 yesterday: neither interval nor today: late.
  r = w.add(utc(2026, 1, 15, 22, 40), one);
  CHECK(r.late());
  CHECK(w.previous().n == 2);
}

TEST_CASE("calendar window: an event earlier today but before the previous interval fills today only") {
  calendar_window<tally> w(zone("Europe/Berlin"));
  w.add(utc(2026, 6, 15, 8, 0), one);           // 10:00 CEST
  auto r = w.add(utc(2026, 6, 15, 6, 0), one);  // 08:00 CEST
  CHECK_FALSE(r.interval);
  CHECK(r.day);
  CHECK(w.today().n == 2);
  CHECK(w.current().n == 1);
}

TEST_CASE("calendar window: a jump over several intervals leaves previous empty") {
  calendar_window<tally> w(zone("Europe/Berlin"));
  w.add(utc(2026, 6, 15, 8, 0), one);
  w.advance(utc(2026, 6, 15, 9, 1));  // 11:01 CEST
  CHECK(w.current_period().local_start == local(2026, 6, 15, 11, 0));
  CHECK(w.previous_period().local_start == local(2026, 6, 15, 10, 45));
  CHECK(w.previous().n == 0);
  CHECK(w.current().n == 0);
  CHECK(w.today().n == 1);
  w.advance(utc(2026, 6, 15, 8, 0));  // backwards: nothing
  CHECK(w.current_period().local_start == local(2026, 6, 15, 11, 0));
}

TEST_CASE("calendar window: rolls across both Berlin DST changes interval by interval") {
  for (auto [from, to, intervals] : {std::tuple{utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 22, 0), 92},
                                     std::tuple{utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 23, 0), 100}}) {
    calendar_window<tally> w(zone("Europe/Berlin"));
    int rolls = 0;
    calendar_period last{};
    for (instant t = from; t < to; t += 1min) {
      w.add(t, one);
      if (!(w.current_period() == last)) {
        ++rolls;
        if (rolls > 1) CHECK(w.previous_period() == last);
        last = w.current_period();
      }
    }
    CHECK(rolls == intervals);
    CHECK(w.today().n == static_cast<std::uint64_t>((to - from) / 1min));
    CHECK(w.today_period().start == from);
    CHECK(w.current().n == 15);
    CHECK(w.previous().n == 15);
  }
}

TEST_CASE("calendar window: restore from the current interval's start and its three buckets") {
  calendar_window<tally> w(zone("Europe/Berlin"));
  w.add(utc(2026, 10, 25, 1, 20), one);  // 02:20 CET, second pass
  w.add(utc(2026, 10, 25, 1, 35), one);  // 02:35 CET
  calendar_window<tally> back(zone("Europe/Berlin"));
  CHECK_FALSE(back.restore(utc(2026, 10, 25, 1, 31), tally{1}, tally{1}, tally{2}));  // not a start
  CHECK_FALSE(back.started());
  REQUIRE(back.restore(w.current_period().start, w.current(), w.previous(), w.today()));
  CHECK(back.current_period() == w.current_period());
  CHECK(back.previous_period() == w.previous_period());
  CHECK(back.today_period() == w.today_period());
  CHECK(back.current_period().utc_offset == 1h);
  CHECK(back.previous().n == 1);
  CHECK(back.today().n == 2);
}

TEST_CASE("calendar: the first UTC offset that epoch-aligned buckets of a width cannot tile") {
  const instant from = utc(2000, 1, 1, 0, 0);
  const instant to = utc(2100, 1, 1, 0, 0);
  // Every offset of Berlin is whole hours; Kathmandu is +05:45 throughout.
  CHECK_FALSE(zone("Europe/Berlin").first_offset_not_multiple_of(1h, from, to));
  CHECK_FALSE(zone("Asia/Kathmandu").first_offset_not_multiple_of(15min, from, to));
  const auto kathmandu = zone("Asia/Kathmandu").first_offset_not_multiple_of(30min, from, to);
  REQUIRE(kathmandu);
  CHECK(kathmandu->offset == 5h + 45min);
  CHECK(kathmandu->since == from);  // already in effect at the start of the range
  // Pyongyang was +09:00 until its midnight of 2015-08-15, then +08:30.
  const auto pyongyang = zone("Asia/Pyongyang").first_offset_not_multiple_of(1h, from, to);
  REQUIRE(pyongyang);
  CHECK(pyongyang->offset == 8h + 30min);
  CHECK(pyongyang->since == utc(2015, 8, 14, 15, 0));
  // Not inside a range that ends before the change.
  CHECK_FALSE(zone("Asia/Pyongyang").first_offset_not_multiple_of(1h, from, utc(2015, 8, 1, 0, 0)));
}
