#pragma once
// Event-time sliding windows as a ring of fixed buckets (DESIGN.md §5).
//
// Why a ring: a window's value is the sum of its buckets, so an event costs
// one bucket update and a query costs O(buckets), never O(events); and one
// ring serves every window length that is a multiple of the bucket width
// (15 min and 1 h from one 1 h ring of 10 s buckets).
//
// Buckets are aligned to the Unix epoch (bucket i covers [i·width,
// (i+1)·width)), so every partition and instance cuts time identically and
// their buckets merge. The ring holds the `bucket_count` buckets ending at
// the head: the newest bucket that add() or advance() has reached. Events
// ahead of the head move it (the watermark lags the newest event, and those
// events are normal); events older than the oldest live bucket are `late`:
// not applied, reported to the caller who counts them. Moving the head
// clears exactly the buckets that fall out, however far it jumps; nothing
// else ever clears a bucket. The caller screens out far-future event times
// before they reach a window (one would age the whole ring out).
//
// Bucket needs: default construction = empty, and operator+= for sums.
// Storage is one vector sized at construction; add(), advance() and
// sum_into() never allocate.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "model/time.h"

namespace ccpulse::metrics {

enum class add_result : std::uint8_t { applied, late };
enum class restore_result : std::uint8_t { ok, misaligned, not_live, no_position };

// Floor division of an instant into epoch-aligned bucket numbers.
std::int64_t bucket_number(instant t, duration width);
instant bucket_start(std::int64_t number, duration width);

template <class Bucket>
class sliding_window {
 public:
  // width > 0 and count > 0 are config invariants (checked by config).
  sliding_window(duration bucket_width, std::size_t bucket_count)
      : _width(bucket_width), _ring(bucket_count) {}

  duration bucket_width() const { return _width; }
  std::size_t bucket_count() const { return _ring.size(); }
  duration span() const { return _width * static_cast<std::int64_t>(_ring.size()); }

  // Applies update(Bucket&) to the bucket of t, moving the head first if t
  // is ahead of it; `late` (and nothing applied) if t is older than the
  // oldest live bucket.
  template <class F>
  add_result add(instant t, F&& update) {
    const std::int64_t n = bucket_number(t, _width);
    if (!_head || n > *_head) move_head(n);
    if (n <= *_head - static_cast<std::int64_t>(_ring.size())) return add_result::late;
    std::forward<F>(update)(_ring[slot(n)]);
    return add_result::applied;
  }

  // Moves the head to the bucket of t (if later than the head), clearing the
  // buckets that expire. Called with the watermark as time passes.
  void advance(instant t) {
    const std::int64_t n = bucket_number(t, _width);
    if (!_head || n > *_head) move_head(n);
  }

  // Start of the head bucket and of the oldest live bucket; nullopt before
  // the first add/advance.
  std::optional<instant> head() const {
    return _head ? std::optional(bucket_start(*_head, _width)) : std::nullopt;
  }
  std::optional<instant> oldest_live() const {
    if (!_head) return std::nullopt;
    return bucket_start(*_head - static_cast<std::int64_t>(_ring.size()) + 1, _width);
  }

  // Buckets a window of this length spans; nullopt unless it is a positive
  // multiple of the bucket width no longer than the ring (config checks it).
  std::optional<std::size_t> buckets_for(duration window) const {
    if (window <= duration::zero() || window % _width != duration::zero()) return std::nullopt;
    const auto k = static_cast<std::size_t>(window / _width);
    if (k > _ring.size()) return std::nullopt;
    return k;
  }

  // out += the `window / width` newest buckets, the head (partial) bucket
  // included: a 15 min window of 10 s buckets covers (14m50s, 15m] of data.
  // False (out untouched) if the window is not valid for this ring.
  template <class Out>
  bool sum_into(duration window, Out& out) const {
    const auto k = buckets_for(window);
    if (!k) return false;
    if (!_head) return true;
    for (std::size_t i = 0; i < *k; ++i) out += _ring[slot(*_head - static_cast<std::int64_t>(i))];
    return true;
  }

  // Portable state: the head and the live buckets by their start instant
  // (never by ring slot, so a restore into a ring of another size keeps
  // what fits). f(instant bucket_start, const Bucket&), oldest first.
  template <class F>
  void for_each_live(F&& f) const {
    if (!_head) return;
    const auto size = static_cast<std::int64_t>(_ring.size());
    for (std::int64_t n = *_head - size + 1; n <= *_head; ++n) f(bucket_start(n, _width), _ring[slot(n)]);
  }

  // Restore: set the head (clears the ring), then put each bucket back.
  void restore_head(instant head_start) {
    for (auto& b : _ring) b = Bucket{};
    _head = bucket_number(head_start, _width);
  }
  restore_result restore_bucket(instant start, Bucket b) {
    if (!_head) return restore_result::no_position;
    const std::int64_t n = bucket_number(start, _width);
    if (bucket_start(n, _width) != start) return restore_result::misaligned;
    if (n > *_head || n <= *_head - static_cast<std::int64_t>(_ring.size())) return restore_result::not_live;
    _ring[slot(n)] = std::move(b);
    return restore_result::ok;
  }

 private:
  std::size_t slot(std::int64_t n) const {
    const auto size = static_cast<std::int64_t>(_ring.size());
    return static_cast<std::size_t>(((n % size) + size) % size);
  }
  void move_head(std::int64_t n) {
    if (_head) {
      // Clear the buckets between the old and the new head; a jump of a
      // whole ring or more clears everything once.
      const auto size = static_cast<std::int64_t>(_ring.size());
      const std::int64_t gap = n - *_head;
      if (gap >= size) {
        for (auto& b : _ring) b = Bucket{};
      } else {
        for (std::int64_t m = *_head + 1; m <= n; ++m) _ring[slot(m)] = Bucket{};
      }
    }
    _head = n;
  }

  duration _width;
  std::vector<Bucket> _ring;
  std::optional<std::int64_t> _head;
};

}  // namespace ccpulse::metrics
