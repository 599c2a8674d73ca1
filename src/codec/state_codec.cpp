#include "codec/state_codec.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <charconv>
#include <climits>
#include <limits>
#include <system_error>
#include <utility>

#include "ccpulse/v1/state.pb.h"

namespace ccpulse::codec {

namespace {

using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;
using engine::state_kind;

constexpr std::int64_t min_micros = to_unix_micros(instant_min);
constexpr std::int64_t max_micros = to_unix_micros(instant_max);

// ---- enums, both ways, by name -------------------------------------------
// The core's enums have no default case here, so adding an enumerator fails
// the build (-Wswitch -Werror) until it is mapped.

v1::Channel to_proto(channel c) {
  switch (c) {
    case channel::unspecified: return v1::CHANNEL_UNSPECIFIED;
    case channel::voice: return v1::CHANNEL_VOICE;
    case channel::chat: return v1::CHANNEL_CHAT;
    case channel::email: return v1::CHANNEL_EMAIL;
    case channel::ticket: return v1::CHANNEL_TICKET;
    case channel::social: return v1::CHANNEL_SOCIAL;
    case channel::messaging: return v1::CHANNEL_MESSAGING;
    case channel::video: return v1::CHANNEL_VIDEO;
  }
  return v1::CHANNEL_UNSPECIFIED;
}

bool from_proto(int c, channel& out) {
  switch (c) {
    case v1::CHANNEL_UNSPECIFIED: out = channel::unspecified; return true;
    case v1::CHANNEL_VOICE: out = channel::voice; return true;
    case v1::CHANNEL_CHAT: out = channel::chat; return true;
    case v1::CHANNEL_EMAIL: out = channel::email; return true;
    case v1::CHANNEL_TICKET: out = channel::ticket; return true;
    case v1::CHANNEL_SOCIAL: out = channel::social; return true;
    case v1::CHANNEL_MESSAGING: out = channel::messaging; return true;
    case v1::CHANNEL_VIDEO: out = channel::video; return true;
    default: return false;
  }
}

using pb_target = v1::ClockState::TargetType;

pb_target to_proto(sla::target_type t) {
  using T = sla::target_type;
  switch (t) {
    case T::answer: return v1::ClockState::TARGET_TYPE_ANSWER;
    case T::first_response: return v1::ClockState::TARGET_TYPE_FIRST_RESPONSE;
    case T::next_reply: return v1::ClockState::TARGET_TYPE_NEXT_REPLY;
    case T::periodic_update: return v1::ClockState::TARGET_TYPE_PERIODIC_UPDATE;
    case T::resolution: return v1::ClockState::TARGET_TYPE_RESOLUTION;
    case T::escalation_response: return v1::ClockState::TARGET_TYPE_ESCALATION_RESPONSE;
    case T::detractor_follow_up: return v1::ClockState::TARGET_TYPE_DETRACTOR_FOLLOW_UP;
  }
  return v1::ClockState::TARGET_TYPE_UNSPECIFIED;
}

// UNSPECIFIED is not a target: false, like an unknown value.
bool from_proto(int t, sla::target_type& out) {
  using T = sla::target_type;
  switch (t) {
    case v1::ClockState::TARGET_TYPE_ANSWER: out = T::answer; return true;
    case v1::ClockState::TARGET_TYPE_FIRST_RESPONSE: out = T::first_response; return true;
    case v1::ClockState::TARGET_TYPE_NEXT_REPLY: out = T::next_reply; return true;
    case v1::ClockState::TARGET_TYPE_PERIODIC_UPDATE: out = T::periodic_update; return true;
    case v1::ClockState::TARGET_TYPE_RESOLUTION: out = T::resolution; return true;
    case v1::ClockState::TARGET_TYPE_ESCALATION_RESPONSE: out = T::escalation_response; return true;
    case v1::ClockState::TARGET_TYPE_DETRACTOR_FOLLOW_UP: out = T::detractor_follow_up; return true;
    default: return false;
  }
}

using pb_lifecycle = v1::InteractionState::Lifecycle;

pb_lifecycle to_proto(engine::lifecycle l) {
  using L = engine::lifecycle;
  switch (l) {
    case L::created: return v1::InteractionState::LIFECYCLE_CREATED;
    case L::waiting: return v1::InteractionState::LIFECYCLE_WAITING;
    case L::answered: return v1::InteractionState::LIFECYCLE_ANSWERED;
    case L::closed: return v1::InteractionState::LIFECYCLE_CLOSED;
  }
  return v1::InteractionState::LIFECYCLE_UNSPECIFIED;
}

bool from_proto(int l, engine::lifecycle& out) {
  using L = engine::lifecycle;
  switch (l) {
    case v1::InteractionState::LIFECYCLE_CREATED: out = L::created; return true;
    case v1::InteractionState::LIFECYCLE_WAITING: out = L::waiting; return true;
    case v1::InteractionState::LIFECYCLE_ANSWERED: out = L::answered; return true;
    case v1::InteractionState::LIFECYCLE_CLOSED: out = L::closed; return true;
    default: return false;
  }
}

// ---- keys ------------------------------------------------------------------

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_uint(std::string& out, std::uint32_t v) {
  char buf[16];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Canonical decimal only: digits, an optional leading '-' for signed types,
// no leading zeros, no "-0".
template <class T>
bool parse_canonical(std::string_view s, T& out) {
  std::string_view digits = s;
  if constexpr (std::numeric_limits<T>::is_signed) {
    if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  }
  if (digits.empty()) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  if (digits.front() == '0' && (digits.size() > 1 || digits.size() != s.size())) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

// Arbitrary bytes in an error message: printable ASCII as is, the rest as
// \xNN, cut after 64 bytes.
std::string printable(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  const std::size_t n = s.size() < 64 ? s.size() : 64;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xf]);
    }
  }
  if (s.size() > n) out += "...";
  return out;
}

