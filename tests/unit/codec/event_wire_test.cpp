// The in-place event reader against protobuf's own parser: the same
// verdict and the same fields on valid events, their concatenations
// (protobuf's merge), random mutations and generated wire soup.
#include <doctest/doctest.h>

#include <google/protobuf/stubs/logging.h>

#include <array>
#include <bit>
#include <chrono>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "ccpulse/v1/events.pb.h"
#include "codec/event_wire.h"
#include "sim/sim_profiles.h"
#include "sim/simulator.h"

using namespace ccpulse;
using codec::wire_event;

namespace {

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

// protobuf logs every invalid UTF-8 string it refuses: silence it here.
class quiet_protobuf {
 public:
  quiet_protobuf()
      : _old(google::protobuf::SetLogHandler(
            [](google::protobuf::LogLevel, const char*, int, const std::string&) {})) {}
  ~quiet_protobuf() { google::protobuf::SetLogHandler(_old); }
  quiet_protobuf(const quiet_protobuf&) = delete;
  quiet_protobuf& operator=(const quiet_protobuf&) = delete;

 private:
  google::protobuf::LogHandler* _old;
};

// The attribute keys the comparisons ask the reader for: two that the
// seeds carry, one the soup's short texts can hit, one nobody sends.
const std::array<std::string, 4> attribute_keys{"lang", "plan", "a", "never-sent"};

// The fields the reader keeps, read from protobuf's message.
wire_event expected_of(const v1::Event& m) {
  wire_event e;
  for (std::size_t i = 0; i < attribute_keys.size(); ++i)
    if (const auto it = m.attributes().find(attribute_keys[i]); it != m.attributes().end())
      e.attributes[i] = it->second;
  e.event_id = m.event_id();
  e.has_occurred_at = m.has_occurred_at();
  e.seconds = m.occurred_at().seconds();
  e.nanos = m.occurred_at().nanos();
  e.interaction_id = m.interaction_id();
  e.channel = m.channel();
  e.queue_id = m.queue_id();
  e.priority = m.priority();
  e.customer_id = m.customer().hashed_id();
  e.customer_tier = m.customer().tier();
  e.agent_id = m.agent_id();
  e.payload = static_cast<std::uint32_t>(m.payload_case());
  switch (m.payload_case()) {
    case v1::Event::kTransferred:
      e.to_queue_id = m.transferred().to_queue_id();
      e.reason = m.transferred().reason();
      break;
    case v1::Event::kEscalated:
      e.to_queue_id = m.escalated().to_queue_id();
      e.reason = m.escalated().reason();
      break;
    case v1::Event::kStatusChanged:
      e.status = m.status_changed().status();
      break;
    case v1::Event::kAgentStateChanged:
      e.agent_state = m.agent_state_changed().state();
      e.has_queue_ids = m.agent_state_changed().queue_ids_size() > 0;
      if (e.has_queue_ids) e.first_queue_id = m.agent_state_changed().queue_ids(0);
      break;
    case v1::Event::kSentimentObserved:
      e.score = m.sentiment_observed().score();
      break;
    case v1::Event::kSurveyResponse:
      e.csat = m.survey_response().csat();
      e.nps = m.survey_response().nps();
      e.has_nps = m.survey_response().has_nps();
      break;
    default:
      break;
  }
  return e;
}

std::string describe(const wire_event& e) {
  return "event_id=" + std::string(e.event_id) + " ts=" + std::to_string(e.has_occurred_at) + "/" +
         std::to_string(e.seconds) + "/" + std::to_string(e.nanos) + " ia=" + std::string(e.interaction_id) +
         " ch=" + std::to_string(e.channel) + " q=" + std::string(e.queue_id) +
         " prio=" + std::to_string(e.priority) + " cust=" + std::string(e.customer_id) + "/" +
         std::string(e.customer_tier) + " agent=" + std::string(e.agent_id) +
         " payload=" + std::to_string(e.payload) + " to=" + std::string(e.to_queue_id) +
         " reason=" + std::string(e.reason) + " status=" + std::to_string(e.status) +
         " state=" + std::to_string(e.agent_state) + " q0=" + std::to_string(e.has_queue_ids) + "/" +
         std::string(e.first_queue_id) + " score=" + std::to_string(e.score) +
         " csat=" + std::to_string(e.csat) + " nps=" + std::to_string(e.nps) + "/" +
         std::to_string(e.has_nps) + " attributes=" + std::string(e.attributes[0]) + "/" +
         std::string(e.attributes[1]) + "/" + std::string(e.attributes[2]) + "/" +
         std::string(e.attributes[3]);
}

bool same(const wire_event& a, const wire_event& b) {
  return a.event_id == b.event_id && a.has_occurred_at == b.has_occurred_at && a.seconds == b.seconds &&
         a.nanos == b.nanos && a.interaction_id == b.interaction_id && a.channel == b.channel &&
         a.queue_id == b.queue_id && a.priority == b.priority && a.customer_id == b.customer_id &&
         a.customer_tier == b.customer_tier && a.agent_id == b.agent_id && a.payload == b.payload &&
         a.to_queue_id == b.to_queue_id && a.reason == b.reason && a.status == b.status &&
         a.agent_state == b.agent_state && a.has_queue_ids == b.has_queue_ids &&
         a.first_queue_id == b.first_queue_id &&
         std::bit_cast<std::uint64_t>(a.score) == std::bit_cast<std::uint64_t>(b.score) && a.csat == b.csat &&
         a.nps == b.nps && a.has_nps == b.has_nps && a.attributes == b.attributes;
}

struct tally {
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;
  std::uint64_t disagreements = 0;
};

// One input through both parsers; a disagreement is reported with its bytes.
void compare(const std::string& bytes, tally& t) {
  v1::Event m;
  const bool pb_ok = m.ParseFromString(bytes);
  wire_event w;
  const bool ok = codec::parse_event_wire(bytes_of(bytes), w, attribute_keys);
  bool agree = pb_ok == ok;
  if (agree && ok) agree = same(w, expected_of(m));
  if (!agree) {
    ++t.disagreements;
    if (t.disagreements <= 5) {
      std::string hex;
      for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        char b[4];
        std::snprintf(b, sizeof b, "%02x", c);
        hex += b;
      }
      MESSAGE("protobuf " << (pb_ok ? "accepts" : "refuses") << ", wire reader "
                          << (ok ? "accepts" : "refuses") << "; bytes " << hex);
      if (pb_ok && ok) MESSAGE("protobuf: " << describe(expected_of(m)) << "\nwire:     " << describe(w));
    }
  }
  ++(ok ? t.accepted : t.refused);
}

