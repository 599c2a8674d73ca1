#pragma once
// Interns queue names to small indices at the edge of the core, with a cap so
// label cardinality stays bounded: beyond max_queues, unknown queues fold
// into "other" (DESIGN.md §10).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

namespace ccpulse::metrics {

using queue_index = std::uint16_t;

class queue_registry {
 public:
  static constexpr std::string_view other_name = "other";

  queue_registry(const std::vector<std::string>& configured, std::size_t max_queues);

  // Index of name, registering it if there is room, else the "other" index.
  queue_index intern(std::string_view name);
  std::string_view name(queue_index i) const { return _names[i]; }
  std::size_t size() const { return _names.size(); }
  queue_index other() const { return _other; }
  bool configured(queue_index i) const { return i < _configured_count; }

 private:
  struct sv_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct sv_eq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };

  std::vector<std::string> _names;
  boost::unordered_flat_map<std::string, queue_index, sv_hash, sv_eq> _index;
  std::size_t _max_queues;
  std::size_t _configured_count;
  queue_index _other;
};

}  // namespace ccpulse::metrics
