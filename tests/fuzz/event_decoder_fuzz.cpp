// Fuzz target: input record bytes -> event or dead-letter reason
// (codec/event_decoder.h). Invariants: never throws; a rejection names a
// reason the decoder may give (not engine_rejected) with a detail for the
// dead-letter header; a success has no detail, and its ids are within
// max_id_length and view the input bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "codec/event_decoder.h"

namespace {

bool views_input(std::string_view s, const std::byte* begin, std::size_t size) {
  if (s.empty()) return true;
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  return p >= begin && p + s.size() <= begin + size;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ccpulse;
  static codec::event_decoder decoder([] {
    codec::decoder_limits l;
    l.attribute_keys = {"region", "vip"};
    return l;
  }());
  const instant now = from_unix_micros(1'800'000'000'000'000);
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  event e;
  const codec::decode_result r = decoder.decode(std::span(bytes, size), now, e);
  if (!r.ok) {
    if (r.reason == codec::invalid_reason::engine_rejected || r.detail.empty()) std::abort();
    if (codec::to_string(r.reason) == "unknown") std::abort();
    return 0;
  }
  if (!r.detail.empty()) std::abort();
  for (const std::string_view id : {e.event_id, e.interaction_id}) {
    if (id.size() > max_id_length || !views_input(id, bytes, size)) std::abort();
  }
  return 0;
}
