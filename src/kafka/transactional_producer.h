#pragma once
// The exactly-once half of a worker: one Kafka transaction per commit
// interval holding the outputs, the changelog and the input offsets
// (DESIGN.md §8). No exceptions after construction: every transactional
// step returns an outcome classified as librdkafka documents it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/client_config.h"
#include "kafka/handles.h"
#include "kafka/managed_properties.h"
#include "kafka/record.h"
#include "kafka/record_batch.h"

namespace ccpulse::kafka {

class group_consumer;

struct offset_to_commit {
  std::string topic;
  std::int32_t partition;
  std::int64_t next_offset;
};

struct producer_counters {
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> delivery_failed{0};
};

// What happened to a transaction, and what the worker must do about it.
enum class txn_outcome : std::uint8_t {
  ok,
  // The transaction was aborted (or must be): rewind state to the last
  // commit, re-read input from the committed offsets, continue.
  aborted,
  // The producer is unusable (fenced, fatal error): recreate it and the
  // group membership, restore, continue.
  fatal,
  // Authorization or configuration: retrying cannot help; stop.
  config,
};
const char* to_string(txn_outcome o);

struct txn_result {
  txn_outcome outcome = txn_outcome::ok;
  std::string message;
  // The offsets were refused because the consumer's group membership is gone
  // (FENCED_INSTANCE_ID, UNKNOWN_MEMBER_ID): the
  // transaction is aborted and the consumer must rejoin.
  bool membership_lost = false;
  bool ok() const { return outcome == txn_outcome::ok; }
};

class transactional_producer {
 public:
  // Throws std::runtime_error when the client cannot be created or
  // init_transactions fails (startup and recovery only, never per event).
  // `id` gives client.id and transactional.id (which must not be empty).
  transactional_producer(const properties& user, const client_identity& id,
                         std::chrono::milliseconds init_timeout);
  ~transactional_producer();
  transactional_producer(const transactional_producer&) = delete;
  transactional_producer& operator=(const transactional_producer&) = delete;

  // Begins a transaction if none is open.
  txn_result ensure_transaction();
  // Produces within the open transaction; waits (serving delivery reports)
  // while librdkafka's local queue is full.
  txn_result produce(const outgoing_record& r);
  // Produces every record of `batch`, in order, to one partition within the
  // open transaction: one rd_kafka_produce_batch call, no headers. (In
  // 2.0.2 that call looks the topic and partition up once, but still
  // allocates, copies and locks the partition per record, so the saving is
  // the per-record overhead of producev.) Where librdkafka's local queue is full it
  // waits as produce does and enqueues the rest. Other errors are handled
  // as produce handles them. Clears `batch` (keeping its storage) whatever
  // the outcome.
  txn_result produce_batch(std::string_view topic, std::int32_t partition, record_batch& batch);
  // Sends offsets and commits; retries retriable errors; on failure aborts
  // where that is possible and says what is left to do.
  txn_result commit(const std::vector<offset_to_commit>& offsets, const group_consumer& consumer);
  // Aborts the open transaction (flushing first: abort drops unsent records).
  txn_result abort();
  bool in_transaction() const { return _open; }
  // Records produced and not yet acknowledged (their delivery reports not
  // yet served): commit_transaction waits for these.
  int unacknowledged() const { return rd_kafka_outq_len(_rk.get()); }
  // Serves delivery reports.
  void poll() { rd_kafka_poll(_rk.get(), 0); }
  const producer_counters& counters() const { return _counters; }
  std::uint64_t transactions_committed() const { return _committed; }
  std::uint64_t transactions_aborted() const { return _aborted; }

 private:
  static void delivery_cb(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque);
  txn_result classify(const std::string& what, rd_kafka_error_t* err);
  rd_kafka_topic_t* topic(std::string_view name);
  // A record librdkafka refused with `e` (not QUEUE_FULL): what it means for
  // the transaction, aborting it where it is abortable.
  txn_result refused(std::string_view topic, rd_kafka_resp_err_t e);

  handle_ptr _rk;
  // Topic handles by name (a handful: alerts, dead letters, state).
  std::map<std::string, rd_kafka_topic_t*, std::less<>> _topics;
  // produce_batch's message array, reused from call to call.
  std::vector<rd_kafka_message_t> _batch_messages;
  bool _open = false;
  std::uint64_t _committed = 0;
  std::uint64_t _aborted = 0;
  producer_counters _counters;
};

// Errors no retry or recovery can fix (credentials, ACLs, configuration).
bool is_configuration_error(rd_kafka_resp_err_t e);

}  // namespace ccpulse::kafka