std::vector<std::string> seeds() {
  std::vector<std::string> out;
  const auto start = sim::testing::t0;
  sim::simulator s(sim::testing::floor_profile(7, 2.0), start);
  std::vector<sim::sim_event> batch;
  s.generate_until(start + std::chrono::hours(2), batch);
  // Every kind the simulator makes, a few of each.
  std::vector<int> per_kind(64);
  for (const auto& e : batch) {
    auto& n = per_kind[static_cast<std::size_t>(e.message.payload_case()) % per_kind.size()];
    if (n++ < 12) out.push_back(e.message.SerializeAsString());
  }
  // Every field the reader keeps, set at once, per payload with fields.
  auto full = [] {
    v1::Event m;
    m.set_event_id("evt-1");
    m.mutable_occurred_at()->set_seconds(1'800'000'000);
    m.mutable_occurred_at()->set_nanos(123'456'789);
    m.set_interaction_id("ia-1");
    m.set_channel(v1::CHANNEL_CHAT);
    m.set_queue_id("sales");
    m.set_priority(7);
    m.mutable_customer()->set_hashed_id("c-1");
    m.mutable_customer()->set_tier("gold");
    m.mutable_customer()->set_segment("smb");
    m.set_agent_id("a-1");
    (*m.mutable_attributes())["lang"] = "de";
    (*m.mutable_attributes())["plan"] = "pro";
    return m;
  };
  {
    auto m = full();
    m.mutable_transferred()->set_to_queue_id("billing");
    m.mutable_transferred()->set_to_agent_id("a-2");
    m.mutable_transferred()->set_reason("skill");
    out.push_back(m.SerializeAsString());
  }
  {
    auto m = full();
    m.mutable_escalated()->set_target(v1::Escalated::TARGET_SUPERVISOR);
    m.mutable_escalated()->set_reason("angry");
    m.mutable_escalated()->set_to_queue_id("tier2");
    out.push_back(m.SerializeAsString());
  }
  {
    auto m = full();
    m.mutable_status_changed()->set_status(v1::TICKET_STATUS_PENDING);
    out.push_back(m.SerializeAsString());
  }
  {
    auto m = full();
    m.mutable_sentiment_observed()->set_score(-0.75);
    out.push_back(m.SerializeAsString());
  }
  {
    auto m = full();
    m.mutable_survey_response()->set_csat(2);
    m.mutable_survey_response()->set_nps(6);
    m.mutable_survey_response()->set_has_nps(true);
    out.push_back(m.SerializeAsString());
  }
  {
    auto m = full();
    auto* a = m.mutable_agent_state_changed();
    a->set_state(v1::AGENT_STATE_AWAY);
    a->set_away_reason("lunch");
    a->add_queue_ids("q-1");
    a->add_queue_ids("q-2");
    out.push_back(m.SerializeAsString());
  }
  {
    auto m = full();
    m.mutable_interaction_created()->set_subject_category("refund");
    out.push_back(m.SerializeAsString());
  }
  {
    auto m = full();
    m.mutable_resolved()->set_disposition("done");
    out.push_back(m.SerializeAsString());
  }
  {
    auto m = full();
    m.mutable_reopened()->set_reason("again");
    out.push_back(m.SerializeAsString());
  }
  return out;
}

void append_varint(std::string& s, std::uint64_t v) {
  while (v >= 0x80) {
    s.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  s.push_back(static_cast<char>(v));
}

void append_tag(std::string& s, std::uint32_t field, std::uint32_t wire) {
  append_varint(s, std::uint64_t{field} << 3 | wire);
}

// Wire soup: fields with the numbers the reader knows (and some it does
// not), any wire type, nested messages and groups, odd varints, strings
// that are sometimes not UTF-8.
class soup {
 public:
  explicit soup(std::uint64_t seed) : _rng(seed) {}

  std::string message(int depth) {
    std::string s;
    const int fields = pick(0, 8);
    for (int i = 0; i < fields; ++i) field(s, depth);
    return s;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(_rng); }
  bool chance(int percent) { return pick(0, 99) < percent; }

  std::uint32_t field_number() {
    static constexpr std::uint32_t known[] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  20, 21, 22, 23, 24,
                                              25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38};
    if (chance(85)) return known[static_cast<std::size_t>(pick(0, std::size(known) - 1))];
    if (chance(10)) return 0;
    return static_cast<std::uint32_t>(pick(10, 1 << 20));
  }

  std::string text() {
    std::string s;
    const int n = pick(0, 12);
    for (int i = 0; i < n; ++i) {
      if (chance(8)) {
        s.push_back(static_cast<char>(pick(0x80, 0xff)));  // any high byte: valid or not
      } else if (chance(5)) {
        static const char* multi[] = {"\xc3\xa9", "\xe2\x82\xac",     "\xf0\x9f\x98\x80", "\xed\xa0\x80",
                                      "\xc0\xaf", "\xf4\x90\x80\x80", "\xe0\x80\xaf"};
        s += multi[pick(0, 6)];
      } else {
        s.push_back(static_cast<char>(pick('a', 'z')));
      }
    }
    return s;
  }

  void field(std::string& s, int depth) {
    const std::uint32_t number = field_number();
    std::uint32_t wire = static_cast<std::uint32_t>(pick(0, 5));
    if (chance(3)) wire = static_cast<std::uint32_t>(pick(6, 7));
    append_tag(s, number, wire);
    switch (wire) {
      case 0: {
        std::uint64_t v = chance(50) ? static_cast<std::uint64_t>(pick(0, 300)) : _rng();
        if (chance(10)) {
          // Ten or eleven bytes, the last with a random value.
          for (int i = 0; i < 9; ++i) s.push_back(static_cast<char>(0x80 | (v >> (7 * i) & 0x7f)));
          s.push_back(static_cast<char>(pick(0, chance(80) ? 0x7f : 0xff)));
          if (chance(30)) s.push_back(static_cast<char>(pick(0, 0x7f)));
        } else {
          append_varint(s, v);
        }
        break;
      }
      case 1:
        for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(pick(0, 255)));
        break;
      case 5:
        for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(pick(0, 255)));
        break;
      case 2: {
        std::string body = depth < 4 && chance(50) ? message(depth + 1) : text();
        std::uint64_t len = body.size();
        if (chance(3)) len += static_cast<std::uint64_t>(pick(1, 3));  // runs past the end
        if (chance(5)) {
          // A five-byte size, sometimes with a fifth byte protobuf refuses.
          for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(0x80 | (len >> (7 * i) & 0x7f)));
          s.push_back(static_cast<char>(chance(70) ? 0 : pick(8, 0x7f)));
        } else {
          append_varint(s, len);
        }
        s += body;
        break;
      }
      case 3: {
        if (depth < 6) s += message(depth + 1);
        if (chance(85)) append_tag(s, chance(90) ? number : number + 1, 4);
        break;
      }
      default:
        break;  // 4, 6, 7: no body
    }
  }

  std::mt19937_64 _rng;
};

}  // namespace

