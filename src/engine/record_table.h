#pragma once
// Records keyed by a 64-bit stable hash, stored in fixed chunks (a slab) and
// found through a compact index (key -> slot). A flat map holding the records
// inline moved every record at each rehash and first-touched twice their
// memory: with ~240-byte interaction records that was most of the engine's
// page faults while a partition fills. Here a rehash moves 12-byte index
// entries, records never move (a reference stays valid until its erase),
// and erased slots are reused first.
//
// The interface is the subset of the map's that the partition uses: find,
// try_emplace, erase by iterator, size, iteration. Iteration follows the
// index, as the map's did; nothing depends on its order. Scans that need
// only the records (the snapshot's live gauges and clock census) use
// for_each_record, which walks the slab in memory order: with a million
// records the index order costs a cache miss per record.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

namespace ccpulse::engine {

template <class T>
class record_table {
  using index_map = boost::unordered_flat_map<std::uint64_t, std::uint32_t>;
  static constexpr std::uint32_t chunk_bits = 10;  // 1024 records a chunk
  static constexpr std::uint32_t chunk_size = 1u << chunk_bits;

  template <bool Const>
  class basic_iterator {
    using table = std::conditional_t<Const, const record_table, record_table>;
    using index_it = std::conditional_t<Const, index_map::const_iterator, index_map::iterator>;
    using value = std::conditional_t<Const, const T, T>;

   public:
    using reference = std::pair<const std::uint64_t, value&>;
    struct arrow {
      reference ref;
      const reference* operator->() const { return &ref; }
    };

    basic_iterator() = default;
    basic_iterator(table* t, index_it it) : _t(t), _it(it) {}
    reference operator*() const { return {_it->first, _t->slot(_it->second)}; }
    arrow operator->() const { return {**this}; }
    basic_iterator& operator++() {
      ++_it;
      return *this;
    }
    bool operator==(const basic_iterator& o) const { return _it == o._it; }

   private:
    friend class record_table;
    table* _t = nullptr;
    index_it _it{};
  };

 public:
  using iterator = basic_iterator<false>;
  using const_iterator = basic_iterator<true>;

  iterator begin() { return {this, _index.begin()}; }
  iterator end() { return {this, _index.end()}; }
  const_iterator begin() const { return {this, _index.begin()}; }
  const_iterator end() const { return {this, _index.end()}; }

  iterator find(std::uint64_t key) { return {this, _index.find(key)}; }
  const_iterator find(std::uint64_t key) const { return {this, _index.find(key)}; }

  // The record of `key`, value-initialised when created.
  std::pair<iterator, bool> try_emplace(std::uint64_t key) {
    auto [it, created] = _index.try_emplace(key, 0u);
    if (created) {
      it->second = take_slot();
      slot(it->second) = T{};
    }
    return {{this, it}, created};
  }

  void erase(iterator it) {
    const auto s = it._it->second;
    _live[s / 64] &= ~(std::uint64_t{1} << (s % 64));
    _free.push_back(s);
    _index.erase(it._it);
  }

  // f(record) for every record, in slot order.
  template <class F>
  void for_each_record(F&& f) const {
    for (std::size_t w = 0; w < _live.size(); ++w)
      for (auto bits = _live[w]; bits != 0; bits &= bits - 1)
        f(slot(static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)))));
  }

  std::size_t size() const { return _index.size(); }
  bool empty() const { return _index.empty(); }

 private:
  T& slot(std::uint32_t s) { return _chunks[s >> chunk_bits][s & (chunk_size - 1)]; }
  const T& slot(std::uint32_t s) const { return _chunks[s >> chunk_bits][s & (chunk_size - 1)]; }

  std::uint32_t take_slot() {
    std::uint32_t s;
    if (!_free.empty()) {
      s = _free.back();
      _free.pop_back();
    } else {
      if (_used == _chunks.size() * chunk_size) {
        _chunks.push_back(std::make_unique<T[]>(chunk_size));
        _live.resize(_chunks.size() * chunk_size / 64);
      }
      s = _used++;
    }
    _live[s / 64] |= std::uint64_t{1} << (s % 64);
    return s;
  }

  index_map _index;
  std::vector<std::unique_ptr<T[]>> _chunks;
  std::vector<std::uint32_t> _free;
  std::vector<std::uint64_t> _live;  // a bit per slot: holds a record
  std::uint32_t _used = 0;
};

}  // namespace ccpulse::engine
