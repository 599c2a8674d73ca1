#include "metrics/log_linear_histogram.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ccpulse::duration;
using ccpulse::metrics::histogram_import_error;
using ccpulse::metrics::log_linear_histogram;
using ccpulse::metrics::log_linear_layout;
using ccpulse::metrics::wide_log_linear_histogram;
using L = log_linear_layout;

std::vector<std::pair<std::uint16_t, std::uint64_t>> sparse(const log_linear_histogram& h) {
  std::vector<std::pair<std::uint16_t, std::uint64_t>> out;
  h.for_each_bucket([&](std::uint16_t i, std::uint64_t n) { out.emplace_back(i, n); });
  return out;
}

// The rank definition quantile() promises: value at rank max(1, ceil(q·n)).
std::int64_t exact_quantile(const std::vector<std::int64_t>& sorted, double q) {
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

// The stated error: v/64 inside the range, 512 µs below it.
bool within_stated_error(std::int64_t got, std::int64_t truth) {
  const auto err = static_cast<double>(std::llabs(got - truth));
  if (truth < L::kLowest) return err <= static_cast<double>(L::kLowest / 2);
  return err <= L::kRelativeError * static_cast<double>(truth);
}

}  // namespace

TEST_CASE(
    "log-linear layout: buckets tile zero to infinity and each is at most 1/32 of its lower bound wide") {
  CHECK(L::kBucketCount == 1026);
  CHECK(L::kRelativeError == doctest::Approx(1.0 / 64));
  for (std::size_t i = 0; i + 1 < L::kBucketCount; ++i) {
    INFO("bucket ", i);
    REQUIRE(L::upper_bound(i) == L::lower_bound(i + 1));
    REQUIRE(L::index_of(L::lower_bound(i)) == i);
    REQUIRE(L::index_of(L::upper_bound(i) - 1) == i);
    if (i >= 1) {
      const auto w = L::upper_bound(i) - L::lower_bound(i);
      REQUIRE(w * 32 <= L::lower_bound(i));
      REQUIRE(L::representative(i) == L::lower_bound(i) + w / 2);
    }
  }
  CHECK(L::index_of(-5) == L::kUnderflow);
  CHECK(L::index_of(0) == L::kUnderflow);
  CHECK(L::index_of(INT64_MAX) == L::kOverflow);
  // Hand-computed: 5000 µs has bit width 13 (octave 2^12), sub-bucket
  // (5000 >> 7) - 32 = 7, so index 1 + 2·32 + 7 = 72, covering [4992, 5120).
  CHECK(L::index_of(5000) == 72);
  CHECK(L::lower_bound(72) == 4992);
  CHECK(L::upper_bound(72) == 5120);
  CHECK(L::representative(72) == 5056);
  // 30 days is inside the range (2^42 µs ≈ 50.9 days).
  CHECK(L::index_of(std::chrono::duration_cast<duration>(std::chrono::hours(24 * 30)).count()) <
        L::kOverflow);
}

TEST_CASE("histogram: count, sum, min, max and hand-computed quantiles") {
  log_linear_histogram h;
  CHECK(h.empty());
  CHECK_FALSE(h.quantile(0.5));
  CHECK_FALSE(h.min());
  CHECK_FALSE(h.mean_seconds());

  h.record(1000us);   // underflow bucket
  h.record(5000us);   // bucket 72: [4992, 5120), midpoint 5056
  h.record(10000us);  // bucket [9984, 10240), midpoint 10112 > max
  CHECK(h.count() == 3);
  CHECK(h.sum() == 16000us);
  CHECK(*h.min() == 1000us);
  CHECK(*h.max() == 10000us);
  CHECK(*h.mean_seconds() == doctest::Approx(16000.0 / 3 / 1e6));
  // Rank ceil(q·3): q=0 -> rank 1 (underflow, midpoint 512 clamped up to min).
  CHECK(*h.quantile(0.0) == 1000us);
  CHECK(*h.quantile(1.0 / 3) == 1000us);
  CHECK(*h.quantile(0.34) == 5056us);  // rank 2
  CHECK(*h.quantile(0.5) == 5056us);
  CHECK(*h.quantile(2.0 / 3) == 5056us);
  CHECK(*h.quantile(0.9) == 10000us);  // rank 3: 10112 clamped down to max
  CHECK(*h.quantile(1.0) == 10000us);
  CHECK(*h.quantile(7.0) == 10000us);  // q clamped to [0, 1]
  CHECK(*h.quantile(-1.0) == 1000us);
  CHECK_FALSE(h.quantile(std::nan("")));
}

