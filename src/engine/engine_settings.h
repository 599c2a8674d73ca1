#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "model/time.h"

namespace ccpulse::engine {

using namespace std::chrono_literals;

struct queue_setting {
  std::string name;
  duration sl_threshold = 20s;
};

struct engine_settings {
  duration max_out_of_orderness = 30s;
  duration short_abandon = 5s;
  duration linger = 10min;
  duration dedup_horizon = 10min;
  // A live deadline fired later than this after it fell is reported `late`.
  duration late_tolerance = 1s;
  duration default_sl_threshold = 20s;
  std::vector<queue_setting> queues;
  std::size_t max_queues = 200;
  std::size_t max_tiers = 32;
};

}  // namespace ccpulse::engine