state_decode_result fail(state_error e, std::string detail) { return {e, std::move(detail)}; }

std::string_view kind_name(state_kind k) {
  switch (k) {
    case state_kind::interaction: return "interaction";
    case state_kind::queue: return "queue";
    case state_kind::meta: return "meta";
    case state_kind::dedup: return "dedup chunk";
  }
  return "?";
}

// ---- value helpers ------------------------------------------------------------

bool to_instant(std::int64_t us, instant& out) {
  if (us < min_micros || us > max_micros) return false;
  out = from_unix_micros(us);
  return true;
}

// Lends one of the encoder's bodies to the wrapper's oneof for one
// serialization, without giving up ownership (unsafe_arena_*: no copy, no
// delete; all heap messages here). Taken back even if serialization throws.
class lent_body {
 public:
  explicit lent_body(v1::StateRecord& r) : _r(r) {}
  ~lent_body() {
    switch (_r.record_case()) {
      case v1::StateRecord::kInteraction: (void)_r.unsafe_arena_release_interaction(); break;
      case v1::StateRecord::kQueue: (void)_r.unsafe_arena_release_queue(); break;
      case v1::StateRecord::kMeta: (void)_r.unsafe_arena_release_meta(); break;
      case v1::StateRecord::kDedup: (void)_r.unsafe_arena_release_dedup(); break;
      case v1::StateRecord::RECORD_NOT_SET: break;
    }
  }
  lent_body(const lent_body&) = delete;
  lent_body& operator=(const lent_body&) = delete;

 private:
  v1::StateRecord& _r;
};

// The top level of a StateRecord value is read by hand, so the body can be
// parsed into a message of its kind kept by the decoder: parsing a whole
// StateRecord would free and reallocate its oneof member (and every string
// in it) on each record.

// One top-level field. Wire types as protobuf defines them; groups (never
// written by proto3) and invalid types are refused.
struct wire_field {
  int number = 0;
  std::uint32_t wire_type = 0;
  std::uint64_t varint = 0;  // wire type 0
  int body_at = 0;           // wire type 2: offset and size of the bytes
  int body_size = 0;
};

bool read_field(CodedInputStream& in, wire_field& f) {
  const std::uint32_t tag = in.ReadTag();
  if ((tag >> 3) == 0) return false;  // field 0, or a malformed tag
  f.number = static_cast<int>(tag >> 3);
  f.wire_type = tag & 7;
  switch (f.wire_type) {
    case 0: return in.ReadVarint64(&f.varint);
    case 1: {
      std::uint64_t v = 0;
      return in.ReadLittleEndian64(&v);
    }
    case 2: {
      std::uint32_t n = 0;
      if (!in.ReadVarint32(&n) || n > static_cast<std::uint32_t>(INT_MAX)) return false;
      f.body_at = in.CurrentPosition();
      f.body_size = static_cast<int>(n);
      return in.Skip(f.body_size);
    }
    case 5: {
      std::uint32_t v = 0;
      return in.ReadLittleEndian32(&v);
    }
    default: return false;
  }
}

