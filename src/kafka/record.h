#pragma once
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace ccpulse::kafka {

struct header {
  std::string_view name;
  std::string_view value;
};

// One record to produce; views must stay valid for the produce call only
// (librdkafka copies them).
struct outgoing_record {
  std::string_view topic;
  std::string_view key;
  std::string_view value;
  std::vector<header> headers;
  std::int32_t partition = -1;  // -1: the partitioner decides from the key
  bool tombstone = false;       // null value: deletes the key on a compacted topic
};

}  // namespace ccpulse::kafka
