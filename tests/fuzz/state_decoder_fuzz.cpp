// Fuzz target: a changelog record (key, value or tombstone) of the state
// topic -> a state record or an error (codec/state_codec.h).
// Input: byte 0 bit 0 = tombstone, byte 1 = key length, then the key, then
// the value. Invariants: never throws; the sink is called exactly once on
// success and never on error; a record decoded re-encodes under its own key
// (keys are canonical), and that encoding decodes and re-encodes to the same
// bytes (the codec round-trips what it accepts).
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "codec/state_codec.h"

namespace {

using namespace ccpulse;

// Encodes whatever it is given again; counts the calls.
struct reencoder : engine::state_sink {
  codec::state_encoder enc;
  std::string key, value;
  bool tombstone = false;
  int calls = 0;

  void put(const engine::interaction_state& s) override { record(s); }
  void put(const engine::queue_state& s) override { record(s); }
  void put(const engine::partition_meta_state& s) override { record(s); }
  void put(const engine::dedup_chunk& s) override { record(s); }
  void put_agent(const engine::agent_record_state& s) override { record(s); }
  void put_repeat(const engine::repeat_chunk& s) override { record(s); }
  void put_queue_rule(const engine::queue_rule_record& s) override { record(s); }
  void put_bucket(const metrics::window_bucket_state& s) override { record(s); }
  void put_clock(const metrics::window_clock_state& s) override { record(s); }
  void erase(const engine::state_key& k) override {
    ++calls;
    tombstone = true;
    codec::state_encoder::encode_tombstone(k, key);
  }
  void erase_bucket(const metrics::window_state_key& k) override {
    ++calls;
    tombstone = true;
    codec::state_encoder::encode_tombstone(k, key);
  }

  template <class Record>
  void record(const Record& s) {
    ++calls;
    tombstone = false;
    enc.encode(s, key, value);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Invalid UTF-8 in string fields makes libprotobuf log a line per value.
  static const google::protobuf::LogSilencer quiet;
  static codec::state_decoder first, second;
  if (size < 2) return 0;
  const bool tombstone = (data[0] & 1) != 0;
  const std::size_t key_len = std::min<std::size_t>(data[1], size - 2);
  const std::string_view key(reinterpret_cast<const char*>(data + 2), key_len);
  const std::uint8_t* value = data + 2 + key_len;
  const std::size_t value_len = size - 2 - key_len;

  reencoder once;
  const auto r = first.decode(key, value, value_len, tombstone, once);
  if (once.calls != (r.ok() ? 1 : 0)) std::abort();
  if (!r.ok()) {
    if (r.detail.empty()) std::abort();
    return 0;
  }
  if (once.tombstone != tombstone || once.key != key) std::abort();
  if (tombstone) return 0;

  reencoder twice;
  const auto again = second.decode(once.key, once.value.data(), once.value.size(), false, twice);
  if (!again.ok() || twice.calls != 1) std::abort();
  if (twice.key != once.key || twice.value != once.value) std::abort();
  return 0;
}
