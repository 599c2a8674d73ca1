// Out-of-order and hostile input (DESIGN.md §4): every (state, event) pair
// has a defined result, none leaves a clock running forever or a waiting
// gauge stuck, and one bad timestamp cannot move a partition's clock.
#include <doctest/doctest.h>

#include <deque>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/partition.h"
#include "metrics/queue_counters.h"
#include "model/event.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::channel;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using ccpulse::instant_max;
using namespace ccpulse::engine;
using ccpulse::sla::alert_kind;

const instant t0 = from_unix_micros(1'800'000'000'000'000);

ccpulse::sla::policy_set voice_30s() {
  ccpulse::sla::target answer;
  answer.type = ccpulse::sla::target_type::answer;
  answer.default_duration = 30s;
  ccpulse::sla::policy p{"voice", {}, {answer}};
  return ccpulse::sla::policy_set({p});
}

struct rig {
  explicit rig(engine_settings s = defaults(), ccpulse::sla::policy_set p = voice_30s())
      : eng(std::move(s), std::move(p)), part(eng.assign(0, t0)) {}
  static engine_settings defaults() {
    engine_settings s;
    s.queues = {{"sales", 20s}};
    return s;
  }
  apply_result apply(event_kind k, std::string_view ia, instant at, std::string_view queue = "sales") {
    ids.push_back("ev-" + std::to_string(ids.size()));
    event e;
    e.event_id = ids.back();
    e.kind = k;
    e.interaction_id = ia;
    e.occurred_at = at;
    e.chan = channel::voice;
    e.queue_id = queue;
    e.priority = 2;
    e.customer_tier = tier;
    return part.apply(e, out);
  }
  std::vector<ccpulse::sla::sla_alert> advance(instant t) {
    part.advance(t, true, out);
    auto a = out.alerts;
    out.clear();
    return a;
  }
  ccpulse::metrics::queue_counters q(std::string_view name) {
    std::vector<ccpulse::metrics::queue_counters> all;
    eng.collect(all);
    for (std::size_t i = 0; i < all.size(); ++i)
      if (eng.context().queues.name(static_cast<ccpulse::metrics::queue_index>(i)) == name) return all[i];
    return {};
  }
  engine eng;
  partition& part;
  outputs out;
  std::deque<std::string> ids;
  std::string tier = "gold";
};

}  // namespace

TEST_CASE("an abandoned delivered before its queued counts the abandon and runs no clock") {
  rig r;
  CHECK(r.apply(event_kind::abandoned, "ia-1", t0 + 12s).status == apply_status::applied);
  CHECK(r.apply(event_kind::queued, "ia-1", t0 + 10s).status == apply_status::applied);
  const auto c = r.q("sales");
  CHECK(c.offered == 1);
  CHECK(c.abandoned == 1);
  CHECK(c.short_abandoned == 1);  // 2 s < short_abandon
  CHECK(c.waiting == 0);
  CHECK(c.oldest_waiting_since == instant_max);
  CHECK(r.part.probe().out_of_order == 1);
  CHECK(r.advance(t0 + 1h).empty());  // never breaches
}

TEST_CASE("a queued stamped before its interaction closed is rejected with a reason") {
  rig r;
  r.apply(event_kind::interaction_created, "ia-1", t0);
  r.apply(event_kind::resolved, "ia-1", t0 + 20s);
  auto res = r.apply(event_kind::queued, "ia-1", t0 + 5s);
  CHECK(res.status == apply_status::rejected);
  CHECK(res.reason == "queued_before_close");
  CHECK(r.q("sales").waiting == 0);
  CHECK(r.advance(t0 + 1h).empty());
}

TEST_CASE("a queued after the close reopens the interaction with a new cycle") {
  rig r;
  r.apply(event_kind::queued, "ia-1", t0);
  r.apply(event_kind::abandoned, "ia-1", t0 + 3s);
  r.apply(event_kind::queued, "ia-1", t0 + 60s);  // called back in
  auto a = r.advance(t0 + 60s + 31s);
  REQUIRE(a.size() == 2);
  CHECK(a[1].kind == alert_kind::breached);
  CHECK(a[1].cycle == 2);
}

