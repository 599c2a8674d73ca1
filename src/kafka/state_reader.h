#pragma once
// Reads partitions of the compacted state topic from the beginning to their
// end, read_committed, for restore (DESIGN.md §8). A simple consumer (no
// group.id, librdkafka's legacy consume_start API): it joins no group,
// waits for no coordinator and commits nothing. "The end" is where librdkafka
// reports partition EOF: for read_committed, the last stable offset, so a
// transaction a crashed owner left open is neither read nor waited for.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kafka/client_config.h"
#include "kafka/handles.h"
#include "kafka/managed_properties.h"

namespace ccpulse::kafka {

struct restore_progress {
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  std::uint64_t total_estimate = 0;  // sum of (high - low) watermarks seen so far in fetches
  std::chrono::steady_clock::duration elapsed{};
  // Where the time went, so a slow restore says whether it waited on the
  // broker or on us: client start, watermark queries and assign; blocked in
  // consume (fetches not yet arrived); inside on_record; closing the client.
  std::chrono::steady_clock::duration setup{};
  std::chrono::steady_clock::duration fetch_wait{};
  std::chrono::steady_clock::duration handling{};
  std::chrono::steady_clock::duration close{};
};

class state_reader {
 public:
  using record_fn = std::function<void(const rd_kafka_message_t& m)>;
  using progress_fn = std::function<void(const restore_progress&)>;

  // id: the worker's, for the reader's client.id (empty: librdkafka's default).
  state_reader(const properties& user, std::string topic, client_identity id = {});

  // Calls on_record for every record (tombstones have a null payload) in
  // log order per partition, and on_progress about once a second. Returns
  // an error message, empty on success. Never throws.
  std::string read(const std::vector<std::int32_t>& partitions, const record_fn& on_record,
                   const progress_fn& on_progress, std::chrono::milliseconds timeout) noexcept;

 private:
  properties _props;  // the user's, minus the group's own; client_properties adds ours
  std::string _topic;
  client_identity _id;
};

}  // namespace ccpulse::kafka
