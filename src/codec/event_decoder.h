#pragma once
// Protobuf bytes -> model event, with validation (DESIGN.md §9). The bytes
// are read in place (codec/event_wire.h): decoding allocates nothing, and
// the event's strings view the input.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "codec/invalid_reason.h"
#include "model/event.h"
#include "model/time.h"

namespace ccpulse::codec {

struct decoder_limits {
  std::size_t max_event_bytes = 65536;
  duration max_clock_skew = std::chrono::minutes(5);
  // Events before this are absurd (a zeroed or corrupted clock upstream).
  instant earliest = instant{std::chrono::seconds(946684800)};  // 2000-01-01
  // Attribute keys whose values the event carries, by slot: the policy
  // set's attribute_keys() (at most max_attribute_keys are kept).
  std::vector<std::string> attribute_keys;
};

struct decode_result {
  bool ok = false;
  invalid_reason reason = invalid_reason::decode_failed;
  std::string detail;  // human-readable, for the dead-letter header; empty when ok
};

class event_decoder {
 public:
  explicit event_decoder(decoder_limits limits = {});

  // On success, `out` views strings inside `bytes`: keep them alive while
  // the event is used.
  // `now` is the wall clock, used only for the clock-skew check.
  decode_result decode(std::span<const std::byte> bytes, instant now, event& out);

 private:
  decoder_limits _limits;
};

}  // namespace ccpulse::codec
