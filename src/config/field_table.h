#pragma once
// A table of field descriptors per mapping of the config file: each key with
// its type, default, limits and one line of help. One table drives reading
// (unknown keys, types, limits, required keys), the defaults, and the field
// list that tests/unit/config/field_table_test.cpp holds against
// config/ccpulse.yaml and config.h.
//
// Adding a scalar field: put it in config.h's struct with its default, add a
// row to that section's table (sections/*.cpp), document it in
// config/ccpulse.yaml.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "config/domain_values.h"
#include "config/duration_parse.h"
#include "config/load_context.h"
#include "model/channel.h"
#include "model/time.h"

namespace ccpulse::config {

// A whole number in [min, max], kept in an integer member of any width.
template <class S>
struct whole_spec {
  std::variant<int S::*, std::size_t S::*, std::uint16_t S::*> member;
  std::int64_t min, max, fallback;
};

// Any unsigned 64-bit number (a seed).
template <class S>
struct unsigned_spec {
  std::uint64_t S::*member;
  std::uint64_t fallback;
};

// A number greater than `above` and, when given, at most `at_most`.
template <class S>
struct real_spec {
  double S::*member;
  double above;
  std::optional<double> at_most;
  std::string_view note;  // follows the limits in messages: " (a relative weight)"
  double fallback;
};

// A duration in [min, max]; min 1us reads as "greater than 0".
template <class S>
struct duration_spec {
  duration S::*member;
  duration min, max, fallback;
};

enum class text_rule { non_empty, topic, topic_or_empty, time_zone };

template <class S>
struct text_spec {
  std::string S::*member;
  text_rule rule;
  std::string_view expected;  // "expected X, got Y"
  std::string_view fallback;
};

template <class S>
struct channel_spec {
  channel S::*member;
  channel fallback;
};

// true or false.
template <class S>
struct flag_spec {
  bool S::*member;
  bool fallback;
};

// A value read by code of its own: a list, a nested mapping, a name with
// rules beyond its type. `type` and `fallback` describe it for people;
// `defaults`, when set, resets what `read` fills in.
template <class S>
struct custom_spec {
  void (*read)(load_context&, const value&, S&);
  std::string_view type;
  std::string_view fallback;
  void (*defaults)(S&) = nullptr;
};

template <class S>
using field_spec = std::variant<whole_spec<S>, unsigned_spec<S>, real_spec<S>, duration_spec<S>, text_spec<S>,
                                channel_spec<S>, flag_spec<S>, custom_spec<S>>;

template <class S>
struct field {
  field(std::string_view k, field_spec<S> s, std::string_view h,
        std::optional<std::string> req = std::nullopt)
      : key(k), spec(std::move(s)), help(h), required(std::move(req)) {}

