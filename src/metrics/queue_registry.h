#pragma once
// Interns names (queues, tiers) to small indices at the edge of the core.
// Every distinct name keeps its own index, so policies match and alerts
// report the real name; only Prometheus labels are capped: beyond
// max_labels, names share the "other" label (DESIGN.md §10). Indices never
// leave the process: state records carry names.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "model/string_lookup.h"

namespace ccpulse::metrics {

using queue_index = std::uint16_t;

class queue_registry {
 public:
  static constexpr std::string_view other_name = "other";
  // Hard bound on distinct names held in memory; past it, names intern to
  // "other" (counted in overflowed()).
  static constexpr std::size_t max_names = 65535;
  // Longer names from the input (reasons are not bounded by the codec) are
  // taken as "other" too, so names cost at most max_names x this.
  static constexpr std::size_t max_name_bytes = 64;

  queue_registry(const std::vector<std::string>& configured, std::size_t max_labels);

  // Index of name, registering it if new.
  queue_index intern(std::string_view name);
  std::string_view name(queue_index i) const { return _names[i]; }
  // The index whose name is i's Prometheus label: i itself, or "other".
  queue_index label(queue_index i) const { return _label[i]; }
  std::size_t size() const { return _names.size(); }
  queue_index other() const { return _other; }
  bool configured(queue_index i) const { return i < _configured_count; }
  // New names taken as "other": past max_names or longer than max_name_bytes.
  std::uint64_t overflowed() const { return _overflowed; }
  // Names with a label of their own ("other" aside), against max_labels;
  // folded(): distinct names registered past it (they share "other").
  std::size_t labelled() const { return _labelled; }
  std::size_t max_labels() const { return _max_labels; }
  std::uint64_t folded() const { return _folded; }

 private:
  queue_index add(std::string_view name);

  std::vector<std::string> _names;
  std::vector<queue_index> _label;
  boost::unordered_flat_map<std::string, queue_index, string_lookup_hash, string_lookup_eq> _index;
  std::size_t _max_labels;
  std::size_t _configured_count;
  std::size_t _labelled = 0;
  queue_index _other = 0;
  std::uint64_t _overflowed = 0;
  std::uint64_t _folded = 0;
};

}  // namespace ccpulse::metrics
