#pragma once
// Scope snapshots (view/scope_snapshot.h) <-> records of the compacted
// snapshots topic ccpulse.snapshots: a text key and a ccpulse.v1.QueueSnapshot
// value (schemas/ccpulse/v1/snapshot.proto).
//
// Key, stable and byte-exact (compaction compares bytes):
//   "<scope kind>/<scope name>/<partition>"
//   scope kind "queue", "channel" or "overall"; scope name the queue label's
//   bytes as they are (may contain '/'), the channel's name, or "all" for
//   overall; partition canonical decimal (no sign, no leading zeros).
// The value repeats scope and partition; the decoder checks they agree.
//
// Runs about once a second per (scope, partition), never per event: the
// encoder and decoder reuse their protobuf messages, nothing more.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "view/scope_snapshot.h"

namespace ccpulse::v1 {
class QueueSnapshot;
}

namespace ccpulse::codec {

// QueueSnapshot.format_version written by this build; the decoder accepts
// 1..snapshot_format_version.
inline constexpr std::uint32_t snapshot_format_version = 1;

// Overwrites out.
void encode_snapshot_key(const view::scope_key& scope, std::int32_t partition, std::string& out);

struct snapshot_key {
  view::scope_key scope;
  std::int32_t partition = 0;
};
// False for anything encode_snapshot_key cannot have written.
bool parse_snapshot_key(std::string_view key, snapshot_key& out);

class snapshot_encoder {
 public:
  snapshot_encoder();
  ~snapshot_encoder();
  snapshot_encoder(const snapshot_encoder&) = delete;
  snapshot_encoder& operator=(const snapshot_encoder&) = delete;

  // Key and value; both overwritten. Deterministic: equal snapshots give
  // equal bytes.
  void encode(const view::scope_snapshot& s, std::string& key, std::string& value);

 private:
  std::unique_ptr<v1::QueueSnapshot> _pb;
  metrics::histogram_state _scratch;
};

struct snapshot_decode_result {
  bool ok = true;
  std::string detail;  // what is wrong; empty when ok
};

class snapshot_decoder {
 public:
  snapshot_decoder();
  ~snapshot_decoder();
  snapshot_decoder(const snapshot_decoder&) = delete;
  snapshot_decoder& operator=(const snapshot_decoder&) = delete;

  // A put (a tombstone has no value: parse its key alone). On an error out
  // is unspecified. Never throws (other than std::bad_alloc) and never reads
  // outside [value, value + len).
  snapshot_decode_result decode(std::string_view key, const void* value, std::size_t len,
                                view::scope_snapshot& out);

 private:
  std::unique_ptr<v1::QueueSnapshot> _pb;
  metrics::histogram_state _scratch;
};

}  // namespace ccpulse::codec