TEST_CASE("the wire reader reads valid events exactly as protobuf does") {
  tally t;
  const auto all = seeds();
  REQUIRE(all.size() > 30);
  for (const auto& s : all) compare(s, t);
  CHECK(t.disagreements == 0);
  CHECK(t.refused == 0);
}

TEST_CASE(
    "the wire reader keeps the wanted attributes as protobuf's map does: the last entry of a key, empty "
    "values, no others") {
  quiet_protobuf quiet;
  tally t;
  auto entry = [](std::string& bytes, const std::string& body) {
    append_tag(bytes, 9, 2);
    append_varint(bytes, body.size());
    bytes += body;
  };
  auto text = [](std::uint32_t field, const std::string& v) {
    std::string s;
    append_tag(s, field, 2);
    append_varint(s, v.size());
    return s + v;
  };
  const auto base = seeds().front();
  std::string twice = base;
  entry(twice, text(1, "lang") + text(2, "fr"));  // after the seed's lang=de: fr wins
  entry(twice, text(1, "a"));                     // a key without a value: empty
  entry(twice, text(2, "orphan"));                // a value without a key: the empty key
  entry(twice, text(2, "x") + text(1, "plan"));   // value before key
  compare(twice, t);
  std::string bad_key = base;
  entry(bad_key, text(1, "\xc3(") + text(2, "v"));  // a key that is not UTF-8: protobuf refuses the event
  compare(bad_key, t);
  std::string bad_unwanted = base;
  entry(bad_unwanted, text(1, "other") + text(2, "\xff"));  // an unwanted key's value, not UTF-8
  compare(bad_unwanted, t);
  CHECK(t.disagreements == 0);
  CHECK(t.accepted >= 1);
  v1::Event m;
  REQUIRE(m.ParseFromString(twice));
  wire_event w;
  REQUIRE(codec::parse_event_wire(bytes_of(twice), w, attribute_keys));
  CHECK(w.attributes[0] == "fr");
  CHECK(w.attributes[1] == "x");  // the later entry, value before key
  CHECK(w.attributes[2].empty());
}