TEST_CASE("a creating event older than the linger behind the watermark is rejected as too late") {
  rig r;
  r.apply(event_kind::queued, "ia-1", t0 + 1h);
  auto res = r.apply(event_kind::queued, "ia-old", t0);
  CHECK(res.status == apply_status::rejected);
  CHECK(res.reason == "too_late_for_unknown_interaction");
  CHECK(r.part.open_interactions() == 1);
  // Within the linger it still applies.
  CHECK(r.apply(event_kind::queued, "ia-2", t0 + 55min).status == apply_status::applied);
}

TEST_CASE("a queued stamped after its answered counts as answered at once, with no clock") {
  rig r;
  r.apply(event_kind::answered, "ia-1", t0);
  r.apply(event_kind::queued, "ia-1", t0 + 2s);
  const auto c = r.q("sales");
  CHECK(c.offered == 1);
  CHECK(c.answered == 1);
  CHECK(c.answered_wait_sum == 0s);
  CHECK(c.waiting == 0);
  CHECK(r.advance(t0 + 1h).empty());
}

TEST_CASE("the oldest-contact gauge stays right when a neighbour in the waiting order leaves") {
  rig r;
  r.apply(event_kind::queued, "a", t0);
  r.apply(event_kind::queued, "b", t0 + 1s);
  r.apply(event_kind::queued, "c", t0 + 2s);
  r.apply(event_kind::answered, "b", t0 + 3s);
  CHECK(r.q("sales").oldest_waiting_since == t0);
  r.apply(event_kind::answered, "a", t0 + 4s);
  CHECK(r.q("sales").oldest_waiting_since == t0 + 2s);
}

TEST_CASE("heap compaction keeps the contact that just joined the queue") {
  rig r;
  // Many contacts come and go while one stays: compaction runs on a queued
  // event, and must not drop that event's own entry.
  r.apply(event_kind::queued, "stays", t0);
  for (int i = 0; i < 200; ++i) {
    const auto id = "x" + std::to_string(i);
    r.apply(event_kind::queued, id, t0 + std::chrono::milliseconds(10 * i + 1));
    r.apply(event_kind::answered, id, t0 + std::chrono::milliseconds(10 * i + 2));
  }
  r.apply(event_kind::queued, "late-joiner", t0 + 5s);
  r.apply(event_kind::answered, "stays", t0 + 6s);
  CHECK(r.q("sales").waiting == 1);
  CHECK(r.q("sales").oldest_waiting_since == t0 + 5s);
}

TEST_CASE("a contact nothing ends leaves its queue after max_wait, and the interaction after max_open_age") {
  auto s = rig::defaults();
  s.max_wait = 10min;
  s.max_open_age = 1h;
  rig r(s);
  r.apply(event_kind::queued, "lost", t0);
  auto a = r.advance(t0 + 9min);
  CHECK(a.size() == 2);  // at risk, breached: the clock did its job
  CHECK(r.q("sales").waiting == 1);
  r.advance(t0 + 10min);
  CHECK(r.q("sales").waiting == 0);
  CHECK(r.q("sales").expired_waits == 1);
  CHECK(r.q("sales").oldest_waiting_since == instant_max);
  CHECK(r.part.probe().expired_waits == 1);
  CHECK(r.part.open_interactions() == 1);
  r.advance(t0 + 1h);
  CHECK(r.part.open_interactions() == 0);
  CHECK(r.part.probe().expired_interactions == 1);
}

TEST_CASE("one far-future event does not move the watermark, a second one confirms the jump") {
  rig r;
  r.apply(event_kind::queued, "a", t0);
  const auto before = r.part.watermark();
  r.apply(event_kind::interaction_created, "broken-clock", t0 + 50h);
  CHECK(r.part.watermark() == before);
  r.apply(event_kind::interaction_created, "b", t0 + 1s);
  CHECK(r.part.probe().future_outliers == 1);
  CHECK(r.part.watermark() == t0 + 1s - 30s);
  // A real gap (a quiet night): two events agree.
  r.apply(event_kind::interaction_created, "c", t0 + 9h);
  r.apply(event_kind::interaction_created, "d", t0 + 9h + 1s);
  CHECK(r.part.watermark() == t0 + 9h - 30s);
}

