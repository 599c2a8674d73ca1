#pragma once
// The exactly-once half of a worker: one Kafka transaction per commit
// interval holding the outputs and the input offsets (DESIGN.md §8).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "kafka/client_config.h"
#include "kafka/handles.h"
#include "kafka/record.h"

namespace ccpulse::kafka {

class group_consumer;

// Thrown when the producer can no longer be used (fenced, fatal error) or a
// transaction had to be aborted: the worker stops and its inputs are
// re-consumed from the last committed offsets.
class transaction_failed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct offset_to_commit {
  std::string topic;
  std::int32_t partition;
  std::int64_t next_offset;
};

struct producer_counters {
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> delivery_failed{0};
};

class transactional_producer {
 public:
  transactional_producer(const properties& user, const std::string& transactional_id,
                         std::chrono::milliseconds init_timeout);
  ~transactional_producer();
  transactional_producer(const transactional_producer&) = delete;
  transactional_producer& operator=(const transactional_producer&) = delete;

  // Begins a transaction if none is open.
  void ensure_transaction();
  // Produces within the open transaction; waits (serving delivery reports)
  // while librdkafka's local queue is full.
  void produce(const outgoing_record& r);
  // Sends offsets, commits; retries retriable errors; throws
  // transaction_failed when the transaction is lost.
  void commit(const std::vector<offset_to_commit>& offsets, const group_consumer& consumer);
  bool in_transaction() const { return _open; }
  // Serves delivery reports.
  void poll() { rd_kafka_poll(_rk.get(), 0); }
  const producer_counters& counters() const { return _counters; }
  std::uint64_t transactions_committed() const { return _committed; }

 private:
  static void delivery_cb(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque);
  void abort_and_throw(const std::string& what);

  handle_ptr _rk;
  bool _open = false;
  std::uint64_t _committed = 0;
  producer_counters _counters;
};

}  // namespace ccpulse::kafka
