#pragma once
// The repeat-contact index for FCR (docs/kpis.md): per input partition, the
// latest contact start per hashed customer, remembered for between one and
// two repeat windows. A contact whose customer started another one within
// the window before it is a repeat.
//
// Same shape as dedup_filter, for the same reasons: two generations rotated
// on the partition's clock (its confirmed max event time, so one far-future
// event cannot wipe it), a cap that rotates early (counted), and a
// changelog of append-only chunks per generation, tombstoned when their
// generation is dropped. A customer seen again is appended again; restore
// keeps the latest start per customer.
#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "engine/state_record.h"
#include "model/time.h"

namespace ccpulse::engine {

class repeat_index {
 public:
  static constexpr std::size_t chunk_entries = 4096;

  repeat_index(duration window, std::size_t max_customers) : _window(window), _max(max_customers) {}

  // Records that `customer` started a contact at t (clock: the partition's
  // max event time) and says whether it is a repeat: another contact of
  // the same customer started within the window before t.
  bool contact(std::uint64_t customer, instant t, instant clock) {
    rotate(clock);
    auto [it, fresh] = _latest.try_emplace(customer, t);
    bool repeat = false;
    if (!fresh) {
      const instant before = it->second;
      repeat = before < t && t - before <= _window;
      if (t <= before) return repeat;  // an older contact delivered late
      it->second = t;
    }
    _unsaved.push_back({customer, t});
    if (fresh && _latest.size() >= _max) {
      ++_forced_rotations;
      shift(clock);
    }
    return repeat;
  }

  std::size_t size() const { return _latest.size(); }
  std::uint64_t forced_rotations() const { return _forced_rotations; }
  bool has_unsaved() const { return !_unsaved.empty() || !_dropped.empty(); }

  void drain(state_sink& sink) {
    for (const auto& [start, chunks] : _dropped)
      for (std::uint32_t s = 0; s < chunks; ++s) sink.erase({state_kind::repeat, {}, start, s});
    _dropped.clear();
    for (std::size_t i = 0; i < _unsaved.size(); i += chunk_entries) {
      _chunk.generation = _current.start;
      _chunk.sequence = _current.chunks++;
      const auto end = std::min(_unsaved.size(), i + chunk_entries);
      _chunk.customers.clear();
      _chunk.starts.clear();
      for (std::size_t j = i; j < end; ++j) {
        _chunk.customers.push_back(_unsaved[j].customer);
        _chunk.starts.push_back(_unsaved[j].start);
      }
      sink.put_repeat(_chunk);
    }
    _unsaved.clear();
  }

  void restore(const repeat_chunk& c) { _restored[{c.generation, c.sequence}] = c; }
  void restore_erase(instant gen_start, std::uint32_t sequence) { _restored.erase({gen_start, sequence}); }
  void finish_restore() {
    std::map<instant, std::uint32_t> chunks;
    for (const auto& [k, c] : _restored) chunks[k.first] = std::max(chunks[k.first], k.second + 1);
    _latest.clear();
    _current = {};
    _previous = {};
    auto it = chunks.rbegin();
    if (it != chunks.rend()) _current = {it->first, it->second}, _started = true, ++it;
    if (it != chunks.rend()) _previous = {it->first, it->second}, ++it;
    for (; it != chunks.rend(); ++it) _dropped.emplace_back(it->first, it->second);
    for (const auto& [k, c] : _restored) {
      if (k.first != _current.start && k.first != _previous.start) continue;
      for (std::size_t i = 0; i < c.customers.size() && i < c.starts.size(); ++i) {
        auto [e, fresh] = _latest.try_emplace(c.customers[i], c.starts[i]);
        if (!fresh) e->second = std::max(e->second, c.starts[i]);
      }
    }
    _restored.clear();
  }

 private:
  struct generation {
    instant start{};
    std::uint32_t chunks = 0;
  };
  struct entry {
    std::uint64_t customer;
    instant start;
  };

  void rotate(instant clock) {
    if (!_started) {
      _started = true;
      _current.start = clock;
      return;
    }
    if (clock - _current.start >= _window) shift(clock);
  }

  // current -> previous; the old previous is dropped with the customers not
  // seen since the current generation started.
  void shift(instant new_start) {
    if (_previous.chunks) _dropped.emplace_back(_previous.start, _previous.chunks);
    const instant keep_from = _current.start;
    boost::unordered::erase_if(_latest, [keep_from](const auto& kv) { return kv.second < keep_from; });
    // The customers kept started in the old current generation, so their
    // chunks are in the one that becomes previous, which survives one more
    // rotation.
    _previous = _current;
    _current = {std::max(new_start, _previous.start + duration{1}), 0};
  }

  duration _window;
  std::size_t _max;
  bool _started = false;
  boost::unordered_flat_map<std::uint64_t, instant> _latest;
  generation _current, _previous;
  std::vector<entry> _unsaved;
  std::vector<std::pair<instant, std::uint32_t>> _dropped;
  std::map<std::pair<instant, std::uint32_t>, repeat_chunk> _restored;
  repeat_chunk _chunk;
  std::uint64_t _forced_rotations = 0;
};

}  // namespace ccpulse::engine