bool is_record_field(int number) {
  return number == v1::StateRecord::kInteractionFieldNumber ||
         number == v1::StateRecord::kQueueFieldNumber ||
         number == v1::StateRecord::kMetaFieldNumber ||
         number == v1::StateRecord::kDedupFieldNumber;
}

struct top_level {
  std::uint32_t version = 0;
  int record_field = 0;  // the oneof member set in the end; 0: none
  // Offset of the first occurrence of record_field that counts: after the
  // last occurrence of another member (in protobuf a later member replaces).
  int bodies_from = 0;
};

// With protobuf's semantics: the last scalar wins, unknown fields are
// skipped, a known field with the wrong wire type is an unknown field.
bool scan(const std::uint8_t* data, int size, top_level& out) {
  CodedInputStream in(data, size);
  wire_field f;
  while (in.CurrentPosition() < size) {
    const int at = in.CurrentPosition();
    if (!read_field(in, f)) return false;
    if (f.number == v1::StateRecord::kFormatVersionFieldNumber && f.wire_type == 0)
      out.version = static_cast<std::uint32_t>(f.varint);  // uint32: low 32 bits
    if (f.wire_type == 2 && is_record_field(f.number) && f.number != out.record_field) {
      out.record_field = f.number;
      out.bodies_from = at;
    }
  }
  return true;
}

// Parses the occurrences of the record field that count into `body`,
// merging them as protobuf does.
bool parse_bodies(const std::uint8_t* data, int size, const top_level& top,
                  google::protobuf::MessageLite& body) {
  CodedInputStream in(data, size);
  if (!in.Skip(top.bodies_from)) return false;
  wire_field f;
  bool first = true;
  while (in.CurrentPosition() < size) {
    if (!read_field(in, f)) return false;
    if (f.wire_type != 2 || f.number != top.record_field) continue;
    if (first) {
      if (!body.ParseFromArray(data + f.body_at, f.body_size)) return false;
      first = false;
    } else {
      CodedInputStream part(data + f.body_at, f.body_size);
      if (!body.MergeFromCodedStream(&part) || !part.ConsumedEntireMessage()) return false;
    }
  }
  return !first;
}

}  // namespace

std::string_view to_string(state_error e) {
  switch (e) {
    case state_error::none: return "none";
    case state_error::bad_key: return "bad_key";
    case state_error::bad_value: return "bad_value";
    case state_error::unknown_record: return "unknown_record";
    case state_error::version_too_new: return "version_too_new";
    case state_error::key_mismatch: return "key_mismatch";
  }
  return "unknown";
}

// ---- keys ------------------------------------------------------------------------

void encode_state_key(const engine::state_key& k, std::string& out) {
  out.clear();
  switch (k.kind) {
    case state_kind::interaction:
      out += "i/";
      out += k.name;
      break;
    case state_kind::queue:
      out += "q/";
      out += k.name;
      break;
    case state_kind::meta: out += 'm'; break;
    case state_kind::dedup:
      out += "d/";
      append_int(out, to_unix_micros(k.generation));
      out += '/';
      append_uint(out, k.sequence);
      break;
  }
}

