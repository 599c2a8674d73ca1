#pragma once
// What `ccpulse simulate` generates: a total arrival rate split over queues,
// each an M/M/c queue with customer patience (DESIGN.md §10).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/channel.h"
#include "model/time.h"

namespace ccpulse::sim {

struct queue_profile {
  std::string queue;
  channel chan = channel::voice;
  // Relative weight: a queue receives rate_per_second * share / sum of shares.
  double arrival_share = 1.0;
  // Agents serving only this queue; 0 means every contact abandons.
  int agents = 1;
  // Mean of the exponential handle time (talk + after-contact work).
  duration mean_handle{};
  // Mean of the exponential time a waiting customer stays before abandoning.
  duration mean_patience{};
};

struct profile {
  // Total offered arrivals per second over all queues.
  double rate_per_second = 1.0;
  std::uint64_t seed = 1;
  std::vector<queue_profile> queues;
  // Fraction of resolved contacts that later answer a survey.
  double survey_probability = 0.3;
};

// The first problem that makes the profile unusable, naming the field and
// value; nullopt when it is fine. Called by the simulator's constructor.
std::optional<std::string> validate(const profile& p);

}  // namespace ccpulse::sim
