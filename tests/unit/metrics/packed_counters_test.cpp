#include "metrics/packed_counters.h"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>

#include "metrics/kpi_fields.h"

namespace {

using ccpulse::duration;
using ccpulse::metrics::kpi_counters;

}  // namespace

TEST_CASE("packed counters: a mask of the non-zero fields, then varints, hand-checked bytes") {
  kpi_counters c;
  c.offered = 1;                        // field 0
  c.answered_wait_sum = duration{300};  // field 10, zigzag 600 = 0xd8 0x04
  std::array<std::uint8_t, ccpulse::metrics::packed_counters_max> buf{};
  REQUIRE(ccpulse::metrics::packed_size(c) == 7);
  REQUIRE(ccpulse::metrics::pack(c, buf.data()) == 7);
  const std::array<std::uint8_t, 7> want = {0x01, 0x04, 0x00, 0x00, 0x01, 0xd8, 0x04};
  for (std::size_t i = 0; i < want.size(); ++i) CHECK(buf[i] == want[i]);
  kpi_counters back;
  ccpulse::metrics::unpack_add(buf.data(), back);
  CHECK(back == c);
}

TEST_CASE("packed counters round-trip every field, extremes and negative durations, and add on unpack") {
  kpi_counters c;
  std::uint64_t i = 0;
  ccpulse::metrics::visit_fields(c, [&](auto& f) {
    ++i;
    if constexpr (std::is_same_v<std::decay_t<decltype(f)>, duration>) {
      f = duration{i % 2 ? -static_cast<std::int64_t>(i * 1'000'003) : INT64_MAX / 2};
    } else {
      f = i == 25 ? UINT64_MAX : i * i * 1000;
    }
  });
  REQUIRE(i == ccpulse::metrics::kpi_counter_fields);
  std::array<std::uint8_t, ccpulse::metrics::packed_counters_max> buf{};
  const auto n = ccpulse::metrics::pack(c, buf.data());
  CHECK(n == ccpulse::metrics::packed_size(c));
  CHECK(n <= ccpulse::metrics::packed_counters_max);
  kpi_counters back;
  ccpulse::metrics::unpack_add(buf.data(), back);
  CHECK(back == c);
  kpi_counters twice = c;
  twice += c;
  ccpulse::metrics::unpack_add(buf.data(), back);
  CHECK(back == twice);

  const kpi_counters empty;
  CHECK(ccpulse::metrics::pack(empty, buf.data()) == 4);
  CHECK(ccpulse::metrics::packed_empty(buf.data()));
}
