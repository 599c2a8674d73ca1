#include "metrics/sliding_window.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "metrics/calendar_window.h"
#include "metrics/kpi_parts.h"
#include "support/allocation_counter.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::duration;
using ccpulse::instant;
using ccpulse::metrics::add_result;
using ccpulse::metrics::restore_result;
using ccpulse::metrics::sliding_window;

struct tally {
  std::uint64_t n = 0;
  tally& operator+=(const tally& o) {
    n += o.n;
    return *this;
  }
};
using window = sliding_window<tally>;

// 2027-01-15 08:00:00 UTC: a multiple of 10 s and of 1 min.
const instant t0 = instant{std::chrono::seconds(1'800'000'000)};

auto one = [](tally& b) { ++b.n; };

std::uint64_t sum(const window& w, duration len) {
  tally t;
  REQUIRE(w.sum_into(len, t));
  return t.n;
}

}  // namespace

TEST_CASE(
    "sliding window: an event belongs to the epoch-aligned bucket of its time, and the boundary opens the "
    "next") {
  window w(10s, 6);  // 1 min of 10 s buckets
  CHECK_FALSE(w.head());
  CHECK(sum(w, 60s) == 0);
  CHECK(w.add(t0, one) == add_result::applied);
  CHECK(w.add(t0 + 9'999'999us, one) == add_result::applied);  // last µs of [t0, t0+10s)
  CHECK(*w.head() == t0);
  CHECK(sum(w, 10s) == 2);
  CHECK(w.add(t0 + 10s, one) == add_result::applied);  // first µs of the next bucket
  CHECK(*w.head() == t0 + 10s);
  CHECK(sum(w, 10s) == 1);  // the head bucket only
  CHECK(sum(w, 20s) == 3);
  CHECK(*w.oldest_live() == t0 + 10s - 50s);
  CHECK(w.span() == 60s);
}

TEST_CASE("sliding window: a window length must be a positive multiple of the bucket within the ring") {
  window w(10s, 6);
  tally t;
  CHECK_FALSE(w.sum_into(15s, t));
  CHECK_FALSE(w.sum_into(0s, t));
  CHECK_FALSE(w.sum_into(-10s, t));
  CHECK_FALSE(w.sum_into(70s, t));
  CHECK(w.buckets_for(60s) == 6u);
  CHECK(w.buckets_for(30s) == 3u);
  CHECK_FALSE(w.buckets_for(61s));
}

TEST_CASE("sliding window: 15 min and 1 h from one ring of 360 ten-second buckets") {
  window w(10s, 360);
  // One event per 10 s for 2 h: 720 events, one per bucket.
  for (int i = 0; i < 720; ++i) REQUIRE(w.add(t0 + i * 10s, one) == add_result::applied);
  CHECK(sum(w, 15min) == 90);
  CHECK(sum(w, 1h) == 360);
  // Three more in the head bucket.
  for (int i = 0; i < 3; ++i) w.add(t0 + 719 * 10s + 5s, one);
  CHECK(sum(w, 15min) == 93);
  CHECK(sum(w, 10s) == 4);
}

TEST_CASE(
    "sliding window: advancing rolls buckets out exactly, and events older than the oldest live bucket are "
    "late") {
  window w(10s, 6);
  for (int i = 0; i < 6; ++i)
    w.add(t0 + i * 10s, [&](tally& b) { b.n += static_cast<std::uint64_t>(i + 1); });
  // Buckets t0..t0+50s hold 1..6.
  CHECK(sum(w, 60s) == 21);
  w.advance(t0 + 60s);  // t0's bucket (1) rolls out
  CHECK(*w.oldest_live() == t0 + 10s);
  CHECK(sum(w, 60s) == 20);
  CHECK(sum(w, 10s) == 0);  // the new head is empty
  w.advance(t0 + 85s);      // two more: t0+10s (2) and t0+20s (3) out
  CHECK(*w.head() == t0 + 80s);
  CHECK(sum(w, 60s) == 15);

  // Late: t0+20s is now older than the oldest live bucket (t0+30s).
  CHECK(w.add(t0 + 29s, one) == add_result::late);
  CHECK(sum(w, 60s) == 15);                            // not applied anywhere
  CHECK(w.add(t0 + 30s, one) == add_result::applied);  // the oldest live bucket
  CHECK(sum(w, 60s) == 16);

  // The watermark going backwards changes nothing.
  w.advance(t0);
  CHECK(*w.head() == t0 + 80s);
  CHECK(sum(w, 60s) == 16);
}

TEST_CASE("sliding window: an event ahead of the head moves it, like advance") {
  window w(10s, 6);
  w.add(t0, one);
  w.add(t0 + 30s, one);
  CHECK(w.add(t0 + 70s, one) == add_result::applied);  // t0 and t0+10s roll out
  CHECK(*w.head() == t0 + 70s);
  CHECK(sum(w, 60s) == 2);
  CHECK(w.add(t0 + 15s, one) == add_result::late);
}

TEST_CASE(
    "sliding window: a jump of the whole ring or more clears every bucket, and one bucket less keeps one") {
  SUBCASE("jump of ring size - 1 keeps the old head bucket") {
    window w(10s, 6);
    w.add(t0, one);
    w.advance(t0 + 50s);
    CHECK(sum(w, 60s) == 1);
  }
  SUBCASE("jump of exactly the ring") {
    window w(10s, 6);
    w.add(t0, one);
    w.advance(t0 + 60s);
    CHECK(sum(w, 60s) == 0);
  }
  SUBCASE("jump of a day") {
    window w(10s, 6);
    for (int i = 0; i < 6; ++i) w.add(t0 + i * 10s, one);
    w.advance(t0 + 24h + 3s);
    CHECK(*w.head() == t0 + 24h);
    CHECK(*w.oldest_live() == t0 + 24h - 50s);
    CHECK(sum(w, 60s) == 0);
    CHECK(w.add(t0 + 50s, one) == add_result::late);
    CHECK(w.add(t0 + 24h - 50s, one) == add_result::applied);
    CHECK(sum(w, 60s) == 1);
  }
}

TEST_CASE("sliding window: instants before the epoch get floor-aligned buckets") {
  CHECK(ccpulse::metrics::bucket_number(instant{-1us}, 10s) == -1);
  CHECK(ccpulse::metrics::bucket_number(instant{-10s}, 10s) == -1);
  CHECK(ccpulse::metrics::bucket_number(instant{-10s - 1us}, 10s) == -2);
  CHECK(ccpulse::metrics::bucket_number(instant{0us}, 10s) == 0);
  window w(10s, 6);
  w.add(instant{-1us}, one);
  w.add(instant{0us}, one);
  CHECK(*w.head() == instant{0us});
  CHECK(sum(w, 20s) == 2);
  CHECK(sum(w, 10s) == 1);
}

TEST_CASE("sliding window: export and restore by bucket start rebuild the same window") {
  window w(10s, 6);
  for (int i = 0; i < 9; ++i) w.add(t0 + i * 10s, [&](tally& b) { b.n += static_cast<std::uint64_t>(i); });
  std::vector<std::pair<instant, std::uint64_t>> exported;
  w.for_each_live([&](instant start, const tally& b) { exported.emplace_back(start, b.n); });
  REQUIRE(exported.size() == 6);
  CHECK(exported.front() == std::pair{t0 + 30s, std::uint64_t{3}});
  CHECK(exported.back() == std::pair{t0 + 80s, std::uint64_t{8}});

  window back(10s, 6);
  CHECK(back.restore_bucket(t0 + 30s, tally{3}) == restore_result::no_position);
  back.restore_head(*w.head());
  for (const auto& [start, n] : exported) REQUIRE(back.restore_bucket(start, tally{n}) == restore_result::ok);
  CHECK(*back.head() == *w.head());
  for (auto len : {10s, 30s, 60s}) CHECK(sum(back, len) == sum(w, len));
  CHECK(back.add(t0 + 29s, one) == add_result::late);  // the same live range

  CHECK(back.restore_bucket(t0 + 35s, tally{1}) == restore_result::misaligned);
  CHECK(back.restore_bucket(t0 + 90s, tally{1}) == restore_result::not_live);
  CHECK(back.restore_bucket(t0 + 20s, tally{1}) == restore_result::not_live);

  // Into a smaller ring: what fits is kept, the rest is refused.
  window small(10s, 3);
  small.restore_head(*w.head());
  std::size_t kept = 0;
  for (const auto& [start, n] : exported) kept += small.restore_bucket(start, tally{n}) == restore_result::ok;
  CHECK(kept == 3);
  CHECK(sum(small, 30s) == 6 + 7 + 8);
}

TEST_CASE("warmed windows and calendar buckets apply events and roll over without allocating") {
  using namespace ccpulse::metrics;
  std::string error;
  auto cal = calendar_intervals::create("Europe/Berlin", error);
  REQUIRE(cal);
  sliding_window<kpi_counters> counters(10s, 360);
  sliding_window<kpi_histograms> hists(5min, 12);
  calendar_window<kpi_parts> intervals(*cal);
  kpi_counters sum_counters;
  kpi_histograms sum_hists;

  auto apply = [&](instant t, duration wait) {
    counters.add(t, [&](kpi_counters& c) {
      ++c.answered;
      c.answered_wait_sum += wait;
    });
    hists.add(t, [&](kpi_histograms& h) { h.wait.record(wait); });
    intervals.add(t, [&](kpi_parts& p) {
      ++p.counts.answered;
      p.hist.wait.record(wait);
    });
  };
  // Warm-up: an hour, so every ring slot and calendar bucket has been used.
  instant t = t0;
  for (int i = 0; i < 3600; ++i, t += 1s) apply(t, duration{i * 1000});

  std::size_t allocations = 0;
  {
    ccpulse::test::allocation_scope counting;
    // Two hours across a local midnight (t0 is 09:00 in Berlin; start at
    // 23:00 local) with roll-overs, late events and window queries.
    t = t0 + 14h;
    for (int i = 0; i < 7200; ++i, t += 1s) {
      apply(t, duration{(i % 600) * 100'000});
      if (i % 100 == 0) apply(t - 2h, 1s);  // late for the windows
      if (i % 500 == 0) {
        counters.advance(t);
        hists.advance(t);
        counters.sum_into(15min, sum_counters);
        hists.sum_into(15min, sum_hists);
      }
    }
    allocations = counting.count();
  }
  CHECK(allocations == 0);
  CHECK(sum_counters.answered > 0);
  CHECK(sum_hists.wait.count() > 0);
  CHECK(intervals.today().counts.answered > 0);
}
