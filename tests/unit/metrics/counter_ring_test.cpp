#include "metrics/counter_ring.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "support/allocation_counter.h"

namespace {

using ccpulse::metrics::counter_ring;
using ccpulse::metrics::kpi_counters;

auto offer(std::uint64_t n) {
  return [n](kpi_counters& c) { c.offered += n; };
}

std::uint64_t offered(const counter_ring& r, std::int64_t from, std::int64_t to) {
  kpi_counters c;
  r.add_range(from, to, c);
  return c.offered;
}

std::vector<std::int64_t> evicted;
auto record_eviction = [](std::int64_t m) { evicted.push_back(m); };

}  // namespace

TEST_CASE("counter ring: buckets keep their values as they turn from hot to packed") {
  counter_ring r(10, 3);
  for (std::int64_t n = 100; n < 108; ++n) {
    r.roll_to(n, record_eviction);
    r.update(n, offer(static_cast<std::uint64_t>(n - 99)));  // bucket 100 holds 1, 101 holds 2, ...
  }
  // Live: 98..107; 100..104 are packed, 105..107 hot.
  CHECK(*r.head() == 107);
  CHECK(r.stride() > 0);
  CHECK(offered(r, 100, 100) == 1);
  CHECK(offered(r, 104, 104) == 5);
  CHECK(offered(r, 107, 107) == 8);
  CHECK(offered(r, 0, 200) == 36);  // 1 + ... + 8
  // An update to a packed bucket: unpack, add, repack.
  r.update(101, offer(1000));
  CHECK(offered(r, 101, 101) == 1002);
  CHECK(offered(r, 105, 107) == 6 + 7 + 8);
}

TEST_CASE("counter ring: rolling evicts the buckets leaving the ring, reporting those holding data") {
  evicted.clear();
  counter_ring r(10, 3);
  r.roll_to(100, record_eviction);
  r.update(100, offer(1));
  r.roll_to(103, record_eviction);
  r.update(103, offer(1));
  r.roll_to(109, record_eviction);  // live 100..109
  CHECK(evicted.empty());
  CHECK(offered(r, 0, 200) == 2);
  r.roll_to(110, record_eviction);  // 100 leaves
  CHECK(evicted == std::vector<std::int64_t>{100});
  CHECK(offered(r, 0, 200) == 1);
  CHECK_FALSE(r.live(100));
  CHECK(r.live(101));
  // A jump of a whole ring or more clears everything once.
  r.roll_to(500, record_eviction);
  CHECK(evicted == std::vector<std::int64_t>{100, 103});
  CHECK(r.empty());
  CHECK(offered(r, 0, 1000) == 0);
}

TEST_CASE("counter ring: the stride grows for a bigger bucket and older packed buckets survive it") {
  counter_ring r(8, 2);
  r.roll_to(10, record_eviction);
  r.update(10, offer(1));
  r.roll_to(13, record_eviction);
  const auto small = r.stride();
  CHECK(small == 5);  // mask 4 + one 1-byte varint
  r.update(13, [](kpi_counters& c) {
    c.offered = 1'000'000'000;
    c.talk_sum = ccpulse::duration{INT64_MAX / 4};
    c.handled = 77;
  });
  r.roll_to(16, record_eviction);  // 13 is packed now
  CHECK(r.stride() > small);
  CHECK(offered(r, 10, 10) == 1);
  kpi_counters c;
  r.add_bucket(13, c);
  CHECK(c.handled == 77);
  CHECK(c.talk_sum == ccpulse::duration{INT64_MAX / 4});
}

TEST_CASE("counter ring: steady traffic does not allocate once the stride has settled") {
  counter_ring r(360, 4);
  std::int64_t n = 1000;
  auto step = [&] {
    r.roll_to(n, [](std::int64_t) {});
    r.update(n, offer(3));
    r.update(n - 2, offer(1));  // out of order, still hot
    r.update(n - 6, offer(1));  // older: packed bucket
    ++n;
  };
  for (int i = 0; i < 800; ++i) step();
  ccpulse::test::allocation_scope scope;
  for (int i = 0; i < 800; ++i) step();
  CHECK(scope.count() == 0);
}

namespace {
std::vector<std::int64_t> drained(counter_ring& r) {
  std::vector<std::int64_t> out;
  r.drain_dirty([&](std::int64_t n) { out.push_back(n); });
  return out;
}
}  // namespace

TEST_CASE("counter ring: drain_dirty visits each marked bucket once, oldest first, across the slot wrap") {
  counter_ring r(10, 3);
  r.roll_to(107, record_eviction);  // live 98..107: slots 8, 9, 0, ..., 7
  for (const std::int64_t n : {107, 99, 103, 99, 105, 98, 107}) r.mark_dirty(n);
  CHECK(r.any_dirty());
  CHECK(drained(r) == std::vector<std::int64_t>{98, 99, 103, 105, 107});
  CHECK_FALSE(r.any_dirty());
  CHECK(drained(r).empty());  // the marks are cleared
}

TEST_CASE("counter ring: drain_dirty orders buckets over several words of marks") {
  counter_ring r(150, 4);
  r.roll_to(1000, record_eviction);  // live 851..1000; slot of 851 is 101
  const std::vector<std::int64_t> marks{851, 898, 899, 900, 913, 914, 963, 964, 1000};
  for (auto it = marks.rbegin(); it != marks.rend(); ++it) r.mark_dirty(*it);
  CHECK(drained(r) == marks);
}

TEST_CASE("counter ring: a dirty mark does not outlive its bucket") {
  counter_ring r(10, 3);
  r.roll_to(105, record_eviction);  // live 96..105
  r.mark_dirty(100);
  r.mark_dirty(104);
  r.roll_to(110, record_eviction);  // 100 leaves; its slot now holds 110
  CHECK(drained(r) == std::vector<std::int64_t>{104});
  r.mark_dirty(108);
  r.roll_to(500, record_eviction);  // a jump past the whole ring
  CHECK(drained(r).empty());
}

TEST_CASE("counter ring: updates to any of the hot buckets pack nothing") {
  // The owner sizes the hot part to reach where updates land (DESIGN.md
  // §12, partition_metrics' updates_behind): an update there is in place.
  counter_ring r(360, 6);
  for (std::int64_t n = 1000; n <= 1005; ++n) {
    r.roll_to(n, record_eviction);
    r.update(n, offer(1));
    if (n - 5 >= 1000) r.update(n - 5, offer(1));  // five buckets behind the head: still hot
  }
  CHECK(r.stride() == 0);  // nothing was packed
  CHECK(offered(r, 1000, 1000) == 2);
  r.roll_to(1006, record_eviction);  // 1000 leaves the hot part: packed once
  CHECK(r.stride() > 0);
  CHECK(offered(r, 995, 1006) == 7);
  CHECK(offered(r, 1000, 1000) == 2);
}
