#pragma once
// The engine's bounded structures against their caps (README "Security",
// Limits), for the exposition adapter: per input partition the fullest
// partition assigned now, per worker the engine's interning tables. Cap hits
// are process counters (revoked partitions included).
#include <vector>

#include "engine/engine.h"
#include "metrics/resource_use.h"

namespace ccpulse::engine {

// Overwrites out (capacity reused).
void resource_census(const engine& e, std::vector<metrics::resource_use>& out);

}  // namespace ccpulse::engine
