#pragma once
// Who calls: opaque hashed ids with tiers, and some repeat callers drawn from
// a bounded ring of recent customers (memory stays flat over long runs).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/rng.h"

namespace ccpulse::sim {

struct customer {
  std::string hashed_id;  // "c-" + 12 hex digits
  std::string_view tier;  // gold, silver, standard
  std::string_view segment;
  std::uint32_t priority = 3;  // 1 is most urgent; follows the tier
};

class customer_pool {
 public:
  explicit customer_pool(std::size_t capacity = 10'000, double repeat_probability = 0.15);

  // A returning recent customer with repeat_probability, otherwise a new one.
  customer next(rng& r);

 private:
  static customer make(rng& r);

  std::vector<customer> _recent;
  std::size_t _capacity;
  std::size_t _oldest = 0;  // slot overwritten next once the ring is full
  double _repeat_probability;
};

}  // namespace ccpulse::sim
