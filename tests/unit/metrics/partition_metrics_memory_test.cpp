// The memory figure of partition_metrics (issue 7): bytes per input
// partition for 100 queues + 8 channels + overall under a steady load where
// every queue sees events in every 10 s bucket, and for a partition that saw
// 3 queues. Two measures: the object's own accounting (heap_bytes:
// capacities, deterministic, asserted) and glibc's in-use heap before and
// after (mallinfo2: allocator overhead included; reported, asserted in
// release builds only, as sanitizers replace malloc).
//
// Reproduce: build/release/tests/ccpulse_unit_tests -tc='*memory*' -s
#include <doctest/doctest.h>
#include <malloc.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "metrics/metrics_test_names.h"
#include "metrics/partition_metrics.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::channel;
using ccpulse::duration;
using ccpulse::instant;
using namespace ccpulse::metrics;
using ccpulse::test::metrics_test_names;

const instant t0 = instant{std::chrono::seconds(1'800'000'000)};

std::size_t heap_in_use() { return mallinfo2().uordblks; }

#if defined(__SANITIZE_ADDRESS__)
constexpr bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif
#else
constexpr bool sanitized = false;
#endif

struct discard_sink final : window_state_sink {
  void put_bucket(const window_bucket_state&) override {}
  void put_clock(const window_clock_state&) override {}
  void erase_bucket(const window_state_key&) override {}
} discard;

// Per queue and 10 s bucket: 2 contacts offered and answered (waits
// log-normal around 20 s), one handled (AHT ~4 min), and now and then an
// abandon, a survey, a transfer. About 0.6 events/s per queue: 60 events/s
// per partition for 100 queues (720/s over 12 partitions).
void load(partition_metrics& m, std::size_t queues, duration length) {
  std::mt19937 rng(42);
  std::lognormal_distribution<double> wait_s(3.0, 0.8), talk_s(5.3, 0.5);
  auto secs = [](double s) { return duration{static_cast<std::int64_t>(s * 1e6)}; };
  for (duration at{}; at < length; at += 10s) {
    for (std::size_t q = 0; q < queues; ++q) {
      const contact_scope cs{static_cast<queue_index>(q), static_cast<channel>(1 + q % 7)};
      const instant t = t0 + at + duration{static_cast<std::int64_t>(q) * 50'000};
      for (int i = 0; i < 2; ++i) {
        m.on_offered(cs, t);
        const auto w = secs(wait_s(rng));
        m.on_answered(cs, t + 1s, w, w <= 20s);
      }
      m.on_handled(cs, t + 2s, secs(talk_s(rng)), 10s, 30s);
      const auto k = rng() % 12;
      if (k == 0) m.on_abandoned(cs, t + 3s, false, false);
      if (k == 1) m.on_csat(cs, t + 3s, 1 + static_cast<int>(rng() % 5));
      if (k == 2) m.on_transferred(cs, t + 3s, static_cast<reason_index>(rng() % 4));
    }
    m.advance(t0 + at - 30s);
    m.drain(discard);  // a commit every 10 s of event time
  }
}

struct figure {
  std::size_t accounted = 0, malloc_in_use = 0, scopes = 0;
  partition_metrics::memory_parts parts;
};

figure measure(std::size_t queues) {
  metrics_test_names names(queues, 4);
  std::string error;
  auto cal = calendar_intervals::create("Europe/Berlin", error);
  REQUIRE(cal);
  const std::size_t before = heap_in_use();
  auto m = std::make_unique<partition_metrics>(std::move(*partition_metrics::create({}, *cal, names, error)));
  load(*m, queues, 2h);  // 2 h: every ring full, every stride settled
  figure f;
  f.malloc_in_use = heap_in_use() - before;
  f.accounted = m->heap_bytes();
  f.scopes = m->scope_count();
  f.parts = m->memory();
  return f;
}

}  // namespace

TEST_CASE("partition metrics memory: 100 queues + 8 channels + overall at steady load, and 3 queues") {
  const figure big = measure(100);
  const figure small = measure(3);
  MESSAGE("100 queues: ", big.scopes, " scopes, accounted ", big.accounted, " B, malloc in use ",
          big.malloc_in_use, " B (", big.malloc_in_use / big.scopes, " B per scope)");
  MESSAGE("100 queues by part: fine counters ", big.parts.fine_counters, ", coarse counters ",
          big.parts.coarse_counters, ", coarse distributions ", big.parts.coarse_distributions,
          ", today's distributions ", big.parts.today, ", other ", big.parts.other);
  MESSAGE("3 queues: ", small.scopes, " scopes, accounted ", small.accounted, " B, malloc in use ",
          small.malloc_in_use, " B");
  CHECK(big.scopes == 100 + 7 + 1);  // channels 1..7 (no unspecified traffic) + overall
  CHECK(small.scopes == 3 + 3 + 1);
  // The target: well under 5 MB per partition for 100 queues (issue 7);
  // the previous layout took 42 MB.
  CHECK(big.accounted < 3'300'000);                      // 2.98 MB measured
  CHECK(small.accounted < 220'000);                      // 192 KB measured
  if (!sanitized) CHECK(big.malloc_in_use < 3'500'000);  // 3.11 MB measured
}