TEST_CASE("concatenated events merge as protobuf merges them") {
  // Two serialised messages back to back are one message: later scalars and
  // strings win, sub-messages merge, another oneof member replaces the first.
  quiet_protobuf quiet;
  tally t;
  const auto all = seeds();
  for (std::size_t i = 0; i < all.size(); ++i)
    for (std::size_t j = 0; j < all.size(); j += 3) compare(all[i] + all[j], t);
  CHECK(t.disagreements == 0);
  CHECK(t.accepted > 1000);
}

TEST_CASE("mutated events get protobuf's verdict and fields") {
  quiet_protobuf quiet;
  tally t;
  const auto all = seeds();
  std::mt19937_64 rng(20261202);
  auto pick = [&rng](std::size_t hi) { return std::uniform_int_distribution<std::size_t>(0, hi)(rng); };
  for (int round = 0; round < 60'000; ++round) {
    std::string s = all[pick(all.size() - 1)];
    const int edits = static_cast<int>(pick(3)) + 1;
    for (int k = 0; k < edits && !s.empty(); ++k) {
      const std::size_t at = pick(s.size() - 1);
      switch (pick(6)) {
        case 0:
          s[at] = static_cast<char>(s[at] ^ (1 << pick(7)));
          break;
        case 1:
          s[at] = static_cast<char>(pick(255));
          break;
        case 2:
          s.insert(at, 1, static_cast<char>(pick(255)));
          break;
        case 3:
          s.erase(at, pick(4) + 1);
          break;
        case 4:
          s.resize(at);
          break;
        case 5:
          s.insert(at, s.substr(pick(s.size() - 1), pick(8) + 1));
          break;
        default:
          s += all[pick(all.size() - 1)];
          break;
      }
    }
    compare(s, t);
  }
  MESSAGE(t.accepted << " mutated events accepted, " << t.refused << " refused");
  CHECK(t.disagreements == 0);
  CHECK(t.accepted > 5'000);
  CHECK(t.refused > 5'000);
}

TEST_CASE("generated wire soup gets protobuf's verdict and fields") {
  quiet_protobuf quiet;
  tally t;
  soup g(42);
  for (int round = 0; round < 60'000; ++round) compare(g.message(0), t);
  MESSAGE(t.accepted << " generated messages accepted, " << t.refused << " refused");
  CHECK(t.disagreements == 0);
  CHECK(t.accepted > 2'000);
  CHECK(t.refused > 2'000);
}

TEST_CASE("nesting is refused past protobuf's recursion limit, at the same depth") {
  quiet_protobuf quiet;
  tally t;
  // Unknown groups nested n deep at the top level, and inside the customer
  // sub-message (one level already used).
  for (int n = 95; n <= 105; ++n) {
    std::string groups;
    for (int i = 0; i < n; ++i) append_tag(groups, 1000, 3);
    for (int i = 0; i < n; ++i) append_tag(groups, 1000, 4);
    compare(groups, t);
    std::string in_customer;
    append_tag(in_customer, 7, 2);
    append_varint(in_customer, groups.size());
    compare(in_customer + groups, t);
  }
  CHECK(t.disagreements == 0);
  CHECK(t.accepted > 0);
  CHECK(t.refused > 0);
}

TEST_CASE("the reader's UTF-8 check is protobuf's") {
  quiet_protobuf quiet;
  tally t;
  std::mt19937_64 rng(5);
  for (int round = 0; round < 40'000; ++round) {
    std::string text;
    const int n = static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) text.push_back(static_cast<char>(rng() % 256));
    if (round % 3 == 0) text = "id-" + text + "-end";
    std::string bytes;
    append_tag(bytes, 1, 2);
    append_varint(bytes, text.size());
    bytes += text;
    compare(bytes, t);
  }
  CHECK(t.disagreements == 0);
  CHECK(t.accepted > 1'000);
  CHECK(t.refused > 1'000);
}
