// Timing wheel costs at SLA scale: schedule+cancel with a million open
// clocks, firing under steady load, and quiet replay jumps. A std::multimap
// baseline gives the ratio for bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

#include "model/time.h"
#include "sla/timing_wheel.h"

namespace {

using ccpulse::duration;
using ccpulse::instant;
using wheel = ccpulse::sla::timing_wheel<std::uint64_t>;

constexpr std::size_t million = 1'000'000;
const instant t0 = ccpulse::from_unix_micros(1'700'000'000'000'000);

// Cheap deterministic randomness, so the generator does not dominate.
struct xorshift {
  std::uint64_t s = 0x9e3779b97f4a7c15ULL;
  std::uint64_t operator()() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  // A deadline 1 s to 24 h out: the spread of real SLA targets.
  duration deadline() {
    return duration{1'000'000 + static_cast<std::int64_t>((*this)() % 86'400'000'000ULL)};
  }
};

// Schedules a new timer and cancels it: the clock that starts and stops
// before its deadline, with a million others open.
void bm_wheel_schedule_cancel(benchmark::State& state) {
  wheel w(t0);
  w.reserve(million + 1);
  xorshift rng;
  for (std::uint64_t i = 0; i < million; ++i) w.schedule(t0 + rng.deadline(), i);
  for (auto _ : state) {
    const auto h = w.schedule(t0 + rng.deadline(), 0);
    benchmark::DoNotOptimize(w.cancel(h));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(w.size());
}
BENCHMARK(bm_wheel_schedule_cancel);

// Cancels a random open timer and schedules a replacement: the cancel hits
// cold memory somewhere in the million, as a stopped SLA clock would.
void bm_wheel_cancel_random_reschedule(benchmark::State& state) {
  wheel w(t0);
  w.reserve(million);
  xorshift rng;
  std::vector<wheel::handle> handles;
  handles.reserve(million);
  for (std::uint64_t i = 0; i < million; ++i) handles.push_back(w.schedule(t0 + rng.deadline(), i));
  for (auto _ : state) {
    auto& h = handles[rng() % million];
    benchmark::DoNotOptimize(w.cancel(h));
    h = w.schedule(t0 + rng.deadline(), 0);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(w.size());
}
BENCHMARK(bm_wheel_cancel_random_reschedule);

void bm_multimap_cancel_random_reschedule(benchmark::State& state) {
  using queue = std::multimap<instant, std::uint64_t>;
  queue q;
  xorshift rng;
  std::vector<queue::iterator> handles;
  handles.reserve(million);
  for (std::uint64_t i = 0; i < million; ++i) handles.push_back(q.emplace(t0 + rng.deadline(), i));
  for (auto _ : state) {
    auto& h = handles[rng() % million];
    q.erase(h);
    h = q.emplace(t0 + rng.deadline(), 0);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_multimap_cancel_random_reschedule);

// Steady state with a million open timers: each advance moves time by
// range(0) microseconds and every fired timer is rescheduled 1 s to 24 h out.
// Items are fired timers, so items/s is the firing rate including cascades.
void bm_wheel_advance_fire(benchmark::State& state) {
  wheel w(t0);
  w.reserve(million);
  xorshift rng;
  for (std::uint64_t i = 0; i < million; ++i) w.schedule(t0 + rng.deadline(), i);
  const duration step{state.range(0)};
  instant now = t0;
  std::uint64_t fired = 0;
  auto fire = [&](instant due, const std::uint64_t& id) {
    ++fired;
    w.schedule(due + rng.deadline(), id);
  };
  for (auto _ : state) {
    now += step;
    w.advance(now, fire);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(fired));
  state.counters["fired_per_advance"] = static_cast<double>(fired) / static_cast<double>(state.iterations());
  state.counters["cascades_per_fire"] =
      static_cast<double>(w.stats().cascaded) / static_cast<double>(fired ? fired : 1);
}
BENCHMARK(bm_wheel_advance_fire)->Arg(1'000)->Arg(100'000)->Arg(10'000'000);

// Replay through quiet time: one hour per advance at 1 us resolution
// (3.6e9 ticks) with a thousand timers spread over ten years. Cost must not
// follow the ticks skipped.
void bm_wheel_advance_quiet_hours(benchmark::State& state) {
  wheel w(t0, std::chrono::microseconds(1));
  xorshift rng;
  constexpr std::int64_t ten_years = 10LL * 365 * 24 * 3600 * 1'000'000;
  auto far = [&] { return duration{1 + static_cast<std::int64_t>(rng() % ten_years)}; };
  for (std::uint64_t i = 0; i < 1'000; ++i) w.schedule(t0 + far(), i);
  instant now = t0;
  auto fire = [&](instant due, const std::uint64_t& id) { w.schedule(due + far(), id); };
  for (auto _ : state) {
    now += std::chrono::hours(1);
    w.advance(now, fire);
  }
  state.counters["slots_per_advance"] =
      static_cast<double>(w.stats().slots_expired) / static_cast<double>(state.iterations());
}
BENCHMARK(bm_wheel_advance_quiet_hours);

}  // namespace