state_decode_result parse_state_key(std::string_view key, engine::state_key& out) {
  if (key.empty()) return fail(state_error::bad_key, "empty key");
  const auto slash = key.find('/');
  const std::string_view tag = key.substr(0, slash);
  const bool has_rest = slash != std::string_view::npos;
  const std::string_view rest = has_rest ? key.substr(slash + 1) : std::string_view{};
  if (tag == "i" || tag == "q") {
    if (!has_rest)
      return fail(state_error::bad_key, "key \"" + printable(key) + "\": expected \"" +
                                            std::string(tag) + "/<name>\"");
    out = {};
    out.kind = tag == "i" ? state_kind::interaction : state_kind::queue;
    out.name = rest;
    return {};
  }
  if (tag == "m") {
    if (has_rest)
      return fail(state_error::bad_key, "key \"" + printable(key) + "\": meta key is \"m\"");
    out = {};
    out.kind = state_kind::meta;
    return {};
  }
  if (tag == "d") {
    const auto sep = rest.find('/');
    std::int64_t generation = 0;
    std::uint32_t sequence = 0;
    if (!has_rest || sep == std::string_view::npos ||
        !parse_canonical(rest.substr(0, sep), generation) ||
        !parse_canonical(rest.substr(sep + 1), sequence))
      return fail(state_error::bad_key, "key \"" + printable(key) +
                                            "\": expected \"d/<generation micros>/<sequence>\"");
    instant g{};
    if (!to_instant(generation, g))
      return fail(state_error::bad_key,
                  "key \"" + printable(key) + "\": generation outside instant_min..instant_max");
    out = {};
    out.kind = state_kind::dedup;
    out.generation = g;
    out.sequence = sequence;
    return {};
  }
  return fail(state_error::unknown_record, "key \"" + printable(key) + "\": unknown kind \"" +
                                               printable(tag) + "\"");
}

// ---- encoder ---------------------------------------------------------------

state_encoder::state_encoder()
    : _record(std::make_unique<v1::StateRecord>()),
      _interaction(std::make_unique<v1::InteractionState>()),
      _queue(std::make_unique<v1::QueueState>()),
      _meta(std::make_unique<v1::PartitionMeta>()),
      _dedup(std::make_unique<v1::DedupChunk>()) {
  _record->set_format_version(state_format_version);
}

state_encoder::~state_encoder() = default;

void state_encoder::finish(std::string& value) {
  const std::size_t size = _record->ByteSizeLong();
  value.resize(size);
  google::protobuf::io::ArrayOutputStream array(value.data(), static_cast<int>(size));
  CodedOutputStream out(&array);
  out.SetSerializationDeterministic(true);
  _record->SerializeWithCachedSizes(&out);
}

void state_encoder::encode(const engine::interaction_state& s, std::string& key,
                           std::string& value) {
  key.clear();
  key += "i/";
  key += s.interaction_id;

  auto& b = *_interaction;
  b.set_interaction_id(s.interaction_id);
  b.set_channel(to_proto(s.chan));
  b.set_queue(s.queue);
  b.set_tier(s.tier);
  b.set_priority(s.priority);
  b.set_queue_cycle(s.queue_cycle);
  b.set_lifecycle(to_proto(s.state));
  b.set_created_at_micros(to_unix_micros(s.created_at));
  b.set_queued_at_micros(to_unix_micros(s.queued_at));
  b.set_answered_at_micros(to_unix_micros(s.answered_at));
  b.set_abandoned_at_micros(to_unix_micros(s.abandoned_at));
  b.set_closed_at_micros(to_unix_micros(s.closed_at));
  auto* clocks = b.mutable_clocks();
  clocks->Clear();  // keeps the elements for reuse by Add()
  for (const auto& c : s.clocks) {
    auto* p = clocks->Add();
    p->set_target(to_proto(c.target));
    p->set_policy(c.policy);
    p->set_cycle(c.cycle);
    p->set_started_at_micros(to_unix_micros(c.started_at));
    p->set_at_risk_at_micros(to_unix_micros(c.at_risk_at));
    p->set_deadline_micros(to_unix_micros(c.deadline));
    p->set_running(c.running);
    p->set_at_risk_sent(c.at_risk_sent);
    p->set_breached_sent(c.breached_sent);
  }
  lent_body lent(*_record);
  _record->unsafe_arena_set_allocated_interaction(&b);
  finish(value);
}

void state_encoder::encode(const engine::queue_state& s, std::string& key, std::string& value) {
  key.clear();
  key += "q/";
  key += s.queue;

  auto& b = *_queue;
  b.set_queue(s.queue);
  b.set_offered(s.offered);
  b.set_answered(s.answered);
  b.set_abandoned(s.abandoned);
  b.set_short_abandoned(s.short_abandoned);
  b.set_answered_within_threshold(s.answered_within_threshold);
  b.set_answered_wait_sum_micros(s.answered_wait_sum.count());
  b.set_expired(s.expired);
  lent_body lent(*_record);
  _record->unsafe_arena_set_allocated_queue(&b);
  finish(value);
}

