#include "metrics/counter_ring.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "metrics/packed_counters.h"

namespace ccpulse::metrics {

counter_ring::counter_ring(std::size_t size, std::size_t hot)
    : _size(size), _hot(hot), _dirty((size + 63) / 64, 0) {}

bool counter_ring::empty_slot(const std::uint8_t* s) { return packed_empty(s); }

void counter_ring::clear_slot(std::uint8_t* s) const { std::memset(s, 0, _stride); }

void counter_ring::unpack_into(const std::uint8_t* s, kpi_counters& c) { unpack_add(s, c); }

void counter_ring::store_cold(std::int64_t n, const kpi_counters& c) {
  std::array<std::uint8_t, packed_counters_max> buf{};
  const std::size_t len = pack(c, buf.data());
  if (len > _stride) {
    // Grow to exactly the new size and lay the slots out again: rare once
    // the ring has seen its usual buckets, and every byte counts 360 times.
    const std::size_t stride = len;
    std::vector<std::uint8_t> grown(_size * stride, 0);
    for (std::size_t i = 0; _stride && i < _size; ++i)
      std::memcpy(grown.data() + i * stride, _cold.data() + i * _stride, _stride);
    _cold.swap(grown);
    _stride = stride;
  }
  std::uint8_t* s = cold_slot(n);
  std::memcpy(s, buf.data(), len);
  std::memset(s + len, 0, _stride - len);
}

void counter_ring::add_bucket(std::int64_t n, kpi_counters& out) const {
  if (!live(n)) return;
  if (hot(n)) {
    out += _hot[hot_slot(n)];
    return;
  }
  if (const std::uint8_t* s = cold_slot(n); s && !empty_slot(s)) unpack_add(s, out);
}

void counter_ring::add_range(std::int64_t from, std::int64_t to, kpi_counters& out) const {
  if (!_head) return;
  from = std::max(from, *_head - static_cast<std::int64_t>(_size) + 1);
  to = std::min(to, *_head);
  for (std::int64_t n = from; n <= to; ++n) add_bucket(n, out);
}

bool counter_ring::empty() const {
  for (const auto& h : _hot)
    if (!h.empty()) return false;
  for (std::size_t i = 0; _stride && i < _size; ++i)
    if (!empty_slot(_cold.data() + i * _stride)) return false;
  return true;
}

void counter_ring::reset(std::int64_t head) {
  for (auto& h : _hot) h = kpi_counters{};
  std::fill(_cold.begin(), _cold.end(), std::uint8_t{0});
  std::fill(_dirty.begin(), _dirty.end(), std::uint64_t{0});
  _head = head;
}

}  // namespace ccpulse::metrics
