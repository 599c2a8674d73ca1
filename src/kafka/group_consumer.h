#pragma once
// A consumer-group member reading in batches of messages taken one by one
// from the consumer queue (batch consume drops records in librdkafka 2.0.2,
// see group_consumer.cpp). Cost: bench/e2e measures it beside raw batch
// consume of the same backlog; 0.86 of it in one run on the loaded 2-core
// machine, far above what the worker behind it processes.
// Rebalances use the cooperative protocol; the listener sees them as they
// happen, on the polling thread.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "kafka/client_config.h"
#include "kafka/handles.h"
#include "kafka/managed_properties.h"

namespace ccpulse::kafka {

struct topic_partition {
  std::string topic;
  std::int32_t partition = 0;
};

// Called on the polling thread from librdkafka's rebalance callback. Must
// not throw (a C callback); group_consumer still catches and logs.
class rebalance_listener {
 public:
  virtual ~rebalance_listener() = default;
  // Called BEFORE the partitions are assigned, so nothing is fetched for
  // them until the listener returns: the place to restore their state.
  virtual void on_assigned(const std::vector<topic_partition>& parts) noexcept = 0;
  // Called before the partitions are given up: last chance to commit.
  // lost: the group already gave them to someone else (session expired,
  // fenced); committing would be rejected, so only drop their state.
  virtual void on_revoked(const std::vector<topic_partition>& parts, bool lost) noexcept = 0;
};

// Owns the messages of one batch; clear() releases them to librdkafka.
class message_batch {
 public:
  explicit message_batch(std::size_t capacity) : _msgs(capacity, nullptr) {}
  ~message_batch() { clear(); }
  message_batch(const message_batch&) = delete;
  message_batch& operator=(const message_batch&) = delete;

  void clear() {
    for (std::size_t i = 0; i < _size; ++i) rd_kafka_message_destroy(_msgs[i]);
    _size = 0;
  }
  std::size_t size() const { return _size; }
  const rd_kafka_message_t* operator[](std::size_t i) const { return _msgs[i]; }

 private:
  friend class group_consumer;
  std::vector<rd_kafka_message_t*> _msgs;
  std::size_t _size = 0;
};

struct watermarks {
  std::int64_t low = -1;
  std::int64_t high = -1;
};

class group_consumer {
 public:
  // `id` gives client.id and group.instance.id (static membership); left
  // empty, librdkafka's defaults apply (benchmarks).
  group_consumer(const properties& user, const std::vector<std::string>& topics, rebalance_listener& listener,
                 const client_identity& id = {});
  ~group_consumer();
  group_consumer(const group_consumer&) = delete;
  group_consumer& operator=(const group_consumer&) = delete;

  // Waits up to `timeout` for messages (and serves rebalance callbacks).
  std::size_t poll(message_batch& batch, std::chrono::milliseconds timeout);
  // From the last fetch response; no network round trip.
  watermarks cached_watermarks(const char* topic, std::int32_t partition) const;
  // Seeks assigned partitions back to their committed offsets (the log start
  // where none is committed), so input after the last committed transaction
  // is read again; what was prefetched before is dropped as outdated. Never
  // throws; returns librdkafka's complaint, empty on success.
  std::string rewind_to_committed(const std::vector<topic_partition>& parts,
                                  std::chrono::milliseconds timeout) noexcept;
  // Leaves the group (revoking partitions through the listener). Never throws;
  // returns librdkafka's complaint, empty on success.
  std::string close() noexcept;
  // Set once librdkafka raised a fatal error (e.g. this static member was
  // fenced by another with the same group.instance.id): the client is dead.
  std::string fatal_error() const;

  rd_kafka_t* handle() const { return _rk.get(); }

 private:
  static void rebalance_cb(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                           void* opaque);

  rebalance_listener& _listener;
  handle_ptr _rk;
  queue_ptr _queue;
  bool _closed = false;
};

}  // namespace ccpulse::kafka
