#pragma once
// The log-linear histogram of log_linear_histogram.h holding only its
// non-zero buckets (sparse_counts), for state kept per scope and per window
// bucket, where most of the 1,026 buckets are zero.
//
// Same numbering (log_linear_layout: the numbering is part of the changelog
// format), same stated relative error, same quantile() answers, and exact
// merges both ways: with another sparse histogram, into a dense one, and
// from a dense one. A dense histogram is 4,136 B whatever it holds; this is
// 56 B plus 6 B per non-zero bucket (tests/unit/metrics/sparse_histogram_test.cpp).
//
// Allocation: record() allocates only when a value lands in a bucket not yet
// held (growth); clear() keeps the capacity for a reused ring slot.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>

#include "metrics/log_linear_histogram.h"
#include "metrics/sparse_counts.h"
#include "model/time.h"

namespace ccpulse::metrics {

class sparse_histogram : public histogram_stats {
 public:
  using layout = log_linear_layout;

  void record(duration d) { record_micros(d.count()); }
  void record_micros(std::int64_t v) {
    v = std::max<std::int64_t>(v, 0);
    _buckets.add(static_cast<std::uint16_t>(layout::index_of(v)));
    add_value(v);
  }

  std::uint32_t bucket(std::size_t index) const { return _buckets.get(static_cast<std::uint16_t>(index)); }
  // Non-zero buckets held.
  std::size_t buckets_held() const { return _buckets.size(); }
  std::size_t heap_bytes() const { return _buckets.heap_bytes(); }

  // As basic_log_linear_histogram::quantile, answer for answer.
  std::optional<duration> quantile(double q) const {
    const auto rank = quantile_rank(q, _count);
    if (!rank) return std::nullopt;
    std::uint64_t seen = 0;
    for (const auto& e : _buckets.entries()) {
      seen += e.count();
      if (seen >= *rank) return quantile_value(e.index, _min, _max);
    }
    return duration{_max};  // unreachable when count == Σ buckets
  }

  sparse_histogram& operator+=(const sparse_histogram& o) {
    if (o.empty()) return *this;
    _buckets += o._buckets;
    add_stats(o);
    return *this;
  }

  // Exact, bucket for bucket, both ways.
  template <class Count>
  void add_to(basic_log_linear_histogram<Count>& dense) const {
    if (empty()) return;
    // Through a dense copy (4 KB of stack): the dense type adds only whole
    // histograms, and reads are not on the per-event path.
    basic_log_linear_histogram<Count> mine;
    (void)mine.import(pairs(), sum(), min(), max());
    dense += mine;
  }
  template <class Count>
  sparse_histogram& operator+=(const basic_log_linear_histogram<Count>& dense) {
    if (dense.empty()) return *this;
    sparse_histogram part;
    dense.for_each_bucket([&](std::uint16_t i, std::uint64_t n) {
      part._buckets.append_ascending(i, static_cast<std::uint32_t>(n));
    });
    part._count = dense.count();
    part.set_extremes(dense.sum(), *dense.min(), *dense.max());
    return *this += part;
  }

  // Sparse export as the dense type's: f(index, count) ascending.
  template <class F>
  void for_each_bucket(F&& f) const {
    for (const auto& e : _buckets.entries()) f(e.index, static_cast<std::uint64_t>(e.count()));
  }

  // Sparse import, validated as the dense type's (check_sparse_import): on
  // an error *this is left empty.
  template <class Pairs>
  histogram_import_error import(const Pairs& pairs, duration sum, std::optional<duration> min,
                                std::optional<duration> max) {
    clear();
    const auto e =
        check_sparse_import<std::uint32_t>(pairs, sum, min, max, [&](std::size_t i, std::uint64_t n) {
          _buckets.append_ascending(static_cast<std::uint16_t>(i), static_cast<std::uint32_t>(n));
          _count += n;
        });
    if (e != histogram_import_error::none) {
      clear();
      return e;
    }
    if (_count != 0) set_extremes(sum, *min, *max);
    return e;
  }

  // Keeps the capacity.
  void clear() {
    _buckets.clear();
    static_cast<histogram_stats&>(*this) = histogram_stats{};
  }

  friend bool operator==(const sparse_histogram&, const sparse_histogram&) = default;

 private:
  // A range of (index, count) pairs over the entries, for import().
  struct pair_range {
    const sparse_counts* c;
    struct iterator {
      const sparse_counts::entry* e;
      std::pair<std::uint16_t, std::uint64_t> operator*() const { return {e->index, e->count()}; }
      iterator& operator++() {
        ++e;
        return *this;
      }
      bool operator!=(const iterator& o) const { return e != o.e; }
    };
    iterator begin() const { return {c->entries().data()}; }
    iterator end() const { return {c->entries().data() + c->entries().size()}; }
  };
  pair_range pairs() const { return {&_buckets}; }

  sparse_counts _buckets;
};

}  // namespace ccpulse::metrics
