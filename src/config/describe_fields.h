#pragma once
// The field tables described as text (field_doc.h): type, limits, default,
// and the same field's value in a default-constructed struct, so the test
// can hold the table's defaults against config.h's.
#include <string>

#include "config/field_doc.h"
#include "config/field_table.h"

namespace ccpulse::config {

namespace detail {
// A default-constructed S, out of the optimiser's sight: GCC 12 otherwise
// warns (-Warray-bounds) in the visit's branches for member types a small
// struct does not have, such as a std::string read of a struct of three bools.
template <class S>
[[gnu::noinline]] const S& struct_defaults() {
  static const S defaults{};
  return defaults;
}
}  // namespace detail

template <class S>
field_doc describe(const field<S>& f) {
  const S& defaults = detail::struct_defaults<S>();
  field_doc d;
  d.key = f.key;
  d.help = f.help;
  d.required = f.required.has_value();
  std::visit(detail::overloaded{
                 [&](const whole_spec<S>& s) {
                   d.type = "whole number";
                   d.limits = std::to_string(s.min) + ".." + std::to_string(s.max);
                   d.default_value = std::to_string(s.fallback);
                   d.struct_default = std::to_string(detail::get_whole(s, defaults));
                 },
                 [&](const unsigned_spec<S>& s) {
                   d.type = "whole number";
                   d.limits = "0..18446744073709551615";
                   d.default_value = std::to_string(s.fallback);
                   d.struct_default = std::to_string(defaults.*s.member);
                 },
                 [&](const real_spec<S>& s) {
                   d.type = "number";
                   d.limits = detail::real_limits(s.above, s.at_most);
                   d.default_value = detail::format_number(s.fallback);
                   d.struct_default = detail::format_number(defaults.*s.member);
                 },
                 [&](const duration_spec<S>& s) {
                   d.type = "duration";
                   d.limits = detail::duration_limits(s.min, s.max);
                   d.default_value = format_duration(s.fallback);
                   d.struct_default = format_duration(defaults.*s.member);
                 },
                 [&](const text_spec<S>& s) {
                   d.type = detail::text_type(s.rule);
                   d.default_value = s.fallback;
                   d.struct_default = defaults.*s.member;
                 },
                 [&](const channel_spec<S>& s) {
                   d.type = "channel";
                   d.limits = join_names(channel_names());
                   d.default_value = to_string(s.fallback);
                   d.struct_default = std::string(to_string(defaults.*s.member));
                 },
                 [&](const flag_spec<S>& s) {
                   d.type = "true or false";
                   d.default_value = s.fallback ? "true" : "false";
                   d.struct_default = defaults.*s.member ? "true" : "false";
                 },
                 [&](const custom_spec<S>& s) {
                   d.type = s.type;
                   d.default_value = s.fallback;
                 },
             },
             f.spec);
  return d;
}

template <class S>
table_doc describe(std::string path, field_table<S> table) {
  table_doc t{std::move(path), {}};
  for (const auto& f : table) t.fields.push_back(describe(f));
  return t;
}

}  // namespace ccpulse::config
