#include "sla/timing_wheel.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "model/time.h"

namespace {

using ccpulse::duration;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using ccpulse::to_unix_micros;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;
using wheel = ccpulse::sla::timing_wheel<std::uint64_t>;

// An arbitrary start that is not on a round boundary of anything.
const instant t0 = from_unix_micros(1'700'000'123'456'789);

struct fired {
  instant due;
  std::uint64_t id;
  bool operator==(const fired&) const = default;
};

std::vector<fired> advance_collect(wheel& w, instant now) {
  std::vector<fired> out;
  w.advance(now, [&](instant due, const std::uint64_t& id) { out.push_back({due, id}); });
  return out;
}

// The obvious implementation, O(log n) everywhere: the oracle for the
// differential test. Equal dues keep insertion (= schedule) order in a multimap.
class reference_timers {
 public:
  using handle = std::uint64_t;

  explicit reference_timers(instant start) : _now(start) {}

  handle schedule(instant due, std::uint64_t p) {
    _where.push_back(_queue.emplace(due, std::make_pair(_where.size(), p)));
    return _where.size() - 1;
  }
  bool cancel(handle h) {
    if (h >= _where.size() || !_where[h]) return false;
    _queue.erase(*_where[h]);
    _where[h].reset();
    return true;
  }
  bool pending(handle h) const { return h < _where.size() && _where[h].has_value(); }
  template <class F>
  void advance(instant now, F&& fire) {
    if (now < _now) return;
    _now = now;
    while (!_queue.empty() && _queue.begin()->first <= now) {
      const auto [due, entry] = *_queue.begin();
      _where[entry.first].reset();
      _queue.erase(_queue.begin());
      fire(due, entry.second);
    }
  }
  instant now() const { return _now; }
  std::size_t size() const { return _queue.size(); }

 private:
  using queue = std::multimap<instant, std::pair<handle, std::uint64_t>>;
  instant _now;
  queue _queue;
  std::vector<std::optional<queue::iterator>> _where;
};

// One observable outcome of the random run: fires, cancel and pending
// results, size and now after each advance.
struct record {
  char kind;
  std::int64_t value;
  std::uint64_t id;
  bool operator==(const record&) const = default;
};

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::int64_t pick(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

// Drives a timer set with a seeded random mix of operations and returns all
// it observed. Two correct implementations yield identical records; the
// random draws do not depend on the results, only on the seed.
template <class Timers>
std::vector<record> random_run(Timers& w, std::uint64_t seed, int ops, duration resolution) {
  std::mt19937_64 rng(seed);
  std::vector<record> log;
  std::vector<typename Timers::handle> handles;  // by id; payload = id
  instant last_due = w.now();
  const std::int64_t res = resolution.count();
  constexpr std::int64_t year = 365LL * 24 * 3600 * 1'000'000;

  auto schedule = [&](instant due) {
    last_due = due;
    handles.push_back(w.schedule(due, handles.size()));
  };
  // Mostly recent ids (likely still pending), sometimes any id or one past the end.
  auto some_id = [&]() -> std::uint64_t {
    const auto n = static_cast<std::int64_t>(handles.size());
    const auto lo = pick(rng, 0, 9) < 7 ? std::max<std::int64_t>(0, n - 2'000) : 0;
    return static_cast<std::uint64_t>(pick(rng, lo, n));
  };
  auto cancel = [&](std::uint64_t id) {
    const bool ok = id < handles.size() && w.cancel(handles[id]);
    log.push_back({'C', ok ? 1 : 0, id});
  };
  // Re-entrant behaviour keyed on the fired id, so both implementations do
  // the same thing when they fire the same timer.
  auto fire = [&](instant due, const std::uint64_t& id) {
    log.push_back({'F', to_unix_micros(due), id});
    const std::uint64_t h = mix(id);
    switch (h % 10) {
      case 0:  // follow-up near this due: often already due, so fires in this call
        schedule(due + microseconds(static_cast<std::int64_t>((h >> 8) % 4001) - 2000));
        break;
      case 1:  // same due as the one firing: must come after it, by sequence
        schedule(due);
        break;
      case 2:  // cancel a nearby timer, possibly due in this same call
        cancel(id + 1 + (h >> 16) % 8);
        break;
      case 3:
        cancel(id > 8 ? id - 1 - (h >> 16) % 8 : 0);
        break;
      default:
        break;
    }
  };

  for (int i = 0; i < ops; ++i) {
    const auto r = pick(rng, 0, 99);
    const instant now = w.now();
    if (r < 45) {
      const auto k = pick(rng, 0, 99);
      std::int64_t off = 0;
      if (k < 8)
        off = -pick(rng, 0, 5'000'000);  // in the past
      else if (k < 12)
        off = 0;  // due == now
      else if (k < 20)
        off = pick(rng, 1, res);  // within a tick
      else if (k < 45)
        off = pick(rng, 0, 100 * res);  // near
      else if (k < 65)
        off = pick(rng, 0, 60'000'000);  // a minute
      else if (k < 80)
        off = pick(rng, 0, 48LL * 3600 * 1'000'000);  // two days
      else if (k < 84)
        off = pick(rng, 0, 5 * year);  // beyond the wheel span
      else if (k < 92)
        off = pick(rng, 1, 4096) * res;  // on tick boundaries
      if (k >= 92) {
        schedule(last_due);  // equal dues: order by sequence
      } else {
        schedule(now + microseconds(off));
      }
    } else if (r < 47) {
      // A burst on a single tick, deadlines scattered inside it.
      const instant base = now + microseconds(pick(rng, 0, 50) * res);
      const auto n = pick(rng, 2, 40);
      for (std::int64_t j = 0; j < n; ++j) schedule(base + microseconds(pick(rng, 0, res - 1)));
    } else if (r < 65) {
      cancel(some_id());
    } else if (r < 70) {
      const auto id = some_id();
      log.push_back({'P', id < handles.size() && w.pending(handles[id]) ? 1 : 0, id});
    } else {
      // Mostly small steps so that thousands of timers stay pending.
      const auto k = pick(rng, 0, 9'999);
      std::int64_t step = 0;
      if (k < 300)
        step = -pick(rng, 1, 10'000'000);  // older now: no-op
      else if (k < 600)
        step = 0;  // same now
      else if (k < 8'000)
        step = pick(rng, 1, 3 * res);  // small, sub-tick too
      else if (k < 9'930)
        step = pick(rng, 1, 2'000'000);  // seconds
      else if (k < 9'996)
        step = pick(rng, 1, 3'600'000'000);  // up to an hour
      else
        step = pick(rng, 1, 3 * year);  // huge
      w.advance(now + microseconds(step), fire);
      log.push_back({'S', static_cast<std::int64_t>(w.size()), 0});
      log.push_back({'N', to_unix_micros(w.now()), 0});
    }
  }
  // Drain everything, overflow included.
  w.advance(w.now() + microseconds(20 * year), fire);
  log.push_back({'S', static_cast<std::int64_t>(w.size()), 0});
  return log;
}

void check_same_as_reference(std::uint64_t seed, int ops, duration resolution) {
  wheel w(t0, resolution);
  reference_timers ref(t0);
  const auto got = random_run(w, seed, ops, resolution);
  const auto want = random_run(ref, seed, ops, resolution);
  const auto mismatch = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
  INFO("seed " << seed << ", first difference at record " << (mismatch.first - got.begin()));
  if (mismatch.first != got.end() && mismatch.second != want.end()) {
    INFO("wheel " << mismatch.first->kind << " " << mismatch.first->value << " id " << mismatch.first->id);
    INFO("reference " << mismatch.second->kind << " " << mismatch.second->value << " id "
                      << mismatch.second->id);
    CHECK(false);
  }
  REQUIRE(got.size() == want.size());
  const auto fires = std::count_if(want.begin(), want.end(), [](const record& r) { return r.kind == 'F'; });
  CHECK(fires > ops / 4);         // the run really exercised firing
  CHECK(w.stats().cascaded > 0);  // and the upper levels
  CHECK(w.size() == 0);
}

}  // namespace

TEST_CASE("the wheel fires the same sequence as a reference multimap over random operations") {
  check_same_as_reference(1, 100'000, milliseconds(1));
}

TEST_CASE("the wheel matches the reference at microsecond resolution where the overflow list is busy") {
  check_same_as_reference(2, 50'000, microseconds(1));
}

TEST_CASE("the wheel matches the reference at an odd coarse resolution") {
  check_same_as_reference(3, 50'000, microseconds(7'919));
}

TEST_CASE("a deadline between ticks fires on the first advance at or after it with its exact due") {
  wheel w(t0);
  const auto h = w.schedule(t0 + microseconds(1'500), 7);
  CHECK(advance_collect(w, t0 + microseconds(1'499)).empty());
  CHECK(w.pending(h));
  const auto out = advance_collect(w, t0 + microseconds(1'500));
  REQUIRE(out.size() == 1);
  CHECK(out[0] == fired{t0 + microseconds(1'500), 7});
  CHECK_FALSE(w.pending(h));
}

TEST_CASE("a deadline later in the current tick waits for now to reach it") {
  wheel w(t0);
  w.advance(t0 + microseconds(100), [](instant, const std::uint64_t&) {});
  w.schedule(t0 + microseconds(400), 1);  // same 1 ms tick as now
  CHECK(advance_collect(w, t0 + microseconds(399)).empty());
  CHECK(advance_collect(w, t0 + microseconds(400)) == std::vector<fired>{{t0 + microseconds(400), 1}});
}

TEST_CASE("one advance fires due timers in due then schedule order across ticks and levels") {
  wheel w(t0);
  // Scheduled out of order: various ticks, sub-tick dues, equal dues, all levels.
  const std::vector<duration> offsets = {hours(30),           microseconds(2'999), microseconds(2'001),
                                         seconds(5),          microseconds(2'001), milliseconds(70),
                                         microseconds(1),     hours(30),           milliseconds(3),
                                         microseconds(2'999), seconds(4'000),      microseconds(0)};
  for (std::uint64_t i = 0; i < offsets.size(); ++i) w.schedule(t0 + offsets[i], i);
  auto expected = std::vector<std::pair<duration, std::uint64_t>>{};
  for (std::uint64_t i = 0; i < offsets.size(); ++i) expected.emplace_back(offsets[i], i);
  std::sort(expected.begin(), expected.end());

  const auto out = advance_collect(w, t0 + hours(31));
  REQUIRE(out.size() == expected.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    CHECK(out[i].due == t0 + expected[i].first);
    CHECK(out[i].id == expected[i].second);
  }
  CHECK(w.size() == 0);
}

TEST_CASE("many timers on one tick fire in due then schedule order") {
  wheel w(t0);
  std::mt19937_64 rng(42);
  std::vector<std::pair<std::int64_t, std::uint64_t>> expected;
  for (std::uint64_t i = 0; i < 10'000; ++i) {
    const auto off = static_cast<std::int64_t>(rng() % 200);  // heavy ties inside one tick
    w.schedule(t0 + milliseconds(5) + microseconds(off), i);
    expected.emplace_back(off, i);
  }
  std::sort(expected.begin(), expected.end());
  const auto out = advance_collect(w, t0 + milliseconds(6));
  REQUIRE(out.size() == expected.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    CHECK(out[i].due == t0 + milliseconds(5) + microseconds(expected[i].first));
    CHECK(out[i].id == expected[i].second);
  }
}

TEST_CASE("a due in the past or equal to now fires on the next advance, not before") {
  wheel w(t0);
  w.advance(t0 + seconds(10), [](instant, const std::uint64_t&) {});
  w.schedule(t0 + seconds(10), 1);  // == now
  w.schedule(t0 + seconds(3), 2);   // past
  w.schedule(t0 - hours(1), 3);     // before the wheel's start
  w.schedule(ccpulse::instant_min, 4);
  w.schedule(t0 - microseconds(1), 5);  // just before start: no tick of its own
  CHECK(w.size() == 5);
  const auto out = advance_collect(w, t0 + seconds(10));  // same now still fires them
  CHECK(out == std::vector<fired>{{ccpulse::instant_min, 4},
                                  {t0 - hours(1), 3},
                                  {t0 - microseconds(1), 5},
                                  {t0 + seconds(3), 2},
                                  {t0 + seconds(10), 1}});
}

TEST_CASE("an older now is a no-op and does not move now backwards") {
  wheel w(t0);
  w.advance(t0 + seconds(10), [](instant, const std::uint64_t&) {});
  w.schedule(t0 + seconds(1), 1);
  CHECK(advance_collect(w, t0 + seconds(5)).empty());
  CHECK(w.now() == t0 + seconds(10));
  CHECK(advance_collect(w, t0 + seconds(10)).size() == 1);
}

TEST_CASE("a huge jump fires timers across every level and the overflow list in order") {
  wheel w(t0, microseconds(1));  // 2^36 us is about 19 hours: most of these overflow
  const std::vector<duration> offsets = {
      hours(24 * 365 * 10), microseconds(63),    microseconds(64), hours(20),      hours(19),
      hours(24 * 800),      microseconds(4'096), seconds(1),       hours(24 * 800)};
  for (std::uint64_t i = 0; i < offsets.size(); ++i) w.schedule(t0 + offsets[i], i);
  auto out = advance_collect(w, t0 + hours(24 * 800) - microseconds(1));
  CHECK(out.size() == 6);
  CHECK(w.size() == 3);
  out = advance_collect(w, t0 + hours(24 * 365 * 20));
  CHECK(out == std::vector<fired>{
                   {t0 + hours(24 * 800), 5}, {t0 + hours(24 * 800), 8}, {t0 + hours(24 * 365 * 10), 0}});
}

TEST_CASE("deadlines beyond the wheel span wait in overflow and fire exactly when due") {
  wheel w(t0);  // 1 ms ticks: the levels span about 2.2 years
  const auto three_years = hours(24 * 365 * 3);
  w.schedule(t0 + three_years + microseconds(1), 1);
  w.schedule(t0 + three_years, 0);
  w.schedule(t0 + hours(24 * 365 * 9), 2);
  CHECK(advance_collect(w, t0 + hours(24 * 365)).empty());
  CHECK(advance_collect(w, t0 + three_years - microseconds(1)).empty());
  CHECK(advance_collect(w, t0 + three_years) == std::vector<fired>{{t0 + three_years, 0}});
  CHECK(advance_collect(w, t0 + three_years + microseconds(1)) ==
        std::vector<fired>{{t0 + three_years + microseconds(1), 1}});
  CHECK(w.size() == 1);
  CHECK(advance_collect(w, ccpulse::instant_max) == std::vector<fired>{{t0 + hours(24 * 365 * 9), 2}});
}

TEST_CASE("a long quiet advance skips empty slots instead of stepping tick by tick") {
  wheel w(t0, microseconds(1));  // ten years is 3e14 ticks here
  w.schedule(t0 + seconds(90), 1);
  w.schedule(t0 + hours(24 * 365 * 7), 2);
  const auto out = advance_collect(w, t0 + hours(24 * 365 * 10));
  CHECK(out.size() == 2);
  // Each timer opens at most one slot per level plus the overflow list.
  CHECK(w.stats().slots_expired <= 2 * 7);
  CHECK(w.stats().cascaded <= 2 * 7);

  // Quiet time with nothing scheduled costs nothing at all.
  const auto before = w.stats().slots_expired;
  w.advance(t0 + hours(24 * 365 * 30), [](instant, const std::uint64_t&) {});
  CHECK(w.stats().slots_expired == before);
}

TEST_CASE("cancel removes a pending timer and rejects stale, fired and empty handles") {
  wheel w(t0);
  const auto a = w.schedule(t0 + seconds(1), 1);
  const auto b = w.schedule(t0 + seconds(2), 2);
  const auto c = w.schedule(t0 - seconds(2), 3);  // already due: in the ready heap
  CHECK(w.size() == 3);
  CHECK(w.cancel(a));
  CHECK_FALSE(w.cancel(a));
  CHECK_FALSE(w.pending(a));
  CHECK(w.cancel(c));
  CHECK_FALSE(w.pending(c));
  CHECK(w.size() == 1);
  CHECK_FALSE(w.cancel(wheel::no_timer));
  CHECK_FALSE(w.pending(wheel::no_timer));

  // The freed node is reused; the old handle must not reach the new timer.
  const auto d = w.schedule(t0 + seconds(3), 4);
  CHECK((d & 0xffff'ffffu) == (a & 0xffff'ffffu));
  CHECK(d != a);
  CHECK_FALSE(w.cancel(a));
  CHECK(w.pending(d));

  CHECK(advance_collect(w, t0 + seconds(5)) ==
        std::vector<fired>{{t0 + seconds(2), 2}, {t0 + seconds(3), 4}});
  CHECK_FALSE(w.cancel(b));
  CHECK_FALSE(w.pending(d));
}

TEST_CASE("a fire callback sees its own timer as no longer pending") {
  wheel w(t0);
  wheel::handle h = wheel::no_timer;
  h = w.schedule(t0 + seconds(1), 1);
  int calls = 0;
  w.advance(t0 + seconds(1), [&](instant, const std::uint64_t&) {
    ++calls;
    CHECK_FALSE(w.pending(h));
    CHECK_FALSE(w.cancel(h));
    CHECK(w.size() == 0);
  });
  CHECK(calls == 1);
}

TEST_CASE("a fire callback can cancel timers due later in the same advance") {
  wheel w(t0);
  std::vector<wheel::handle> hs;
  hs.push_back(w.schedule(t0 + milliseconds(1), 0));
  hs.push_back(w.schedule(t0 + hours(2), 1));                           // another level
  hs.push_back(w.schedule(t0 + milliseconds(1) + microseconds(5), 2));  // same tick, ready heap
  hs.push_back(w.schedule(t0 + hours(3), 3));
  std::vector<std::uint64_t> order;
  w.advance(t0 + hours(4), [&](instant, const std::uint64_t& id) {
    order.push_back(id);
    if (id == 0) {
      CHECK(w.cancel(hs[2]));
      CHECK(w.cancel(hs[1]));
    }
  });
  CHECK(order == std::vector<std::uint64_t>{0, 3});
  CHECK(w.size() == 0);
}

TEST_CASE("a fire callback can schedule timers that fire within the same advance in order") {
  wheel w(t0);
  w.schedule(t0 + seconds(1), 0);
  w.schedule(t0 + seconds(5), 1);
  wheel::handle later = wheel::no_timer;
  std::vector<fired> out;
  w.advance(t0 + seconds(10), [&](instant due, const std::uint64_t& id) {
    out.push_back({due, id});
    if (id == 0) {
      w.schedule(t0 + seconds(3), 10);                             // ahead of timer 1
      w.schedule(t0 + seconds(5), 11);                             // ties with 1, scheduled after
      w.schedule(t0 + milliseconds(500), 12);                      // already past: fires next
      later = w.schedule(t0 + seconds(10) + microseconds(1), 13);  // after now: waits
    }
    if (id == 12) w.schedule(t0 + milliseconds(200), 14);  // even further in the past
  });
  CHECK(out == std::vector<fired>{{t0 + seconds(1), 0},
                                  {t0 + milliseconds(500), 12},
                                  {t0 + milliseconds(200), 14},
                                  {t0 + seconds(3), 10},
                                  {t0 + seconds(5), 1},
                                  {t0 + seconds(5), 11}});
  CHECK(w.pending(later));
  CHECK(w.size() == 1);
}

TEST_CASE("a timer rescheduled from its own callback every period fires once per period") {
  wheel w(t0);
  int fires = 0;
  std::function<void(instant, const std::uint64_t&)> fire;
  fire = [&](instant due, const std::uint64_t& id) {
    ++fires;
    w.schedule(due + milliseconds(250), id);
  };
  w.schedule(t0 + milliseconds(250), 0);
  w.advance(t0 + seconds(10), fire);
  CHECK(fires == 40);
  CHECK(w.size() == 1);
}

TEST_CASE("schedule and cancel churn reuses slab nodes instead of growing") {
  wheel w(t0);
  w.reserve(1'000);
  std::vector<wheel::handle> live;
  for (std::uint64_t i = 0; i < 1'000; ++i) live.push_back(w.schedule(t0 + seconds(1 + i % 300), i));
  CHECK(w.node_count() == 1'000);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100'000; ++i) {
    auto& h = live[rng() % live.size()];
    CHECK(w.cancel(h));
    h = w.schedule(t0 + microseconds(static_cast<std::int64_t>(rng() % 100'000'000)), 0);
  }
  CHECK(w.node_count() == 1'000);
  CHECK(w.size() == 1'000);
}

TEST_CASE("cancelled timers awaiting in the ready heap do not accumulate") {
  wheel w(t0);
  w.advance(t0 + microseconds(100), [](instant, const std::uint64_t&) {});
  for (int round = 0; round < 200; ++round) {
    std::vector<wheel::handle> hs;
    // Later in the current tick: these sit in the ready heap until due.
    for (std::uint64_t i = 0; i < 500; ++i) hs.push_back(w.schedule(t0 + microseconds(500), i));
    for (const auto h : hs) CHECK(w.cancel(h));
  }
  CHECK(w.size() == 0);
  CHECK(w.node_count() < 2'000);
  CHECK(advance_collect(w, t0 + seconds(1)).empty());
}

TEST_CASE("size counts only pending timers") {
  wheel w(t0);
  const auto a = w.schedule(t0 + seconds(1), 1);
  w.schedule(t0 + seconds(2), 2);
  w.schedule(t0 + hours(24 * 365 * 5), 3);
  CHECK(w.size() == 3);
  w.cancel(a);
  CHECK(w.size() == 2);
  w.advance(t0 + seconds(2), [](instant, const std::uint64_t&) {});
  CHECK(w.size() == 1);
}

TEST_CASE("a non-positive resolution is rejected at construction") {
  CHECK_THROWS_AS(wheel(t0, microseconds(0)), std::invalid_argument);
  CHECK_THROWS_AS(wheel(t0, microseconds(-1)), std::invalid_argument);
}

TEST_CASE("payloads need only be trivially copyable") {
  struct clock_ref {
    clock_ref(std::uint32_t s, std::uint16_t k) : slot(s), kind(k) {}  // no default constructor
    std::uint32_t slot;
    std::uint16_t kind;
  };
  ccpulse::sla::timing_wheel<clock_ref> w(t0);
  w.schedule(t0 + seconds(1), clock_ref{5, 2});
  std::uint32_t got = 0;
  w.advance(t0 + seconds(1), [&](instant, const clock_ref& c) { got = c.slot * 10 + c.kind; });
  CHECK(got == 52);
}
