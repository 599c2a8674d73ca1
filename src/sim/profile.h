#pragma once
// What `ccpulse simulate` generates: a total arrival rate split over queues,
// each an M/M/c queue with customer patience (DESIGN.md §10).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/channel.h"
#include "model/time.h"

namespace ccpulse::sim {

// How many agents serve a queue.
enum class staffing_mode : std::uint8_t {
  // queue_profile::agents, all logged in from the start, no breaks, no shift
  // changes: the textbook M/M/c floor (queueing checks, benchmarks).
  fixed,
  // Sized from the offered load at the current arrival rate (Erlang C for
  // the queue's answer goal, capped occupancy, plus break shrinkage), every
  // staffing interval; agents take breaks and hand over at shift ends.
  sized,
};

// How the arrival rate moves over the day.
enum class arrival_curve : std::uint8_t {
  flat,      // rate_per_second all day
  intraday,  // a contact center's day: low at night, peaks mid-morning and after lunch
};

// An unforecast burst of arrivals (a marketing mail, an outage): from
// start + after, for `lasting`, the queue's arrivals come `factor` times as
// fast. Staffing keeps planning for the usual load, so the queue falls
// behind during the surge and recovers after it.
struct surge {
  duration after{};
  duration lasting{};
  double factor = 2.0;
};

struct queue_profile {
  std::string queue;
  channel chan = channel::voice;
  // Relative weight: a queue receives rate_per_second * share / sum of shares.
  double arrival_share = 1.0;
  // Agents serving only this queue (staffing fixed); 0 means every contact abandons.
  int agents = 1;
  // Mean of the exponential handle time (talk + after-contact work).
  duration mean_handle{};
  // Mean of the exponential time a waiting customer stays before abandoning.
  duration mean_patience{};
  // Answer goal the sized staffing aims at: answer_target of contacts
  // answered within answer_within (the queue's sl_threshold and sl_target).
  duration answer_within = std::chrono::seconds{20};
  double answer_target = 0.8;
  // Offered load / the load the sized agents are planned for; > 1 runs this
  // queue short on purpose. Multiplies profile::overload.
  double overload = 1.0;
  std::vector<surge> surges{};
};

struct profile {
  // Total offered arrivals per second over all queues (the day's mean with
  // the intraday curve).
  double rate_per_second = 1.0;
  std::uint64_t seed = 1;
  std::vector<queue_profile> queues;
  // Fraction of resolved contacts that later answer a survey.
  double survey_probability = 0.3;
  staffing_mode staffing = staffing_mode::fixed;
  // Offered load / planned load for every queue: 1.3 staffs every queue for
  // 1/1.3 of its traffic (sized staffing), or divides fixed agents by 1.3.
  double overload = 1.0;
  arrival_curve curve = arrival_curve::flat;
  // Site local time = UTC + this; the intraday curve follows local hours.
  duration utc_offset{};
  // Returning customers waiting to call again are remembered up to this many
  // (no further plans are made beyond), so memory stays bounded on long runs.
  std::size_t max_planned_repeats = 100'000;
};

// The first problem that makes the profile unusable, naming the field and
// value; nullopt when it is fine. Called by the simulator's constructor.
std::optional<std::string> validate(const profile& p);

}  // namespace ccpulse::sim
