#include "codec/state_codec.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <charconv>
#include <climits>
#include <limits>
#include <system_error>
#include <utility>

#include "ccpulse/v1/state.pb.h"
#include "codec/channel_proto.h"
#include "codec/kpi_proto.h"
#include "metrics/log_linear_histogram.h"

namespace ccpulse::codec {

namespace {

using detail::from_proto;
using detail::to_proto;
using engine::state_kind;
using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;

constexpr std::int64_t min_micros = to_unix_micros(instant_min);
constexpr std::int64_t max_micros = to_unix_micros(instant_max);

// ---- enums, both ways, by name -------------------------------------------
// The core's enums have no default case here, so adding an enumerator fails
// the build (-Wswitch -Werror) until it is mapped.

using pb_target = v1::ClockState::TargetType;

pb_target to_proto(sla::target_type t) {
  using T = sla::target_type;
  switch (t) {
    case T::answer:
      return v1::ClockState::TARGET_TYPE_ANSWER;
    case T::first_response:
      return v1::ClockState::TARGET_TYPE_FIRST_RESPONSE;
    case T::next_reply:
      return v1::ClockState::TARGET_TYPE_NEXT_REPLY;
    case T::periodic_update:
      return v1::ClockState::TARGET_TYPE_PERIODIC_UPDATE;
    case T::resolution:
      return v1::ClockState::TARGET_TYPE_RESOLUTION;
    case T::escalation_response:
      return v1::ClockState::TARGET_TYPE_ESCALATION_RESPONSE;
    case T::detractor_follow_up:
      return v1::ClockState::TARGET_TYPE_DETRACTOR_FOLLOW_UP;
  }
  return v1::ClockState::TARGET_TYPE_UNSPECIFIED;
}

// UNSPECIFIED is not a target: false, like an unknown value.
bool from_proto(int t, sla::target_type& out) {
  using T = sla::target_type;
  switch (t) {
    case v1::ClockState::TARGET_TYPE_ANSWER:
      out = T::answer;
      return true;
    case v1::ClockState::TARGET_TYPE_FIRST_RESPONSE:
      out = T::first_response;
      return true;
    case v1::ClockState::TARGET_TYPE_NEXT_REPLY:
      out = T::next_reply;
      return true;
    case v1::ClockState::TARGET_TYPE_PERIODIC_UPDATE:
      out = T::periodic_update;
      return true;
    case v1::ClockState::TARGET_TYPE_RESOLUTION:
      out = T::resolution;
      return true;
    case v1::ClockState::TARGET_TYPE_ESCALATION_RESPONSE:
      out = T::escalation_response;
      return true;
    case v1::ClockState::TARGET_TYPE_DETRACTOR_FOLLOW_UP:
      out = T::detractor_follow_up;
      return true;
    default:
      return false;
  }
}

v1::TicketStatus to_proto(ticket_status t) {
  switch (t) {
    case ticket_status::unspecified:
      return v1::TICKET_STATUS_UNSPECIFIED;
    case ticket_status::new_:
      return v1::TICKET_STATUS_NEW;
    case ticket_status::open:
      return v1::TICKET_STATUS_OPEN;
    case ticket_status::pending:
      return v1::TICKET_STATUS_PENDING;
    case ticket_status::on_hold:
      return v1::TICKET_STATUS_ON_HOLD;
    case ticket_status::solved:
      return v1::TICKET_STATUS_SOLVED;
    case ticket_status::closed:
      return v1::TICKET_STATUS_CLOSED;
  }
  return v1::TICKET_STATUS_UNSPECIFIED;
}

bool from_proto(int t, ticket_status& out) {
  switch (t) {
    case v1::TICKET_STATUS_UNSPECIFIED:
      out = ticket_status::unspecified;
      return true;
    case v1::TICKET_STATUS_NEW:
      out = ticket_status::new_;
      return true;
    case v1::TICKET_STATUS_OPEN:
      out = ticket_status::open;
      return true;
    case v1::TICKET_STATUS_PENDING:
      out = ticket_status::pending;
      return true;
    case v1::TICKET_STATUS_ON_HOLD:
      out = ticket_status::on_hold;
      return true;
    case v1::TICKET_STATUS_SOLVED:
      out = ticket_status::solved;
      return true;
    case v1::TICKET_STATUS_CLOSED:
      out = ticket_status::closed;
      return true;
    default:
      return false;
  }
}

using pb_lifecycle = v1::InteractionState::Lifecycle;

pb_lifecycle to_proto(engine::lifecycle l) {
  using L = engine::lifecycle;
  switch (l) {
    case L::created:
      return v1::InteractionState::LIFECYCLE_CREATED;
    case L::waiting:
      return v1::InteractionState::LIFECYCLE_WAITING;
    case L::answered:
      return v1::InteractionState::LIFECYCLE_ANSWERED;
    case L::closed:
      return v1::InteractionState::LIFECYCLE_CLOSED;
  }
  return v1::InteractionState::LIFECYCLE_UNSPECIFIED;
}

bool from_proto(int l, engine::lifecycle& out) {
  using L = engine::lifecycle;
  switch (l) {
    case v1::InteractionState::LIFECYCLE_CREATED:
      out = L::created;
      return true;
    case v1::InteractionState::LIFECYCLE_WAITING:
      out = L::waiting;
      return true;
    case v1::InteractionState::LIFECYCLE_ANSWERED:
      out = L::answered;
      return true;
    case v1::InteractionState::LIFECYCLE_CLOSED:
      out = L::closed;
      return true;
    default:
      return false;
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
    case state_kind::interaction:
      return "interaction";
    case state_kind::queue:
      return "queue";
    case state_kind::meta:
      return "meta";
    case state_kind::dedup:
      return "dedup chunk";
    case state_kind::agent:
      return "agent";
    case state_kind::repeat:
      return "repeat chunk";
    case state_kind::queue_rule:
      return "queue rule";
  }
  return "?";
}

// ---- value helpers ------------------------------------------------------------

bool to_instant(std::int64_t us, instant& out) {
  if (us < min_micros || us > max_micros) return false;
  out = from_unix_micros(us);
  return true;
}

// ---- window records ------------------------------------------------------------
// Field for field with kpi_counters; a new field fails kpi_fields.h's
// static_assert in packed_counters.cpp first, then needs a line here.

}  // namespace

// Shared with the snapshot codec (kpi_proto.h).
namespace detail {

void to_proto(const metrics::kpi_counters& c, v1::KpiCounters& b) {
  b.set_offered(c.offered);
  b.set_answered(c.answered);
  b.set_answered_within_t(c.answered_within_T);
  b.set_abandoned(c.abandoned);
  b.set_short_abandoned(c.short_abandoned);
  b.set_abandoned_within_t(c.abandoned_within_T);
  b.set_abandoned_after_t(c.abandoned_after_T);
  b.set_flowed_out(c.flowed_out);
  b.set_flowed_out_within_t(c.flowed_out_within_T);
  b.set_waited_beyond_t(c.waited_beyond_T);
  b.set_answered_wait_sum_micros(c.answered_wait_sum.count());
  b.set_handled(c.handled);
  b.set_talk_sum_micros(c.talk_sum.count());
  b.set_hold_sum_micros(c.hold_sum.count());
  b.set_after_contact_work_sum_micros(c.after_contact_work_sum.count());
  b.set_escalations(c.escalations);
  b.set_transfers(c.transfers);
  b.set_resolved(c.resolved);
  b.set_resolved_first_contact(c.resolved_first_contact);
  b.set_csat_responses(c.csat_responses);
  b.set_csat_satisfied(c.csat_satisfied);
  b.set_csat_score_sum(c.csat_score_sum);
  b.set_nps_responses(c.nps_responses);
  b.set_nps_promoters(c.nps_promoters);
  b.set_nps_detractors(c.nps_detractors);
  b.set_agent_on_contact_micros(c.agent_on_contact.count());
  b.set_agent_available_micros(c.agent_available.count());
}

// Sums beyond ±instant_max micros are refused (no real sum gets there).
bool to_duration(std::int64_t us, duration& out) {
  if (us < -max_micros || us > max_micros) return false;
  out = duration{us};
  return true;
}

// nullptr on success, else the name of the field out of range.
const char* from_proto(const v1::KpiCounters& b, metrics::kpi_counters& c) {
  c.offered = b.offered();
  c.answered = b.answered();
  c.answered_within_T = b.answered_within_t();
  c.abandoned = b.abandoned();
  c.short_abandoned = b.short_abandoned();
  c.abandoned_within_T = b.abandoned_within_t();
  c.abandoned_after_T = b.abandoned_after_t();
  c.flowed_out = b.flowed_out();
  c.flowed_out_within_T = b.flowed_out_within_t();
  c.waited_beyond_T = b.waited_beyond_t();
  if (!to_duration(b.answered_wait_sum_micros(), c.answered_wait_sum)) return "answered_wait_sum";
  c.handled = b.handled();
  if (!to_duration(b.talk_sum_micros(), c.talk_sum)) return "talk_sum";
  if (!to_duration(b.hold_sum_micros(), c.hold_sum)) return "hold_sum";
  if (!to_duration(b.after_contact_work_sum_micros(), c.after_contact_work_sum))
    return "after_contact_work_sum";
  c.escalations = b.escalations();
  c.transfers = b.transfers();
  c.resolved = b.resolved();
  c.resolved_first_contact = b.resolved_first_contact();
  c.csat_responses = b.csat_responses();
  c.csat_satisfied = b.csat_satisfied();
  c.csat_score_sum = b.csat_score_sum();
  c.nps_responses = b.nps_responses();
  c.nps_promoters = b.nps_promoters();
  c.nps_detractors = b.nps_detractors();
  if (!to_duration(b.agent_on_contact_micros(), c.agent_on_contact)) return "agent_on_contact";
  if (!to_duration(b.agent_available_micros(), c.agent_available)) return "agent_available";
  return nullptr;
}

}  // namespace detail

namespace {

using pb_bucket_kind = v1::WindowBucket::Kind;
using pb_scope_kind = v1::WindowBucket::ScopeKind;

pb_bucket_kind to_proto(metrics::window_bucket_kind k) {
  switch (k) {
    case metrics::window_bucket_kind::counters:
      return v1::WindowBucket::KIND_COUNTERS;
    case metrics::window_bucket_kind::parts:
      return v1::WindowBucket::KIND_PARTS;
  }
  return v1::WindowBucket::KIND_UNSPECIFIED;
}

bool from_proto(pb_bucket_kind k, metrics::window_bucket_kind& out) {
  switch (k) {
    case v1::WindowBucket::KIND_COUNTERS:
      out = metrics::window_bucket_kind::counters;
      return true;
    case v1::WindowBucket::KIND_PARTS:
      out = metrics::window_bucket_kind::parts;
      return true;
    default:
      return false;
  }
}

pb_scope_kind to_proto(metrics::scope_kind k) {
  switch (k) {
    case metrics::scope_kind::overall:
      return v1::WindowBucket::SCOPE_KIND_OVERALL;
    case metrics::scope_kind::queue:
      return v1::WindowBucket::SCOPE_KIND_QUEUE;
    case metrics::scope_kind::channel:
      return v1::WindowBucket::SCOPE_KIND_CHANNEL;
  }
  return v1::WindowBucket::SCOPE_KIND_UNSPECIFIED;
}

bool from_proto(pb_scope_kind k, metrics::scope_kind& out) {
  switch (k) {
    case v1::WindowBucket::SCOPE_KIND_OVERALL:
      out = metrics::scope_kind::overall;
      return true;
    case v1::WindowBucket::SCOPE_KIND_QUEUE:
      out = metrics::scope_kind::queue;
      return true;
    case v1::WindowBucket::SCOPE_KIND_CHANNEL:
      out = metrics::scope_kind::channel;
      return true;
    default:
      return false;
  }
}

}  // namespace

namespace detail {

void to_proto(const metrics::histogram_state& h, v1::Histogram& b) {
  auto* index = b.mutable_bucket_index();
  auto* count = b.mutable_bucket_count();
  index->Clear();
  count->Clear();
  for (const auto& [i, n] : h.buckets) {
    index->Add(i);
    count->Add(n);
  }
  b.set_sum_micros(h.sum.count());
  if (h.min)
    b.set_min_micros(h.min->count());
  else
    b.clear_min_micros();
  if (h.max)
    b.set_max_micros(h.max->count());
  else
    b.clear_max_micros();
}

// Empty string on success, else what is wrong. The structure is checked as
// the histogram's own import checks it (check_sparse_import), so a record
// that decodes also restores.
std::string from_proto(const v1::Histogram& b, metrics::histogram_state& h) {
  if (b.bucket_index_size() != b.bucket_count_size()) return "bucket_index and bucket_count differ in length";
  h.buckets.clear();
  for (int i = 0; i < b.bucket_index_size(); ++i) {
    if (b.bucket_index(i) >= metrics::log_linear_layout::kBucketCount)
      return "bucket index " + std::to_string(b.bucket_index(i)) + " out of range";
    h.buckets.emplace_back(static_cast<std::uint16_t>(b.bucket_index(i)), b.bucket_count(i));
  }
  if (!to_duration(b.sum_micros(), h.sum)) return "sum out of range";
  h.min.reset();
  h.max.reset();
  if (b.has_min_micros()) h.min = duration{b.min_micros()};
  if (b.has_max_micros()) h.max = duration{b.max_micros()};
  const auto e = metrics::check_sparse_import<std::uint64_t>(h.buckets, h.sum, h.min, h.max,
                                                             [](std::size_t, std::uint64_t) {});
  if (e != metrics::histogram_import_error::none) return std::string(metrics::to_string(e));
  return {};
}

void to_proto(const std::vector<metrics::reason_count>& from,
              google::protobuf::RepeatedPtrField<v1::ReasonCount>& to) {
  to.Clear();  // keeps the elements for reuse by Add()
  for (const auto& r : from) {
    auto* p = to.Add();
    p->set_reason(r.reason);
    p->set_count(r.count);
  }
}

bool from_proto(const google::protobuf::RepeatedPtrField<v1::ReasonCount>& from,
                std::vector<metrics::reason_count>& to) {
  to.resize(static_cast<std::size_t>(from.size()));
  for (int i = 0; i < from.size(); ++i) {
    if (from.Get(i).count() == 0) return false;
    to[static_cast<std::size_t>(i)].reason.assign(from.Get(i).reason());
    to[static_cast<std::size_t>(i)].count = from.Get(i).count();
  }
  return true;
}

}  // namespace detail

namespace {

std::string_view bucket_tag(metrics::window_bucket_kind k) {
  return k == metrics::window_bucket_kind::counters ? "wc" : "wp";
}

// Lends one of the encoder's bodies to the wrapper's oneof for one
// serialization, without giving up ownership (unsafe_arena_*: no copy, no
// delete; all heap messages here). Taken back even if serialization throws.
class lent_body {
 public:
  explicit lent_body(v1::StateRecord& r) : _r(r) {}
  ~lent_body() {
    switch (_r.record_case()) {
      case v1::StateRecord::kInteraction:
        (void)_r.unsafe_arena_release_interaction();
        break;
      case v1::StateRecord::kQueue:
        (void)_r.unsafe_arena_release_queue();
        break;
      case v1::StateRecord::kMeta:
        (void)_r.unsafe_arena_release_meta();
        break;
      case v1::StateRecord::kDedup:
        (void)_r.unsafe_arena_release_dedup();
        break;
      case v1::StateRecord::kWindowBucket:
        (void)_r.unsafe_arena_release_window_bucket();
        break;
      case v1::StateRecord::kWindowClock:
        (void)_r.unsafe_arena_release_window_clock();
        break;
      case v1::StateRecord::kAgent:
        (void)_r.unsafe_arena_release_agent();
        break;
      case v1::StateRecord::kRepeat:
        (void)_r.unsafe_arena_release_repeat();
        break;
      case v1::StateRecord::kQueueRule:
        (void)_r.unsafe_arena_release_queue_rule();
        break;
      case v1::StateRecord::RECORD_NOT_SET:
        break;
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
    case 0:
      return in.ReadVarint64(&f.varint);
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
    default:
      return false;
  }
}

bool is_record_field(int number) {
  return number == v1::StateRecord::kInteractionFieldNumber || number == v1::StateRecord::kQueueFieldNumber ||
         number == v1::StateRecord::kMetaFieldNumber || number == v1::StateRecord::kDedupFieldNumber ||
         number == v1::StateRecord::kAgentFieldNumber || number == v1::StateRecord::kRepeatFieldNumber ||
         number == v1::StateRecord::kQueueRuleFieldNumber ||
         number == v1::StateRecord::kWindowBucketFieldNumber ||
         number == v1::StateRecord::kWindowClockFieldNumber;
}

bool is_window_field(int number) {
  return number == v1::StateRecord::kWindowBucketFieldNumber ||
         number == v1::StateRecord::kWindowClockFieldNumber;
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

// The top level of a value: readable, a format_version this build reads.
state_decode_result check_top(const void* value, std::size_t len, top_level& top) {
  if (len > static_cast<std::size_t>(INT_MAX) || (value == nullptr && len != 0))
    return fail(state_error::bad_value, "value of " + std::to_string(len) + " bytes");
  if (!scan(static_cast<const std::uint8_t*>(value), static_cast<int>(len), top))
    return fail(state_error::bad_value, "not a valid ccpulse.v1.StateRecord");
  if (top.version == 0) return fail(state_error::bad_value, "format_version missing");
  if (top.version > state_format_version)
    return fail(state_error::version_too_new, "format_version " + std::to_string(top.version) + " > " +
                                                  std::to_string(state_format_version));
  return {};
}

}  // namespace

std::string_view to_string(state_error e) {
  switch (e) {
    case state_error::none:
      return "none";
    case state_error::bad_key:
      return "bad_key";
    case state_error::bad_value:
      return "bad_value";
    case state_error::unknown_record:
      return "unknown_record";
    case state_error::version_too_new:
      return "version_too_new";
    case state_error::key_mismatch:
      return "key_mismatch";
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
    case state_kind::agent:
      out += "a/";
      out += k.name;
      break;
    case state_kind::queue_rule:
      out += "qr/";
      out += k.name;
      break;
    case state_kind::meta:
      out += 'm';
      break;
    case state_kind::dedup:
    case state_kind::repeat:
      out += k.kind == state_kind::dedup ? "d/" : "r/";
      append_int(out, to_unix_micros(k.generation));
      out += '/';
      append_uint(out, k.sequence);
      break;
  }
}

void encode_window_key(const metrics::window_state_key& k, std::string& out) {
  out.clear();
  out += bucket_tag(k.kind);
  out += '/';
  append_int(out, to_unix_micros(k.start));
  switch (k.scope) {
    case metrics::scope_kind::overall:
      out += "/all";
      break;
    case metrics::scope_kind::queue:
      out += "/q/";
      out += k.scope_name;
      break;
    case metrics::scope_kind::channel:
      out += "/ch/";
      out += k.scope_name;
      break;
  }
}

bool is_window_key(std::string_view key) {
  const auto tag = key.substr(0, key.find('/'));
  return tag == "wc" || tag == "wp" || tag == "wh";
}

state_decode_result parse_window_key(std::string_view key, window_key& out) {
  const auto bad = [&] {
    return fail(state_error::bad_key,
                "key \"" + printable(key) +
                    "\": expected \"wh\" or \"wc|wp/<start micros>/all|q/<queue>|ch/<channel>\"");
  };
  out = {};
  if (key == window_clock_key) {
    out.clock = true;
    return {};
  }
  const auto slash = key.find('/');
  if (slash == std::string_view::npos) return bad();
  const auto tag = key.substr(0, slash);
  if (tag == "wc") {
    out.bucket.kind = metrics::window_bucket_kind::counters;
  } else if (tag == "wp") {
    out.bucket.kind = metrics::window_bucket_kind::parts;
  } else {
    return bad();
  }
  const auto rest = key.substr(slash + 1);
  const auto sep = rest.find('/');
  std::int64_t start = 0;
  if (sep == std::string_view::npos || !parse_canonical(rest.substr(0, sep), start)) return bad();
  if (!to_instant(start, out.bucket.start))
    return fail(state_error::bad_key,
                "key \"" + printable(key) + "\": start outside instant_min..instant_max");
  const auto scope = rest.substr(sep + 1);
  if (scope == "all") {
    out.bucket.scope = metrics::scope_kind::overall;
  } else if (scope.starts_with("q/")) {
    out.bucket.scope = metrics::scope_kind::queue;
    out.bucket.scope_name = scope.substr(2);
  } else if (scope.starts_with("ch/") && scope.size() > 3) {
    out.bucket.scope = metrics::scope_kind::channel;
    out.bucket.scope_name = scope.substr(3);
  } else {
    return bad();
  }
  return {};
}

state_decode_result parse_state_key(std::string_view key, engine::state_key& out) {
  if (key.empty()) return fail(state_error::bad_key, "empty key");
  const auto slash = key.find('/');
  const std::string_view tag = key.substr(0, slash);
  const bool has_rest = slash != std::string_view::npos;
  const std::string_view rest = has_rest ? key.substr(slash + 1) : std::string_view{};
  if (tag == "i" || tag == "q" || tag == "a") {
    if (!has_rest)
      return fail(state_error::bad_key,
                  "key \"" + printable(key) + "\": expected \"" + std::string(tag) + "/<name>\"");
    out = {};
    out.kind = tag == "i" ? state_kind::interaction : tag == "q" ? state_kind::queue : state_kind::agent;
    out.name = rest;
    return {};
  }
  if (tag == "qr") {
    if (!has_rest || rest.find('/') == std::string_view::npos || rest.find('/') == 0)
      return fail(state_error::bad_key, "key \"" + printable(key) + "\": expected \"qr/<rule>/<queue>\"");
    out = {};
    out.kind = state_kind::queue_rule;
    out.name = rest;
    return {};
  }
  if (tag == "m") {
    if (has_rest) return fail(state_error::bad_key, "key \"" + printable(key) + "\": meta key is \"m\"");
    out = {};
    out.kind = state_kind::meta;
    return {};
  }
  if (tag == "d" || tag == "r") {
    const auto sep = rest.find('/');
    std::int64_t generation = 0;
    std::uint32_t sequence = 0;
    if (!has_rest || sep == std::string_view::npos || !parse_canonical(rest.substr(0, sep), generation) ||
        !parse_canonical(rest.substr(sep + 1), sequence))
      return fail(state_error::bad_key, "key \"" + printable(key) + "\": expected \"" + std::string(tag) +
                                            "/<generation micros>/<sequence>\"");
    instant g{};
    if (!to_instant(generation, g))
      return fail(state_error::bad_key,
                  "key \"" + printable(key) + "\": generation outside instant_min..instant_max");
    out = {};
    out.kind = tag == "d" ? state_kind::dedup : state_kind::repeat;
    out.generation = g;
    out.sequence = sequence;
    return {};
  }
  return fail(state_error::unknown_record,
              "key \"" + printable(key) + "\": unknown kind \"" + printable(tag) + "\"");
}

// ---- encoder ---------------------------------------------------------------

state_encoder::state_encoder()
    : _record(std::make_unique<v1::StateRecord>()),
      _interaction(std::make_unique<v1::InteractionState>()),
      _queue(std::make_unique<v1::QueueState>()),
      _meta(std::make_unique<v1::PartitionMeta>()),
      _dedup(std::make_unique<v1::DedupChunk>()),
      _window(std::make_unique<v1::WindowBucket>()),
      _clock(std::make_unique<v1::WindowClock>()),
      _agent(std::make_unique<v1::AgentRecord>()),
      _repeat(std::make_unique<v1::RepeatChunk>()),
      _queue_rule(std::make_unique<v1::QueueRuleState>()) {
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

void state_encoder::encode(const engine::interaction_state& s, std::string& key, std::string& value) {
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
  b.set_kpi_flags(s.flags);
  b.set_hold_started_micros(to_unix_micros(s.hold_started));
  b.set_hold_sum_micros(s.hold_sum.count());
  b.set_wrap_started_micros(to_unix_micros(s.wrap_started));
  b.set_reply_wait_since_micros(to_unix_micros(s.reply_wait_since));
  b.set_ticket_status(to_proto(s.status));
  auto* attributes = b.mutable_attributes();
  attributes->Clear();  // keeps the elements for reuse by Add()
  for (const auto& a : s.attributes) {
    auto* p = attributes->Add();
    p->set_key(a.key);
    p->set_value(a.value);
  }
  auto* escalations = b.mutable_escalations();
  escalations->Clear();
  for (const auto& m : s.escalations) {
    auto* p = escalations->Add();
    p->set_policy(m.policy);
    p->set_rule(m.rule);
  }
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
    p->set_run_since_micros(to_unix_micros(c.run_since));
    p->set_consumed_micros(c.consumed.count());
    p->set_paused(c.paused);
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

void state_encoder::encode(const engine::partition_meta_state& s, std::string& key, std::string& value) {
  key.assign("m");

  auto& b = *_meta;
  b.set_max_event_time_micros(to_unix_micros(s.max_event_time));
  b.set_effective_micros(to_unix_micros(s.effective));
  b.set_jump_candidate_micros(to_unix_micros(s.jump_candidate));
  b.set_agents_counted_to_micros(to_unix_micros(s.agents_counted_to));
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

void state_encoder::encode(const engine::repeat_chunk& s, std::string& key, std::string& value) {
  engine::state_key k;
  k.kind = state_kind::repeat;
  k.generation = s.generation;
  k.sequence = s.sequence;
  encode_state_key(k, key);
  auto& b = *_repeat;
  b.set_generation_micros(to_unix_micros(s.generation));
  b.set_sequence(s.sequence);
  auto* customers = b.mutable_customers();
  customers->Clear();
  customers->Reserve(static_cast<int>(s.customers.size()));
  for (const std::uint64_t c : s.customers) customers->AddAlreadyReserved(c);
  auto* starts = b.mutable_start_micros();
  starts->Clear();
  starts->Reserve(static_cast<int>(s.starts.size()));
  for (const instant t : s.starts) starts->AddAlreadyReserved(to_unix_micros(t));
  lent_body lent(*_record);
  _record->unsafe_arena_set_allocated_repeat(&b);
  finish(value);
}

void state_encoder::encode(const engine::agent_record_state& s, std::string& key, std::string& value) {
  key.clear();
  key += "a/";
  key += s.agent_id;
  auto& b = *_agent;
  b.set_agent_id(s.agent_id);
  // The model's agent_state values are the proto's (checked below).
  b.set_state(static_cast<v1::AgentRecord::State>(s.state));
  b.set_since_micros(to_unix_micros(s.since));
  b.set_queue(s.queue);
  b.set_channel(to_proto(s.chan));
  lent_body lent(*_record);
  _record->unsafe_arena_set_allocated_agent(&b);
  finish(value);
}
void state_encoder::encode(const engine::queue_rule_record& s, std::string& key, std::string& value) {
  key.assign("qr/").append(s.rule).append("/").append(s.queue);
  auto& b = *_queue_rule;
  b.set_rule(s.rule);
  b.set_queue(s.queue);
  // The model's phases, comparisons and severities are the proto's, one up (checked below).
  b.set_phase(static_cast<v1::QueueRuleState::Phase>(static_cast<int>(s.state.phase) + 1));
  b.set_since_micros(to_unix_micros(s.state.since));
  b.set_episode(s.state.episode);
  b.set_metric(std::string(sla::to_string(s.metric)));
  b.set_threshold(s.threshold);
  b.set_comparison(static_cast<v1::QueueRuleState::Comparison>(static_cast<int>(s.cmp) + 1));
  b.set_window(s.window);
  b.set_severity(static_cast<v1::Severity>(static_cast<int>(s.level) + 1));
  lent_body lent(*_record);
  _record->unsafe_arena_set_allocated_queue_rule(&b);
  finish(value);
}
static_assert(static_cast<int>(sla::rule_phase::resolving) + 1 == v1::QueueRuleState::PHASE_RESOLVING &&
              static_cast<int>(sla::rule_phase::inactive) + 1 == v1::QueueRuleState::PHASE_INACTIVE);
static_assert(static_cast<int>(sla::comparison::above) + 1 == v1::QueueRuleState::COMPARISON_ABOVE);
static_assert(static_cast<int>(sla::severity::critical) + 1 == v1::SEVERITY_CRITICAL &&
              static_cast<int>(sla::severity::info) + 1 == v1::SEVERITY_INFO);

static_assert(static_cast<int>(agent_state::away) == v1::AgentRecord::STATE_AWAY &&
              static_cast<int>(agent_state::logged_out) == v1::AgentRecord::STATE_LOGGED_OUT &&
              static_cast<int>(agent_state::on_contact) == v1::AgentRecord::STATE_ON_CONTACT);

void state_encoder::encode(const metrics::window_bucket_state& s, std::string& key, std::string& value) {
  encode_window_key({s.kind, s.scope, s.scope_name, s.start}, key);

  auto& b = *_window;
  b.set_kind(to_proto(s.kind));
  b.set_scope_kind(to_proto(s.scope));
  b.set_scope_name(s.scope_name);
  b.set_start_micros(to_unix_micros(s.start));
  b.set_width_micros(s.width.count());
  to_proto(s.counts, *b.mutable_counts());
  v1::Histogram* const histograms[] = {b.mutable_wait(), b.mutable_handle(), b.mutable_first_response(),
                                       b.mutable_next_reply(), b.mutable_resolution()};
  static_assert(std::size(histograms) == metrics::distribution_count);
  for (std::size_t i = 0; i < metrics::distribution_count; ++i) to_proto(s.histograms[i], *histograms[i]);
  to_proto(s.transfers_by_reason, *b.mutable_transfers_by_reason());
  to_proto(s.escalations_by_reason, *b.mutable_escalations_by_reason());
  lent_body lent(*_record);
  _record->unsafe_arena_set_allocated_window_bucket(&b);
  finish(value);
}

void state_encoder::encode(const metrics::window_clock_state& s, std::string& key, std::string& value) {
  key.assign(window_clock_key);
  _clock->set_head_micros(to_unix_micros(s.head));
  lent_body lent(*_record);
  _record->unsafe_arena_set_allocated_window_clock(_clock.get());
  finish(value);
}

// ---- decoder -------------------------------------------------------------------

state_decoder::state_decoder()
    : _interaction_pb(std::make_unique<v1::InteractionState>()),
      _queue_pb(std::make_unique<v1::QueueState>()),
      _meta_pb(std::make_unique<v1::PartitionMeta>()),
      _dedup_pb(std::make_unique<v1::DedupChunk>()),
      _window_pb(std::make_unique<v1::WindowBucket>()),
      _clock_pb(std::make_unique<v1::WindowClock>()),
      _agent_pb(std::make_unique<v1::AgentRecord>()),
      _repeat_pb(std::make_unique<v1::RepeatChunk>()),
      _queue_rule_pb(std::make_unique<v1::QueueRuleState>()) {}

state_decoder::~state_decoder() = default;

state_decode_result state_decoder::decode(std::string_view key, const void* value, std::size_t len,
                                          bool tombstone, engine::state_sink& into) {
  if (is_window_key(key)) return decode_window(key, value, len, tombstone, into);
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
  top_level top;
  if (auto r = check_top(value, len, top); !r.ok()) return r;
  const auto* data = static_cast<const std::uint8_t*>(value);
  const int size = static_cast<int>(len);
  if (is_window_field(top.record_field))
    return fail(state_error::key_mismatch,
                "a window value under a " + std::string(kind_name(k.kind)) + " key");

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
    case v1::StateRecord::kAgentFieldNumber:
      value_kind = state_kind::agent;
      body = _agent_pb.get();
      break;
    case v1::StateRecord::kRepeatFieldNumber:
      value_kind = state_kind::repeat;
      body = _repeat_pb.get();
      break;
    case v1::StateRecord::kQueueRuleFieldNumber:
      value_kind = state_kind::queue_rule;
      body = _queue_rule_pb.get();
      break;
    default:
      return fail(state_error::unknown_record, "no record kind known to this build");
  }
  if (value_kind != k.kind)
    return fail(state_error::key_mismatch, "a " + std::string(kind_name(value_kind)) + " value under a " +
                                               std::string(kind_name(k.kind)) + " key");
  if (!parse_bodies(data, size, top, *body))
    return fail(state_error::bad_value, "not a valid " + std::string(kind_name(value_kind)) + " record");

  auto bad_instant = [](std::string_view field) {
    return fail(state_error::bad_value, std::string(field) + " outside instant_min..instant_max");
  };

  switch (k.kind) {
    case state_kind::interaction: {
      const auto& b = *_interaction_pb;
      if (b.interaction_id() != k.name)
        return fail(state_error::key_mismatch, "interaction_id \"" + printable(b.interaction_id()) +
                                                   "\" under key i/" + printable(k.name));
      auto& s = _interaction;
      s.interaction_id.assign(b.interaction_id());
      if (!from_proto(b.channel(), s.chan))
        return fail(state_error::bad_value, "channel value " + std::to_string(static_cast<int>(b.channel())));
      s.queue.assign(b.queue());
      s.tier.assign(b.tier());
      s.priority = b.priority();
      s.queue_cycle = b.queue_cycle();
      if (!from_proto(b.lifecycle(), s.state))
        return fail(state_error::bad_value,
                    "lifecycle value " + std::to_string(static_cast<int>(b.lifecycle())));
      if (!to_instant(b.created_at_micros(), s.created_at)) return bad_instant("created_at");
      if (!to_instant(b.queued_at_micros(), s.queued_at)) return bad_instant("queued_at");
      if (!to_instant(b.answered_at_micros(), s.answered_at)) return bad_instant("answered_at");
      if (!to_instant(b.abandoned_at_micros(), s.abandoned_at)) return bad_instant("abandoned_at");
      if (!to_instant(b.closed_at_micros(), s.closed_at)) return bad_instant("closed_at");
      if (b.kpi_flags() > 0xff)
        return fail(state_error::bad_value, "kpi_flags " + std::to_string(b.kpi_flags()));
      s.flags = static_cast<std::uint8_t>(b.kpi_flags());
      if (!to_instant(b.hold_started_micros(), s.hold_started)) return bad_instant("hold_started");
      if (!to_instant(b.wrap_started_micros(), s.wrap_started)) return bad_instant("wrap_started");
      if (!to_instant(b.reply_wait_since_micros(), s.reply_wait_since))
        return bad_instant("reply_wait_since");
      if (b.hold_sum_micros() < 0) return fail(state_error::bad_value, "hold_sum negative");
      s.hold_sum = duration{b.hold_sum_micros()};
      if (!from_proto(b.ticket_status(), s.status))
        return fail(state_error::bad_value,
                    "ticket_status value " + std::to_string(static_cast<int>(b.ticket_status())));
      s.attributes.resize(static_cast<std::size_t>(b.attributes_size()));
      for (int i = 0; i < b.attributes_size(); ++i) {
        auto& a = s.attributes[static_cast<std::size_t>(i)];
        a.key.assign(b.attributes(i).key());
        a.value.assign(b.attributes(i).value());
      }
      s.escalations.resize(static_cast<std::size_t>(b.escalations_size()));
      for (int i = 0; i < b.escalations_size(); ++i) {
        auto& m = s.escalations[static_cast<std::size_t>(i)];
        m.policy.assign(b.escalations(i).policy());
        m.rule.assign(b.escalations(i).rule());
      }
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
        if (!to_instant(p.run_since_micros(), c.run_since)) return bad_instant("clock run_since");
        if (p.consumed_micros() < 0 || p.consumed_micros() > max_micros)
          return fail(state_error::bad_value, "clock " + std::to_string(i) + ": consumed out of range");
        c.consumed = duration{p.consumed_micros()};
        c.paused = p.paused();
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
      if (!to_instant(b.max_event_time_micros(), s.max_event_time)) return bad_instant("max_event_time");
      if (!to_instant(b.effective_micros(), s.effective)) return bad_instant("effective");
      if (!to_instant(b.jump_candidate_micros(), s.jump_candidate)) return bad_instant("jump_candidate");
      if (b.agents_counted_to_micros() == 0) {
        s.agents_counted_to = instant_min;
      } else if (!to_instant(b.agents_counted_to_micros(), s.agents_counted_to)) {
        return bad_instant("agents_counted_to");
      }
      into.put(s);
      return {};
    }
    case state_kind::dedup: {
      const auto& b = *_dedup_pb;
      if (b.generation_micros() != to_unix_micros(k.generation) || b.sequence() != k.sequence)
        return fail(state_error::key_mismatch, "chunk " + std::to_string(b.generation_micros()) + "/" +
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
    case state_kind::agent: {
      const auto& b = *_agent_pb;
      if (b.agent_id() != k.name)
        return fail(state_error::key_mismatch,
                    "agent_id \"" + printable(b.agent_id()) + "\" under key a/" + printable(k.name));
      auto& s = _agent;
      s.agent_id.assign(b.agent_id());
      if (b.state() < v1::AgentRecord::STATE_UNSPECIFIED || b.state() > v1::AgentRecord::STATE_AWAY)
        return fail(state_error::bad_value,
                    "agent state value " + std::to_string(static_cast<int>(b.state())));
      s.state = static_cast<agent_state>(b.state());
      if (!to_instant(b.since_micros(), s.since)) return bad_instant("since");
      s.queue.assign(b.queue());
      if (!from_proto(b.channel(), s.chan))
        return fail(state_error::bad_value, "channel value " + std::to_string(static_cast<int>(b.channel())));
      into.put_agent(s);
      return {};
    }
    case state_kind::repeat: {
      const auto& b = *_repeat_pb;
      if (b.generation_micros() != to_unix_micros(k.generation) || b.sequence() != k.sequence)
        return fail(state_error::key_mismatch, "repeat chunk " + std::to_string(b.generation_micros()) + "/" +
                                                   std::to_string(b.sequence()) + " under key r/" +
                                                   std::to_string(to_unix_micros(k.generation)) + "/" +
                                                   std::to_string(k.sequence));
      if (b.customers_size() != b.start_micros_size())
        return fail(state_error::bad_value, "repeat chunk: " + std::to_string(b.customers_size()) +
                                                " customers but " + std::to_string(b.start_micros_size()) +
                                                " starts");
      auto& s = _repeat;
      s.generation = k.generation;
      s.sequence = b.sequence();
      s.customers.assign(b.customers().begin(), b.customers().end());
      s.starts.resize(static_cast<std::size_t>(b.start_micros_size()));
      for (int i = 0; i < b.start_micros_size(); ++i)
        if (!to_instant(b.start_micros(i), s.starts[static_cast<std::size_t>(i)]))
          return bad_instant("repeat start");
      into.put_repeat(s);
      return {};
    }
    case state_kind::queue_rule: {
      const auto& b = *_queue_rule_pb;
      const auto expected = std::string(b.rule()) + "/" + b.queue();
      if (expected != k.name || b.rule().find('/') != std::string::npos)
        return fail(state_error::key_mismatch,
                    "queue rule \"" + printable(expected) + "\" under key qr/" + printable(k.name));
      auto& s = _queue_rule;
      s.rule.assign(b.rule());
      s.queue.assign(b.queue());
      if (b.phase() < v1::QueueRuleState::PHASE_INACTIVE || b.phase() > v1::QueueRuleState::PHASE_RESOLVING)
        return fail(state_error::bad_value,
                    "queue rule phase value " + std::to_string(static_cast<int>(b.phase())));
      s.state.phase = static_cast<sla::rule_phase>(b.phase() - 1);
      if (!to_instant(b.since_micros(), s.state.since)) return bad_instant("since");
      s.state.episode = b.episode();
      const auto metric = sla::parse_queue_metric(b.metric());
      if (!metric) return fail(state_error::bad_value, "queue rule metric \"" + printable(b.metric()) + "\"");
      s.metric = *metric;
      s.threshold = b.threshold();
      if (b.comparison() < v1::QueueRuleState::COMPARISON_BELOW ||
          b.comparison() > v1::QueueRuleState::COMPARISON_ABOVE)
        return fail(state_error::bad_value,
                    "queue rule comparison value " + std::to_string(static_cast<int>(b.comparison())));
      s.cmp = static_cast<sla::comparison>(b.comparison() - 1);
      s.window.assign(b.window());
      if (b.severity() < v1::SEVERITY_INFO || b.severity() > v1::SEVERITY_CRITICAL)
        return fail(state_error::bad_value,
                    "queue rule severity value " + std::to_string(static_cast<int>(b.severity())));
      s.level = static_cast<sla::severity>(b.severity() - 1);
      into.put_queue_rule(s);
      return {};
    }
  }
  return fail(state_error::bad_key, "unknown key kind");
}

state_decode_result state_decoder::decode_window(std::string_view key, const void* value, std::size_t len,
                                                 bool tombstone, engine::state_sink& into) {
  window_key k;
  if (auto r = parse_window_key(key, k); !r.ok()) return r;
  if (tombstone) {
    if (k.clock) return fail(state_error::bad_key, "the window clock \"wh\" is never deleted");
    into.erase_bucket(k.bucket);
    return {};
  }
  top_level top;
  if (auto r = check_top(value, len, top); !r.ok()) return r;
  const auto* data = static_cast<const std::uint8_t*>(value);
  const int size = static_cast<int>(len);
  const int want =
      k.clock ? v1::StateRecord::kWindowClockFieldNumber : v1::StateRecord::kWindowBucketFieldNumber;
  if (!is_record_field(top.record_field))
    return fail(state_error::unknown_record, "no record kind known to this build");
  if (top.record_field != want)
    return fail(state_error::key_mismatch,
                std::string("another kind of value under the window key ") + printable(key));

  if (k.clock) {
    if (!parse_bodies(data, size, top, *_clock_pb))
      return fail(state_error::bad_value, "not a valid window clock");
    if (!to_instant(_clock_pb->head_micros(), _clock.head))
      return fail(state_error::bad_value, "head outside instant_min..instant_max");
    into.put_clock(_clock);
    return {};
  }
  if (!parse_bodies(data, size, top, *_window_pb))
    return fail(state_error::bad_value, "not a valid window bucket");
  const auto& b = *_window_pb;
  auto& s = _window;
  if (!from_proto(b.kind(), s.kind))
    return fail(state_error::bad_value, "bucket kind value " + std::to_string(static_cast<int>(b.kind())));
  if (!from_proto(b.scope_kind(), s.scope))
    return fail(state_error::bad_value,
                "scope kind value " + std::to_string(static_cast<int>(b.scope_kind())));
  if (s.kind != k.bucket.kind || s.scope != k.bucket.scope || b.scope_name() != k.bucket.scope_name ||
      b.start_micros() != to_unix_micros(k.bucket.start))
    return fail(state_error::key_mismatch,
                "window bucket of another kind, scope or start than its key " + printable(key));
  s.scope_name.assign(b.scope_name());
  s.start = k.bucket.start;
  if (b.width_micros() <= 0 || b.width_micros() > max_micros)
    return fail(state_error::bad_value, "width not positive");
  s.width = duration{b.width_micros()};
  s.counts = {};
  if (const char* field = from_proto(b.counts(), s.counts))
    return fail(state_error::bad_value, std::string(field) + " out of range");
  const v1::Histogram* const histograms[] = {&b.wait(), &b.handle(), &b.first_response(), &b.next_reply(),
                                             &b.resolution()};
  for (std::size_t i = 0; i < metrics::distribution_count; ++i) {
    if (auto e = from_proto(*histograms[i], s.histograms[i]); !e.empty())
      return fail(state_error::bad_value, "histogram " + std::to_string(i) + ": " + e);
  }
  if (!from_proto(b.transfers_by_reason(), s.transfers_by_reason) ||
      !from_proto(b.escalations_by_reason(), s.escalations_by_reason))
    return fail(state_error::bad_value, "a reason count of zero");
  if (s.kind == metrics::window_bucket_kind::counters) {
    bool extra = !s.transfers_by_reason.empty() || !s.escalations_by_reason.empty();
    for (const auto& h : s.histograms) extra = extra || !h.buckets.empty();
    if (extra) return fail(state_error::bad_value, "a counters bucket with histograms or reasons");
  }
  into.put_bucket(s);
  return {};
}

state_decode_result decode_state(std::string_view key, const void* value, std::size_t len, bool tombstone,
                                 engine::state_sink& into) {
  state_decoder d;
  return d.decode(key, value, len, tombstone, into);
}

}  // namespace ccpulse::codec
