// "No allocation per event on the hot path" (DESIGN.md §12), checked by
// counting operator new while a warmed-up engine applies a steady stream.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/engine.h"
#include "support/allocation_counter.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::instant;

struct traffic {
  // Ids built up front: the engine sees string_views, as from the decoder.
  std::vector<std::string> event_ids;
  std::vector<std::string> interaction_ids;
};

// Stands in for the worker's changelog writer: sees every record, keeps none.
struct counting_sink final : ccpulse::engine::state_sink {
  void put(const ccpulse::engine::interaction_state&) override { ++records; }
  void put(const ccpulse::engine::queue_state&) override { ++records; }
  void put(const ccpulse::engine::partition_meta_state&) override { ++records; }
  void put(const ccpulse::engine::dedup_chunk&) override { ++records; }
  void put_bucket(const ccpulse::metrics::window_bucket_state&) override { ++records; }
  void put_clock(const ccpulse::metrics::window_clock_state&) override { ++records; }
  void erase_bucket(const ccpulse::metrics::window_state_key&) override { ++records; }
  void erase(const ccpulse::engine::state_key&) override { ++records; }
  std::size_t records = 0;
};
counting_sink sink;

// One round: `n` contacts, each created, queued, answered within the target
// (no alert) and resolved, one contact starting per 100 ms.
void run_round(ccpulse::engine::partition& p, ccpulse::engine::outputs& out, const traffic& t,
               std::size_t round, std::size_t n, instant start) {
  static constexpr event_kind kinds[] = {event_kind::interaction_created, event_kind::queued,
                                         event_kind::answered, event_kind::resolved};
  for (std::size_t i = 0; i < n; ++i) {
    const instant at = start + i * 100ms;
    for (std::size_t k = 0; k < 4; ++k) {
      event e;
      e.event_id = t.event_ids[(round * n + i) * 4 + k];
      e.interaction_id = t.interaction_ids[round * n + i];
      e.chan = ccpulse::channel::voice;
      e.queue_id = "sales";
      e.priority = 2;
      e.customer_tier = "gold";
      e.kind = kinds[k];
      e.occurred_at = at + k * 2s;
      p.apply(e, out);
    }
    p.advance(at, true, out);
    // A commit every 100 events: the changelog drains what changed.
    if (i % 100 == 99) p.drain_changes(sink);
  }
}

}  // namespace

TEST_CASE("a warmed-up partition applies a steady stream without allocating") {
  ccpulse::engine::engine_settings s;
  s.queues = {{"sales", 20s}};
  s.linger = 1min;
  s.dedup_horizon = 1min;
  ccpulse::sla::target answer;
  answer.default_duration = 30s;
  ccpulse::sla::policy pol{"voice", {}, {answer}};
  ccpulse::engine::engine eng(s, ccpulse::sla::policy_set({pol}));
  auto& p = eng.assign(0, instant{});
  ccpulse::engine::outputs out;

  constexpr std::size_t n = 3000;  // 5 minutes of contacts per round
  constexpr std::size_t rounds = 6;
  traffic t;
  for (std::size_t i = 0; i < rounds * n; ++i) {
    t.interaction_ids.push_back("interaction-" + std::to_string(i));
    for (int k = 0; k < 4; ++k) t.event_ids.push_back("event-" + std::to_string(i) + "-" + std::to_string(k));
  }
  const instant t0 = instant{std::chrono::seconds(1'800'000'000)};
  // Warm-up: tables, timer slab and dedup generations reach their steady size.
  for (std::size_t r = 0; r + 1 < rounds; ++r) run_round(p, out, t, r, n, t0 + r * n * 100ms);

  std::size_t allocations = 0;
  {
    ccpulse::test::allocation_scope counting;
    run_round(p, out, t, rounds - 1, n, t0 + (rounds - 1) * n * 100ms);
    allocations = counting.count();
  }

  CHECK(out.alerts.empty());
  CHECK(p.probe().duplicates == 0);
  CHECK(sink.records > 4 * n / 100);  // the changelog really ran
  // 12,000 events: flat tables may still rehash in place now and then (an
  // erase can shrink their usable capacity), but never once per event.
  MESSAGE("allocations during ", 4 * n, " events: ", allocations);
  CHECK(allocations <= 4 * n / 1000);
}
