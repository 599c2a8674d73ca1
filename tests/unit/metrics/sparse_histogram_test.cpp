#include "metrics/sparse_histogram.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "metrics/log_linear_histogram.h"
#include "support/allocation_counter.h"

namespace {

using ccpulse::duration;
using ccpulse::metrics::histogram_import_error;
using ccpulse::metrics::log_linear_histogram;
using ccpulse::metrics::sparse_counts;
using ccpulse::metrics::sparse_histogram;
using ccpulse::metrics::wide_log_linear_histogram;

// Waits of a busy queue: log-normal around 20 s, some zeros, a few huge.
std::vector<std::int64_t> waits(std::uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> d(16.8, 1.2);  // e^16.8 µs ≈ 20 s
  std::vector<std::int64_t> v;
  for (int i = 0; i < n; ++i) v.push_back(i % 17 == 0 ? 0 : static_cast<std::int64_t>(d(rng)));
  v.push_back(std::int64_t{1} << 43);  // overflow bucket
  v.push_back(-5);                     // skew: counts as 0
  return v;
}

void check_same(const sparse_histogram& s, const log_linear_histogram& d) {
  CHECK(s.count() == d.count());
  CHECK(s.sum() == d.sum());
  CHECK(s.min() == d.min());
  CHECK(s.max() == d.max());
  for (std::size_t i = 0; i < log_linear_histogram::layout::kBucketCount; ++i)
    REQUIRE(s.bucket(i) == d.bucket(i));
  for (double q : {0.0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0}) CHECK(s.quantile(q) == d.quantile(q));
}

}  // namespace

TEST_CASE("sparse histogram: same buckets and same quantile answers as the dense histogram") {
  sparse_histogram s;
  log_linear_histogram d;
  for (auto v : waits(1, 5000)) {
    s.record_micros(v);
    d.record_micros(v);
  }
  check_same(s, d);
  std::size_t non_zero = 0;
  d.for_each_bucket([&](std::uint16_t, std::uint64_t) { ++non_zero; });
  CHECK(s.buckets_held() == non_zero);
  CHECK(non_zero < 400);  // of 1,026, for 5,000 widely spread waits
  CHECK_FALSE(s.quantile(0.5) == std::nullopt);
}

TEST_CASE("sparse histogram: hand-counted buckets, 6 bytes each, and an empty one reports nothing") {
  sparse_histogram s;
  CHECK(s.empty());
  CHECK_FALSE(s.quantile(0.5));
  CHECK_FALSE(s.min());
  s.record_micros(1000);  // underflow, index 0
  s.record_micros(1024);  // index 1: [1024, 1056)
  s.record_micros(1055);  // index 1
  s.record_micros(1056);  // index 2
  CHECK(s.buckets_held() == 3);
  CHECK(s.bucket(0) == 1);
  CHECK(s.bucket(1) == 2);
  CHECK(s.bucket(2) == 1);
  CHECK(s.count() == 4);
  CHECK(s.sum() == duration{1000 + 1024 + 1055 + 1056});
  // Rank ceil(0.5·4) = 2 lies in index 1: its midpoint 1040.
  CHECK(s.quantile(0.5) == duration{1040});
  CHECK(sizeof(sparse_counts::entry) == 6);
  CHECK(sizeof(sparse_histogram) == 56);
}

TEST_CASE("sparse histogram: merges exactly with sparse and dense histograms, in any split") {
  const auto all = waits(2, 3000);
  sparse_histogram whole, a, b;
  log_linear_histogram dense_whole, dense_b;
  for (std::size_t i = 0; i < all.size(); ++i) {
    whole.record_micros(all[i]);
    dense_whole.record_micros(all[i]);
    if (i % 3 == 0) {
      a.record_micros(all[i]);
    } else {
      b.record_micros(all[i]);
      dense_b.record_micros(all[i]);
    }
  }
  sparse_histogram ab = a;
  ab += b;
  CHECK(ab == whole);
  sparse_histogram ba = b;
  ba += a;
  CHECK(ba == whole);
  // Sparse + dense.
  sparse_histogram a_plus_dense = a;
  a_plus_dense += dense_b;
  CHECK(a_plus_dense == whole);
  // Sparse into dense, wide too.
  log_linear_histogram into;
  a.add_to(into);
  b.add_to(into);
  CHECK(into == dense_whole);
  wide_log_linear_histogram wide;
  whole.add_to(wide);
  CHECK(wide.count() == whole.count());
  CHECK(wide.quantile(0.9) == dense_whole.quantile(0.9));
  check_same(ab, dense_whole);
}