TEST_CASE("a far-future event does not wipe dedup memory") {
  rig r;
  event e;
  e.event_id = "same";
  e.kind = event_kind::interaction_created;
  e.interaction_id = "ia-1";
  e.occurred_at = t0;
  e.chan = channel::voice;
  CHECK(r.part.apply(e, r.out).status == apply_status::applied);
  r.apply(event_kind::interaction_created, "broken-clock", t0 + 50h);
  e.occurred_at = t0 + 1s;
  CHECK(r.part.apply(e, r.out).status == apply_status::duplicate);
}

TEST_CASE("dedup memory has a cap: past it the older generation goes early, counted") {
  auto s = rig::defaults();
  s.dedup_max_ids = 100;
  rig r(s);
  for (int i = 0; i < 350; ++i) r.apply(event_kind::interaction_created, "ia-" + std::to_string(i), t0);
  CHECK(r.part.dedup_size() <= 200);
  CHECK(r.part.probe().dedup_forced_rotations == 3);
}

TEST_CASE("policy matching sees every tier, however many the input brings") {
  ccpulse::sla::target answer;
  answer.type = ccpulse::sla::target_type::answer;
  answer.default_duration = 10s;
  ccpulse::sla::policy vip{"vip", {}, {answer}};
  vip.match.tiers = {"platinum"};
  rig r(rig::defaults(), ccpulse::sla::policy_set({vip}));
  for (int i = 0; i < 100; ++i) {
    r.tier = "tier-" + std::to_string(i);
    r.apply(event_kind::interaction_created, "filler-" + std::to_string(i), t0);
  }
  r.tier = "platinum";
  r.apply(event_kind::queued, "vip-1", t0);
  auto a = r.advance(t0 + 11s);
  REQUIRE(a.size() == 2);
  CHECK(a[0].tier == "platinum");
}

TEST_CASE("alerts name the real queue even past the label cap") {
  auto s = rig::defaults();
  s.max_queues = 2;
  rig r(s);
  r.apply(event_kind::queued, "a", t0, "q-one");
  r.apply(event_kind::queued, "b", t0, "q-two");
  r.apply(event_kind::queued, "c", t0, "q-three");
  auto a = r.advance(t0 + 31s);
  REQUIRE(a.size() == 6);
  bool saw_three = false;
  for (const auto& x : a) saw_three |= x.queue == "q-three";
  CHECK(saw_three);
  CHECK(r.q("other").offered == 2);  // q-two and q-three share the label
}

TEST_CASE("past max_open_interactions a creating event is refused with state_full, held ones go on") {
  auto s = rig::defaults();
  s.max_open_interactions = 2;
  s.linger = 1min;
  rig r(s);
  CHECK(r.apply(event_kind::queued, "a", t0).status == apply_status::applied);
  CHECK(r.apply(event_kind::queued, "b", t0 + 1s).status == apply_status::applied);
  const auto refused = r.apply(event_kind::queued, "c", t0 + 2s);
  CHECK(refused.status == apply_status::rejected);
  CHECK(refused.reason == "state_full");
  CHECK(r.part.open_interactions() == 2);
  CHECK(r.part.probe().refused_interactions == 1);
  // An interaction already held still applies, and counts.
  CHECK(r.apply(event_kind::answered, "a", t0 + 5s).status == apply_status::applied);
  CHECK(r.q("sales").answered == 1);
  CHECK(r.q("sales").offered == 2);
  // Once a record leaves (closed, then past its linger) there is room again.
  CHECK(r.apply(event_kind::resolved, "a", t0 + 10s).status == apply_status::applied);
  r.advance(t0 + 10s + 1min + 1s);
  CHECK(r.part.open_interactions() == 1);
  CHECK(r.apply(event_kind::queued, "c", t0 + 2min).status == apply_status::applied);
  CHECK(r.part.probe().refused_interactions == 1);
}
