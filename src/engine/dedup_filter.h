#pragma once
// Drops repeated event ids seen within the dedup horizon. Two generations of
// stable id hashes: ids are remembered for between one and two horizons.
// Rotation follows the partition's clock (its confirmed max event time), not
// each event's own stamp, so one far-future event cannot wipe the memory.
//
// Both generations share one table, each id tagged with its generation in
// the two top bits of its hash: admitting an id is one probe (the check and
// the insert), where a table per generation took two cache misses. Dropping
// a generation sweeps the table once, sequentially.
//
// Changelog: ids are written as append-only chunks per generation
// (dedup_chunk); a dropped generation's chunks are tombstoned.
#include <cstdint>
#include <map>
#include <vector>

#include <boost/unordered/unordered_flat_set.hpp>

#include "engine/state_record.h"
#include "model/time.h"

namespace ccpulse::engine {

class dedup_filter {
 public:
  static constexpr std::size_t chunk_ids = 4096;

  dedup_filter(duration horizon, std::size_t max_ids) : _horizon(horizon), _max_ids(max_ids) {}

  // True when the id is new (and now remembered), false for a duplicate.
  bool admit(std::uint64_t id_hash, instant clock) {
    rotate(clock);
    if (!_ids.insert(tagged(id_hash, _current.tag)).second) return false;
    _current.unsaved.push_back(id_hash);
    if (++_current.count >= _max_ids) {
      ++_forced_rotations;
      shift(_current.start);
    }
    return true;
  }

  std::size_t size() const { return _ids.size(); }
  bool has_unsaved() const {
    return !_current.unsaved.empty() || !_previous.unsaved.empty() || !_dropped.empty();
  }
  std::uint64_t forced_rotations() const { return _forced_rotations; }
  // Ids admitted into the current generation: max_ids of them force a
  // rotation (size() holds up to two generations).
  std::size_t current_ids() const { return _current.count; }

  // Puts the ids remembered since the last drain and tombstones dropped
  // generations' chunks.
  void drain(state_sink& sink) {
    for (const auto& [start, chunks] : _dropped)
      for (std::uint32_t s = 0; s < chunks; ++s) sink.erase({state_kind::dedup, {}, start, s});
    _dropped.clear();
    flush(_previous, sink);
    flush(_current, sink);
  }

  // Restore: chunks arrive in any order; finish_restore sorts them out.
  void restore(const dedup_chunk& c) { _restored[{c.generation, c.sequence}] = c.ids; }
  void restore_erase(instant gen_start, std::uint32_t sequence) { _restored.erase({gen_start, sequence}); }
  void finish_restore() {
    // The two newest generations survive; older ones (left by a crash
    // between rotation and drain) are tombstoned on the next drain.
    std::map<instant, std::uint32_t> chunks;
    for (const auto& [k, ids] : _restored) chunks[k.first] = std::max(chunks[k.first], k.second + 1);
    _ids.clear();
    _current = generation(0);
    _previous = generation(3);
    auto it = chunks.rbegin();
    if (it != chunks.rend()) _current.start = it->first, _current.chunks = it->second, _started = true, ++it;
    if (it != chunks.rend()) _previous.start = it->first, _previous.chunks = it->second, ++it;
    for (; it != chunks.rend(); ++it) _dropped.emplace_back(it->first, it->second);
    for (const auto& [k, ids] : _restored) {
      auto* g = k.first == _current.start ? &_current : k.first == _previous.start ? &_previous : nullptr;
      if (!g) continue;
      for (const auto id : ids) g->count += _ids.insert(tagged(id, g->tag)).second ? 1u : 0u;
    }
    _restored.clear();
  }

 private:
  // Equal and hashed on all but the tag bits, so a lookup finds an id in
  // either generation. The tag takes the top bits: stable hashes keep 62
  // bits of their 64, and small ids (tests) stay distinct.
  static constexpr int tag_shift = 62;
  static constexpr std::uint64_t id_mask = (std::uint64_t{1} << tag_shift) - 1;
  static std::uint64_t tagged(std::uint64_t id_hash, std::uint8_t tag) {
    return (id_hash & id_mask) | (std::uint64_t{tag} << tag_shift);
  }
  static std::uint8_t tag_of(std::uint64_t k) { return static_cast<std::uint8_t>(k >> tag_shift); }
  struct untagged_hash {
    std::size_t operator()(std::uint64_t k) const { return static_cast<std::size_t>(k & id_mask); }
  };
  struct untagged_equal {
    bool operator()(std::uint64_t a, std::uint64_t b) const { return ((a ^ b) & id_mask) == 0; }
  };

  struct generation {
    explicit generation(std::uint8_t t) : tag(t) {}
    std::uint8_t tag;
    instant start{};
    std::uint32_t chunks = 0;  // chunks written for this generation
    std::size_t count = 0;     // ids in the table with this tag
    std::vector<std::uint64_t> unsaved;
  };

  void rotate(instant clock) {
    if (!_started) {
      _started = true;
      _current.start = clock;
      return;
    }
    if (clock - _current.start >= 2 * _horizon) {
      // A quiet gap: everything remembered is older than the horizon.
      shift(clock);
      shift(clock);
    } else if (clock - _current.start >= _horizon) {
      shift(clock);
    }
  }

  // current -> previous; the old previous is dropped.
  void shift(instant new_start) {
    if (_previous.chunks) _dropped.emplace_back(_previous.start, _previous.chunks);
    if (_previous.count) {
      const auto gone = _previous.tag;
      boost::unordered::erase_if(_ids, [gone](std::uint64_t k) { return tag_of(k) == gone; });
    }
    // Swap and reuse rather than move-assign: the table and the lists keep
    // their capacity, so steady traffic rotates without allocating.
    std::swap(_previous, _current);
    _current.tag = static_cast<std::uint8_t>((_previous.tag + 1) & 3);
    _current.unsaved.clear();
    _current.chunks = 0;
    _current.count = 0;
    // Two generations must not share a start (their chunk keys would collide).
    _current.start = new_start > _previous.start ? new_start : _previous.start + duration{1};
  }

  void flush(generation& g, state_sink& sink) {
    for (std::size_t i = 0; i < g.unsaved.size(); i += chunk_ids) {
      _chunk.generation = g.start;
      _chunk.sequence = g.chunks++;
      const auto end = std::min(g.unsaved.size(), i + chunk_ids);
      _chunk.ids.assign(g.unsaved.begin() + static_cast<std::ptrdiff_t>(i),
                        g.unsaved.begin() + static_cast<std::ptrdiff_t>(end));
      sink.put(_chunk);
    }
    g.unsaved.clear();
  }

  duration _horizon;
  std::size_t _max_ids;
  bool _started = false;
  boost::unordered_flat_set<std::uint64_t, untagged_hash, untagged_equal> _ids;
  generation _current{0};
  generation _previous{3};
  std::vector<std::pair<instant, std::uint32_t>> _dropped;
  std::map<std::pair<instant, std::uint32_t>, std::vector<std::uint64_t>> _restored;
  dedup_chunk _chunk;
  std::uint64_t _forced_rotations = 0;
};

}  // namespace ccpulse::engine
