#pragma once
// Counts by a small index (a histogram bucket, a reason), holding only the
// non-zero ones: a sorted vector of 6-byte (index, count) entries.
//
// Why sorted entries and not a dense array: one partition's 5-minute wait
// histogram has tens of non-zero buckets out of 1,026 (4 KB dense, a few
// hundred bytes here), and a queue sees a handful of transfer reasons. A
// lookup is a binary search over those few entries; inserting a new index
// shifts them. The entries are 6 bytes (three uint16: no padding) because
// memory is the point of this type.
//
// Allocation: add() grows the vector when a new index appears; clear() keeps
// the capacity, so a reused bucket (a ring slot) stops allocating once it
// has seen its usual number of indices.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ccpulse::metrics {

class sparse_counts {
 public:
  struct entry {
    std::uint16_t index = 0;
    std::uint16_t low = 0;   // count, low 16 bits
    std::uint16_t high = 0;  // count, high 16 bits
    std::uint32_t count() const {
      return static_cast<std::uint32_t>(low) | (static_cast<std::uint32_t>(high) << 16);
    }
    void set(std::uint32_t c) {
      low = static_cast<std::uint16_t>(c & 0xffffu);
      high = static_cast<std::uint16_t>(c >> 16);
    }
    friend bool operator==(const entry&, const entry&) = default;
  };
  static_assert(sizeof(entry) == 6);

  // Adds n to index's count. Counts are uint32 and wrap like the dense
  // histogram's: one partition never counts 4·10^9 values in one index
  // within the lifetime of a bucket.
  void add(std::uint16_t index, std::uint32_t n = 1) {
    if (n == 0) return;
    auto it = std::lower_bound(_entries.begin(), _entries.end(), index,
                               [](const entry& e, std::uint16_t i) { return e.index < i; });
    if (it != _entries.end() && it->index == index) {
      it->set(it->count() + n);
      return;
    }
    entry e;
    e.index = index;
    e.set(n);
    if (_entries.size() == _entries.capacity()) {
      // Grow by a quarter, not the vector's doubling: these vectors are
      // many and long-lived, and slack is most of what they would waste.
      const auto at = it - _entries.begin();
      _entries.reserve(_entries.size() + _entries.size() / 4 + 4);
      it = _entries.begin() + at;
    }
    _entries.insert(it, e);
  }

  std::uint32_t get(std::uint16_t index) const {
    auto it = std::lower_bound(_entries.begin(), _entries.end(), index,
                               [](const entry& e, std::uint16_t i) { return e.index < i; });
    return it != _entries.end() && it->index == index ? it->count() : 0;
  }

  // Index-wise addition: a merge of two sorted lists. Allocates only when
  // o brings indices this does not have.
  sparse_counts& operator+=(const sparse_counts& o) {
    if (o._entries.empty()) return *this;
    if (_entries.empty()) {
      _entries = o._entries;
      return *this;
    }
    std::size_t extra = 0;
    for (const auto& e : o._entries)
      if (!std::binary_search(_entries.begin(), _entries.end(), e,
                              [](const entry& a, const entry& b) { return a.index < b.index; }))
        ++extra;
    if (extra == 0) {
      auto it = _entries.begin();
      for (const auto& e : o._entries) {
        while (it->index < e.index) ++it;
        it->set(it->count() + e.count());
      }
      return *this;
    }
    // Merge from the back into the grown vector: no temporary.
    const std::size_t n = _entries.size();
    _entries.resize(n + extra);
    auto out = _entries.end();
    auto a = _entries.begin() + static_cast<std::ptrdiff_t>(n);
    auto b = o._entries.end();
    while (b != o._entries.begin()) {
      if (a != _entries.begin() && (a - 1)->index > (b - 1)->index) {
        *--out = *--a;
      } else if (a != _entries.begin() && (a - 1)->index == (b - 1)->index) {
        --a, --b;
        entry e = *a;
        e.set(a->count() + b->count());
        *--out = e;
      } else {
        *--out = *--b;
      }
    }
    return *this;
  }

  bool empty() const { return _entries.empty(); }
  std::size_t size() const { return _entries.size(); }
  // Keeps the capacity: see the allocation note above.
  void clear() { _entries.clear(); }
  const std::vector<entry>& entries() const { return _entries; }
  std::size_t heap_bytes() const { return _entries.capacity() * sizeof(entry); }

  // Appends an entry above every index held; for imports that have checked
  // their pairs are ascending and non-zero (sparse_histogram::import).
  void append_ascending(std::uint16_t index, std::uint32_t count) {
    entry e;
    e.index = index;
    e.set(count);
    _entries.push_back(e);
  }

  friend bool operator==(const sparse_counts&, const sparse_counts&) = default;

 private:
  std::vector<entry> _entries;
};

}  // namespace ccpulse::metrics
