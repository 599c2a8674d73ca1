#pragma once
// One generated event, ready for the producer.
#include <string>

#include "ccpulse/v1/events.pb.h"
#include "model/time.h"

namespace ccpulse::sim {

struct sim_event {
  // Kafka key: the hashed customer id, or the agent id for agent events, so
  // one customer's events stay on one partition (DESIGN.md §2).
  std::string key;
  ccpulse::v1::Event message;
  // Same as message.occurred_at, kept typed for the caller's pacing.
  instant at{};
};

}  // namespace ccpulse::sim
