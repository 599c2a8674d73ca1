// "Serialise at any point, restore, continue = same output" (CONVENTIONS.md)
// for partition_metrics: a seeded random event sequence goes to A, whose
// drains fill a compacted store; at a random point B restores from the store
// and both continue with the same events: every read must be equal.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "metrics/metrics_test_names.h"
#include "metrics/partition_metrics.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::channel;
using ccpulse::duration;
using ccpulse::instant;
using namespace ccpulse::metrics;
using ccpulse::test::metrics_test_names;

// 2027-01-15 21:00 UTC = 22:00 in Europe/Berlin: the run crosses midnight.
const instant start = instant{std::chrono::seconds(1'800'000'000)} + 13h;

// The compacted topic: the last put per key, tombstones delete.
struct store final : window_state_sink {
  using key = std::tuple<window_bucket_kind, scope_kind, std::string, std::int64_t>;
  std::map<key, window_bucket_state> buckets;
  std::optional<window_clock_state> clock;
  std::size_t puts = 0, erases = 0;

  void put_bucket(const window_bucket_state& s) override {
    ++puts;
    buckets[{s.kind, s.scope, s.scope_name, ccpulse::to_unix_micros(s.start)}] = s;
  }
  void put_clock(const window_clock_state& s) override { clock = s; }
  void erase_bucket(const window_state_key& k) override {
    ++erases;
    buckets.erase({k.kind, k.scope, std::string(k.scope_name), ccpulse::to_unix_micros(k.start)});
  }
  void replay(partition_metrics& into) const {
    if (clock) into.restore(*clock);
    for (const auto& [k, s] : buckets) into.restore(s);
  }
};

struct event {
  int kind;
  contact_scope scope;
  instant t;
  duration d;
  int n;
};

std::vector<event> events(std::uint32_t seed, std::size_t count) {
  std::mt19937 rng(seed);
  std::vector<event> out;
  instant clock = start;
  for (std::size_t i = 0; i < count; ++i) {
    clock += duration{std::uniform_int_distribution<std::int64_t>(0, 4'000'000)(rng)};
    event e;
    e.kind = std::uniform_int_distribution<int>(0, 13)(rng);
    const int q = std::uniform_int_distribution<int>(-1, 5)(rng);
    e.scope.queue = q < 0 ? std::nullopt : std::optional<queue_index>(static_cast<queue_index>(q));
    e.scope.chan = static_cast<channel>(std::uniform_int_distribution<int>(0, 3)(rng));
    // Out of order by up to 40 s; now and then an hour late.
    e.t = clock - duration{std::uniform_int_distribution<std::int64_t>(0, 40'000'000)(rng)};
    if (i % 97 == 0) e.t -= 70min;
    e.d = duration{std::uniform_int_distribution<std::int64_t>(0, 600'000'000)(rng)};
    e.n = std::uniform_int_distribution<int>(0, 11)(rng);
    out.push_back(e);
  }
  return out;
}

void apply(partition_metrics& m, const event& e) {
  const auto s = e.scope;
  const bool flag = e.n % 2 == 0;
  const auto reason = static_cast<reason_index>(e.n % 4);
  switch (e.kind) {
    case 0: m.on_offered(s, e.t); break;
    case 1: m.on_answered(s, e.t, e.d, flag); break;
    case 2: m.on_abandoned(s, e.t, e.n < 3, flag); break;
    case 3: m.on_flowed_out(s, e.t, flag); break;
    case 4: m.on_crossed_T(s, e.t); break;
    case 5: m.on_handled(s, e.t, e.d, e.d / 7, e.d / 3); break;
    case 6: m.on_first_response(s, e.t, e.d); break;
    case 7: m.on_next_reply(s, e.t, e.d); break;
    case 8: m.on_resolved(s, e.t, e.d * 20, flag); break;
    case 9: m.on_transferred(s, e.t, reason); break;
    case 10: m.on_escalated(s, e.t, reason); break;
    case 11: m.on_csat(s, e.t, e.n % 7); break;
    case 12: m.on_nps(s, e.t, e.n); break;
    default: m.on_agent_time(s, e.t, e.d, e.d / 2); break;
  }
  if (e.n == 0) m.advance(e.t);
}

partition_metrics make(metrics_test_names& names) {
  std::string error;
  auto cal = calendar_intervals::create("Europe/Berlin", error);
  REQUIRE(cal);
  auto m = partition_metrics::create({}, *cal, names, error);
  REQUIRE(m);
  return std::move(*m);
}

std::vector<scope_id> all_scopes() {
  std::vector<scope_id> out{scope_id::overall()};
  for (int c = 0; c < ccpulse::channel_count; ++c) out.push_back(scope_id::of(static_cast<channel>(c)));
  for (queue_index q = 0; q < 7; ++q) out.push_back(scope_id::queue(q));
  return out;
}

// Every read of every scope equal; returns how many reads held data.
int check_equal(const partition_metrics& a, const partition_metrics& b) {
  REQUIRE(a.head() == b.head());
  int non_empty = 0;
  for (const auto s : all_scopes()) {
    for (const duration len : {duration{10s}, duration{15min}, duration{1h}}) {
      const auto va = a.read_sliding(s, len);
      const auto vb = b.read_sliding(s, len);
      REQUIRE(va);
      REQUIRE(vb);
      CHECK(*va == *vb);
      non_empty += va->counts.empty() ? 0 : 1;
    }
    for (const auto p : {calendar_part::current_interval, calendar_part::previous_interval, calendar_part::today}) {
      const auto va = a.read_calendar(s, p);
      const auto vb = b.read_calendar(s, p);
      CHECK(va == vb);
      non_empty += va.counts.empty() ? 0 : 1;
    }
  }
  return non_empty;
}

}  // namespace

TEST_CASE("partition metrics: restored at a random point from its drained records, a copy reads the same ever after") {
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    const auto evs = events(seed, 9000);
    std::mt19937 rng(seed * 7919);
    const std::size_t cut = std::uniform_int_distribution<std::size_t>(500, evs.size() - 500)(rng);
    metrics_test_names names_a(6, 4), names_b(6, 4);
    auto a = make(names_a);
    store topic;
    for (std::size_t i = 0; i < cut; ++i) {
      apply(a, evs[i]);
      if (i % 40 == 0) a.drain(topic);  // a commit
    }
    a.drain(topic);
    CHECK(topic.erases > 0);  // the run crosses an hour and midnight: buckets were tombstoned

    auto b = make(names_b);
    topic.replay(b);
    b.finish_restore();
    CHECK(b.probe().restore_skipped == 0);
    CHECK(check_equal(a, b) > 20);

    store topic_b;
    for (std::size_t i = cut; i < evs.size(); ++i) {
      apply(a, evs[i]);
      apply(b, evs[i]);
      if (i % 40 == 0) {
        a.drain(topic);
        b.drain(topic_b);
      }
      if (i % 1500 == 0) check_equal(a, b);
    }
    CHECK(check_equal(a, b) > 20);
    CHECK(b.probe().late > 0);  // the hour-late events were refused after the restore too
  }
}

TEST_CASE("partition metrics: records of another bucket width or an unknown scope are skipped and tombstoned") {
  metrics_test_names names(1);
  auto m = make(names);
  window_bucket_state r;
  r.kind = window_bucket_kind::counters;
  r.scope = scope_kind::overall;
  r.start = start;
  r.width = 1min;  // this build uses 10 s
  r.counts.offered = 5;
  m.restore(r);
  r.width = 10s;
  r.scope = scope_kind::channel;
  r.scope_name = "fax";
  m.restore(r);
  r.scope = scope_kind::overall;
  r.scope_name = "";
  r.start = start + 10s;
  m.restore(r);
  m.restore(window_clock_state{start + 20s});
  m.finish_restore();
  CHECK(m.probe().restore_skipped == 2);
  CHECK(m.read_sliding(scope_id::overall(), 1min)->counts.offered == 5);
  store topic;
  m.drain(topic);
  CHECK(topic.erases == 2);
}