TEST_CASE("histogram: equal values are reported exactly, zero waits included") {
  log_linear_histogram zeros;
  for (int i = 0; i < 100; ++i) zeros.record(0us);
  CHECK(*zeros.quantile(0.5) == 0us);
  CHECK(*zeros.quantile(0.99) == 0us);
  log_linear_histogram same;
  for (int i = 0; i < 10; ++i) same.record(37s);
  CHECK(*same.quantile(0.01) == 37s);
  CHECK(*same.quantile(0.99) == 37s);
}

TEST_CASE("histogram: negative durations count as 0, and beyond the range quantile reports max") {
  log_linear_histogram h;
  h.record(-3s);
  CHECK(h.count() == 1);
  CHECK(h.sum() == 0us);
  CHECK(*h.min() == 0us);
  CHECK(h.bucket(L::kUnderflow) == 1);

  log_linear_histogram big;
  const duration sixty_days = std::chrono::hours(24 * 60);
  big.record(sixty_days);
  big.record(sixty_days + 1s);
  CHECK(big.bucket(L::kOverflow) == 2);
  CHECK(*big.quantile(0.5) == sixty_days + 1s);  // max: no bound out there
}

TEST_CASE(
    "histogram: quantiles are within the stated error of the exact sorted data (seeded property test)") {
  std::mt19937_64 rng(20261201);
  // Draws in µs; every family a contact center produces and some it should not.
  struct family {
    const char* name;
    std::int64_t (*draw)(std::mt19937_64&);
  };
  const family families[] = {
      {"uniform 0..10 min",
       [](std::mt19937_64& r) { return std::uniform_int_distribution<std::int64_t>(0, 600'000'000)(r); }},
      {"exponential mean 30 s (waits)",
       [](std::mt19937_64& r) {
         return static_cast<std::int64_t>(std::exponential_distribution<double>(1.0 / 30e6)(r));
       }},
      {"lognormal around 6 min (handle times)",
       [](std::mt19937_64& r) {
         return static_cast<std::int64_t>(std::lognormal_distribution<double>(std::log(360e6), 0.6)(r));
       }},
      {"lognormal around 1 day, wide (resolution)",
       [](std::mt19937_64& r) {
         return std::min<std::int64_t>(
             static_cast<std::int64_t>(std::lognormal_distribution<double>(std::log(86400e6), 1.5)(r)),
             L::kHighest - 1);
       }},
      {"bimodal: instant chats and 20 min emails",
       [](std::mt19937_64& r) {
         return std::bernoulli_distribution(0.7)(r)
                    ? std::uniform_int_distribution<std::int64_t>(0, 3000)(r)
                    : std::uniform_int_distribution<std::int64_t>(1'100'000'000, 1'300'000'000)(r);
       }},
      {"pareto heavy tail",
       [](std::mt19937_64& r) {
         const double u = std::uniform_real_distribution<double>(1e-9, 1.0)(r);
         return std::min<std::int64_t>(static_cast<std::int64_t>(2e6 / std::pow(u, 1.0 / 1.1)),
                                       L::kHighest - 1);
       }},
      {"sub-millisecond only",
       [](std::mt19937_64& r) { return std::uniform_int_distribution<std::int64_t>(0, 1023)(r); }},
      {"few distinct values",
       [](std::mt19937_64& r) {
         return std::int64_t{1'000'000} * std::uniform_int_distribution<std::int64_t>(1, 4)(r);
       }},
  };
  const double qs[] = {0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1};
  std::size_t checks = 0;
  for (const auto& f : families) {
    for (std::size_t n : {1u, 2u, 7u, 100u, 1000u, 20000u}) {
      for (int rep = 0; rep < 3; ++rep) {
        std::vector<std::int64_t> v(n);
        log_linear_histogram h;
        for (auto& x : v) {
          x = f.draw(rng);
          h.record_micros(x);
        }
        std::sort(v.begin(), v.end());
        for (double q : qs) {
          const auto truth = exact_quantile(v, q);
          const auto got = h.quantile(q)->count();
          INFO(f.name, " n=", n, " q=", q, " truth=", truth, " got=", got);
          REQUIRE(within_stated_error(got, truth));
          ++checks;
        }
      }
    }
  }
  MESSAGE("quantile checks within 1/64: ", checks);
}

