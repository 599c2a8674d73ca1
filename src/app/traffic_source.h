#pragma once
// Runs the simulator and produces its events to Kafka: the input side of
// `demo` and `simulate`. Either paced by the wall clock (run) or as a
// backlog of a fixed stretch of simulated time, as fast as possible
// (run_backlog).
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
  // Wall-clock mode (run): the simulation starts this long before now and
  // that stretch is produced at once, so the floor is in its steady state
  // (agents busy, queues formed) from the first second. 0 for `simulate`.
  duration history{};
};

// Backlog mode only (`simulate --transactional`): produce with a
// transactional producer, committing every `records_per_transaction`
// records. Every `abort_every`-th transaction is first produced, flushed and
// aborted, then produced again and committed, so a read_committed reader sees
// record for record what the plain backlog holds, while the log also holds
// aborted records and transaction markers (0 = never abort).
struct transactional_input {
  std::string transactional_id;
  std::uint64_t records_per_transaction = 500;
  std::uint64_t abort_every = 0;
};

class traffic_source {
 public:
  explicit traffic_source(traffic_options o);
  // Makes run_backlog produce transactionally (set before running).
  void set_transactional(transactional_input t) { _txn = std::move(t); }
  // Produces until stop is set or `until` passes (steady clock).
  void run(const std::atomic<bool>& stop, std::chrono::steady_clock::time_point until);

  // Produces every event of simulated time [from, to) without pacing, then
  // waits until every record is delivered. The simulation starts at `from`,
  // so the same profile (seed) and the same interval give byte-identical
  // records with the same keys and record timestamps (event time, ms), hence
  // the same partitions for a given partition count. Stops early when stop
  // is set; error() then says so.
  void run_backlog(const std::atomic<bool>& stop, instant from, instant to);

  std::uint64_t produced() const { return _produced.load(); }
  std::uint64_t malformed() const { return _malformed.load(); }
  std::uint64_t failed() const { return _failed.load(); }
  std::uint64_t delivered() const { return _delivered.load(); }
  // Transactional backlog: transactions committed, and aborted on purpose.
  std::uint64_t transactions_committed() const { return _txn_committed.load(); }
  std::uint64_t transactions_aborted() const { return _txn_aborted.load(); }
  // Simulated time generated so far (backlog mode; progress reports).
  instant simulated_until() const { return from_unix_micros(_simulated_us.load()); }
  // Why run() stopped early; empty when it did not.
  std::string error() const;

 private:
  void produce_until(const std::atomic<bool>& stop, std::chrono::steady_clock::time_point until);
  void produce_backlog(const std::atomic<bool>& stop, instant from, instant to);
  void produce_backlog_transactional(const std::atomic<bool>& stop, instant from, instant to);
  void set_error(std::string e);

  traffic_options _opts;
  transactional_input _txn;
  std::atomic<std::uint64_t> _produced{0};
  std::atomic<std::uint64_t> _malformed{0};
  std::atomic<std::uint64_t> _failed{0};
  std::atomic<std::uint64_t> _delivered{0};
  std::atomic<std::int64_t> _simulated_us{0};
  std::atomic<std::uint64_t> _txn_committed{0};
  std::atomic<std::uint64_t> _txn_aborted{0};
  mutable std::mutex _error_mutex;
  std::string _error;
};

}  // namespace ccpulse::app
