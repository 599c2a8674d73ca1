#pragma once
// What a worker publishes for the HTTP thread: an immutable snapshot, swapped
// in whole (status_board), so scrapes never touch worker state or take a
// lock on the hot path.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "metrics/queue_counters.h"
#include "metrics/resource_use.h"
#include "model/time.h"
#include "view/scope_snapshot.h"

namespace ccpulse::http {

// Upper bounds of ccpulse_alert_latency_seconds, seconds (DESIGN.md §12:
// p99 <= 50 ms); a last bucket, +Inf, follows.
inline constexpr std::array<double, 12> alert_latency_bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                             0.1,   0.25,   0.5,   1,    2.5,   10};

struct labelled_count {
  std::vector<std::pair<std::string, std::string>> labels;
  std::uint64_t value = 0;
};

// An open SLA clock near its deadline (no customer data: ids and names).
using nearest_deadline = view::near_deadline;

struct partition_status {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t lag = -1;  // -1 until the first fetch response
  bool live = false;
  instant watermark = instant_min;
};

struct queue_status {
  std::string name;
  metrics::queue_counters counters;
};

struct worker_status {
  int worker = 0;
  bool joined = false;      // first group assignment seen
  bool restoring = false;   // restoring partitions from the state topic
  bool recovering = false;  // rebuilding after a failed transaction or a dead client
  bool running = true;
  std::string failure;  // set when the worker stopped on an error
  std::chrono::steady_clock::time_point heartbeat{};

  std::uint64_t consumed = 0;
  std::uint64_t dead_lettered = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t late = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t input_gap_messages = 0;
  std::uint64_t input_skipped_offsets = 0;
  std::uint64_t transactions_aborted = 0;
  std::uint64_t state_records_written = 0;
  std::uint64_t restored_records = 0;
  std::uint64_t restores = 0;
  double restore_seconds_total = 0;
  double restore_seconds = 0;  // of the running restore, else of the last one
  std::uint64_t future_outliers = 0;
  std::uint64_t expired_interactions = 0;
  std::uint64_t refused_interactions = 0;
  std::uint64_t expired_waits = 0;
  std::uint64_t dedup_forced_rotations = 0;
  std::uint64_t dedup_ids = 0;
  std::uint64_t window_late = 0;
  std::uint64_t agents_refused = 0;
  std::uint64_t agent_out_of_order = 0;
  std::uint64_t repeat_forced_rotations = 0;
  // Attribute values seen past processing.max_attribute_values (not kept).
  std::uint64_t attribute_values_unkept = 0;
  std::uint64_t agents = 0;
  std::uint64_t repeat_customers = 0;
  // The engine's bounded structures against their caps (resource_census.h).
  std::vector<metrics::resource_use> resources;
  std::vector<labelled_count> recoveries;  // label: class
  std::uint64_t consumer_errors = 0;
  std::uint64_t transactions_committed = 0;
  std::uint64_t produce_failures = 0;
  std::uint64_t open_interactions = 0;
  std::uint64_t pending_timers = 0;
  std::vector<labelled_count> invalid;              // label: reason
  std::vector<labelled_count> alerts;               // labels: policy, target, kind
  std::vector<labelled_count> queue_alerts;         // labels: rule, state
  std::vector<labelled_count> queue_alerts_firing;  // labels: rule, queue (value 1)
  std::uint64_t queue_alert_rounds = 0;             // evaluations of the rules
  std::uint64_t queue_alert_rounds_held = 0;        // of which on an incomplete view
  // Live AT_RISK and BREACHED alerts: timer due -> handed to the producer
  // (counts per bucket of alert_latency_bounds, the last one +Inf; seconds).
  std::vector<std::uint64_t> alert_latency_buckets;
  double alert_latency_sum = 0;
  std::vector<labelled_count> open_clocks;  // labels: target, state
  // This worker's running clocks with the earliest deadlines, earliest first.
  std::vector<nearest_deadline> nearest;
  std::vector<partition_status> partitions;
  std::vector<queue_status> queues;
  // The scope snapshots this worker last published (its own partitions):
  // /metrics exports their windows, so sums across instances add up.
  std::shared_ptr<const std::vector<view::scope_snapshot>> snapshots;
  std::uint64_t snapshots_written = 0;
};

using worker_status_ptr = std::shared_ptr<const worker_status>;

class status_board {
 public:
  explicit status_board(std::size_t workers) : _slots(workers) {}

  void publish(std::size_t worker, worker_status_ptr s) {
    std::lock_guard lock(_mutex);
    _slots[worker] = std::move(s);
  }
  std::vector<worker_status_ptr> read() const {
    std::lock_guard lock(_mutex);
    return _slots;
  }

 private:
  mutable std::mutex _mutex;
  std::vector<worker_status_ptr> _slots;
};

}  // namespace ccpulse::http