void state_encoder::encode(const engine::partition_meta_state& s, std::string& key,
                           std::string& value) {
  key.assign("m");

  auto& b = *_meta;
  b.set_max_event_time_micros(to_unix_micros(s.max_event_time));
  b.set_effective_micros(to_unix_micros(s.effective));
  b.set_jump_candidate_micros(to_unix_micros(s.jump_candidate));
  lent_body lent(*_record);
  _record->unsafe_arena_set_allocated_meta(&b);
  finish(value);
}

void state_encoder::encode(const engine::dedup_chunk& s, std::string& key, std::string& value) {
  engine::state_key k;
  k.kind = state_kind::dedup;
  k.generation = s.generation;
  k.sequence = s.sequence;
  encode_state_key(k, key);

  auto& b = *_dedup;
  b.set_generation_micros(to_unix_micros(s.generation));
  b.set_sequence(s.sequence);
  auto* ids = b.mutable_ids();
  ids->Clear();
  ids->Reserve(static_cast<int>(s.ids.size()));
  for (const std::uint64_t id : s.ids) ids->AddAlreadyReserved(id);
  lent_body lent(*_record);
  _record->unsafe_arena_set_allocated_dedup(&b);
  finish(value);
}

// ---- decoder -------------------------------------------------------------------

state_decoder::state_decoder()
    : _interaction_pb(std::make_unique<v1::InteractionState>()),
      _queue_pb(std::make_unique<v1::QueueState>()),
      _meta_pb(std::make_unique<v1::PartitionMeta>()),
      _dedup_pb(std::make_unique<v1::DedupChunk>()) {}

state_decoder::~state_decoder() = default;

state_decode_result state_decoder::decode(std::string_view key, const void* value,
                                          std::size_t len, bool tombstone,
                                          engine::state_sink& into) {
  engine::state_key k;
  auto r = parse_state_key(key, k);
  if (!r.ok()) return r;
  if (tombstone) {
    into.erase(k);
    return {};
  }
  return decode_value(k, value, len, into);
}

