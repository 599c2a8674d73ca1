#pragma once
// What one apply/advance produced. Owned by the caller and reused across
// calls (clear keeps capacity), so steady state allocates nothing here.
#include <vector>

#include "sla/alert.h"

namespace ccpulse::engine {

struct outputs {
  std::vector<sla::sla_alert> alerts;
  void clear() { alerts.clear(); }
  bool empty() const { return alerts.empty(); }
};

}  // namespace ccpulse::engine