TEST_CASE("histogram: merging two halves equals the histogram of the whole, exactly") {
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> wait(1.0 / 45e6);
  log_linear_histogram whole, first, second;
  for (int i = 0; i < 5000; ++i) {
    const auto v = static_cast<std::int64_t>(wait(rng));
    whole.record_micros(v);
    (i % 3 == 0 ? first : second).record_micros(v);
  }
  log_linear_histogram merged = first;
  merged += second;
  CHECK(merged == whole);
  CHECK(*merged.quantile(0.9) == *whole.quantile(0.9));

  // Merging an empty histogram changes nothing, either way round.
  log_linear_histogram empty;
  merged += empty;
  CHECK(merged == whole);
  empty += whole;
  CHECK(empty == whole);

  // Into the wide (64-bit count) form, e.g. a day merged across instances.
  wide_log_linear_histogram wide;
  wide += first;
  wide += second;
  CHECK(wide.count() == whole.count());
  CHECK(wide.sum() == whole.sum());
  CHECK(*wide.min() == *whole.min());
  CHECK(*wide.max() == *whole.max());
  for (std::size_t i = 0; i < L::kBucketCount; ++i) REQUIRE(wide.bucket(i) == whole.bucket(i));
}

TEST_CASE("histogram: sparse export and import rebuild the same histogram") {
  log_linear_histogram h;
  for (auto d : {0us, 900us, 1500us, 1500us, 250000us, duration{std::chrono::hours(24 * 55)}}) h.record(d);
  const auto pairs = sparse(h);
  CHECK(pairs.size() == 4);  // underflow (0, 900), 1500 twice, 250 ms, overflow
  CHECK(pairs.front() == std::pair<std::uint16_t, std::uint64_t>{0, 2});
  CHECK(pairs.back() == std::pair<std::uint16_t, std::uint64_t>{1025, 1});

  log_linear_histogram back;
  REQUIRE(back.import(pairs, h.sum(), h.min(), h.max()) == histogram_import_error::none);
  CHECK(back == h);

  log_linear_histogram empty, empty_back;
  CHECK(empty_back.import(sparse(empty), 0us, std::nullopt, std::nullopt) == histogram_import_error::none);
  CHECK(empty_back == empty);
}

TEST_CASE("histogram: import refuses inconsistent records and leaves the histogram empty") {
  using P = std::vector<std::pair<std::uint16_t, std::uint64_t>>;
  log_linear_histogram h;
  h.record(5ms);  // leaves something to be cleared
  CHECK(h.import(P{{1026, 1}}, 0us, 0us, 0us) == histogram_import_error::bad_index);
  CHECK(h.empty());
  CHECK(h == log_linear_histogram{});
  CHECK(h.import(P{{5, 1}, {5, 1}}, 0us, 0us, 0us) == histogram_import_error::not_ascending);
  CHECK(h.import(P{{6, 1}, {5, 1}}, 0us, 0us, 0us) == histogram_import_error::not_ascending);
  CHECK(h.import(P{{5, 0}}, 0us, 0us, 0us) == histogram_import_error::zero_count);
  CHECK(h.import(P{{5, std::uint64_t{1} << 32}}, 0us, 0us, 0us) == histogram_import_error::count_overflow);
  // min must fall in the first listed bucket and max in the last.
  const auto i = static_cast<std::uint16_t>(L::index_of(5000));
  CHECK(h.import(P{{i, 1}}, 5000us, 4000us, 5000us) == histogram_import_error::bad_extremes);
  CHECK(h.import(P{{i, 1}}, 5000us, 5000us, 6000us) == histogram_import_error::bad_extremes);
  CHECK(h.import(P{{i, 1}}, 5000us, std::nullopt, 5000us) == histogram_import_error::bad_extremes);
  CHECK(h.import(P{}, 0us, 1us, 1us) == histogram_import_error::bad_extremes);
  CHECK(h.import(P{}, 5us, std::nullopt, std::nullopt) == histogram_import_error::bad_sum);
  CHECK(h.import(P{{i, 1}}, -1us, 5000us, 5000us) == histogram_import_error::bad_sum);
  CHECK(h.empty());
  CHECK(h.import(P{{i, 1}}, 5000us, 5000us, 5000us) == histogram_import_error::none);
  CHECK(*h.quantile(0.5) == 5000us);
  CHECK(to_string(histogram_import_error::bad_extremes) == "bad_extremes");
}
