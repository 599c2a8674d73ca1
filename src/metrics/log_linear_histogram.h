#pragma once
// A mergeable fixed-bucket histogram of durations (DESIGN.md §5).
//
// Why this shape: percentiles must merge exactly across window buckets,
// partitions and instances, and recording must not allocate. Bucket-wise
// addition of fixed buckets gives both; a sorted sample or a t-digest gives
// neither. The layout is HdrHistogram's idea in its simplest form:
//
//   index 0              underflow: [0, 1024 µs)                    (< ~1 ms)
//   index 1 + 32·o + s   octave o = 0..31 covers [2^(10+o), 2^(11+o)) µs,
//                        split into 32 equal sub-buckets s = 0..31
//   index 1025           overflow: [2^42 µs, ∞)                     (≥ ~50.9 days)
//
// STATED ERROR: for a true quantile v in [1.024 ms, 2^42 µs ≈ 50.9 days),
// quantile() returns a value within v/64 (relative error ≤ 1/64 ≈ 1.56 %):
// a sub-bucket [L, L + w) has w ≤ L/32 and the answer is its midpoint.
// Below 1.024 ms the error is at most 0.512 ms (absolute); at or above
// 2^42 µs the answer is max() (no bound). Every answer is also clamped to
// [min(), max()], which never moves it away from the truth, and makes a
// histogram of equal values exact (e.g. all waits 0).
//
// PORTABLE FORMAT: bucket indices are part of the changelog / snapshot
// format. The mapping above (kSubBucketBits = 5, kLowestOctave = 10,
// 32 octaves) must never change silently: changing it is a format change
// that needs a new record version and a changelog entry in the README.
//
// Negative durations (clock skew between event sources) are recorded as 0:
// the count stays right and the skew is the caller's to report.
//
// Counts per bucket are Count (uint32_t by default: one window bucket of
// one partition never holds 4·10^9 values in one sub-bucket; "today"
// totals merged across instances can use uint64_t). count() and the sum are
// always 64-bit.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>

#include "model/time.h"

namespace ccpulse::metrics {

// The bucket layout, independent of the count type.
struct log_linear_layout {
  static constexpr int kSubBucketBits = 5;
  static constexpr int kSubBuckets = 1 << kSubBucketBits;  // 32
  static constexpr int kLowestOctave = 10;                 // 2^10 µs = 1.024 ms
  static constexpr int kOctaves = 32;                      // up to 2^42 µs
  static constexpr std::size_t kUnderflow = 0;
  static constexpr std::size_t kOverflow = 1 + static_cast<std::size_t>(kOctaves * kSubBuckets);
  static constexpr std::size_t kBucketCount = kOverflow + 1;  // 1026
  static constexpr std::int64_t kLowest = std::int64_t{1} << kLowestOctave;
  static constexpr std::int64_t kHighest = std::int64_t{1} << (kLowestOctave + kOctaves);
  // Stated bound on the relative error of quantile() inside [kLowest, kHighest).
  static constexpr double kRelativeError = 1.0 / (2 * kSubBuckets);  // 1/64

  // Bucket of a value in µs (negative values count as 0). O(1): a bit
  // width and a shift.
  static constexpr std::size_t index_of(std::int64_t v) {
    if (v < kLowest) return kUnderflow;
    if (v >= kHighest) return kOverflow;
    const auto u = static_cast<std::uint64_t>(v);
    const int e = static_cast<int>(std::bit_width(u)) - 1;  // kLowestOctave .. + kOctaves - 1
    const auto sub = static_cast<std::size_t>(u >> (e - kSubBucketBits)) - kSubBuckets;
    return 1 + static_cast<std::size_t>(e - kLowestOctave) * kSubBuckets + sub;
  }
  // Inclusive lower bound of a bucket, in µs.
  static constexpr std::int64_t lower_bound(std::size_t index) {
    if (index == kUnderflow) return 0;
    if (index >= kOverflow) return kHighest;
    const std::size_t j = index - 1;
    const int e = kLowestOctave + static_cast<int>(j / kSubBuckets);
    return static_cast<std::int64_t>(kSubBuckets + j % kSubBuckets) << (e - kSubBucketBits);
  }
  // Exclusive upper bound (INT64_MAX for overflow).
  static constexpr std::int64_t upper_bound(std::size_t index) {
    if (index >= kOverflow) return std::numeric_limits<std::int64_t>::max();
    if (index == kUnderflow) return kLowest;
    return lower_bound(index) + width(index);
  }
  // The value quantile() reports for a bucket before clamping to [min, max]:
  // the midpoint (overflow has none; quantile() reports max() there).
  static constexpr std::int64_t representative(std::size_t index) {
    if (index == kUnderflow) return kLowest / 2;
    if (index >= kOverflow) return kHighest;
    return lower_bound(index) + width(index) / 2;
  }

