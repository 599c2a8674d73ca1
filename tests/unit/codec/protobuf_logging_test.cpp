#include <doctest/doctest.h>

#include <chrono>
#include <span>
#include <string>

#include "ccpulse/v1/events.pb.h"
#include "codec/event_decoder.h"
#include "codec/protobuf_logging.h"

using namespace ccpulse;

TEST_CASE("a burst of invalid UTF-8 strings logs one protobuf line, not one per message") {
  codec::install_protobuf_log_limit();
  // Events no longer go through protobuf's parser (codec/event_wire.h);
  // state records and snapshots still do, and log the same way.
  v1::Event m;
  m.set_event_id(std::string("\xff\xfe bad utf-8", 13));
  m.set_interaction_id("i-1");
  m.mutable_queued();
  const auto bytes = m.SerializeAsString();
  const auto before = codec::protobuf_log_lines_suppressed_total();
  for (int i = 0; i < 20; ++i) {
    v1::Event parsed;
    REQUIRE_FALSE(parsed.ParseFromString(bytes));
  }
  // protobuf reports each bad string; all but at most one are held back.
  CHECK(codec::protobuf_log_lines_suppressed_total() - before >= 19);

  // The event decoder refuses the same bytes without logging at all.
  codec::event_decoder d;
  event out;
  const auto quiet = codec::protobuf_log_lines_suppressed_total();
  auto r = d.decode(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())),
                    instant{std::chrono::seconds(1'800'000'000)}, out);
  REQUIRE_FALSE(r.ok);
  CHECK(r.reason == codec::invalid_reason::decode_failed);
  CHECK(codec::protobuf_log_lines_suppressed_total() == quiet);
}
