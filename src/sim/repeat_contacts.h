#pragma once
// Customers who will contact the same queue again: after an abandon (a retry
// within minutes) or a resolution that did not hold (hours to days later,
// inside the 7-day FCR window). A returning customer takes the place of a
// new one in the queue's arrival stream once due, so repeats do not change
// the offered rate, and the plans are capped, so memory stays bounded.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <queue>
#include <vector>

#include "model/time.h"
#include "sim/customer_pool.h"
#include "sim/rng.h"

namespace ccpulse::sim {

struct returning_customer {
  customer who;
  std::uint8_t category = 0;
};

// When a customer comes back, if they do: nullopt when they do not.
std::optional<duration> draw_return_after_abandon(rng& r);
std::optional<duration> draw_return_after_resolution(bool follow_up_needed, rng& r);

class repeat_contacts {
 public:
  repeat_contacts(std::size_t queues, std::size_t capacity);

  // Plans a return; ignored once `capacity` plans are waiting.
  void plan(std::uint32_t queue, instant due, returning_customer c);
  // The earliest plan of the queue due at or before now, if any.
  std::optional<returning_customer> take_due(std::uint32_t queue, instant now);

  std::size_t planned() const { return _planned; }

 private:
  struct entry {
    instant due{};
    std::uint64_t seq = 0;  // ties break by planning order: reproducible
    returning_customer c;
    bool operator>(const entry& o) const { return due != o.due ? due > o.due : seq > o.seq; }
  };
  using min_heap = std::priority_queue<entry, std::vector<entry>, std::greater<>>;

  std::vector<min_heap> _by_queue;
  std::size_t _capacity;
  std::size_t _planned = 0;
  std::uint64_t _next_seq = 0;
};

}  // namespace ccpulse::sim
