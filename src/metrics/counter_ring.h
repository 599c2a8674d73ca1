#pragma once
// A ring of kpi_counters buckets by bucket number (epoch-aligned, as in
// sliding_window.h), where only the newest few buckets are full structs and
// the rest are packed (packed_counters.h).
//
// Why two forms: nearly every update lands in the newest buckets (the head
// and the few the out-of-orderness reaches), so those stay 216-byte structs
// updated in place; a bucket that falls behind them is packed once into a
// fixed-stride slot of a byte vector, ~40 bytes for a busy queue's 10 s
// bucket instead of 216. The stride is the largest packed bucket seen, grown
// (re-laid out) when a bigger one arrives: growth allocates, steady traffic
// does not. An update to a packed bucket (an event older than the hot
// buckets but still live) unpacks, adds and repacks it: correct, just slower.
//
// Rolling: roll_to(n) moves the head to bucket n, packing the buckets that
// leave the hot part and clearing those that leave the ring (reported, so the
// changelog can tombstone them).
//
// Dirty buckets (for the changelog): one bit per slot, set by mark_dirty(n)
// and cleared when the slot is reused by a newer bucket, so drain_dirty()
// visits each changed live bucket once, oldest first, without sorting or
// deduplicating a list of bucket numbers. The owner decides where the head is (the
// partition's clock); a ring rolled less recently still reads right for any
// range at or before the partition's head, since its missing buckets are
// empty and its own expired ones are outside that range.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "metrics/kpi_parts.h"

namespace ccpulse::metrics {

class counter_ring {
 public:
  // size > hot > 0 (checked by the owner's settings).
  counter_ring(std::size_t size, std::size_t hot);

  std::size_t size() const { return _size; }
  std::optional<std::int64_t> head() const { return _head; }
  // Whether bucket n is in the ring's live range (head - size, head].
  bool live(std::int64_t n) const {
    return _head && n <= *_head && n > *_head - static_cast<std::int64_t>(_size);
  }

  // Moves the head to n if later. evicted(m) for each bucket m that leaves
  // the ring holding data.
  template <class F>
  void roll_to(std::int64_t n, F&& evicted) {
    if (!_head) {
      _head = n;
      return;
    }
    if (n <= *_head) return;
    if (n - *_head >= static_cast<std::int64_t>(_size)) {
      for_each_nonempty([&](std::int64_t m, const kpi_counters&) { evicted(m); });
      reset(n);
      return;
    }
    for (std::int64_t m = *_head + 1; m <= n; ++m) {
      const std::int64_t leaving = m - static_cast<std::int64_t>(_size);
      clear_dirty_slot(slot_of(m, _size));  // the slot now holds m, not leaving
      if (std::uint8_t* s = cold_slot(leaving); s && !empty_slot(s)) {
        evicted(leaving);
        clear_slot(s);
      }
      kpi_counters& h = _hot[hot_slot(m)];  // holds bucket m - hot, which turns cold
      if (!h.empty()) store_cold(m - static_cast<std::int64_t>(_hot.size()), h);
      h = kpi_counters{};
      _head = m;
    }
  }

  // Applies f(kpi_counters&) to live bucket n (the caller rolled the ring
  // and checked live(n)).
  template <class F>
  void update(std::int64_t n, F&& f) {
    if (hot(n)) {
      f(_hot[hot_slot(n)]);
      return;
    }
    kpi_counters c;
    if (std::uint8_t* s = cold_slot(n); s && !empty_slot(s)) unpack_into(s, c);
    f(c);
    store_cold(n, c);
  }

  // Records that live bucket n changed since the last drain_dirty().
  void mark_dirty(std::int64_t n) {
    const std::size_t i = slot_of(n, _size);
    _dirty[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  // f(n) for each live bucket marked since the last call, oldest first;
  // clears the marks.
  template <class F>
  void drain_dirty(F&& f) {
    if (!_head) return;
    // Slots in bucket order: from the oldest live bucket's slot to the end,
    // then from 0 up to the head's.
    const std::int64_t oldest = *_head - static_cast<std::int64_t>(_size) + 1;
    const std::size_t first = slot_of(oldest, _size);
    auto visit = [&](std::size_t from, std::size_t to, std::int64_t bucket_of_from) {  // slots [from, to)
      for (std::size_t w = from / 64; w * 64 < to; ++w) {
        std::uint64_t bits = _dirty[w];
        if (w * 64 < from) bits &= ~std::uint64_t{0} << (from % 64);
        if ((w + 1) * 64 > to)
          bits &= (to % 64 == 0) ? ~std::uint64_t{0} : (std::uint64_t{1} << (to % 64)) - 1;
        while (bits) {
          const std::size_t i = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
          bits &= bits - 1;
          f(bucket_of_from + static_cast<std::int64_t>(i - from));
        }
      }
    };
    visit(first, _size, oldest);
    visit(0, first, oldest + static_cast<std::int64_t>(_size - first));
    std::fill(_dirty.begin(), _dirty.end(), std::uint64_t{0});
  }
  bool any_dirty() const {
    for (const auto w : _dirty)
      if (w) return true;
    return false;
  }

  // out += bucket n, if live.
  void add_bucket(std::int64_t n, kpi_counters& out) const;
  // out += the live buckets in [from, to].
  void add_range(std::int64_t from, std::int64_t to, kpi_counters& out) const;

  // f(n, const kpi_counters&) for each live bucket holding data, oldest first.
  template <class F>
  void for_each_nonempty(F&& f) const {
    if (!_head) return;
    for (std::int64_t n = *_head - static_cast<std::int64_t>(_size) + 1; n <= *_head; ++n) {
      kpi_counters c;
      add_bucket(n, c);
      if (!c.empty()) f(n, static_cast<const kpi_counters&>(c));
    }
  }

  // Whether any live bucket holds data.
  bool empty() const;
  std::size_t heap_bytes() const {
    return _hot.capacity() * sizeof(kpi_counters) + _cold.capacity() +
           _dirty.capacity() * sizeof(std::uint64_t);
  }
  std::size_t stride() const { return _stride; }

 private:
  bool hot(std::int64_t n) const { return n > *_head - static_cast<std::int64_t>(_hot.size()); }
  std::size_t hot_slot(std::int64_t n) const { return slot_of(n, _hot.size()); }
  static std::size_t slot_of(std::int64_t n, std::size_t size) {
    const auto s = static_cast<std::int64_t>(size);
    return static_cast<std::size_t>(((n % s) + s) % s);
  }
  // Null when nothing has been packed yet (stride 0).
  std::uint8_t* cold_slot(std::int64_t n) {
    return _stride ? _cold.data() + slot_of(n, _size) * _stride : nullptr;
  }
  const std::uint8_t* cold_slot(std::int64_t n) const {
    return _stride ? _cold.data() + slot_of(n, _size) * _stride : nullptr;
  }
  void clear_dirty_slot(std::size_t i) { _dirty[i / 64] &= ~(std::uint64_t{1} << (i % 64)); }
  static bool empty_slot(const std::uint8_t* s);
  void clear_slot(std::uint8_t* s) const;
  static void unpack_into(const std::uint8_t* s, kpi_counters& c);
  // Packs c into n's cold slot, growing the stride if it does not fit.
  void store_cold(std::int64_t n, const kpi_counters& c);
  void reset(std::int64_t head);

  std::size_t _size;
  std::vector<kpi_counters> _hot;
  std::vector<std::uint8_t> _cold;
  std::size_t _stride = 0;
  std::optional<std::int64_t> _head;
  std::vector<std::uint64_t> _dirty;  // one bit per slot of the ring
};

}  // namespace ccpulse::metrics
