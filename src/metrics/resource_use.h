#pragma once
// A structure that input can grow, seen against its cap (README "Security",
// Limits): the core fills these, the exposition adapter exports them as
// ccpulse_resource_usage / _limit / _cap_hits_total{resource,per}.
#include <cstdint>
#include <string_view>

namespace ccpulse::metrics {

// What one instance of the structure is, and so what usage and limit count:
// one per input partition, one per worker (engine), or one per process.
enum class resource_per : std::uint8_t { partition, worker, process };

constexpr std::string_view to_string(resource_per p) {
  switch (p) {
    case resource_per::partition:
      return "partition";
    case resource_per::worker:
      return "worker";
    case resource_per::process:
      return "process";
  }
  return "process";
}

struct resource_use {
  std::string_view name;  // a literal: the resource label
  resource_per per = resource_per::process;
  // The fullest instance (the largest partition, the fullest worker), so
  // usage / limit says how near the next refusal is.
  std::uint64_t usage = 0;
  // The cap of one instance.
  std::uint64_t limit = 0;
  // Process counter: times the cap was hit (refused, dropped early, folded).
  std::uint64_t cap_hits = 0;
  // False where nothing counts the hits (cap_hits is then not exported).
  bool counts_hits = true;
};

}  // namespace ccpulse::metrics
