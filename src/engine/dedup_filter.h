#pragma once
// Drops repeated event ids seen within the dedup horizon (event time). Two
// generations of hashes: ids are remembered for between one and two horizons.
#include <cstdint>

#include <boost/unordered/unordered_flat_set.hpp>

#include "model/time.h"

namespace ccpulse::engine {

class dedup_filter {
 public:
  explicit dedup_filter(duration horizon) : _horizon(horizon) {}

  // True when the id is new (and now remembered), false for a duplicate.
  bool admit(std::uint64_t id_hash, instant event_time) {
    if (_generation_start == instant{} ) _generation_start = event_time;
    if (event_time - _generation_start >= 2 * _horizon) {
      // A quiet gap: everything remembered is older than the horizon.
      _previous.clear();
      _current.clear();
      _generation_start = event_time;
    } else if (event_time - _generation_start >= _horizon) {
      _previous.swap(_current);
      _current.clear();
      _generation_start = event_time;
    }
    if (_previous.contains(id_hash)) return false;
    return _current.insert(id_hash).second;
  }
  std::size_t size() const { return _current.size() + _previous.size(); }

 private:
  duration _horizon;
  instant _generation_start{};
  boost::unordered_flat_set<std::uint64_t> _current;
  boost::unordered_flat_set<std::uint64_t> _previous;
};

}  // namespace ccpulse::engine
