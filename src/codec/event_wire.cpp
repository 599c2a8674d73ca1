#include "codec/event_wire.h"

#include <algorithm>
#include <cstring>

namespace ccpulse::codec {

namespace {

// protobuf's default recursion limit: each sub-message or group takes one.
constexpr int recursion_limit = 100;

enum wire_type : std::uint32_t {
  varint = 0,
  fixed64 = 1,
  length_delimited = 2,
  start_group = 3,
  end_group = 4,
  fixed32 = 5
};

struct cursor {
  const std::uint8_t* p;
  const std::uint8_t* end;
  bool done() const { return p >= end; }
};

// Up to 10 bytes, the value taken modulo 2^64 (protobuf's VarintParse; its
// 32-bit readers keep the low half of the same value).
bool read_varint(cursor& c, std::uint64_t& v) {
  v = 0;
  for (int i = 0; i < 10; ++i) {
    if (c.p == c.end) return false;
    const std::uint64_t b = *c.p++;
    v |= (b & 0x7f) << (7 * i);
    if (b < 0x80) return true;
  }
  return false;
}

// Up to 5 bytes, modulo 2^32 (protobuf's ReadTag).
bool read_tag(cursor& c, std::uint32_t& tag) {
  std::uint32_t v = 0;
  for (int i = 0; i < 5; ++i) {
    if (c.p == c.end) return false;
    const std::uint32_t b = *c.p++;
    v |= (b & 0x7f) << (7 * i);
    if (b < 0x80) {
      tag = v;
      return true;
    }
  }
  return false;
}

// A length-delimited field's bytes (protobuf's ReadSize: at most 5 bytes,
// under 2 GiB; here anything past the end fails anyway).
bool read_bytes(cursor& c, cursor& inner) {
  std::uint32_t size = 0;
  for (int i = 0;; ++i) {
    if (c.p == c.end) return false;
    const std::uint32_t b = *c.p++;
    if (i == 4) {
      if (b >= 8) return false;
      size |= b << 28;
      break;
    }
    size |= (b & 0x7f) << (7 * i);
    if (b < 0x80) break;
  }
  if (size > static_cast<std::size_t>(c.end - c.p)) return false;
  inner = {c.p, c.p + size};
  c.p += size;
  return true;
}

bool read_string(cursor& c, std::string_view& s) {
  cursor inner{};
  if (!read_bytes(c, inner)) return false;
  s = {reinterpret_cast<const char*>(inner.p), static_cast<std::size_t>(inner.end - inner.p)};
  return valid_utf8(s);
}

bool read_fixed(cursor& c, void* out, std::size_t n) {
  if (static_cast<std::size_t>(c.end - c.p) < n) return false;
  std::memcpy(out, c.p, n);
  c.p += n;
  return true;
}

bool skip_field(cursor& c, std::uint32_t tag, int depth);

// An unknown group: fields up to the end tag of the same number.
bool skip_group(cursor& c, std::uint32_t start_tag, int depth) {
  if (--depth < 0) return false;
  while (!c.done()) {
    std::uint32_t tag = 0;
    if (!read_tag(c, tag)) return false;
    if (tag == 0 || (tag & 7) == end_group) return tag == start_tag + 1;
    if (!skip_field(c, tag, depth)) return false;
  }
  return false;
}

// A field this reader does not keep (unknown, or a known number with
// another wire type: protobuf keeps both as unknown fields).
bool skip_field(cursor& c, std::uint32_t tag, int depth) {
  if ((tag >> 3) == 0) return false;
  std::uint64_t v = 0;
  cursor inner{};
  switch (tag & 7) {
    case varint:
      return read_varint(c, v);
    case fixed64:
      return read_fixed(c, &v, 8);
    case length_delimited:
      return read_bytes(c, inner);
    case start_group:
      return skip_group(c, tag, depth);
    case fixed32:
      return read_fixed(c, &v, 4);
    default:
      return false;  // 4 is handled by the callers; 6 and 7 do not exist
  }
}

constexpr std::uint32_t tag_of(std::uint32_t field, wire_type w) { return field << 3 | w; }

// Parses a message's fields with `on_field(tag, cursor&) -> int`: 1 kept,
// 0 not this reader's (skipped as unknown), -1 malformed. A message ends at
// its limit; a zero or end-group tag inside it is malformed.
template <class OnField>
bool parse_fields(cursor c, int depth, OnField&& on_field) {
  while (!c.done()) {
    std::uint32_t tag = 0;
    if (!read_tag(c, tag)) return false;
    if (tag == 0 || (tag & 7) == end_group) return false;
    const int r = on_field(tag, c);
    if (r < 0) return false;
    if (r == 0 && !skip_field(c, tag, depth)) return false;
  }
  return true;
}

// A known sub-message field: its bytes, one level deeper.
template <class OnField>
int sub_message(cursor& c, int depth, OnField&& on_field) {
  cursor inner{};
  if (!read_bytes(c, inner) || depth - 1 < 0) return -1;
  return parse_fields(inner, depth - 1, on_field) ? 1 : -1;
}

int keep_string(cursor& c, std::string_view& s) { return read_string(c, s) ? 1 : -1; }
int check_string(cursor& c) {
  std::string_view ignored;
  return read_string(c, ignored) ? 1 : -1;
}
template <class Int>
int keep_varint(cursor& c, Int& out) {
  std::uint64_t v = 0;
  if (!read_varint(c, v)) return -1;
  out = static_cast<Int>(v);
  return 1;
}

void reset_payload(wire_event& e, std::uint32_t field) {
  e.payload = field;
  e.to_queue_id = {};
  e.reason = {};
  e.status = 0;
  e.agent_state = 0;
  e.first_queue_id = {};
  e.has_queue_ids = false;
  e.score = 0;
  e.csat = 0;
  e.nps = 0;
  e.has_nps = false;
}

// The payload member's own fields (events.proto); 0 for fields it does not
// have, which are unknown.
int read_payload_field(wire_event& e, std::uint32_t member, std::uint32_t tag, cursor& c) {
  namespace p = payload_field;
  constexpr auto S = length_delimited;
  switch (member) {
    case p::interaction_created:
    case p::resolved:
    case p::reopened:  // subject_category, disposition, reason: checked, not kept
      return tag == tag_of(1, S) ? check_string(c) : 0;
    case p::transferred:
      if (tag == tag_of(1, S)) return keep_string(c, e.to_queue_id);
      if (tag == tag_of(2, S)) return check_string(c);  // to_agent_id
      if (tag == tag_of(3, S)) return keep_string(c, e.reason);
      return 0;
    case p::escalated:
      if (tag == tag_of(1, varint)) {
        std::int32_t target = 0;
        return keep_varint(c, target);
      }
      if (tag == tag_of(2, S)) return keep_string(c, e.reason);
      if (tag == tag_of(3, S)) return keep_string(c, e.to_queue_id);
      return 0;
    case p::status_changed:
      return tag == tag_of(1, varint) ? keep_varint(c, e.status) : 0;
    case p::sentiment_observed:
      return tag == tag_of(1, fixed64) ? (read_fixed(c, &e.score, 8) ? 1 : -1) : 0;
    case p::survey_response:
      if (tag == tag_of(1, varint)) return keep_varint(c, e.csat);
      if (tag == tag_of(2, varint)) return keep_varint(c, e.nps);
      if (tag == tag_of(3, varint)) {
        std::uint64_t v = 0;
        if (!read_varint(c, v)) return -1;
        e.has_nps = v != 0;
        return 1;
      }
      return 0;
    case p::agent_state_changed:
      if (tag == tag_of(1, varint)) return keep_varint(c, e.agent_state);
      if (tag == tag_of(2, S)) return check_string(c);  // away_reason
      if (tag == tag_of(3, S)) {
        std::string_view q;
        if (!read_string(c, q)) return -1;
        if (!e.has_queue_ids) e.first_queue_id = q;
        e.has_queue_ids = true;
        return 1;
      }
      return 0;
    default:
      return 0;  // the members without fields
  }
}

}  // namespace

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // Ids are ASCII: eight bytes at a time while no high bit is set.
    while (end - p >= 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, p, 8);
      if (w & 0x8080808080808080ULL) break;
      p += 8;
    }
    if (p == end) break;
    const std::uint8_t b = *p;
    if (b < 0x80) {
      ++p;
      continue;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      cp = b & 0x07;
    } else {
      return false;  // a continuation byte first, C0/C1 (overlong), or above U+10FFFF
    }
    if (static_cast<std::size_t>(end - p) <= n) return false;
    for (std::size_t i = 1; i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    p += n + 1;
  }
  return true;
}

