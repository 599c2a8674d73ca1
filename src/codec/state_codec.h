#pragma once
// Portable state records (engine/state_record.h) <-> records of the compacted
// state topic ccpulse.state (DESIGN.md §8): a text key and a
// ccpulse.v1.StateRecord value (schemas/ccpulse/v1/state.proto). A tombstone
// (null value) deletes its key.
//
// Keys, stable and byte-exact (compaction compares them as bytes):
//   interaction  "i/<interaction_id>"   the id's bytes as they are (may be
//                                       empty, may contain '/')
//   queue        "q/<queue label>"      the label's bytes as they are
//   meta         "m"                    one per partition
//   dedup chunk  "d/<generation>/<sequence>"
//                generation: unix microseconds, signed decimal; sequence:
//                unsigned decimal (uint32). Canonical form only: no '+', no
//                leading zeros, no "-0" (so one chunk has exactly one key).
//   window       "wc/<start>/<scope>" (counters bucket), "wp/<start>/<scope>"
//   bucket       (parts bucket): start in unix microseconds, canonical signed
//                decimal; scope "all" (overall), "q/<queue label>" (the
//                label's bytes as they are, may contain '/'), "ch/<channel>"
//   window clock "wh"                   one per partition, never deleted
//   agent        "a/<agent_id>"         the id's bytes as they are
//   repeat chunk "r/<generation>/<sequence>"  as dedup chunks
//   queue rule   "qr/<rule>/<queue>"    rule names have no '/'; the queue
//                                       label's bytes follow as they are
// The value repeats the key's identity (id, label, generation and sequence);
// the decoder checks that the two agree.
//
// Neither side throws or allocates in steady state beyond first use: each
// object keeps its protobuf messages and engine structs and reuses their
// capacity. Not thread-safe: one encoder and one decoder per worker.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/state_record.h"

namespace ccpulse::v1 {
class StateRecord;
class InteractionState;
class QueueState;
class PartitionMeta;
class DedupChunk;
class WindowBucket;
class WindowClock;
class AgentRecord;
class RepeatChunk;
class QueueRuleState;
}  // namespace ccpulse::v1

namespace ccpulse::codec {

// StateRecord.format_version written by this build; the decoder accepts
// 1..state_format_version.
inline constexpr std::uint32_t state_format_version = 1;

// The key of a record or of a tombstone. Overwrites `out` (capacity reused).
void encode_state_key(const engine::state_key& k, std::string& out);
void encode_window_key(const metrics::window_state_key& k, std::string& out);
inline constexpr std::string_view window_clock_key = "wh";

class state_encoder {
 public:
  state_encoder();
  ~state_encoder();
  state_encoder(const state_encoder&) = delete;
  state_encoder& operator=(const state_encoder&) = delete;

  // Key and value of a put; both are overwritten (capacity reused).
  // Serialization is deterministic: equal records give equal bytes.
  void encode(const engine::interaction_state& s, std::string& key, std::string& value);
  void encode(const engine::queue_state& s, std::string& key, std::string& value);
  void encode(const engine::partition_meta_state& s, std::string& key, std::string& value);
  void encode(const engine::dedup_chunk& s, std::string& key, std::string& value);
  void encode(const metrics::window_bucket_state& s, std::string& key, std::string& value);
  void encode(const metrics::window_clock_state& s, std::string& key, std::string& value);
  void encode(const engine::agent_record_state& s, std::string& key, std::string& value);
  void encode(const engine::repeat_chunk& s, std::string& key, std::string& value);
  void encode(const engine::queue_rule_record& s, std::string& key, std::string& value);

  // A tombstone has only a key (its value is null on the topic).
  static void encode_tombstone(const engine::state_key& k, std::string& key) { encode_state_key(k, key); }
  static void encode_tombstone(const metrics::window_state_key& k, std::string& key) {
    encode_window_key(k, key);
  }

 private:
  void finish(std::string& value);