 private:
  static constexpr std::int64_t width(std::size_t index) {
    const int e = kLowestOctave + static_cast<int>((index - 1) / kSubBuckets);
    return std::int64_t{1} << (e - kSubBucketBits);
  }
};

// Why an import was refused; the record is then dropped and counted.
enum class histogram_import_error : std::uint8_t {
  none,
  bad_index,       // index >= kBucketCount
  not_ascending,   // indices must be strictly increasing (no duplicates)
  zero_count,      // the sparse form lists non-zero buckets only
  count_overflow,  // a count does not fit in Count
  bad_extremes,    // min/max inconsistent with the first/last bucket, or negative
  bad_sum,         // sum negative, or non-zero for an empty histogram
};

// The rank quantile(q) reports: max(1, ceil(q·count)) with q clamped to
// [0, 1]; nullopt for an empty histogram or a NaN q. Shared by the dense and
// the sparse histogram so both answer alike.
inline std::optional<std::uint64_t> quantile_rank(double q, std::uint64_t count) {
  if (count == 0 || std::isnan(q)) return std::nullopt;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count)));
  return std::clamp<std::uint64_t>(rank, 1, count);
}

// The answer for the bucket holding the rank: its representative clamped to
// [min, max] (max itself for overflow).
inline duration quantile_value(std::size_t index, std::int64_t min, std::int64_t max) {
  const std::int64_t rep =
      index == log_linear_layout::kOverflow ? max : log_linear_layout::representative(index);
  return duration{std::clamp(rep, min, max)};
}

// Validates the sparse form of a histogram (the bytes come from a topic):
// (index, count) pairs strictly ascending, counts non-zero and fitting Count,
// sum and min/max consistent with the pairs. Calls put(index, count) for each
// pair as it goes; on an error the caller discards what it was given.
template <class Count, class Pairs, class Put>
histogram_import_error check_sparse_import(const Pairs& pairs, duration sum, std::optional<duration> min,
                                           std::optional<duration> max, Put&& put) {
  std::size_t first = log_linear_layout::kBucketCount, last = 0;
  bool any = false;
  for (const auto& [index_raw, n] : pairs) {
    const auto index = static_cast<std::size_t>(index_raw);
    if (index >= log_linear_layout::kBucketCount) return histogram_import_error::bad_index;
    if (any && index <= last) return histogram_import_error::not_ascending;
    if (n == 0) return histogram_import_error::zero_count;
    if (static_cast<std::uint64_t>(n) > std::numeric_limits<Count>::max())
      return histogram_import_error::count_overflow;
    put(index, static_cast<std::uint64_t>(n));
    if (!any) first = index;
    last = index;
    any = true;
  }
  if (sum.count() < 0 || (!any && sum.count() != 0)) return histogram_import_error::bad_sum;
  if (!any) return (min || max) ? histogram_import_error::bad_extremes : histogram_import_error::none;
  if (!min || !max) return histogram_import_error::bad_extremes;
  const auto lo = min->count(), hi = max->count();
  if (lo < 0 || lo > hi || log_linear_layout::index_of(lo) != first ||
      log_linear_layout::index_of(hi) != last)
    return histogram_import_error::bad_extremes;
  return histogram_import_error::none;
}

// Count, sum, min and max of a histogram's values: what the dense form here
// and the sparse form (sparse_histogram.h) share, beside their buckets.
class histogram_stats {
 public:
  std::uint64_t count() const { return _count; }
  duration sum() const { return duration{_sum}; }
  // Empty histogram: nullopt (nothing to report is not zero).
  std::optional<duration> min() const { return _count ? std::optional(duration{_min}) : std::nullopt; }
  std::optional<duration> max() const { return _count ? std::optional(duration{_max}) : std::nullopt; }
  std::optional<double> mean_seconds() const {
    if (_count == 0) return std::nullopt;
    return static_cast<double>(_sum) / 1e6 / static_cast<double>(_count);
  }
  bool empty() const { return _count == 0; }
  friend bool operator==(const histogram_stats&, const histogram_stats&) = default;

