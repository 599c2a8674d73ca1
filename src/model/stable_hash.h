#pragma once
// A hash that means the same in every process, build and machine: 64-bit
// FNV-1a. Keys of partition state, dedup memory and alert ids use it, so
// state restored elsewhere finds the same keys (std::hash promises nothing
// across builds).
#include <cstdint>
#include <string_view>

namespace ccpulse {

inline constexpr std::uint64_t fnv1a_offset = 14695981039346656037ULL;
inline constexpr std::uint64_t fnv1a_prime = 1099511628211ULL;

constexpr std::uint64_t fnv1a_append(std::uint64_t h, std::string_view s) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= fnv1a_prime;
  }
  return h;
}

constexpr std::uint64_t stable_hash(std::string_view s) { return fnv1a_append(fnv1a_offset, s); }

}  // namespace ccpulse
