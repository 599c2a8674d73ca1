#pragma once
// One running SLA clock of one interaction (a target's current cycle).
#include <cstdint>

#include "model/time.h"

namespace ccpulse::sla {

struct sla_clock {
  std::uint64_t timer = ~std::uint64_t{0};
  instant started_at{};
  instant at_risk_at{};
  instant deadline{};
  std::uint32_t cycle = 0;
  std::uint16_t policy = 0;
  bool running = false;
  bool at_risk_sent = false;
  bool breached_sent = false;
};

}  // namespace ccpulse::sla
