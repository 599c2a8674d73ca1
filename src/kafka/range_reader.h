#pragma once
// Reads a stretch of history of some topics for `ccpulse replay`: every
// partition from the first record stamped at or after `from` (offsets by
// timestamp) to the first stamped at or after `to`, or to the high
// watermark as of the start. The edges are also checked on each record, so
// a broker without offsets by timestamp gives the same range (slower). A simple consumer like state_reader:
// no group, nothing committed, nothing produced, read_committed. Records reach the caller merged across
// partitions and topics by (timestamp, topic, partition, offset), so the order does not depend on fetch
// timing.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kafka/client_config.h"
#include "kafka/handles.h"
#include "kafka/managed_properties.h"

namespace ccpulse::kafka {

struct range_partition {
  std::string topic;
  std::size_t topic_index = 0;  // in the topics asked for
  std::int32_t partition = 0;
  std::int64_t low = 0, high = 0;   // watermarks at the start
  std::int64_t start = 0, end = 0;  // the offsets read: [start, end)
  std::uint64_t read = 0;           // records handed out
  std::uint64_t skipped_offsets =
      0;  // offsets with no record (transaction markers, aborted or deleted records)
  std::uint64_t without_timestamp = 0;
  // Read but stamped before `from`: where the broker could not find the
  // start by timestamp (librdkafka's mock cluster answers -1), the range
  // is read from the log start and the records before `from` skipped.
  std::uint64_t before_from = 0;
  bool scanned = false;
  std::int64_t first_timestamp_ms = -1;  // of the first record read
};

class range_reader {
 public:
  // The record and its partition; timestamp_ms -1 when it has none.
  using record_fn =
      std::function<void(const rd_kafka_message_t& m, const range_partition& p, std::int64_t timestamp_ms)>;

  // Throws std::runtime_error when the client cannot be created.
  range_reader(const properties& user, const client_identity& id);

  // Finds every partition's range. An error message, empty on success.
  std::string plan(const std::vector<std::string>& topics, std::int64_t from_ms,
                   std::optional<std::int64_t> to_ms, std::chrono::milliseconds timeout,
                   std::vector<range_partition>& out) noexcept;
  // Reads the planned ranges, calling on_record in merged order. Fails when
  // no record arrives for `stall` while some range is unfinished. Stops
  // early, successfully, once *stop is set (then interrupted() is true). An
  // error message, empty on success.
  std::string read(std::vector<range_partition>& ranges, const record_fn& on_record,
                   std::chrono::milliseconds stall, const std::atomic<bool>* stop = nullptr) noexcept;
  bool interrupted() const { return _interrupted; }

 private:
  handle_ptr _rk;
  std::int64_t _from_ms = 0;
  std::optional<std::int64_t> _to_ms;
  bool _interrupted = false;
};

}  // namespace ccpulse::kafka
