#include "codec/event_decoder.h"

#include <doctest/doctest.h>

#include <memory>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "ccpulse/v1/events.pb.h"
#include "codec/invalid_reason.h"
#include "model/channel.h"
#include "model/event.h"
#include "model/time.h"

namespace {

namespace v1 = ccpulse::v1;
using ccpulse::channel;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using ccpulse::codec::decode_result;
using ccpulse::codec::decoder_limits;
using ccpulse::codec::event_decoder;
using ccpulse::codec::invalid_reason;
using namespace std::chrono_literals;

constexpr std::int64_t event_seconds = 1'700'000'000;
// The wall clock of the decoding worker: one minute after the event.
const instant now = from_unix_micros(event_seconds * 1'000'000) + 1min;

v1::Event valid_queued() {
  v1::Event m;
  m.set_event_id("evt-1");
  m.mutable_occurred_at()->set_seconds(event_seconds);
  m.mutable_occurred_at()->set_nanos(123'456'789);
  m.set_interaction_id("ia-1");
  m.set_channel(v1::CHANNEL_VOICE);
  m.set_queue_id("sales");
  m.set_priority(3);
  m.mutable_customer()->set_hashed_id("cust-hash");
  m.mutable_customer()->set_tier("gold");
  m.set_agent_id("agent-7");
  m.mutable_queued();
  return m;
}

// `out` views the bytes, as it views a Kafka message's payload in
// production: the last decoded bytes stay alive until the next decode.
decode_result decode_bytes(event_decoder& d, const std::string& bytes, event& out, instant at = now) {
  static std::string last;
  last = bytes;
  return d.decode(std::as_bytes(std::span<const char>(last.data(), last.size())), at, out);
}

// One decoder for the whole file, as in production.
event_decoder& shared_decoder() {
  static event_decoder d;
  return d;
}

decode_result decode(const v1::Event& m, event& out) {
  return decode_bytes(shared_decoder(), m.SerializeAsString(), out);
}

// With its own limits; only the verdict survives the call.
decode_result verdict(const v1::Event& m, decoder_limits limits = {}) {
  event_decoder d(limits);
  event out;
  return decode_bytes(d, m.SerializeAsString(), out);
}

invalid_reason reason_of(const v1::Event& m, decoder_limits limits = {}) {
  const auto r = verdict(m, limits);
  CHECK_FALSE(r.ok);
  CHECK_FALSE(r.detail.empty());
  return r.reason;
}

bool accepted(const v1::Event& m, decoder_limits limits = {}) { return verdict(m, limits).ok; }

}  // namespace

// ---------------------------------------------------------------------------
// Successful decoding
// ---------------------------------------------------------------------------

