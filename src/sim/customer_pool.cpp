#include "sim/customer_pool.h"

#include <array>

namespace ccpulse::sim {

customer_pool::customer_pool(std::size_t capacity, double repeat_probability)
    : _capacity(capacity == 0 ? 1 : capacity), _repeat_probability(repeat_probability) {
  _recent.reserve(_capacity);
}

customer customer_pool::next(rng& r) {
  if (!_recent.empty() && r.chance(_repeat_probability)) return _recent[r.below(_recent.size())];
  customer c = make(r);
  if (_recent.size() < _capacity) {
    _recent.push_back(c);
  } else {
    _recent[_oldest] = c;
    _oldest = (_oldest + 1) % _capacity;
  }
  return c;
}

customer customer_pool::make(rng& r) {
  static constexpr std::array<char, 16> hex{'0', '1', '2', '3', '4', '5', '6', '7',
                                            '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  customer c;
  c.hashed_id = "c-";
  std::uint64_t bits = r.bits();
  for (int i = 11; i >= 0; --i) c.hashed_id += hex[(bits >> (4 * i)) & 0xF];
  // Roughly a contact center's mix: few premium customers, mostly standard.
  double u = r.uniform();
  if (u < 0.10) {
    c.tier = "gold";
    c.priority = 1;
  } else if (u < 0.35) {
    c.tier = "silver";
    c.priority = 2;
  } else {
    c.tier = "standard";
    c.priority = 3;
  }
  c.segment = r.chance(0.2) ? "business" : "consumer";
  return c;
}

}  // namespace ccpulse::sim