  // The value's wrapper, and one body per kind lent to it during each call
  // so switching kinds does not free and reallocate the oneof member.
  std::unique_ptr<v1::StateRecord> _record;
  std::unique_ptr<v1::InteractionState> _interaction;
  std::unique_ptr<v1::QueueState> _queue;
  std::unique_ptr<v1::PartitionMeta> _meta;
  std::unique_ptr<v1::DedupChunk> _dedup;
  std::unique_ptr<v1::WindowBucket> _window;
  std::unique_ptr<v1::WindowClock> _clock;
  std::unique_ptr<v1::AgentRecord> _agent;
  std::unique_ptr<v1::RepeatChunk> _repeat;
  std::unique_ptr<v1::QueueRuleState> _queue_rule;
};

enum class state_error : std::uint8_t {
  none,
  // Key empty or malformed for its kind ("m/x", "d/01/2", "i" without '/').
  bad_key,
  // Value not a StateRecord, format_version missing (0), a field out of
  // range (instant beyond instant_min..instant_max), an enum value unknown to
  // this build, or an UNSPECIFIED target or lifecycle. No fallback: a value
  // we cannot represent exactly is not restored silently wrong.
  bad_value,
  // A kind this build does not know, in the key (its tag before the first
  // '/' is not i, q, m, d, a or r) or in the value (no known oneof member set):
  // most likely written by a newer build. The caller decides to skip or stop.
  unknown_record,
  // format_version newer than state_format_version.
  version_too_new,
  // The value is of another kind than the key, or names another
  // interaction, queue or chunk.
  key_mismatch,
};

std::string_view to_string(state_error e);

struct state_decode_result {
  state_error error = state_error::none;
  std::string detail;  // human-readable; empty when ok
  bool ok() const { return error == state_error::none; }
};

// Parses a key alone. On success `out.name` views `key`. Window keys are
// not engine keys: parse_window_key reads them.
state_decode_result parse_state_key(std::string_view key, engine::state_key& out);

// A window bucket's key (clock false, bucket.scope_name views `key`) or the
// window clock's (clock true).
struct window_key {
  bool clock = false;
  metrics::window_state_key bucket;
};
bool is_window_key(std::string_view key);
state_decode_result parse_window_key(std::string_view key, window_key& out);

class state_decoder {
 public:
  state_decoder();
  ~state_decoder();
  state_decoder(const state_decoder&) = delete;
  state_decoder& operator=(const state_decoder&) = delete;

  // One record of the state topic. A tombstone (`tombstone` true: the value
  // is ignored) calls into.erase (into.erase_bucket for a window bucket) with
  // the key's identity, whose name views `key`. A put calls into.put
  // (put_bucket, put_clock) with a struct owned by this decoder. Both are
  // valid only during the call. On any error nothing is called. Never throws
  // (other than std::bad_alloc) and never reads outside [value, value+len).
  state_decode_result decode(std::string_view key, const void* value, std::size_t len, bool tombstone,
                             engine::state_sink& into);

 private:
  state_decode_result decode_value(const engine::state_key& k, const void* value, std::size_t len,
                                   engine::state_sink& into);
  state_decode_result decode_window(std::string_view key, const void* value, std::size_t len, bool tombstone,
                                    engine::state_sink& into);

  std::unique_ptr<v1::InteractionState> _interaction_pb;
  std::unique_ptr<v1::QueueState> _queue_pb;
  std::unique_ptr<v1::PartitionMeta> _meta_pb;
  std::unique_ptr<v1::DedupChunk> _dedup_pb;
  std::unique_ptr<v1::WindowBucket> _window_pb;
  std::unique_ptr<v1::WindowClock> _clock_pb;
  std::unique_ptr<v1::AgentRecord> _agent_pb;
  std::unique_ptr<v1::RepeatChunk> _repeat_pb;
  std::unique_ptr<v1::QueueRuleState> _queue_rule_pb;
  engine::interaction_state _interaction;
  engine::queue_state _queue;
  engine::partition_meta_state _meta;
  engine::dedup_chunk _dedup;
  metrics::window_bucket_state _window;
  metrics::window_clock_state _clock;
  engine::agent_record_state _agent;
  engine::repeat_chunk _repeat;
  engine::queue_rule_record _queue_rule;
};

// Convenience for tools and tests: a fresh decoder per call (allocates).
state_decode_result decode_state(std::string_view key, const void* value, std::size_t len, bool tombstone,
                                 engine::state_sink& into);

}  // namespace ccpulse::codec
