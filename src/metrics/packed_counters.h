#pragma once
// kpi_counters in a few bytes, for the window buckets that are no longer
// written on the hot path (counter_ring.h).
//
// Why: a 10 s bucket of one queue in one partition has a dozen non-zero
// fields of small values; the struct spends 8 bytes on each of its 27
// fields (216 B). Packed: a 4-byte little-endian mask of the non-zero fields
// (bit i = field i of visit_fields), then each non-zero field as a LEB128
// varint (durations zigzag-encoded, so a negative sum packs too). Typical:
// 30 to 60 bytes. An all-zero mask is an empty bucket, so a zeroed slot is
// an empty one.
//
// This format is memory-only (the changelog has its own, state.proto).
#include <cstddef>
#include <cstdint>

#include "metrics/kpi_parts.h"

namespace ccpulse::metrics {

// Upper bound of pack()'s output: mask + 27 ten-byte varints.
inline constexpr std::size_t packed_counters_max = 4 + 27 * 10;

// Bytes pack(c) writes.
std::size_t packed_size(const kpi_counters& c);
// Writes c at out (room for packed_size(c) bytes); returns the size.
std::size_t pack(const kpi_counters& c, std::uint8_t* out);
// Adds the packed counters at in to out. The bytes are this process's own
// (never input), so they are trusted.
void unpack_add(const std::uint8_t* in, kpi_counters& out);
inline bool packed_empty(const std::uint8_t* in) { return (in[0] | in[1] | in[2] | in[3]) == 0; }

}  // namespace ccpulse::metrics