  std::string_view key;
  field_spec<S> spec;
  std::string_view help;
  // Set: the key must be given, and this follows "required key is missing".
  std::optional<std::string> required;
};

template <class S>
using field_table = std::span<const field<S>>;

// ---- row builders: the settings type is deduced from the member --------

template <class S, class T>
whole_spec<S> whole_field(T S::*m, std::int64_t min, std::int64_t max, std::int64_t fallback) {
  return {m, min, max, fallback};
}
template <class S>
unsigned_spec<S> unsigned_field(std::uint64_t S::*m, std::uint64_t fallback) {
  return {m, fallback};
}
template <class S>
real_spec<S> real_field(double S::*m, double above, std::optional<double> at_most, std::string_view note,
                        double fallback) {
  return {m, above, at_most, note, fallback};
}
template <class S>
duration_spec<S> duration_field(duration S::*m, duration min, duration max, duration fallback) {
  return {m, min, max, fallback};
}
template <class S>
text_spec<S> text_field(std::string S::*m, text_rule rule, std::string_view expected,
                        std::string_view fallback) {
  return {m, rule, expected, fallback};
}
template <class S>
channel_spec<S> channel_field(channel S::*m, channel fallback) {
  return {m, fallback};
}
template <class S>
flag_spec<S> flag_field(bool S::*m, bool fallback) {
  return {m, fallback};
}

template <class S>
void apply_defaults(field_table<S> table, S& out);
template <class S>
void read_fields(load_context& ctx, const value& v, field_table<S> table, S& out);

template <class M>
struct member_owner;
template <class S, class T>
struct member_owner<T S::*> {
  using type = S;
};

// A nested mapping with a table of its own, kept in `Member`.
template <auto Member, auto Table, class S = typename member_owner<decltype(Member)>::type>
custom_spec<S> section_field() {
  return {[](load_context& ctx, const value& v, S& s) { read_fields(ctx, v, Table(), s.*Member); }, "mapping",
          "", [](S& s) { apply_defaults(Table(), s.*Member); }};
}

// ---- reading -----------------------------------------------------------

namespace detail {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

std::string format_number(double d);
std::string real_limits(double above, std::optional<double> at_most);
std::string duration_limits(duration min, duration max);
std::string_view text_type(text_rule rule);

template <class S>
void set_whole(const whole_spec<S>& f, S& out, std::int64_t n) {
  std::visit([&](auto m) { out.*m = static_cast<std::remove_reference_t<decltype(out.*m)>>(n); }, f.member);
}

template <class S>
std::int64_t get_whole(const whole_spec<S>& f, const S& s) {
  return std::visit([&](auto m) { return static_cast<std::int64_t>(s.*m); }, f.member);
}

// True when the value was accepted and stored.
template <class S>
bool read_field(load_context& ctx, const field_spec<S>& spec, const value& x, S& out) {
  auto& in = ctx.in;
  return std::visit(
      overloaded{
          [&](const whole_spec<S>& f) {
            const auto n = in.integer(x, f.min, f.max);
            if (n) set_whole(f, out, *n);
            return n.has_value();
          },
          [&](const unsigned_spec<S>& f) {
            const auto n = in.unsigned_integer(x);
            if (n) out.*f.member = *n;
            return n.has_value();
          },
          [&](const real_spec<S>& f) {
            const auto d = in.number(x);
            if (!d) return false;
            if (*d <= f.above || (f.at_most && *d > *f.at_most)) {
              in.report(x.mark, x.path,
                        "must be greater than " + format_number(f.above) +
                            (f.at_most ? " and at most " + format_number(*f.at_most) : std::string()) +
                            std::string(f.note) + ", got " + x.node.Scalar());
              return false;
            }
            out.*f.member = *d;
            return true;
          },
          [&](const duration_spec<S>& f) {
            const auto d = in.read_duration(x, f.min, f.max);
            if (d) out.*f.member = *d;
            return d.has_value();
          },
          [&](const text_spec<S>& f) {
            std::optional<std::string> text;
            switch (f.rule) {
              case text_rule::non_empty:
                text = in.name(x, f.expected);
                break;
              case text_rule::topic_or_empty:
                // Empty means "resolved elsewhere" (the field's help says how).
                if (is_empty(x.node) || (x.node.IsScalar() && x.node.Scalar().empty())) {
                  text.emplace();
                  break;
                }
                [[fallthrough]];
              case text_rule::topic:
                text = read_topic_name(in, x);
                break;
              case text_rule::time_zone:
                text = in.name(x, f.expected);
                if (text) check_time_zone(in, x, *text);
                break;
            }
            if (text) out.*f.member = std::move(*text);
            return text.has_value();
          },
          [&](const channel_spec<S>& f) {
            const auto c = read_channel(in, x);
            if (c) out.*f.member = *c;
            return c.has_value();
          },
          [&](const flag_spec<S>& f) {
            const auto b = in.boolean(x);
            if (b) out.*f.member = *b;
            return b.has_value();
          },
          [&](const custom_spec<S>& f) {
            f.read(ctx, x, out);
            return false;  // custom readers record what later checks need themselves
          },
      },
      spec);
}

}  // namespace detail

template <class S>
void apply_defaults(field_table<S> table, S& out) {
  for (const auto& f : table) {
    std::visit(detail::overloaded{
                   [&](const whole_spec<S>& s) { detail::set_whole(s, out, s.fallback); },
                   [&](const unsigned_spec<S>& s) { out.*s.member = s.fallback; },
                   [&](const real_spec<S>& s) { out.*s.member = s.fallback; },
                   [&](const duration_spec<S>& s) { out.*s.member = s.fallback; },
                   [&](const text_spec<S>& s) { out.*s.member = std::string(s.fallback); },
                   [&](const channel_spec<S>& s) { out.*s.member = s.fallback; },
                   [&](const flag_spec<S>& s) { out.*s.member = s.fallback; },
                   [&](const custom_spec<S>& s) {
                     if (s.defaults) s.defaults(out);
                   },
               },
               f.spec);
  }
}

template <class S>
void read_fields(load_context& ctx, const value& v, field_table<S> table, S& out) {
  std::vector<std::string_view> keys;
  keys.reserve(table.size());
  for (const auto& f : table) keys.push_back(f.key);
  std::vector<bool> given(table.size());
  ctx.in.visit_map(v, keys, [&](std::size_t i, const YAML::Mark& key_mark, const value& x) {
    given[i] = true;
    ctx.keys.insert_or_assign(x.path, key_mark);
    if (detail::read_field(ctx, table[i].spec, x, out)) ctx.accepted.insert_or_assign(x.path, x.mark);
  });
  // A list item that is not a mapping has been reported as such already.
  if (!v.node.IsMap() && !is_empty(v.node)) return;
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i].required) ctx.in.require(v, given[i], table[i].key, *table[i].required);
}

// A list item or data-map value read with its table: the defaults, then
// what the file says.
template <class S>
S read_item(load_context& ctx, const value& item, field_table<S> table) {
  S s;
  apply_defaults(table, s);
  read_fields(ctx, item, table, s);
  return s;
}

}  // namespace ccpulse::config
