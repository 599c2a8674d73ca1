#include "codec/state_codec.h"

#include <doctest/doctest.h>
#include <google/protobuf/stubs/logging.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ccpulse/v1/state.pb.h"
#include "engine/state_record.h"
#include "model/channel.h"
#include "model/time.h"
#include "sla/policy.h"

namespace {

namespace v1 = ccpulse::v1;
namespace engine = ccpulse::engine;
using ccpulse::channel;
using ccpulse::duration;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using ccpulse::instant_max;
using ccpulse::instant_min;
using ccpulse::to_unix_micros;
using ccpulse::codec::decode_state;
using ccpulse::codec::encode_state_key;
using ccpulse::codec::parse_state_key;
using ccpulse::codec::state_decode_result;
using ccpulse::codec::state_decoder;
using ccpulse::codec::state_encoder;
using ccpulse::codec::state_error;
using ccpulse::codec::state_format_version;
using ccpulse::sla::target_type;
using engine::state_kind;
using namespace std::chrono_literals;

const instant t0 = from_unix_micros(1'700'000'000'123'457);
const std::string id64(64, 'x');

// Copies everything it is given, so tests can look after the call.
struct recorder : engine::state_sink {
  std::vector<engine::interaction_state> interactions;
  std::vector<engine::queue_state> queues;
  std::vector<engine::partition_meta_state> metas;
  std::vector<engine::dedup_chunk> chunks;
  struct erased {
    state_kind kind;
    std::string name;
    instant generation;
    std::uint32_t sequence;
    const char* name_data;
  };
  std::vector<erased> erasures;

  void put(const engine::interaction_state& s) override { interactions.push_back(s); }
  void put(const engine::queue_state& s) override { queues.push_back(s); }
  void put(const engine::partition_meta_state& s) override { metas.push_back(s); }
  void put(const engine::dedup_chunk& s) override { chunks.push_back(s); }
  std::vector<engine::agent_record_state> agents;
  std::vector<engine::repeat_chunk> repeats;
  void put_agent(const engine::agent_record_state& s) override { agents.push_back(s); }
  void put_repeat(const engine::repeat_chunk& s) override { repeats.push_back(s); }
  std::vector<ccpulse::metrics::window_bucket_state> buckets;
  std::vector<ccpulse::metrics::window_clock_state> clocks;
  std::vector<std::string> erased_buckets;  // their keys, encoded again
  void put_bucket(const ccpulse::metrics::window_bucket_state& s) override { buckets.push_back(s); }
  void put_clock(const ccpulse::metrics::window_clock_state& s) override { clocks.push_back(s); }
  void erase_bucket(const ccpulse::metrics::window_state_key& k) override {
    erased_buckets.emplace_back();
    ccpulse::codec::encode_window_key(k, erased_buckets.back());
  }
  void erase(const engine::state_key& k) override {
    erasures.push_back({k.kind, std::string(k.name), k.generation, k.sequence, k.name.data()});
  }
  std::size_t calls() const {
    return interactions.size() + queues.size() + metas.size() + chunks.size() + erasures.size() +
           buckets.size() + clocks.size() + erased_buckets.size();
  }
};

engine::clock_state clock_of(target_type t, std::uint32_t n) {
  engine::clock_state c;
  c.target = t;
  c.policy = "policy-" + std::to_string(n);
  c.cycle = n + 1;
  c.started_at = t0 + std::chrono::seconds(n);
  c.at_risk_at = t0 + std::chrono::seconds(n) + 24s;
  c.deadline = t0 + std::chrono::seconds(n) + 30s + 1us;
  c.running = n % 2 == 0;
  c.at_risk_sent = n % 3 != 0;
  c.breached_sent = n % 2 == 1;
  c.run_since = t0 + std::chrono::seconds(n) + 7s;
  c.consumed = std::chrono::seconds(n) + 3us;
  c.paused = n % 2 == 1;
  return c;
}

engine::interaction_state sample_interaction() {
  engine::interaction_state s;
  s.interaction_id = "ia-0123456789";
  s.chan = channel::messaging;
  s.queue = "sales/emea";
  s.tier = "gold";
  s.priority = 3;
  s.queue_cycle = 2;
  s.state = engine::lifecycle::answered;
  s.created_at = t0;
  s.queued_at = t0 + 1s;
  s.answered_at = t0 + 17s + 3us;
  s.abandoned_at = instant_min;
  s.closed_at = instant_max;
  s.flags = 0x1d;
  s.hold_started = t0 + 20s;
  s.hold_sum = 95s;
  s.wrap_started = t0 + 300s;
  s.reply_wait_since = instant_max;
  s.status = ccpulse::ticket_status::on_hold;
  s.clocks = {clock_of(target_type::answer, 0), clock_of(target_type::first_response, 1),
              clock_of(target_type::resolution, 2), clock_of(target_type::detractor_follow_up, 3)};
  s.attributes = {{"language", "de"}, {"segment", "enterprise"}};
  s.escalations = {{"vip", "angry"}, {"vip", "repeat"}};
  return s;
}

engine::queue_state sample_queue() {
  engine::queue_state s;
  s.queue = "support";
  s.offered = 1'000'001;
  s.answered = 900'002;
  s.abandoned = 99'003;
  s.short_abandoned = 4;
  s.answered_within_threshold = 800'005;
  s.answered_wait_sum = duration{123'456'789'012};
  s.expired = std::numeric_limits<std::uint64_t>::max();
  return s;
}

engine::partition_meta_state sample_meta() {
  engine::partition_meta_state s;
  s.max_event_time = t0 + 5min;
  s.effective = t0 + 4min + 59s;
  s.jump_candidate = instant_min;
  return s;
}

engine::dedup_chunk sample_chunk(std::size_t n = 5000) {
  engine::dedup_chunk s;
  s.generation = t0 - 1h;
  s.sequence = 42;
  std::mt19937_64 rng(7);
  s.ids.reserve(n);
  s.ids.push_back(0);
  s.ids.push_back(std::numeric_limits<std::uint64_t>::max());
  while (s.ids.size() < n) s.ids.push_back(rng());
  return s;
}

void check_same(const engine::clock_state& a, const engine::clock_state& b) {
  CHECK(a.target == b.target);
  CHECK(a.policy == b.policy);
  CHECK(a.cycle == b.cycle);
  CHECK(a.started_at == b.started_at);
  CHECK(a.at_risk_at == b.at_risk_at);
  CHECK(a.deadline == b.deadline);
  CHECK(a.running == b.running);
  CHECK(a.at_risk_sent == b.at_risk_sent);
  CHECK(a.breached_sent == b.breached_sent);
  CHECK(a.run_since == b.run_since);
  CHECK(a.consumed == b.consumed);
  CHECK(a.paused == b.paused);
}

void check_same(const engine::interaction_state& a, const engine::interaction_state& b) {
  CHECK(a.interaction_id == b.interaction_id);
  CHECK(a.chan == b.chan);
  CHECK(a.queue == b.queue);
  CHECK(a.tier == b.tier);
  CHECK(a.priority == b.priority);
  CHECK(a.queue_cycle == b.queue_cycle);
  CHECK(a.state == b.state);
  CHECK(a.created_at == b.created_at);
  CHECK(a.queued_at == b.queued_at);
  CHECK(a.answered_at == b.answered_at);
  CHECK(a.abandoned_at == b.abandoned_at);
  CHECK(a.closed_at == b.closed_at);
  CHECK(a.flags == b.flags);
  CHECK(a.hold_started == b.hold_started);
  CHECK(a.hold_sum == b.hold_sum);
  CHECK(a.wrap_started == b.wrap_started);
  CHECK(a.reply_wait_since == b.reply_wait_since);
  CHECK(a.status == b.status);
  CHECK(a.attributes == b.attributes);
  CHECK(a.escalations == b.escalations);
  REQUIRE(a.clocks.size() == b.clocks.size());
  for (std::size_t i = 0; i < a.clocks.size(); ++i) check_same(a.clocks[i], b.clocks[i]);
}

void check_same(const engine::queue_state& a, const engine::queue_state& b) {
  CHECK(a.queue == b.queue);
  CHECK(a.offered == b.offered);
  CHECK(a.answered == b.answered);
  CHECK(a.abandoned == b.abandoned);
  CHECK(a.short_abandoned == b.short_abandoned);
  CHECK(a.answered_within_threshold == b.answered_within_threshold);
  CHECK(a.answered_wait_sum == b.answered_wait_sum);
  CHECK(a.expired == b.expired);
}

void check_same(const engine::partition_meta_state& a, const engine::partition_meta_state& b) {
  CHECK(a.max_event_time == b.max_event_time);
  CHECK(a.effective == b.effective);
  CHECK(a.jump_candidate == b.jump_candidate);
}

void check_same(const engine::dedup_chunk& a, const engine::dedup_chunk& b) {
  CHECK(a.generation == b.generation);
  CHECK(a.sequence == b.sequence);
  CHECK(a.ids == b.ids);
}

struct encoded {
  std::string key;
  std::string value;
};

template <class Record>
encoded encode(const Record& r) {
  state_encoder enc;
  encoded e;
  enc.encode(r, e.key, e.value);
  return e;
}

state_decode_result decode(state_decoder& d, const encoded& e, recorder& into) {
  return d.decode(e.key, e.value.data(), e.value.size(), false, into);
}

state_decode_result decode(const encoded& e, recorder& into) {
  state_decoder d;
  return decode(d, e, into);
}

encoded raw(std::string key, const v1::StateRecord& m) { return {std::move(key), m.SerializeAsString()}; }

// Hand-built wire bytes, for framings the encoder never writes.
void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void put_tag(std::string& out, std::uint32_t field, std::uint32_t wire_type) {
  put_varint(out, (std::uint64_t{field} << 3) | wire_type);
}
void put_bytes(std::string& out, std::uint32_t field, const std::string& bytes) {
  put_tag(out, field, 2);
  put_varint(out, bytes.size());
  out += bytes;
}

}  // namespace

TEST_CASE("keys have their documented exact form") {
  state_encoder enc;
  std::string key, value;

  auto i = sample_interaction();
  enc.encode(i, key, value);
  CHECK(key == "i/ia-0123456789");
  i.interaction_id = "";
  enc.encode(i, key, value);
  CHECK(key == "i/");
  i.interaction_id = "a/b c";
  enc.encode(i, key, value);
  CHECK(key == "i/a/b c");

  auto q = sample_queue();
  enc.encode(q, key, value);
  CHECK(key == "q/support");
  q.queue = "other";
  enc.encode(q, key, value);
  CHECK(key == "q/other");

  enc.encode(sample_meta(), key, value);
  CHECK(key == "m");

  engine::dedup_chunk c;
  c.generation = from_unix_micros(1'700'000'000'000'000);
  c.sequence = 7;
  enc.encode(c, key, value);
  CHECK(key == "d/1700000000000000/7");
  c.generation = from_unix_micros(0);
  c.sequence = 0;
  enc.encode(c, key, value);
  CHECK(key == "d/0/0");
  c.generation = instant_min;
  c.sequence = std::numeric_limits<std::uint32_t>::max();
  enc.encode(c, key, value);
  CHECK(key == "d/-4611686018427387904/4294967295");
  c.generation = instant_max;
  enc.encode(c, key, value);
  CHECK(key == "d/4611686018427387903/4294967295");
}

TEST_CASE("tombstone keys are the keys of the records they delete") {
  std::string key;
  engine::state_key k;
  k.kind = state_kind::interaction;
  k.name = "ia-9";
  encode_state_key(k, key);
  CHECK(key == "i/ia-9");
  k.kind = state_kind::queue;
  k.name = "sales";
  state_encoder::encode_tombstone(k, key);
  CHECK(key == "q/sales");
  k = {};
  k.kind = state_kind::meta;
  encode_state_key(k, key);
  CHECK(key == "m");
  k.kind = state_kind::dedup;
  k.generation = from_unix_micros(-5);
  k.sequence = 12;
  encode_state_key(k, key);
  CHECK(key == "d/-5/12");

  // And each matches what the encoder writes for the record.
  state_encoder enc;
  std::string put_key, value;
  auto c = sample_chunk(3);
  enc.encode(c, put_key, value);
  k.generation = c.generation;
  k.sequence = c.sequence;
  encode_state_key(k, key);
  CHECK(key == put_key);
}

TEST_CASE("an interaction round-trips with every field") {
  const auto s = sample_interaction();
  recorder r;
  const auto res = decode(encode(s), r);
  REQUIRE(res.ok());
  CHECK(res.detail.empty());
  REQUIRE(r.interactions.size() == 1);
  CHECK(r.calls() == 1);
  check_same(r.interactions[0], s);
}

TEST_CASE("interactions round-trip with every channel, lifecycle and target") {
  const channel channels[] = {channel::unspecified, channel::voice,  channel::chat,      channel::email,
                              channel::ticket,      channel::social, channel::messaging, channel::video};
  const engine::lifecycle lifecycles[] = {engine::lifecycle::created, engine::lifecycle::waiting,
                                          engine::lifecycle::answered, engine::lifecycle::closed};
  state_encoder enc;
  state_decoder dec;
  for (std::size_t n = 0; n < std::size(channels); ++n) {
    auto s = sample_interaction();
    s.chan = channels[n];
    s.state = lifecycles[n % std::size(lifecycles)];
    s.clocks.clear();
    for (int t = 0; t < ccpulse::sla::target_type_count; ++t)
      s.clocks.push_back(
          clock_of(static_cast<target_type>(t), static_cast<std::uint32_t>(static_cast<std::size_t>(t) + n)));
    encoded e;
    enc.encode(s, e.key, e.value);
    recorder r;
    REQUIRE(decode(dec, e, r).ok());
    REQUIRE(r.interactions.size() == 1);
    check_same(r.interactions[0], s);
  }
}

TEST_CASE("interaction edge values round-trip: empty and 64-byte ids, instant_min and instant_max") {
  auto s = sample_interaction();
  s.interaction_id = "";
  s.queue = "";
  s.tier = "";
  s.priority = std::numeric_limits<std::uint32_t>::max();
  s.queue_cycle = std::numeric_limits<std::uint32_t>::max();
  s.created_at = instant_min;
  s.queued_at = instant_max;
  s.answered_at = instant{};
  s.abandoned_at = from_unix_micros(-1);
  s.closed_at = from_unix_micros(1);
  s.clocks = {clock_of(target_type::detractor_follow_up, 9)};
  s.clocks[0].started_at = instant_min;
  s.clocks[0].at_risk_at = instant_max;
  s.clocks[0].deadline = instant_max;
  s.clocks[0].cycle = std::numeric_limits<std::uint32_t>::max();
  s.clocks[0].policy = id64;
  {
    recorder r;
    const auto e = encode(s);
    CHECK(e.key == "i/");
    REQUIRE(decode(e, r).ok());
    REQUIRE(r.interactions.size() == 1);
    check_same(r.interactions[0], s);
  }
  s.interaction_id = id64;
  s.queue = id64;
  s.tier = id64;
  {
    recorder r;
    REQUIRE(decode(encode(s), r).ok());
    REQUIRE(r.interactions.size() == 1);
    check_same(r.interactions[0], s);
  }
  // A default-constructed record too (everything zero, no clocks).
  {
    recorder r;
    const engine::interaction_state empty;
    REQUIRE(decode(encode(empty), r).ok());
    REQUIRE(r.interactions.size() == 1);
    check_same(r.interactions[0], empty);
  }
}

TEST_CASE("a queue round-trips with every field, extremes included") {
  recorder r;
  const auto s = sample_queue();
  REQUIRE(decode(encode(s), r).ok());
  REQUIRE(r.queues.size() == 1);
  check_same(r.queues[0], s);

  auto big = s;
  big.queue = id64;
  big.offered = big.answered = big.abandoned = big.short_abandoned = big.answered_within_threshold =
      std::numeric_limits<std::uint64_t>::max();
  big.answered_wait_sum = duration{to_unix_micros(instant_max)};
  REQUIRE(decode(encode(big), r).ok());
  big.answered_wait_sum = duration{-to_unix_micros(instant_max)};
  REQUIRE(decode(encode(big), r).ok());
  REQUIRE(r.queues.size() == 3);
  check_same(r.queues[2], big);
}

TEST_CASE("partition meta round-trips, with and without a jump candidate") {
  recorder r;
  auto s = sample_meta();
  REQUIRE(decode(encode(s), r).ok());
  s.max_event_time = instant_max;
  s.effective = instant_min;
  s.jump_candidate = t0 + 3h;
  REQUIRE(decode(encode(s), r).ok());
  REQUIRE(r.metas.size() == 2);
  check_same(r.metas[0], sample_meta());
  check_same(r.metas[1], s);
  CHECK(r.metas[0].jump_candidate == instant_min);
}

TEST_CASE("dedup chunks round-trip: large, empty, and at the instant limits") {
  recorder r;
  const auto big = sample_chunk(100'000);
  const auto e = encode(big);
  // Packed fixed64: 8 bytes an id plus a few bytes of framing.
  CHECK(e.value.size() < big.ids.size() * 8 + 32);
  REQUIRE(decode(e, r).ok());

  engine::dedup_chunk empty;
  empty.generation = instant_min;
  empty.sequence = std::numeric_limits<std::uint32_t>::max();
  REQUIRE(decode(encode(empty), r).ok());

  auto last = sample_chunk(1);
  last.generation = instant_max;
  last.sequence = 0;
  REQUIRE(decode(encode(last), r).ok());

  REQUIRE(r.chunks.size() == 3);
  check_same(r.chunks[0], big);
  check_same(r.chunks[1], empty);
  check_same(r.chunks[2], last);
}

TEST_CASE("the value is a StateRecord of format_version 1, readable with protobuf alone") {
  const auto e = encode(sample_interaction());
  v1::StateRecord m;
  REQUIRE(m.ParseFromString(e.value));
  CHECK(m.format_version() == 1);
  CHECK(state_format_version == 1);
  REQUIRE(m.has_interaction());
  CHECK(m.interaction().interaction_id() == "ia-0123456789");
  CHECK(m.interaction().channel() == v1::CHANNEL_MESSAGING);
  CHECK(m.interaction().lifecycle() == v1::InteractionState::LIFECYCLE_ANSWERED);
  REQUIRE(m.interaction().clocks_size() == 4);
  CHECK(m.interaction().clocks(1).target() == v1::ClockState::TARGET_TYPE_FIRST_RESPONSE);
  CHECK(m.interaction().clocks(3).target() == v1::ClockState::TARGET_TYPE_DETRACTOR_FOLLOW_UP);
  CHECK(m.interaction().clocks(3).paused());
  CHECK(m.interaction().ticket_status() == v1::TICKET_STATUS_ON_HOLD);
  CHECK(m.interaction().created_at_micros() == to_unix_micros(t0));
  CHECK(m.interaction().abandoned_at_micros() == to_unix_micros(instant_min));
  // Protobuf writes the same bytes back: our framing is its framing.
  CHECK(m.SerializeAsString() == e.value);

  const auto q = encode(sample_queue());
  REQUIRE(m.ParseFromString(q.value));
  REQUIRE(m.has_queue());
  CHECK(m.queue().expired() == std::numeric_limits<std::uint64_t>::max());
  const auto d = encode(sample_chunk(10));
  REQUIRE(m.ParseFromString(d.value));
  REQUIRE(m.has_dedup());
  CHECK(m.dedup().ids_size() == 10);
  const auto mm = encode(sample_meta());
  REQUIRE(m.ParseFromString(mm.value));
  REQUIRE(m.has_meta());
}

TEST_CASE("encoding is deterministic and a reused encoder matches a fresh one across kinds") {
  state_encoder reused;
  std::string key, value;
  for (int round = 0; round < 3; ++round) {
    reused.encode(sample_interaction(), key, value);
    CHECK(value == encode(sample_interaction()).value);
    reused.encode(sample_queue(), key, value);
    CHECK(value == encode(sample_queue()).value);
    reused.encode(sample_meta(), key, value);
    CHECK(value == encode(sample_meta()).value);
    reused.encode(sample_chunk(50), key, value);
    CHECK(value == encode(sample_chunk(50)).value);
    CHECK(key == encode(sample_chunk(50)).key);
  }
  // Fewer clocks after more: nothing left over from the previous record.
  auto one = sample_interaction();
  one.clocks.resize(1);
  one.tier.clear();
  reused.encode(sample_interaction(), key, value);
  reused.encode(one, key, value);
  CHECK(value == encode(one).value);
}

TEST_CASE("a reused decoder does not leak fields from the previous record") {
  state_decoder dec;
  recorder r;
  auto first = sample_interaction();
  auto second = sample_interaction();
  second.interaction_id = "ia-2";
  second.tier.clear();
  second.queue.clear();
  second.clocks.resize(1);
  second.clocks[0].policy.clear();
  second.closed_at = instant{};
  auto chunk = sample_chunk(1000);
  auto small_chunk = sample_chunk(2);
  small_chunk.sequence = 43;

  REQUIRE(decode(dec, encode(first), r).ok());
  REQUIRE(decode(dec, encode(sample_queue()), r).ok());
  REQUIRE(decode(dec, encode(second), r).ok());
  REQUIRE(decode(dec, encode(chunk), r).ok());
  REQUIRE(decode(dec, encode(sample_meta()), r).ok());
  REQUIRE(decode(dec, encode(small_chunk), r).ok());
  REQUIRE(decode(dec, encode(engine::interaction_state{}), r).ok());

  REQUIRE(r.interactions.size() == 3);
  check_same(r.interactions[0], first);
  check_same(r.interactions[1], second);
  check_same(r.interactions[2], engine::interaction_state{});
  REQUIRE(r.chunks.size() == 2);
  check_same(r.chunks[0], chunk);
  check_same(r.chunks[1], small_chunk);
  REQUIRE(r.queues.size() == 1);
  REQUIRE(r.metas.size() == 1);
}

TEST_CASE("a tombstone of each kind erases the key it names, the name views the key") {
  state_decoder dec;
  recorder r;
  const std::string keys[] = {"i/ia-1", "q/sales", "m", "d/1700000000000000/3", "i/", "d/-7/0"};
  for (const auto& k : keys) {
    // The value is ignored for a tombstone, even when it is garbage.
    REQUIRE(dec.decode(k, "\xff\xff", 2, true, r).ok());
  }
  REQUIRE(r.erasures.size() == std::size(keys));
  CHECK(r.calls() == std::size(keys));
  CHECK(r.erasures[0].kind == state_kind::interaction);
  CHECK(r.erasures[0].name == "ia-1");
  CHECK(r.erasures[0].name_data == keys[0].data() + 2);
  CHECK(r.erasures[1].kind == state_kind::queue);
  CHECK(r.erasures[1].name == "sales");
  CHECK(r.erasures[1].name_data == keys[1].data() + 2);
  CHECK(r.erasures[2].kind == state_kind::meta);
  CHECK(r.erasures[2].name.empty());
  CHECK(r.erasures[3].kind == state_kind::dedup);
  CHECK(r.erasures[3].name.empty());
  CHECK(r.erasures[3].generation == from_unix_micros(1'700'000'000'000'000));
  CHECK(r.erasures[3].sequence == 3);
  CHECK(r.erasures[4].kind == state_kind::interaction);
  CHECK(r.erasures[4].name.empty());
  CHECK(r.erasures[5].generation == from_unix_micros(-7));
  CHECK(r.erasures[5].sequence == 0);

  // A null value pointer is fine for a tombstone.
  REQUIRE(dec.decode("q/x", nullptr, 0, true, r).ok());
  // A tombstone with a bad key is an error and erases nothing.
  const auto bad = dec.decode("d/x/1", nullptr, 0, true, r);
  CHECK(bad.error == state_error::bad_key);
  CHECK(r.erasures.size() == std::size(keys) + 1);
}

TEST_CASE("malformed keys are bad_key, unknown kinds unknown_record, with a readable detail") {
  const char* bad_keys[] = {
      "",
      "i",
      "q",
      "m/",
      "m/x",
      "d",
      "d/",
      "d/1",
      "d/1/",
      "d//1",
      "d/01/1",
      "d/1/01",
      "d/-0/1",
      "d/+1/1",
      "d/-/1",
      "d/1/-1",
      "d/1/+1",
      "d/1/4294967296",
      "d/99999999999999999999/1",
      "d/1/2/3",
      "d/ 1/2",
      "d/1/2 ",
      "d/0x10/2",
      "d/4611686018427387904/0",   // instant_max + 1
      "d/-4611686018427387905/0",  // instant_min - 1
  };
  recorder r;
  for (const char* k : bad_keys) {
    CAPTURE(std::string(k));
    engine::state_key parsed;
    const auto res = parse_state_key(k, parsed);
    CHECK(res.error == state_error::bad_key);
    CHECK(!res.detail.empty());
    const auto e = encode(sample_meta());
    CHECK(decode_state(k, e.value.data(), e.value.size(), false, r).error == state_error::bad_key);
    CHECK(decode_state(k, nullptr, 0, true, r).error == state_error::bad_key);
  }
  for (const char* k : {"x", "x/1", "mm", "I/ia-1", "interaction/ia-1", "/ia-1", "\x01\xff/\x02"}) {
    CAPTURE(std::string(k));
    engine::state_key parsed;
    CHECK(parse_state_key(k, parsed).error == state_error::unknown_record);
    CHECK(decode_state(k, nullptr, 0, true, r).error == state_error::unknown_record);
  }
  CHECK(r.calls() == 0);

  // Non-printable bytes are escaped in the detail.
  engine::state_key parsed;
  const auto res = parse_state_key(std::string_view("z\x01\xff", 3), parsed);
  CHECK(res.detail.find("\\x01\\xff") != std::string::npos);
}

TEST_CASE("a value of another kind than its key is key_mismatch") {
  state_decoder dec;
  recorder r;
  const auto i = encode(sample_interaction());
  const auto q = encode(sample_queue());
  const auto m = encode(sample_meta());
  const auto d = encode(sample_chunk(3));
  const encoded* all[] = {&i, &q, &m, &d};
  for (const auto* key_of : all) {
    for (const auto* value_of : all) {
      if (key_of == value_of) continue;
      const auto res = dec.decode(key_of->key, value_of->value.data(), value_of->value.size(), false, r);
      CHECK(res.error == state_error::key_mismatch);
      CHECK(!res.detail.empty());
    }
  }
  CHECK(r.calls() == 0);
}

TEST_CASE("a value naming another interaction, queue or chunk than its key is key_mismatch") {
  state_decoder dec;
  recorder r;
  const auto i = encode(sample_interaction());
  CHECK(dec.decode("i/ia-other", i.value.data(), i.value.size(), false, r).error ==
        state_error::key_mismatch);
  CHECK(dec.decode("i/", i.value.data(), i.value.size(), false, r).error == state_error::key_mismatch);
  const auto q = encode(sample_queue());
  CHECK(dec.decode("q/other", q.value.data(), q.value.size(), false, r).error == state_error::key_mismatch);
  auto c = sample_chunk(3);
  const auto d = encode(c);
  const std::string wrong_sequence =
      "d/" + std::to_string(to_unix_micros(c.generation)) + "/" + std::to_string(c.sequence + 1);
  const std::string wrong_generation =
      "d/" + std::to_string(to_unix_micros(c.generation) + 1) + "/" + std::to_string(c.sequence);
  CHECK(dec.decode(wrong_sequence, d.value.data(), d.value.size(), false, r).error ==
        state_error::key_mismatch);
  CHECK(dec.decode(wrong_generation, d.value.data(), d.value.size(), false, r).error ==
        state_error::key_mismatch);
  CHECK(r.calls() == 0);
}

TEST_CASE("format_version: missing is bad_value, newer is version_too_new") {
  recorder r;
  v1::StateRecord m;
  m.mutable_meta()->set_effective_micros(5);
  m.set_format_version(0);
  auto res = decode(raw("m", m), r);
  CHECK(res.error == state_error::bad_value);
  CHECK(res.detail == "format_version missing");
  m.set_format_version(2);
  res = decode(raw("m", m), r);
  CHECK(res.error == state_error::version_too_new);
  CHECK(res.detail == "format_version 2 > 1");
  // Newer wins over everything else the value may hold.
  m.set_format_version(std::numeric_limits<std::uint32_t>::max());
  m.clear_record();
  CHECK(decode(raw("m", m), r).error == state_error::version_too_new);
  m.set_format_version(1);
  m.mutable_meta()->set_effective_micros(5);
  REQUIRE(decode(raw("m", m), r).ok());
  REQUIRE(r.metas.size() == 1);
  CHECK(r.metas[0].effective == from_unix_micros(5));
  // Proto3 defaults: an unset instant is the epoch.
  CHECK(r.metas[0].jump_candidate == instant{});
}

TEST_CASE("a value with no record kind known to this build is unknown_record") {
  recorder r;
  v1::StateRecord m;
  m.set_format_version(1);
  CHECK(decode(raw("m", m), r).error == state_error::unknown_record);
  // A record kind from a newer schema: an unknown field 15 holding a message
  // (6 and 7 are the window records since issue 7).
  std::string value = m.SerializeAsString();
  put_bytes(value, 15, std::string("\x08\x01", 2));
  CHECK(decode({"m", value}, r).error == state_error::unknown_record);
  // A known record field number with the wrong wire type is an unknown field.
  value = m.SerializeAsString();
  put_tag(value, 4, 0);
  put_varint(value, 1);
  CHECK(decode({"m", value}, r).error == state_error::unknown_record);
  CHECK(r.calls() == 0);
}

TEST_CASE("unknown enum values, UNSPECIFIED targets and lifecycles are bad_value") {
  state_decoder dec;
  recorder r;
  v1::StateRecord m;
  m.set_format_version(1);
  auto& s = *m.mutable_interaction();
  s.set_interaction_id("ia-1");
  s.set_lifecycle(v1::InteractionState::LIFECYCLE_WAITING);
  s.add_clocks()->set_target(v1::ClockState::TARGET_TYPE_ANSWER);
  REQUIRE(decode(dec, raw("i/ia-1", m), r).ok());
  REQUIRE(r.interactions.size() == 1);

  s.set_channel(static_cast<v1::Channel>(99));
  auto res = decode(dec, raw("i/ia-1", m), r);
  CHECK(res.error == state_error::bad_value);
  CHECK(res.detail == "channel value 99");
  s.set_channel(v1::CHANNEL_VIDEO);

  s.set_lifecycle(v1::InteractionState::LIFECYCLE_UNSPECIFIED);
  CHECK(decode(dec, raw("i/ia-1", m), r).error == state_error::bad_value);
  s.set_lifecycle(static_cast<v1::InteractionState::Lifecycle>(5));
  CHECK(decode(dec, raw("i/ia-1", m), r).error == state_error::bad_value);
  s.set_lifecycle(v1::InteractionState::LIFECYCLE_CLOSED);

  s.mutable_clocks(0)->set_target(v1::ClockState::TARGET_TYPE_UNSPECIFIED);
  CHECK(decode(dec, raw("i/ia-1", m), r).error == state_error::bad_value);
  s.mutable_clocks(0)->set_target(static_cast<v1::ClockState::TargetType>(-3));
  res = decode(dec, raw("i/ia-1", m), r);
  CHECK(res.error == state_error::bad_value);
  CHECK(res.detail == "clock 0: target value -3");
  s.mutable_clocks(0)->set_target(v1::ClockState::TARGET_TYPE_NEXT_REPLY);

  REQUIRE(decode(dec, raw("i/ia-1", m), r).ok());
  REQUIRE(r.interactions.size() == 2);
  CHECK(r.interactions[1].chan == channel::video);
  CHECK(r.interactions[1].state == engine::lifecycle::closed);
  CHECK(r.interactions[1].clocks.at(0).target == target_type::next_reply);
}

TEST_CASE("instants beyond instant_min..instant_max are bad_value") {
  state_decoder dec;
  recorder r;
  const std::int64_t above = to_unix_micros(instant_max) + 1;
  const std::int64_t below = to_unix_micros(instant_min) - 1;
  for (const std::int64_t v :
       {above, below, std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    CAPTURE(v);
    v1::StateRecord m;
    m.set_format_version(1);
    m.mutable_meta()->set_jump_candidate_micros(v);
    CHECK(decode(dec, raw("m", m), r).error == state_error::bad_value);
    m.mutable_interaction()->set_lifecycle(v1::InteractionState::LIFECYCLE_CREATED);
    m.mutable_interaction()->set_closed_at_micros(v);
    CHECK(decode(dec, raw("i/", m), r).error == state_error::bad_value);
    m.mutable_interaction()->set_closed_at_micros(0);
    auto* c = m.mutable_interaction()->add_clocks();
    c->set_target(v1::ClockState::TARGET_TYPE_ANSWER);
    c->set_deadline_micros(v);
    CHECK(decode(dec, raw("i/", m), r).error == state_error::bad_value);
    m.mutable_queue()->set_answered_wait_sum_micros(v);
    CHECK(decode(dec, raw("q/", m), r).error == state_error::bad_value);
  }
  CHECK(r.calls() == 0);
}

TEST_CASE("framings protobuf accepts decode as protobuf reads them") {
  recorder r;
  const auto s = sample_queue();
  v1::QueueState body;
  body.set_queue(s.queue);
  body.set_offered(1);
  body.set_answered(2);
  v1::QueueState later;
  later.set_answered(3);
  later.set_expired(4);

  // Version after the body, unknown fields of every wire type around it, and
  // the body in two pieces (merged: later scalars win).
  std::string value;
  put_tag(value, 99, 0);
  put_varint(value, 12345);
  put_bytes(value, 3, body.SerializeAsString());
  put_tag(value, 100, 1);
  value.append(8, '\x01');
  put_tag(value, 101, 5);
  value.append(4, '\x02');
  put_bytes(value, 102, "opaque");
  put_bytes(value, 3, later.SerializeAsString());
  put_tag(value, 1, 0);
  put_varint(value, 1);
  {
    v1::StateRecord check;
    REQUIRE(check.ParseFromString(value));
    REQUIRE(check.has_queue());
  }
  REQUIRE(decode({"q/support", value}, r).ok());
  REQUIRE(r.queues.size() == 1);
  CHECK(r.queues[0].queue == "support");
  CHECK(r.queues[0].offered == 1);
  CHECK(r.queues[0].answered == 3);
  CHECK(r.queues[0].expired == 4);

  // A later record member replaces an earlier one, as in protobuf.
  v1::InteractionState ia;
  ia.set_lifecycle(v1::InteractionState::LIFECYCLE_CREATED);
  ia.set_tier("gold");
  std::string replaced;
  put_tag(replaced, 1, 0);
  put_varint(replaced, 1);
  put_bytes(replaced, 2, ia.SerializeAsString());
  put_bytes(replaced, 3, later.SerializeAsString());
  REQUIRE(decode({"q/", replaced}, r).ok());
  CHECK(r.queues.back().answered == 3);
  CHECK(decode({"i/", replaced}, r).error == state_error::key_mismatch);
  // ...and a member that comes back after another starts afresh.
  v1::InteractionState ia2;
  ia2.set_lifecycle(v1::InteractionState::LIFECYCLE_WAITING);
  std::string back = replaced;
  put_bytes(back, 2, ia2.SerializeAsString());
  CHECK(decode({"q/", back}, r).error == state_error::key_mismatch);
  REQUIRE(decode({"i/", back}, r).ok());
  REQUIRE(r.interactions.size() == 1);
  CHECK(r.interactions[0].state == engine::lifecycle::waiting);
  CHECK(r.interactions[0].tier.empty());
  {
    v1::StateRecord check;
    REQUIRE(check.ParseFromString(back));
    CHECK(check.interaction().tier().empty());
  }

  // Groups (never written by proto3) and invalid wire types are refused.
  for (const std::uint32_t wire_type : {3U, 4U, 6U, 7U}) {
    std::string grouped = encode(sample_meta()).value;
    put_tag(grouped, 50, wire_type);
    CHECK(decode({"m", grouped}, r).error == state_error::bad_value);
  }
}

TEST_CASE("every truncation of a valid value is an error and delivers nothing") {
  state_decoder dec;
  auto s = sample_interaction();
  s.interaction_id = id64;
  const encoded all[] = {encode(s), encode(sample_queue()), encode(sample_meta()), encode(sample_chunk(300))};
  for (const auto& e : all) {
    CAPTURE(e.key.substr(0, 2));
    int errors = 0;
    for (std::size_t n = 0; n < e.value.size(); ++n) {
      recorder r;
      // A copy of exactly n bytes, so a read past the end is caught by ASan.
      const std::vector<char> prefix(e.value.begin(), e.value.begin() + static_cast<long>(n));
      const auto res = dec.decode(e.key, prefix.data(), n, false, r);
      if (!res.ok()) ++errors;
      CHECK(r.calls() == 0);
    }
    CHECK(errors == static_cast<int>(e.value.size()));
    recorder r;
    CHECK(dec.decode(e.key, e.value.data(), e.value.size(), false, r).ok());
    CHECK(r.calls() == 1);
  }
}

TEST_CASE("an empty or null value is bad_value") {
  recorder r;
  CHECK(decode_state("m", nullptr, 0, false, r).error == state_error::bad_value);
  CHECK(decode_state("m", "", 0, false, r).error == state_error::bad_value);
  CHECK(decode_state("m", nullptr, 10, false, r).error == state_error::bad_value);
  CHECK(r.calls() == 0);
}

TEST_CASE("flipping any bit of a valid value never crashes the decoder") {
  // Invalid UTF-8 in string fields makes libprotobuf log a line per value.
  const google::protobuf::LogSilencer quiet;
  state_decoder dec;
  const encoded all[] = {encode(sample_interaction()), encode(sample_queue()), encode(sample_meta()),
                         encode(sample_chunk(8))};
  int decoded = 0;
  int rejected = 0;
  for (const auto& e : all) {
    std::string v = e.value;
    for (std::size_t i = 0; i < v.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        v[i] = static_cast<char>(v[i] ^ (1 << bit));
        recorder r;
        const auto res = dec.decode(e.key, v.data(), v.size(), false, r);
        if (res.ok()) {
          ++decoded;
          CHECK(r.calls() == 1);
        } else {
          ++rejected;
          CHECK(r.calls() == 0);
          CHECK(!res.detail.empty());
        }
        v[i] = static_cast<char>(v[i] ^ (1 << bit));
      }
    }
  }
  // Most flips land in a value (still valid), many in framing (rejected).
  CHECK(decoded > 0);
  CHECK(rejected > 0);
}

TEST_CASE("random bytes as values and keys never crash, the sink is called exactly on ok") {
  // Invalid UTF-8 in string fields makes libprotobuf log a line per value.
  const google::protobuf::LogSilencer quiet;
  std::mt19937_64 rng(20261201);
  state_decoder dec;
  recorder r;
  const char* keys[] = {"i/x", "q/x", "m", "d/0/0"};
  std::size_t ok = 0;
  std::size_t framed_ok = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::size_t n = rng() % 96;
    std::vector<char> bytes(n);
    for (auto& b : bytes) b = static_cast<char>(rng());
    // Half of them start like a real record, to get past the first checks.
    const bool framed = n >= 3 && round % 2 == 0;
    if (framed) {
      bytes[0] = '\x08';
      bytes[1] = '\x01';
      bytes[2] = static_cast<char>(0x12 + 8 * (rng() % 4));  // fields 2..5, length-delimited
    }
    const char* key = keys[static_cast<std::size_t>(round) % std::size(keys)];
    if (dec.decode(key, bytes.data(), bytes.size(), false, r).ok()) {
      ++ok;
      if (framed) ++framed_ok;
    }
    // The same bytes as a key, put and tombstone.
    const std::string_view as_key(bytes.data(), bytes.size());
    if (dec.decode(as_key, bytes.data(), bytes.size(), false, r).ok()) ++ok;
    if (dec.decode(as_key, nullptr, 0, true, r).ok()) ++ok;
    REQUIRE(r.calls() == ok);
  }
  // Random bytes are almost never a valid record (a few tiny ones can be).
  CHECK(ok < 200);
  MESSAGE("random values accepted: " << ok << " (" << framed_ok << " framed)");
}

TEST_CASE("error kinds have stable names") {
  using ccpulse::codec::to_string;
  CHECK(to_string(state_error::none) == "none");
  CHECK(to_string(state_error::bad_key) == "bad_key");
  CHECK(to_string(state_error::bad_value) == "bad_value");
  CHECK(to_string(state_error::unknown_record) == "unknown_record");
  CHECK(to_string(state_error::version_too_new) == "version_too_new");
  CHECK(to_string(state_error::key_mismatch) == "key_mismatch");
}

// ---- window records (metrics::partition_metrics) ----------------------------------

namespace {

namespace metrics = ccpulse::metrics;

metrics::window_bucket_state sample_parts() {
  metrics::window_bucket_state s;
  s.kind = metrics::window_bucket_kind::parts;
  s.scope = metrics::scope_kind::queue;
  s.scope_name = "sales/emea";
  s.start = from_unix_micros(1'800'000'000'000'000);
  s.width = 5min;
  std::uint64_t i = 0;
  ccpulse::metrics::kpi_counters& c = s.counts;
  c.offered = ++i, c.answered = ++i, c.answered_within_T = ++i, c.abandoned = ++i, c.short_abandoned = ++i;
  c.abandoned_within_T = ++i, c.abandoned_after_T = ++i, c.flowed_out = ++i, c.flowed_out_within_T = ++i;
  c.waited_beyond_T = ++i, c.answered_wait_sum = duration{-123}, c.handled = ++i,
  c.talk_sum = duration{1'000'000'007};
  c.hold_sum = duration{13}, c.after_contact_work_sum = duration{to_unix_micros(instant_max)},
  c.escalations = ++i;
  c.transfers = ++i, c.resolved = ++i, c.resolved_first_contact = ++i, c.csat_responses = ++i,
  c.csat_satisfied = ++i;
  c.csat_score_sum = ++i, c.nps_responses = ++i, c.nps_promoters = ++i,
  c.nps_detractors = std::numeric_limits<std::uint64_t>::max();
  c.agent_on_contact = duration{77}, c.agent_available = duration{-to_unix_micros(instant_max)};
  // wait: 1.5 ms (index 15), 20 s and 20.1 s (one bucket); resolution: one value, 0.
  s.histograms[0].buckets = {{metrics::log_linear_layout::index_of(1'500), 1},
                             {metrics::log_linear_layout::index_of(20'000'000), 2}};
  s.histograms[0].sum = duration{1'500 + 20'000'000 + 20'100'000};
  s.histograms[0].min = duration{1'500};
  s.histograms[0].max = duration{20'100'000};
  s.histograms[4].buckets = {{0, 1}};
  s.histograms[4].min = s.histograms[4].max = duration{0};
  s.transfers_by_reason = {{"no-skill", 3}, {"customer asked", 1}};
  s.escalations_by_reason = {{"", 2}};
  return s;
}

metrics::window_bucket_state sample_counters() {
  metrics::window_bucket_state s;
  s.kind = metrics::window_bucket_kind::counters;
  s.scope = metrics::scope_kind::channel;
  s.scope_name = "voice";
  s.start = from_unix_micros(-10'000'000);  // before the epoch, a multiple of 10 s
  s.width = 10s;
  s.counts.offered = 2;
  s.counts.answered_wait_sum = duration{31'000'000};
  return s;
}

}  // namespace

TEST_CASE("window bucket keys have their documented exact form, and tombstones the same keys") {
  state_encoder enc;
  std::string key, value;
  enc.encode(sample_parts(), key, value);
  CHECK(key == "wp/1800000000000000/q/sales/emea");
  enc.encode(sample_counters(), key, value);
  CHECK(key == "wc/-10000000/ch/voice");
  auto all = sample_counters();
  all.scope = metrics::scope_kind::overall;
  all.scope_name.clear();
  enc.encode(all, key, value);
  CHECK(key == "wc/-10000000/all");
  enc.encode(metrics::window_clock_state{t0}, key, value);
  CHECK(key == "wh");
  state_encoder::encode_tombstone(
      metrics::window_state_key{metrics::window_bucket_kind::parts, metrics::scope_kind::queue, "q/x", t0},
      key);
  CHECK(key == "wp/1700000000123457/q/q/x");

  recorder r;
  REQUIRE(decode_state(key, nullptr, 0, true, r).ok());
  REQUIRE(r.erased_buckets.size() == 1);
  CHECK(r.erased_buckets[0] == key);
  CHECK(decode_state("wh", nullptr, 0, true, r).error == state_error::bad_key);
}

TEST_CASE("window buckets and the window clock round-trip with every field") {
  recorder r;
  const auto parts = sample_parts();
  REQUIRE(decode(encode(parts), r).ok());
  const auto counters = sample_counters();
  REQUIRE(decode(encode(counters), r).ok());
  const metrics::window_clock_state clock{instant_min};
  REQUIRE(decode(encode(clock), r).ok());
  REQUIRE(r.buckets.size() == 2);
  CHECK(r.buckets[0] == parts);
  CHECK(r.buckets[1] == counters);
  REQUIRE(r.clocks.size() == 1);
  CHECK(r.clocks[0] == clock);

  // Readable with protobuf alone.
  v1::StateRecord m;
  REQUIRE(m.ParseFromString(encode(parts).value));
  REQUIRE(m.has_window_bucket());
  CHECK(m.window_bucket().wait().bucket_index_size() == 2);
  CHECK(m.window_bucket().counts().nps_detractors() == std::numeric_limits<std::uint64_t>::max());
  CHECK_FALSE(m.window_bucket().handle().has_min_micros());
}

TEST_CASE("a reused decoder does not leak histograms or reasons from the previous window bucket") {
  state_decoder d;
  recorder r;
  REQUIRE(decode(d, encode(sample_parts()), r).ok());
  REQUIRE(decode(d, encode(sample_counters()), r).ok());
  REQUIRE(r.buckets.size() == 2);
  CHECK(r.buckets[1] == sample_counters());
}

TEST_CASE(
    "window values are validated: each broken field is bad_value or key_mismatch and delivers nothing") {
  auto with = [](auto change) {
    auto s = sample_parts();
    change(s);
    return s;
  };
  recorder r;
  struct bad_case {
    const char* what;
    metrics::window_bucket_state s;
  };
  const bad_case bad[] = {
      {"histogram not ascending",
       with([](auto& s) { std::swap(s.histograms[0].buckets[0], s.histograms[0].buckets[1]); })},
      {"histogram zero count", with([](auto& s) { s.histograms[0].buckets[0].second = 0; })},
      {"min in another bucket", with([](auto& s) { s.histograms[0].min = duration{0}; })},
      {"max missing", with([](auto& s) { s.histograms[0].max.reset(); })},
      {"negative sum", with([](auto& s) { s.histograms[4].sum = duration{-1}; })},
      {"zero reason count", with([](auto& s) { s.transfers_by_reason[0].count = 0; })},
      {"zero width", with([](auto& s) { s.width = duration{0}; })},
      {"counters bucket with a histogram",
       with([](auto& s) { s.kind = metrics::window_bucket_kind::counters; })},
  };
  for (const auto& b : bad) {
    CAPTURE(std::string(b.what));
    auto e = encode(b.s);
    const auto res = decode(e, r);
    CHECK(res.error == state_error::bad_value);
    CHECK_FALSE(res.detail.empty());
  }
  // An index beyond the layout, which the model cannot even hold.
  {
    v1::StateRecord m;
    REQUIRE(m.ParseFromString(encode(sample_parts()).value));
    m.mutable_window_bucket()->mutable_wait()->set_bucket_index(1, 1026);
    CHECK(decode(raw("wp/1800000000000000/q/sales/emea", m), r).error == state_error::bad_value);
    m.mutable_window_bucket()->mutable_wait()->add_bucket_count(1);  // lengths differ
    CHECK(decode(raw("wp/1800000000000000/q/sales/emea", m), r).error == state_error::bad_value);
  }
  // A value naming another scope, start or kind than its key.
  const auto e = encode(sample_parts());
  for (const char* k : {"wp/1800000000000000/q/sales", "wp/1800000010000000/q/sales/emea",
                        "wc/1800000000000000/q/sales/emea", "wp/1800000000000000/ch/sales/emea", "wh"}) {
    CAPTURE(std::string(k));
    CHECK(decode({k, e.value}, r).error == state_error::key_mismatch);
  }
  // Engine keys with window values, and a window key with an engine value.
  CHECK(decode({"m", e.value}, r).error == state_error::key_mismatch);
  CHECK(decode({"wh", encode(sample_meta()).value}, r).error == state_error::key_mismatch);
  CHECK(r.calls() == 0);
}

TEST_CASE("malformed window keys are bad_key") {
  recorder r;
  const auto e = encode(sample_counters());
  for (const char* k : {"wc", "wc/", "wc/10", "wc/10/", "wc/010/all", "wc/-0/all", "wc/+1/all", "wc/1/al",
                        "wc/1/all/x", "wc/1/ch/", "wc/1/x/voice", "wh/1", "wp/9223372036854775807/all"}) {
    CAPTURE(std::string(k));
    ccpulse::codec::window_key parsed;
    CHECK(ccpulse::codec::parse_window_key(k, parsed).error == state_error::bad_key);
    CHECK(decode({k, e.value}, r).error == state_error::bad_key);
    CHECK(decode_state(k, nullptr, 0, true, r).error == state_error::bad_key);
  }
  CHECK(r.calls() == 0);
}

TEST_CASE("every truncation and any bit flip of a window value is handled without a crash") {
  const google::protobuf::LogSilencer quiet;  // invalid UTF-8 after some flips
  recorder r;
  const auto e = encode(sample_parts());
  for (std::size_t n = 0; n < e.value.size(); ++n) {
    const auto res = decode({e.key, e.value.substr(0, n)}, r);
    CHECK_FALSE(res.ok());
  }
  CHECK(r.calls() == 0);
  std::size_t ok = 0;
  for (std::size_t bit = 0; bit < e.value.size() * 8; ++bit) {
    auto v = e.value;
    v[bit / 8] = static_cast<char>(v[bit / 8] ^ (1 << (bit % 8)));
    ok += decode({e.key, v}, r).ok() ? 1u : 0u;
  }
  CHECK(r.buckets.size() == ok);
}

TEST_CASE("agent records and repeat chunks round-trip under their keys") {
  engine::agent_record_state a;
  a.agent_id = "agent/7";
  a.state = ccpulse::agent_state::after_contact_work;
  a.since = t0 + 3s;
  a.queue = "sales";
  a.chan = channel::chat;
  const auto ea = encode(a);
  CHECK(ea.key == "a/agent/7");
  engine::repeat_chunk c;
  c.generation = t0;
  c.sequence = 4;
  c.customers = {1, 0xffffffffffffffffULL, 42};
  c.starts = {t0, t0 + 1s, instant_max};
  const auto ec = encode(c);
  CHECK(ec.key == "r/" + std::to_string(ccpulse::to_unix_micros(t0)) + "/4");
  recorder r;
  REQUIRE(decode(ea, r).ok());
  REQUIRE(decode(ec, r).ok());
  REQUIRE(r.agents.size() == 1);
  CHECK(r.agents[0].agent_id == a.agent_id);
  CHECK(r.agents[0].state == a.state);
  CHECK(r.agents[0].since == a.since);
  CHECK(r.agents[0].queue == a.queue);
  CHECK(r.agents[0].chan == a.chan);
  REQUIRE(r.repeats.size() == 1);
  CHECK(r.repeats[0].customers == c.customers);
  CHECK(r.repeats[0].starts == c.starts);
  CHECK(r.repeats[0].sequence == 4);
  // A value under the other kind's key is refused.
  CHECK(decode_state("a/agent/8", ea.value.data(), ea.value.size(), false, r).error ==
        ccpulse::codec::state_error::key_mismatch);
}