bool parse_event_wire(std::span<const std::byte> bytes, wire_event& out,
                      std::span<const std::string> attribute_keys) {
  out = wire_event{};
  const auto* begin = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const cursor all{begin, begin + bytes.size()};
  constexpr auto S = length_delimited;
  const std::size_t wanted = std::min(attribute_keys.size(), out.attributes.size());
  return parse_fields(
      all, recursion_limit, [&out, attribute_keys, wanted](std::uint32_t tag, cursor& c) -> int {
        const int depth = recursion_limit;  // top level
        switch (tag) {
          case tag_of(1, S):
            return keep_string(c, out.event_id);
          case tag_of(2, S):
            out.has_occurred_at = true;
            return sub_message(c, depth, [&out](std::uint32_t t, cursor& ts) -> int {
              if (t == tag_of(1, varint)) return keep_varint(ts, out.seconds);
              if (t == tag_of(2, varint)) return keep_varint(ts, out.nanos);
              return 0;
            });
          case tag_of(3, S):
            return keep_string(c, out.interaction_id);
          case tag_of(4, varint):
            return keep_varint(c, out.channel);
          case tag_of(5, S):
            return keep_string(c, out.queue_id);
          case tag_of(6, varint):
            return keep_varint(c, out.priority);
          case tag_of(7, S):
            return sub_message(c, depth, [&out](std::uint32_t t, cursor& cu) -> int {
              if (t == tag_of(1, S)) return keep_string(cu, out.customer_id);
              if (t == tag_of(2, S)) return keep_string(cu, out.customer_tier);
              if (t == tag_of(3, S)) return check_string(cu);  // segment
              return 0;
            });
          case tag_of(8, S):
            return keep_string(c, out.agent_id);
          case tag_of(9, S): {  // attributes: map<string, string>; the wanted keys' values kept
            std::string_view key, val;
            const int r = sub_message(c, depth, [&key, &val](std::uint32_t t, cursor& en) -> int {
              if (t == tag_of(1, S)) return keep_string(en, key);
              if (t == tag_of(2, S)) return keep_string(en, val);
              return 0;
            });
            if (r > 0)
              for (std::size_t i = 0; i < wanted; ++i)
                if (attribute_keys[i] == key) out.attributes[i] = val;
            return r;
          }
          default:
            break;
        }
        const std::uint32_t field = tag >> 3;
        if ((tag & 7) != S || field < payload_field::interaction_created ||
            field > payload_field::agent_state_changed)
          return 0;
        // A oneof member replaces another; the same member again merges.
        if (out.payload != field) reset_payload(out, field);
        return sub_message(c, depth, [&out, field](std::uint32_t t, cursor& pl) {
          return read_payload_field(out, field, t, pl);
        });
      });
}

}  // namespace ccpulse::codec