TEST_CASE("a valid queued event maps every envelope field") {
  event out;
  const auto r = decode(valid_queued(), out);
  REQUIRE(r.ok);
  CHECK(r.detail.empty());
  CHECK(out.kind == event_kind::queued);
  CHECK(out.event_id == "evt-1");
  // Nanoseconds are truncated to the model's microseconds.
  CHECK(out.occurred_at == from_unix_micros(event_seconds * 1'000'000 + 123'456));
  CHECK(out.interaction_id == "ia-1");
  CHECK(out.chan == channel::voice);
  CHECK(out.queue_id == "sales");
  CHECK(out.priority == 3);
  CHECK(out.customer_id == "cust-hash");
  CHECK(out.customer_tier == "gold");
  CHECK(out.agent_id == "agent-7");
  CHECK(out.to_queue_id.empty());
  CHECK(out.csat == 0);
  CHECK(out.nps == -1);
}

TEST_CASE("every payload kind decodes to its event kind") {
  struct kase {
    std::function<void(v1::Event&)> set;
    event_kind kind;
  };
  const std::vector<kase> cases{
      {[](v1::Event& m) { m.mutable_interaction_created(); }, event_kind::interaction_created},
      {[](v1::Event& m) { m.mutable_queued(); }, event_kind::queued},
      {[](v1::Event& m) { m.mutable_answered(); }, event_kind::answered},
      {[](v1::Event& m) { m.mutable_agent_replied(); }, event_kind::agent_replied},
      {[](v1::Event& m) { m.mutable_customer_replied(); }, event_kind::customer_replied},
      {[](v1::Event& m) { m.mutable_held(); }, event_kind::held},
      {[](v1::Event& m) { m.mutable_resumed(); }, event_kind::resumed},
      {[](v1::Event& m) { m.mutable_transferred(); }, event_kind::transferred},
      {[](v1::Event& m) { m.mutable_escalated(); }, event_kind::escalated},
      {[](v1::Event& m) { m.mutable_status_changed(); }, event_kind::status_changed},
      {[](v1::Event& m) { m.mutable_wrap_up_started(); }, event_kind::wrap_up_started},
      {[](v1::Event& m) { m.mutable_wrap_up_ended(); }, event_kind::wrap_up_ended},
      {[](v1::Event& m) { m.mutable_abandoned(); }, event_kind::abandoned},
      {[](v1::Event& m) { m.mutable_resolved(); }, event_kind::resolved},
      {[](v1::Event& m) { m.mutable_reopened(); }, event_kind::reopened},
      {[](v1::Event& m) { m.mutable_sentiment_observed()->set_score(0.5); }, event_kind::sentiment_observed},
      {[](v1::Event& m) { m.mutable_survey_response()->set_csat(4); }, event_kind::survey_response},
      {[](v1::Event& m) { m.mutable_follow_up_completed(); }, event_kind::follow_up_completed},
      {[](v1::Event& m) { m.mutable_agent_state_changed(); }, event_kind::agent_state_changed},
  };
  REQUIRE(cases.size() == 19);
  for (const auto& c : cases) {
    auto m = valid_queued();
    c.set(m);
    event out;
    const auto r = decode(m, out);
    CAPTURE(ccpulse::to_string(c.kind));
    CHECK(r.ok);
    CHECK(out.kind == c.kind);
  }
}

TEST_CASE("transferred and escalated carry their target queue") {
  auto m = valid_queued();
  m.mutable_transferred()->set_to_queue_id("billing");
  event out;
  REQUIRE(decode(m, out).ok);
  CHECK(out.kind == event_kind::transferred);
  CHECK(out.to_queue_id == "billing");

  m.mutable_escalated()->set_to_queue_id("tier2");
  REQUIRE(decode(m, out).ok);
  CHECK(out.kind == event_kind::escalated);
  CHECK(out.to_queue_id == "tier2");
}

TEST_CASE("status_changed maps every ticket status and tolerates unknown ones") {
  const std::vector<std::pair<v1::TicketStatus, ccpulse::ticket_status>> map{
      {v1::TICKET_STATUS_NEW, ccpulse::ticket_status::new_},
      {v1::TICKET_STATUS_OPEN, ccpulse::ticket_status::open},
      {v1::TICKET_STATUS_PENDING, ccpulse::ticket_status::pending},
      {v1::TICKET_STATUS_ON_HOLD, ccpulse::ticket_status::on_hold},
      {v1::TICKET_STATUS_SOLVED, ccpulse::ticket_status::solved},
      {v1::TICKET_STATUS_CLOSED, ccpulse::ticket_status::closed},
      {v1::TICKET_STATUS_UNSPECIFIED, ccpulse::ticket_status::unspecified},
      {static_cast<v1::TicketStatus>(42), ccpulse::ticket_status::unspecified},
  };
  for (const auto& [proto, model] : map) {
    auto m = valid_queued();
    m.mutable_status_changed()->set_status(proto);
    event out;
    REQUIRE(decode(m, out).ok);
    CHECK(out.status == model);
  }
}

TEST_CASE("agent_state_changed maps every agent state and needs no interaction id") {
  const std::vector<std::pair<v1::AgentState, ccpulse::agent_state>> map{
      {v1::AGENT_STATE_LOGGED_OUT, ccpulse::agent_state::logged_out},
      {v1::AGENT_STATE_AVAILABLE, ccpulse::agent_state::available},
      {v1::AGENT_STATE_ON_CONTACT, ccpulse::agent_state::on_contact},
      {v1::AGENT_STATE_AFTER_CONTACT_WORK, ccpulse::agent_state::after_contact_work},
      {v1::AGENT_STATE_AWAY, ccpulse::agent_state::away},
      {static_cast<v1::AgentState>(77), ccpulse::agent_state::unspecified},
  };
  for (const auto& [proto, model] : map) {
    auto m = valid_queued();
    m.clear_interaction_id();
    m.mutable_agent_state_changed()->set_state(proto);
    event out;
    REQUIRE(decode(m, out).ok);
    CHECK(out.kind == event_kind::agent_state_changed);
    CHECK(out.agent == model);
    CHECK(out.agent_id == "agent-7");
    CHECK(out.interaction_id.empty());
  }
}

TEST_CASE("every channel value maps to its model channel") {
  const std::vector<std::pair<v1::Channel, channel>> map{
      {v1::CHANNEL_VOICE, channel::voice},   {v1::CHANNEL_CHAT, channel::chat},
      {v1::CHANNEL_EMAIL, channel::email},   {v1::CHANNEL_TICKET, channel::ticket},
      {v1::CHANNEL_SOCIAL, channel::social}, {v1::CHANNEL_MESSAGING, channel::messaging},
      {v1::CHANNEL_VIDEO, channel::video},
  };
  for (const auto& [proto, model] : map) {
    auto m = valid_queued();
    m.set_channel(proto);
    event out;
    REQUIRE(decode(m, out).ok);
    CHECK(out.chan == model);
  }
}

TEST_CASE("sentiment and survey payloads carry their values") {
  event out;
  auto m = valid_queued();
  m.mutable_sentiment_observed()->set_score(-0.25);
  REQUIRE(decode(m, out).ok);
  CHECK(out.sentiment == -0.25);

  for (double edge : {-1.0, 1.0}) {
    m.mutable_sentiment_observed()->set_score(edge);
    REQUIRE(decode(m, out).ok);
    CHECK(out.sentiment == edge);
  }

  auto s = valid_queued();
  s.mutable_survey_response()->set_csat(5);
  s.mutable_survey_response()->set_nps(10);
  s.mutable_survey_response()->set_has_nps(true);
  REQUIRE(decode(s, out).ok);
  CHECK(out.csat == 5);
  CHECK(out.nps == 10);

  // NPS only, zero is a real answer.
  s.mutable_survey_response()->set_csat(0);
  s.mutable_survey_response()->set_nps(0);
  REQUIRE(decode(s, out).ok);
  CHECK(out.csat == 0);
  CHECK(out.nps == 0);

  // CSAT only: an nps value without has_nps is ignored.
  s.mutable_survey_response()->set_csat(2);
  s.mutable_survey_response()->set_nps(99);
  s.mutable_survey_response()->set_has_nps(false);
  REQUIRE(decode(s, out).ok);
  CHECK(out.csat == 2);
  CHECK(out.nps == -1);
}

TEST_CASE("a reused decoder does not leak fields from the previous event") {
  event_decoder d;
  event out;
  auto first = valid_queued();
  first.mutable_transferred()->set_to_queue_id("billing");
  REQUIRE(decode_bytes(d, first.SerializeAsString(), out).ok);
  CHECK(out.to_queue_id == "billing");

  v1::Event second;
  second.set_event_id("evt-2");
  second.mutable_occurred_at()->set_seconds(event_seconds);
  second.set_interaction_id("ia-2");
  second.mutable_answered();
  REQUIRE(decode_bytes(d, second.SerializeAsString(), out).ok);
  CHECK(out.event_id == "evt-2");
  CHECK(out.queue_id.empty());
  CHECK(out.agent_id.empty());
  CHECK(out.customer_tier.empty());
  CHECK(out.to_queue_id.empty());
  CHECK(out.priority == 0);
  CHECK(out.chan == channel::unspecified);
}

TEST_CASE("unknown fields are tolerated") {
  std::string bytes = valid_queued().SerializeAsString();
  // Field 1000, varint 1; field 1001, length-delimited "new".
  bytes += std::string{'\xc0', '\x3e', '\x01'};
  bytes += std::string{'\xca', '\x3e', '\x03', 'n', 'e', 'w'};
  event_decoder d;
  event out;
  const auto r = decode_bytes(d, bytes, out);
  REQUIRE(r.ok);
  CHECK(out.kind == event_kind::queued);
  CHECK(out.event_id == "evt-1");
  CHECK(out.queue_id == "sales");
}

// ---------------------------------------------------------------------------
// Rejections, one reason at a time
// ---------------------------------------------------------------------------

TEST_CASE("input above max_event_bytes is oversize, at the limit it is decoded") {
  const std::string bytes = valid_queued().SerializeAsString();
  event out;
  decoder_limits at_limit;
  at_limit.max_event_bytes = bytes.size();
  event_decoder ok(at_limit);
  CHECK(decode_bytes(ok, bytes, out).ok);

  decoder_limits below;
  below.max_event_bytes = bytes.size() - 1;
  event_decoder small(below);
  const auto r = decode_bytes(small, bytes, out);
  CHECK_FALSE(r.ok);
  CHECK(r.reason == invalid_reason::oversize);
  CHECK(r.detail.find(std::to_string(bytes.size())) != std::string::npos);
}

TEST_CASE("truncated protobuf fails to decode") {
  const std::string bytes = valid_queued().SerializeAsString();
  event_decoder d;
  event out;
  // Inside event_id (tag, length 5, then only 2 of its 5 bytes).
  auto r = decode_bytes(d, bytes.substr(0, 4), out);
  CHECK_FALSE(r.ok);
  CHECK(r.reason == invalid_reason::decode_failed);
  // The payload (field 21) is last: cutting its length byte breaks it.
  r = decode_bytes(d, bytes.substr(0, bytes.size() - 1), out);
  CHECK_FALSE(r.ok);
  CHECK(r.reason == invalid_reason::decode_failed);
  // An invalid wire type.
  r = decode_bytes(d, std::string{'\x0f'}, out);
  CHECK_FALSE(r.ok);
  CHECK(r.reason == invalid_reason::decode_failed);
}

TEST_CASE("random bytes are rejected, by the parser or by validation") {
  event_decoder d;
  event out;
  std::mt19937 rng(42);  // the engine is fully specified by the standard
  int parse_failures = 0;
  for (int i = 0; i < 200; ++i) {
    std::string bytes;
    for (int k = 0; k < 64; ++k) bytes.push_back(static_cast<char>(rng() & 0xff));
    const auto r = decode_bytes(d, bytes, out);
    CHECK_FALSE(r.ok);
    if (r.reason == invalid_reason::decode_failed) ++parse_failures;
  }
  CHECK(parse_failures > 100);
}

TEST_CASE("bytes that parse as an Event with unknown fields only fail on a later reason") {
  // Seed-independent: a valid protobuf made only of unknown fields.
  event_decoder d;
  event out;
  const std::string only_unknown{'\xc0', '\x3e', '\x01', '\xca', '\x3e', '\x01', 'x'};
  const auto r = decode_bytes(d, only_unknown, out);
  CHECK_FALSE(r.ok);
  CHECK(r.reason == invalid_reason::missing_payload);

  // A fixed random input: 16 bytes from mt19937(16) parse as an Event made
  // of unknown fields, so validation, not the parser, rejects them.
  std::mt19937 rng(16);
  std::string bytes;
  for (int k = 0; k < 16; ++k) bytes.push_back(static_cast<char>(rng() & 0xff));
  v1::Event probe;
  REQUIRE(probe.ParseFromString(bytes));
  const auto rr = decode_bytes(d, bytes, out);
  CHECK_FALSE(rr.ok);
  CHECK(rr.reason == invalid_reason::missing_payload);
}

TEST_CASE("a message with no payload is missing_payload") {
  auto m = valid_queued();
  m.clear_payload();
  CHECK(reason_of(m) == invalid_reason::missing_payload);
}

TEST_CASE("an empty event_id is missing_event_id") {
  auto m = valid_queued();
  m.clear_event_id();
  CHECK(reason_of(m) == invalid_reason::missing_event_id);
}

TEST_CASE("an empty interaction_id is missing_interaction_id except for agent events") {
  auto m = valid_queued();
  m.clear_interaction_id();
  CHECK(reason_of(m) == invalid_reason::missing_interaction_id);
  m.mutable_answered();
  CHECK(reason_of(m) == invalid_reason::missing_interaction_id);
}

TEST_CASE("an agent state event without agent_id is missing_agent_id") {
  auto m = valid_queued();
  m.mutable_agent_state_changed()->set_state(v1::AGENT_STATE_AVAILABLE);
  m.clear_agent_id();
  CHECK(reason_of(m) == invalid_reason::missing_agent_id);
}

TEST_CASE("any id longer than 64 bytes is id_too_long, 64 bytes is accepted") {
  const std::string max(ccpulse::max_id_length, 'x');
  const std::string over(ccpulse::max_id_length + 1, 'x');
  const std::vector<std::function<void(v1::Event&, const std::string&)>> fields{
      [](v1::Event& m, const std::string& s) { m.set_event_id(s); },
      [](v1::Event& m, const std::string& s) { m.set_interaction_id(s); },
      [](v1::Event& m, const std::string& s) { m.set_queue_id(s); },
      [](v1::Event& m, const std::string& s) { m.set_agent_id(s); },
      [](v1::Event& m, const std::string& s) { m.mutable_customer()->set_hashed_id(s); },
      [](v1::Event& m, const std::string& s) { m.mutable_customer()->set_tier(s); },
  };
  for (std::size_t i = 0; i < fields.size(); ++i) {
    CAPTURE(i);
    auto m = valid_queued();
    fields[i](m, max);
    CHECK(accepted(m));
    fields[i](m, over);
    CHECK(reason_of(m) == invalid_reason::id_too_long);
  }
}

TEST_CASE("an unset occurred_at is missing_occurred_at") {
  auto m = valid_queued();
  m.clear_occurred_at();
  CHECK(reason_of(m) == invalid_reason::missing_occurred_at);
}

TEST_CASE("a timestamp outside the Timestamp range or before 2000 is invalid_timestamp") {
  auto m = valid_queued();
  SUBCASE("seconds past year 9999") { m.mutable_occurred_at()->set_seconds(253402300800); }
  SUBCASE("seconds before year 1") { m.mutable_occurred_at()->set_seconds(-62135596801); }
  SUBCASE("negative nanos") { m.mutable_occurred_at()->set_nanos(-1); }
  SUBCASE("nanos of a whole second") { m.mutable_occurred_at()->set_nanos(1'000'000'000); }
  SUBCASE("the epoch, a zeroed clock") {
    m.mutable_occurred_at()->set_seconds(0);
    m.mutable_occurred_at()->set_nanos(0);
  }
  SUBCASE("just before 2000-01-01") {
    m.mutable_occurred_at()->set_seconds(946684799);
    m.mutable_occurred_at()->set_nanos(999'999'999);
  }
  CHECK(reason_of(m) == invalid_reason::invalid_timestamp);
}

TEST_CASE("2000-01-01 itself is a valid timestamp") {
  auto m = valid_queued();
  m.mutable_occurred_at()->set_seconds(946684800);
  m.mutable_occurred_at()->set_nanos(0);
  event out;
  REQUIRE(decode(m, out).ok);
  CHECK(out.occurred_at == from_unix_micros(946684800LL * 1'000'000));
}

TEST_CASE("a timestamp more than max_clock_skew ahead of now is future_timestamp") {
  const std::int64_t now_s = event_seconds + 60;
  auto m = valid_queued();
  SUBCASE("default skew: 5 min") {
    m.mutable_occurred_at()->set_seconds(now_s + 300);
    m.mutable_occurred_at()->set_nanos(0);
    CHECK(accepted(m));
    m.mutable_occurred_at()->set_nanos(999);  // below the model's microsecond
    CHECK(accepted(m));
    m.mutable_occurred_at()->set_nanos(1000);
    CHECK(reason_of(m) == invalid_reason::future_timestamp);
  }
  SUBCASE("configured skew") {
    decoder_limits l;
    l.max_clock_skew = 10s;
    m.mutable_occurred_at()->set_seconds(now_s + 10);
    m.mutable_occurred_at()->set_nanos(0);
    CHECK(accepted(m, l));
    m.mutable_occurred_at()->set_seconds(now_s + 11);
    CHECK(reason_of(m, l) == invalid_reason::future_timestamp);
  }
}

TEST_CASE("a channel value unknown to this schema is unknown_channel") {
  auto m = valid_queued();
  m.set_channel(static_cast<v1::Channel>(99));
  CHECK(reason_of(m) == invalid_reason::unknown_channel);
  m.mutable_answered();
  CHECK(reason_of(m) == invalid_reason::unknown_channel);
}

TEST_CASE("an unspecified channel is refused on created and queued, accepted elsewhere") {
  auto m = valid_queued();
  m.set_channel(v1::CHANNEL_UNSPECIFIED);
  CHECK(reason_of(m) == invalid_reason::unknown_channel);
  m.mutable_interaction_created();
  CHECK(reason_of(m) == invalid_reason::unknown_channel);
  m.mutable_answered();
  event out;
  REQUIRE(decode(m, out).ok);
  CHECK(out.chan == channel::unspecified);
}

TEST_CASE("a queued event without queue_id is missing_queue") {
  auto m = valid_queued();
  m.clear_queue_id();
  CHECK(reason_of(m) == invalid_reason::missing_queue);
  m.mutable_answered();
  CHECK(accepted(m));
}

TEST_CASE("a priority above 100 is invalid_field") {
  auto m = valid_queued();
  m.set_priority(100);
  CHECK(accepted(m));
  m.set_priority(101);
  CHECK(reason_of(m) == invalid_reason::invalid_field);
}

TEST_CASE("a sentiment score outside [-1, 1] or not finite is invalid_field") {
  auto m = valid_queued();
  for (double bad :
       {1.0001, -1.5, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    CAPTURE(bad);
    m.mutable_sentiment_observed()->set_score(bad);
    CHECK(reason_of(m) == invalid_reason::invalid_field);
  }
}

TEST_CASE("a survey with csat above 5, nps above 10 or no answer is invalid_field") {
  auto m = valid_queued();
  auto* s = m.mutable_survey_response();
  SUBCASE("csat 6") { s->set_csat(6); }
  SUBCASE("nps 11") {
    s->set_nps(11);
    s->set_has_nps(true);
  }
  SUBCASE("neither asked") {
    s->set_csat(0);
    s->set_has_nps(false);
  }
  CHECK(reason_of(m) == invalid_reason::invalid_field);
}

TEST_CASE("invalid reasons have stable names") {
  CHECK(to_string(invalid_reason::oversize) == "oversize");
  CHECK(to_string(invalid_reason::decode_failed) == "decode_failed");
  CHECK(to_string(invalid_reason::missing_event_id) == "missing_event_id");
  CHECK(to_string(invalid_reason::missing_interaction_id) == "missing_interaction_id");
  CHECK(to_string(invalid_reason::missing_agent_id) == "missing_agent_id");
  CHECK(to_string(invalid_reason::missing_occurred_at) == "missing_occurred_at");
  CHECK(to_string(invalid_reason::invalid_timestamp) == "invalid_timestamp");
  CHECK(to_string(invalid_reason::future_timestamp) == "future_timestamp");
  CHECK(to_string(invalid_reason::id_too_long) == "id_too_long");
  CHECK(to_string(invalid_reason::unknown_channel) == "unknown_channel");
  CHECK(to_string(invalid_reason::missing_payload) == "missing_payload");
  CHECK(to_string(invalid_reason::missing_queue) == "missing_queue");
  CHECK(to_string(invalid_reason::invalid_field) == "invalid_field");
  CHECK(to_string(invalid_reason::engine_rejected) == "engine_rejected");
}

TEST_CASE("the decoder keeps the values of the wanted attribute keys by slot, and no others") {
  auto m = valid_queued();
  (*m.mutable_attributes())["segment"] = "enterprise";
  (*m.mutable_attributes())["reason"] = "billing";
  (*m.mutable_attributes())["language"] = "de";
  decoder_limits limits;
  limits.attribute_keys = {"language", "channel_hint", "segment"};
  event_decoder d(limits);
  event out;
  REQUIRE(decode_bytes(d, m.SerializeAsString(), out).ok);
  CHECK(out.attributes[0] == "de");
  CHECK(out.attributes[1].empty());
  CHECK(out.attributes[2] == "enterprise");
  CHECK(out.attributes[3].empty());

  // Without wanted keys nothing is kept.
  event plain;
  REQUIRE(decode(m, plain).ok);
  for (const auto& a : plain.attributes) CHECK(a.empty());
}

TEST_CASE("a map key sent twice keeps the last entry, as protobuf's map does") {
  // Two entries for "language" written by hand: field 9, entries {1: key, 2: value}.
  auto m = valid_queued();
  std::string bytes = m.SerializeAsString();
  auto entry = [](std::string_view k, std::string_view v) {
    std::string e;
    e += '\x0a';
    e += static_cast<char>(k.size());
    e += k;
    e += '\x12';
    e += static_cast<char>(v.size());
    e += v;
    std::string f;
    f += '\x4a';
    f += static_cast<char>(e.size());
    return f + e;
  };
  bytes += entry("language", "en");
  bytes += entry("language", "fr");
  v1::Event parsed;
  REQUIRE(parsed.ParseFromString(bytes));
  REQUIRE(parsed.attributes().at("language") == "fr");
  decoder_limits limits;
  limits.attribute_keys = {"language"};
  event_decoder d(limits);
  event out;
  REQUIRE(decode_bytes(d, bytes, out).ok);
  CHECK(out.attributes[0] == "fr");
}
