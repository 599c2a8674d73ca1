#pragma once
// Read-mostly context shared by the partitions of one engine (one worker):
// settings, policies and the interning tables.
#include <vector>

#include "engine/engine_settings.h"
#include "metrics/queue_registry.h"
#include "sla/policy.h"

namespace ccpulse::engine {

struct engine_context {
  engine_context(engine_settings s, sla::policy_set p);

  duration sl_threshold(metrics::queue_index q) const {
    return q < _sl_thresholds.size() ? _sl_thresholds[q] : settings.default_sl_threshold;
  }

  engine_settings settings;
  sla::policy_set policies;
  metrics::queue_registry queues;
  metrics::queue_registry tiers;

 private:
  std::vector<duration> _sl_thresholds;
};

}  // namespace ccpulse::engine