 protected:
  void add_value(std::int64_t v) {
    ++_count;
    _sum += v;
    _min = std::min(_min, v);
    _max = std::max(_max, v);
  }
  void add_stats(const histogram_stats& o) {
    if (o.empty()) return;
    _count += o._count;
    _sum += o._sum;
    _min = std::min(_min, o._min);
    _max = std::max(_max, o._max);
  }
  // After an import that counted _count itself: the rest, checked already.
  void set_extremes(duration sum, duration min, duration max) {
    _sum = sum.count();
    _min = min.count();
    _max = max.count();
  }

  std::uint64_t _count = 0;
  std::int64_t _sum = 0;
  std::int64_t _min = std::numeric_limits<std::int64_t>::max();
  std::int64_t _max = 0;
};

template <class Count = std::uint32_t>
class basic_log_linear_histogram : public histogram_stats {
  static_assert(std::is_unsigned_v<Count>);

 public:
  using layout = log_linear_layout;
  using count_type = Count;

  void record(duration d) { record_micros(d.count()); }
  void record_micros(std::int64_t v) {
    v = std::max<std::int64_t>(v, 0);
    ++_buckets[layout::index_of(v)];
    add_value(v);
  }

  Count bucket(std::size_t index) const { return _buckets[index]; }

  // The value at rank max(1, ceil(q·count)) of the sorted values, within the
  // stated error; q outside [0, 1] is clamped; nullopt if empty or q is NaN.
  std::optional<duration> quantile(double q) const {
    const auto rank = quantile_rank(q, _count);
    if (!rank) return std::nullopt;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < layout::kBucketCount; ++i) {
      seen += _buckets[i];
      if (seen >= *rank) return quantile_value(i, _min, _max);
    }
    return duration{_max};  // unreachable when the invariant count == Σ buckets holds
  }

  // Exact: bucket-wise addition. Merging the histograms of two halves of a
  // log gives the histogram of the whole log, bit for bit.
  template <class Other>
  basic_log_linear_histogram& operator+=(const basic_log_linear_histogram<Other>& o) {
    for (std::size_t i = 0; i < layout::kBucketCount; ++i)
      _buckets[i] = static_cast<Count>(_buckets[i] + o.bucket(i));
    add_stats(o);
    return *this;
  }

  friend bool operator==(const basic_log_linear_histogram&, const basic_log_linear_histogram&) = default;

  // Sparse export: f(index, count) for each non-zero bucket, ascending. With
  // count(), sum(), min(), max() this is the whole state.
  template <class F>
  void for_each_bucket(F&& f) const {
    for (std::size_t i = 0; i < layout::kBucketCount; ++i)
      if (_buckets[i] != 0) f(static_cast<std::uint16_t>(i), static_cast<std::uint64_t>(_buckets[i]));
  }

  // Sparse import. Pairs is a range of (index, count) pairs as for_each_bucket
  // produced them. Validates everything (the bytes come from a topic): on an
  // error *this is left empty. Time and allocation: O(pairs + buckets), none.
  template <class Pairs>
  histogram_import_error import(const Pairs& pairs, duration sum, std::optional<duration> min,
                                std::optional<duration> max) {
    *this = {};
    auto e = import_impl(pairs, sum, min, max);
    if (e != histogram_import_error::none) *this = {};
    return e;
  }

 private:
  template <class Pairs>
  histogram_import_error import_impl(const Pairs& pairs, duration sum, std::optional<duration> min,
                                     std::optional<duration> max) {
    const auto e = check_sparse_import<Count>(pairs, sum, min, max, [&](std::size_t index, std::uint64_t n) {
      _buckets[index] = static_cast<Count>(n);
      _count += n;
    });
    if (e != histogram_import_error::none || _count == 0) return e;
    set_extremes(sum, *min, *max);
    return histogram_import_error::none;
  }

  std::array<Count, layout::kBucketCount> _buckets{};
};

using log_linear_histogram = basic_log_linear_histogram<std::uint32_t>;
using wide_log_linear_histogram = basic_log_linear_histogram<std::uint64_t>;

std::string_view to_string(histogram_import_error e);

}  // namespace ccpulse::metrics
