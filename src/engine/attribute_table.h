#pragma once
// Interned attribute values (README "Policies", match.attributes), shared by
// the partitions of one engine. Only the keys some policy names are kept
// (policy_set::attribute_keys(), by slot); their values intern to 16-bit
// indices so a record holds four of them in eight bytes.
//
// Every value a policy names is interned first and always kept: matching
// compares strings, and a value past the cap is never one a policy names, so
// the cap (max_attribute_values) cannot change which policy matches, whatever
// the arrival order or the worker. What a value past the cap loses is its
// name: it is neither written to the state record nor put on alerts, and it
// is counted (unkept(), ccpulse_attribute_values_unkept_total).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "model/event.h"
#include "model/string_lookup.h"
#include "sla/policy.h"

namespace ccpulse::engine {

using attribute_value = std::uint16_t;
inline constexpr attribute_value attribute_absent = 0;
// A value seen but not kept (past the cap, or longer than max_id_length).
inline constexpr attribute_value attribute_unkept = 0xFFFF;

class attribute_table {
 public:
  // Hard bound on kept values (the index is 16 bits, two values reserved).
  static constexpr std::size_t max_values = 65'000;

  attribute_table(const sla::policy_set& policies, std::size_t max_other_values)
      : _max(std::min(max_values, max_other_values)) {
    // Never reallocate: alerts hold views into _names across interns (short
    // names live inside the std::string). Reserving costs address space.
    _names.reserve(max_values + 1);
    _names.emplace_back();  // attribute_absent
    for (const auto& p : policies.policies())
      for (const auto& a : p.match.attributes)
        for (const auto& v : a.values)
          if (!v.empty() && !_index.contains(v) && _names.size() < max_values) add(v);
    _policy_values = _names.size() - 1;
  }

  // The index of a value; "" is attribute_absent. Allocates only for a value
  // seen for the first time (at most the cap of them).
  attribute_value intern(std::string_view v) {
    if (v.empty()) return attribute_absent;
    if (auto it = _index.find(v); it != _index.end()) return it->second;
    if (v.size() > max_id_length || _names.size() - 1 - _policy_values >= _max) {
      ++_unkept;
      return attribute_unkept;
    }
    return add(v);
  }
  // "" for attribute_absent and attribute_unkept.
  std::string_view name(attribute_value i) const {
    return i == attribute_unkept || i >= _names.size() ? std::string_view{} : std::string_view{_names[i]};
  }
  std::size_t size() const { return _names.size() - 1; }
  // Values seen and not kept (each sighting counts).
  std::uint64_t unkept() const { return _unkept; }
  // Kept values beyond those the policies name, against their cap.
  std::size_t kept_unnamed() const { return _names.size() - 1 - _policy_values; }
  std::size_t cap() const { return _max; }

 private:
  attribute_value add(std::string_view v) {
    const auto i = static_cast<attribute_value>(_names.size());
    _names.emplace_back(v);
    _index.emplace(std::string(v), i);
    return i;
  }

  std::size_t _max;
  std::size_t _policy_values = 0;
  std::vector<std::string> _names;
  boost::unordered_flat_map<std::string, attribute_value, string_lookup_hash, string_lookup_eq> _index;
  std::uint64_t _unkept = 0;
};

}  // namespace ccpulse::engine
