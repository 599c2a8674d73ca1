#pragma once
// Runs the simulator against the wall clock and produces its events to
// Kafka: the input side of `demo` and `simulate`.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "kafka/client_config.h"
#include "model/time.h"
#include "sim/profile.h"
#include "sim/simulator.h"

namespace ccpulse::app {

struct traffic_options {
  kafka::properties kafka;
  std::string topic;
  sim::profile profile;
  // Fraction of records replaced by malformed bytes, so the dead-letter path
  // is visible in the demo. 0 for `simulate`.
  double malformed_fraction = 0;
};

class traffic_source {
 public:
  explicit traffic_source(traffic_options o);
  // Produces until stop is set or `until` passes (steady clock).
  void run(const std::atomic<bool>& stop, std::chrono::steady_clock::time_point until);

  std::uint64_t produced() const { return _produced.load(); }
  std::uint64_t malformed() const { return _malformed.load(); }
  std::uint64_t failed() const { return _failed.load(); }
  // Why run() stopped early; empty when it did not.
  std::string error() const;

 private:
  void produce_until(const std::atomic<bool>& stop, std::chrono::steady_clock::time_point until);

  traffic_options _opts;
  std::atomic<std::uint64_t> _produced{0};
  std::atomic<std::uint64_t> _malformed{0};
  std::atomic<std::uint64_t> _failed{0};
  mutable std::mutex _error_mutex;
  std::string _error;
};

}  // namespace ccpulse::app