state_decode_result state_decoder::decode_value(const engine::state_key& k, const void* value,
                                                std::size_t len, engine::state_sink& into) {
  if (len > static_cast<std::size_t>(INT_MAX) || (value == nullptr && len != 0))
    return fail(state_error::bad_value, "value of " + std::to_string(len) + " bytes");
  const auto* data = static_cast<const std::uint8_t*>(value);
  const int size = static_cast<int>(len);

  top_level top;
  if (!scan(data, size, top))
    return fail(state_error::bad_value, "not a valid ccpulse.v1.StateRecord");
  if (top.version == 0) return fail(state_error::bad_value, "format_version missing");
  if (top.version > state_format_version)
    return fail(state_error::version_too_new, "format_version " + std::to_string(top.version) +
                                                  " > " + std::to_string(state_format_version));

  state_kind value_kind{};
  google::protobuf::MessageLite* body = nullptr;
  switch (top.record_field) {
    case v1::StateRecord::kInteractionFieldNumber:
      value_kind = state_kind::interaction;
      body = _interaction_pb.get();
      break;
    case v1::StateRecord::kQueueFieldNumber:
      value_kind = state_kind::queue;
      body = _queue_pb.get();
      break;
    case v1::StateRecord::kMetaFieldNumber:
      value_kind = state_kind::meta;
      body = _meta_pb.get();
      break;
    case v1::StateRecord::kDedupFieldNumber:
      value_kind = state_kind::dedup;
      body = _dedup_pb.get();
      break;
    default: return fail(state_error::unknown_record, "no record kind known to this build");
  }
  if (value_kind != k.kind)
    return fail(state_error::key_mismatch, "a " + std::string(kind_name(value_kind)) +
                                               " value under a " + std::string(kind_name(k.kind)) +
                                               " key");
  if (!parse_bodies(data, size, top, *body))
    return fail(state_error::bad_value,
                "not a valid " + std::string(kind_name(value_kind)) + " record");

  auto bad_instant = [](std::string_view field) {
    return fail(state_error::bad_value,
                std::string(field) + " outside instant_min..instant_max");
  };

  switch (k.kind) {
    case state_kind::interaction: {
      const auto& b = *_interaction_pb;
      if (b.interaction_id() != k.name)
        return fail(state_error::key_mismatch,
                    "interaction_id \"" + printable(b.interaction_id()) + "\" under key i/" +
                        printable(k.name));
      auto& s = _interaction;
      s.interaction_id.assign(b.interaction_id());
      if (!from_proto(b.channel(), s.chan))
        return fail(state_error::bad_value, "channel value " + std::to_string(static_cast<int>(b.channel())));
      s.queue.assign(b.queue());
      s.tier.assign(b.tier());
      s.priority = b.priority();
      s.queue_cycle = b.queue_cycle();
      if (!from_proto(b.lifecycle(), s.state))
        return fail(state_error::bad_value, "lifecycle value " + std::to_string(static_cast<int>(b.lifecycle())));
      if (!to_instant(b.created_at_micros(), s.created_at)) return bad_instant("created_at");
      if (!to_instant(b.queued_at_micros(), s.queued_at)) return bad_instant("queued_at");
      if (!to_instant(b.answered_at_micros(), s.answered_at)) return bad_instant("answered_at");
      if (!to_instant(b.abandoned_at_micros(), s.abandoned_at)) return bad_instant("abandoned_at");
      if (!to_instant(b.closed_at_micros(), s.closed_at)) return bad_instant("closed_at");
      s.clocks.resize(static_cast<std::size_t>(b.clocks_size()));
      for (int i = 0; i < b.clocks_size(); ++i) {
        const auto& p = b.clocks(i);
        auto& c = s.clocks[static_cast<std::size_t>(i)];
        if (!from_proto(p.target(), c.target))
          return fail(state_error::bad_value, "clock " + std::to_string(i) + ": target value " +
                                                  std::to_string(static_cast<int>(p.target())));
        c.policy.assign(p.policy());
        c.cycle = p.cycle();
        if (!to_instant(p.started_at_micros(), c.started_at)) return bad_instant("clock started_at");
        if (!to_instant(p.at_risk_at_micros(), c.at_risk_at)) return bad_instant("clock at_risk_at");
        if (!to_instant(p.deadline_micros(), c.deadline)) return bad_instant("clock deadline");
        c.running = p.running();
        c.at_risk_sent = p.at_risk_sent();
        c.breached_sent = p.breached_sent();
      }
      into.put(s);
      return {};
    }
    case state_kind::queue: {
      const auto& b = *_queue_pb;
      if (b.queue() != k.name)
        return fail(state_error::key_mismatch,
                    "queue \"" + printable(b.queue()) + "\" under key q/" + printable(k.name));
      const std::int64_t wait = b.answered_wait_sum_micros();
      if (wait < -max_micros || wait > max_micros)
        return fail(state_error::bad_value, "answered_wait_sum out of range");
      auto& s = _queue;
      s.queue.assign(b.queue());
      s.offered = b.offered();
      s.answered = b.answered();
      s.abandoned = b.abandoned();
      s.short_abandoned = b.short_abandoned();
      s.answered_within_threshold = b.answered_within_threshold();
      s.answered_wait_sum = duration{wait};
      s.expired = b.expired();
      into.put(s);
      return {};
    }
    case state_kind::meta: {
      const auto& b = *_meta_pb;
      auto& s = _meta;
      if (!to_instant(b.max_event_time_micros(), s.max_event_time))
        return bad_instant("max_event_time");
      if (!to_instant(b.effective_micros(), s.effective)) return bad_instant("effective");
      if (!to_instant(b.jump_candidate_micros(), s.jump_candidate))
        return bad_instant("jump_candidate");
      into.put(s);
      return {};
    }
    case state_kind::dedup: {
      const auto& b = *_dedup_pb;
      if (b.generation_micros() != to_unix_micros(k.generation) || b.sequence() != k.sequence)
        return fail(state_error::key_mismatch,
                    "chunk " + std::to_string(b.generation_micros()) + "/" +
                        std::to_string(b.sequence()) + " under key d/" +
                        std::to_string(to_unix_micros(k.generation)) + "/" +
                        std::to_string(k.sequence));
      auto& s = _dedup;
      s.generation = k.generation;
      s.sequence = b.sequence();
      s.ids.assign(b.ids().begin(), b.ids().end());
      into.put(s);
      return {};
    }
  }
  return fail(state_error::bad_key, "unknown key kind");
}

state_decode_result decode_state(std::string_view key, const void* value, std::size_t len,
                                 bool tombstone, engine::state_sink& into) {
  state_decoder d;
  return d.decode(key, value, len, tombstone, into);
}

}  // namespace ccpulse::codec
