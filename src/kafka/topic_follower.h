#pragma once
// Follows every partition of one topic from its beginning, then live, as a
// simple consumer (no group, nothing committed), read_committed: the
// process's reader of the compacted snapshots topic (DESIGN.md §10). Like
// state_reader it uses librdkafka's legacy consume_start API, so it starts
// fetching at once and never waits for a group coordinator.
#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "kafka/client_config.h"
#include "kafka/handles.h"
#include "kafka/managed_properties.h"

namespace ccpulse::kafka {

class topic_follower {
 public:
  using record_fn = std::function<void(const rd_kafka_message_t& m)>;

  // Throws std::runtime_error when the client cannot be created.
  topic_follower(const properties& user, std::string topic, const client_identity& id);
  ~topic_follower();
  topic_follower(const topic_follower&) = delete;
  topic_follower& operator=(const topic_follower&) = delete;

  // Looks the topic up and starts every partition at the beginning; an
  // error message, empty on success. Call again after an error.
  std::string start(std::chrono::milliseconds timeout);
  // Partitions of another topic (the input's), or -1 when unknown.
  int partition_count(const std::string& topic, std::chrono::milliseconds timeout);

  // Calls on_record for the records that arrive within `wait` (tombstones
  // have a null payload). Returns how many.
  std::size_t poll(const record_fn& on_record, std::chrono::milliseconds wait);
  // Every partition has reached its end once since start().
  bool caught_up() const { return _started > 0 && _at_end.size() == _started; }
  // Consumer errors seen (logged by the caller through last_error()).
  std::uint64_t errors() const { return _errors; }
  const std::string& last_error() const { return _last_error; }

 private:
  void stop_partitions();

  std::string _topic;
  handle_ptr _rk;
  std::unique_ptr<rd_kafka_topic_t, deleter<rd_kafka_topic_destroy>> _rkt;
  queue_ptr _queue;
  std::size_t _started = 0;
  std::set<std::int32_t> _at_end;
  std::uint64_t _errors = 0;
  std::string _last_error;
};

}  // namespace ccpulse::kafka
