#include "metrics/packed_counters.h"

#include <type_traits>

#include "metrics/kpi_fields.h"

namespace ccpulse::metrics {

namespace {

static_assert(sizeof(kpi_counters) == kpi_counter_fields * 8,
              "a new kpi_counters field must go into visit_fields");

template <class Field>
std::uint64_t raw(const Field& f) {
  if constexpr (std::is_same_v<Field, duration>) {
    const auto v = f.count();
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);  // zigzag
  } else {
    return f;
  }
}

template <class Field>
void add_raw(Field& f, std::uint64_t r) {
  if constexpr (std::is_same_v<Field, duration>) {
    f += duration{static_cast<std::int64_t>(r >> 1) ^ -static_cast<std::int64_t>(r & 1)};
  } else {
    f += r;
  }
}

std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) v >>= 7, ++n;
  return n;
}

}  // namespace

std::size_t packed_size(const kpi_counters& c) {
  std::size_t n = 4;
  visit_fields(c, [&](const auto& f) {
    if (const auto r = raw(f); r != 0) n += varint_size(r);
  });
  return n;
}

std::size_t pack(const kpi_counters& c, std::uint8_t* out) {
  std::uint32_t mask = 0;
  std::size_t at = 4, bit = 0;
  visit_fields(c, [&](const auto& f) {
    if (auto r = raw(f); r != 0) {
      mask |= std::uint32_t{1} << bit;
      while (r >= 0x80) out[at++] = static_cast<std::uint8_t>(r | 0x80), r >>= 7;
      out[at++] = static_cast<std::uint8_t>(r);
    }
    ++bit;
  });
  for (int i = 0; i < 4; ++i) out[i] = static_cast<std::uint8_t>(mask >> (8 * i));
  return at;
}

void unpack_add(const std::uint8_t* in, kpi_counters& out) {
  const std::uint32_t mask = static_cast<std::uint32_t>(in[0]) | (static_cast<std::uint32_t>(in[1]) << 8) |
                             (static_cast<std::uint32_t>(in[2]) << 16) |
                             (static_cast<std::uint32_t>(in[3]) << 24);
  std::size_t at = 4, bit = 0;
  visit_fields(out, [&](auto& f) {
    if (mask & (std::uint32_t{1} << bit++)) {
      std::uint64_t r = 0;
      for (int shift = 0;; shift += 7) {
        const std::uint8_t b = in[at++];
        r |= static_cast<std::uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
      }
      add_raw(f, r);
    }
  });
}

}  // namespace ccpulse::metrics