TEST_CASE("sparse counts merge interleaved, shared and new indices") {
  sparse_counts a, b;
  a.add(5, 2);
  a.add(1);
  a.add(9, 4);
  b.add(0, 7);
  b.add(5, 1);
  b.add(7, 3);
  b.add(12);
  a += b;
  REQUIRE(a.size() == 6);
  const std::vector<std::pair<int, std::uint32_t>> want = {{0, 7}, {1, 1}, {5, 3}, {7, 3}, {9, 4}, {12, 1}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    CHECK(a.entries()[i].index == want[i].first);
    CHECK(a.entries()[i].count() == want[i].second);
  }
  // Counts above 16 bits survive the 6-byte entry.
  sparse_counts big;
  big.add(3, 70'000);
  big.add(3, 70'000);
  CHECK(big.get(3) == 140'000);
}

TEST_CASE("sparse counts keep their entries sorted and counted for every insertion order") {
  // add() and get() find an index with a branchless search: against a dense
  // array, over random indices (new ones landing first, last, between),
  // every size from empty up.
  std::mt19937 rng(11);
  for (int round = 0; round < 50; ++round) {
    sparse_counts s;
    std::vector<std::uint32_t> dense(300, 0);
    const int adds = round * 7;
    for (int k = 0; k < adds; ++k) {
      const auto i = static_cast<std::uint16_t>(rng() % dense.size());
      const auto n = static_cast<std::uint32_t>(1 + rng() % 3);
      s.add(i, n);
      dense[i] += n;
    }
    std::size_t held = 0;
    for (std::size_t i = 0; i < dense.size(); ++i) {
      CHECK(s.get(static_cast<std::uint16_t>(i)) == dense[i]);
      held += dense[i] != 0 ? 1u : 0u;
    }
    REQUIRE(s.size() == held);
    for (std::size_t e = 1; e < s.entries().size(); ++e)
      CHECK(s.entries()[e - 1].index < s.entries()[e].index);
    CHECK(s.get(1000) == 0);
  }
}

TEST_CASE("sparse histogram import validates as the dense one and round-trips its export") {
  sparse_histogram s;
  for (auto v : waits(3, 200)) s.record_micros(v);
  std::vector<std::pair<std::uint16_t, std::uint64_t>> pairs;
  s.for_each_bucket([&](std::uint16_t i, std::uint64_t n) { pairs.emplace_back(i, n); });
  sparse_histogram back;
  REQUIRE(back.import(pairs, s.sum(), s.min(), s.max()) == histogram_import_error::none);
  CHECK(back == s);

  auto swapped = pairs;
  std::swap(swapped[0], swapped[1]);
  CHECK(back.import(swapped, s.sum(), s.min(), s.max()) == histogram_import_error::not_ascending);
  CHECK(back.empty());
  CHECK(back.import(pairs, s.sum(), s.max(), s.max()) == histogram_import_error::bad_extremes);
  auto zero = pairs;
  zero[0].second = 0;
  CHECK(back.import(zero, s.sum(), s.min(), s.max()) == histogram_import_error::zero_count);
  auto huge = pairs;
  huge[0].second = std::uint64_t{1} << 32;
  CHECK(back.import(huge, s.sum(), s.min(), s.max()) == histogram_import_error::count_overflow);
  std::vector<std::pair<std::uint16_t, std::uint64_t>> bad_index = {{1026, 1}};
  CHECK(back.import(bad_index, duration{5}, duration{5}, duration{5}) == histogram_import_error::bad_index);
  CHECK(back.import(std::vector<std::pair<std::uint16_t, std::uint64_t>>{}, duration{0}, std::nullopt,
                    std::nullopt) == histogram_import_error::none);
  CHECK(back.empty());
}

TEST_CASE("a cleared sparse histogram keeps its capacity: refilling it does not allocate") {
  sparse_histogram s;
  const auto v = waits(4, 500);
  for (auto x : v) s.record_micros(x);
  s.clear();
  CHECK(s.empty());
  ccpulse::test::allocation_scope scope;
  for (auto x : v) s.record_micros(x);
  CHECK(scope.count() == 0);
}
