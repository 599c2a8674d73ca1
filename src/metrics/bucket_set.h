#pragma once
// A set of bucket numbers that are mostly recent and close together (the
// coarse buckets a scope has written to the changelog today): a bitset from
// a moving base. About 40 bytes for a day of 5-minute buckets, where a
// vector of numbers would take 2.3 KB.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ccpulse::metrics {

class bucket_set {
 public:
  void insert(std::int64_t n) {
    if (_words.empty()) _base = floor64(n);
    if (n < _base) {
      // Rare (a restore in any order): shift the words up.
      const auto extra = static_cast<std::size_t>((_base - floor64(n)) / 64);
      _words.insert(_words.begin(), extra, 0);
      _base = floor64(n);
    }
    const auto bit = static_cast<std::size_t>(n - _base);
    if (bit / 64 >= _words.size()) _words.resize(bit / 64 + 1, 0);
    _words[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
  bool contains(std::int64_t n) const {
    if (_words.empty() || n < _base) return false;
    const auto bit = static_cast<std::size_t>(n - _base);
    return bit / 64 < _words.size() && (_words[bit / 64] >> (bit % 64) & 1);
  }
  bool empty() const { return _words.empty(); }

  // Removes every member below n, calling f(member) for each, ascending.
  template <class F>
  void erase_below(std::int64_t n, F&& f) {
    std::size_t w = 0;
    for (; w < _words.size() && _base + static_cast<std::int64_t>(w) * 64 < n; ++w) {
      std::uint64_t bits = _words[w];
      const std::int64_t lo = _base + static_cast<std::int64_t>(w) * 64;
      while (bits) {
        const int b = std::countr_zero(bits);
        if (lo + b >= n) break;
        f(lo + b);
        bits &= bits - 1;
      }
      _words[w] = bits;
      if (bits) break;  // the rest of this word is at or above n
    }
    // Drop the leading empty words.
    std::size_t drop = 0;
    while (drop < _words.size() && _words[drop] == 0) ++drop;
    _words.erase(_words.begin(), _words.begin() + static_cast<std::ptrdiff_t>(drop));
    _base += static_cast<std::int64_t>(drop) * 64;
    if (_words.empty()) _base = 0;
  }
  std::size_t heap_bytes() const { return _words.capacity() * sizeof(std::uint64_t); }

 private:
  static std::int64_t floor64(std::int64_t n) { return n >= 0 ? n / 64 * 64 : -((-n + 63) / 64) * 64; }
  std::int64_t _base = 0;
  std::vector<std::uint64_t> _words;
};

}  // namespace ccpulse::metrics
