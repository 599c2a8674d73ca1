#include "engine/partition.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/engine_settings.h"
#include "engine/outputs.h"
#include "metrics/queue_counters.h"
#include "model/event.h"
#include "model/time.h"
#include "sla/alert.h"
#include "sla/policy.h"

namespace {

using ccpulse::channel;
using ccpulse::duration;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using ccpulse::instant_max;
using ccpulse::engine::apply_status;
using ccpulse::engine::engine_settings;
using ccpulse::engine::outputs;
using ccpulse::metrics::queue_counters;
using ccpulse::sla::alert_kind;
using ccpulse::sla::make_alert_id;
using ccpulse::sla::policy;
using ccpulse::sla::policy_set;
using ccpulse::sla::severity;
using ccpulse::sla::sla_alert;
using ccpulse::sla::target;
using ccpulse::sla::target_type;
using namespace std::chrono_literals;

const instant t0 = from_unix_micros(1'700'000'000'000'000);

engine_settings default_settings() {
  engine_settings s;
  s.queues = {{"sales", 20s}, {"billing", 10s}};
  return s;
}

target answer(duration d) {
  target t;
  t.type = target_type::answer;
  t.default_duration = d;
  return t;
}

// voice-std: voice, 30 s (10 s for priority 1), at risk at 80 %.
// email-lead: email, 1 h, at risk 15 min before the deadline.
// Chat matches no policy.
policy_set default_policies() {
  policy voice;
  voice.name = "voice-std";
  voice.match.channels = {channel::voice};
  voice.targets.push_back(answer(30s));
  voice.targets.back().by_priority = {{1, 10s}};

  policy email;
  email.name = "email-lead";
  email.match.channels = {channel::email};
  email.targets.push_back(answer(1h));
  email.targets.back().at_risk.how = ccpulse::sla::at_risk_threshold::mode::lead;
  email.targets.back().at_risk.lead = 15min;
  return policy_set({voice, email});
}

// A voice contact for queue sales, priority 2, tier gold, unless changed.
event ev(event_kind k, std::string_view ia, instant at) {
  event e;
  e.kind = k;
  e.interaction_id = ia;
  e.occurred_at = at;
  e.chan = channel::voice;
  e.queue_id = "sales";
  e.priority = 2;
  e.customer_tier = "gold";
  return e;
}

event in_queue(event e, std::string_view q) {
  e.queue_id = q;
  return e;
}

// One engine with partition 0 started at t0, an outputs buffer and event ids
// made up on demand (kept alive in a deque).
struct harness {
  explicit harness(engine_settings s = default_settings(), policy_set p = default_policies())
      : eng(std::move(s), std::move(p)), part(eng.assign(0, t0)) {}

  ccpulse::engine::apply_result apply(event e) {
    if (e.event_id.empty()) {
      ids.push_back("ev-" + std::to_string(ids.size()));
      e.event_id = ids.back();
    }
    return part.apply(e, out);
  }
  std::vector<sla_alert> take() {
    std::vector<sla_alert> a = out.alerts;
    out.clear();
    return a;
  }
  std::vector<sla_alert> advance(instant t, bool live = true) {
    part.advance(t, live, out);
    return take();
  }
  queue_counters counters(std::string_view queue) {
    std::vector<queue_counters> all;
    eng.collect(all);
    for (std::size_t i = 0; i < all.size(); ++i)
      if (eng.context().queues.name(static_cast<ccpulse::metrics::queue_index>(i)) == queue) return all[i];
    FAIL("queue not registered: " << queue);
    return {};
  }

  ccpulse::engine::engine eng;
  ccpulse::engine::partition& part;
  outputs out;
  std::deque<std::string> ids;
};

}  // namespace

// ---------------------------------------------------------------------------
// SLA clock: at risk, breach, recovered, cancelled
// ---------------------------------------------------------------------------

TEST_CASE("queued raises AT_RISK at the fraction of the target with every field set") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  CHECK(h.take().empty());
  CHECK(h.advance(t0 + 24s - 1us).empty());

  auto a = h.advance(t0 + 24s);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].alert_id == make_alert_id("ia-1", "voice-std", target_type::answer, 1, alert_kind::at_risk));
  CHECK(a[0].policy == "voice-std");
  CHECK(a[0].target == target_type::answer);
  CHECK(a[0].cycle == 1);
  CHECK(a[0].interaction_id == "ia-1");
  CHECK(a[0].chan == channel::voice);
  CHECK(a[0].queue == "sales");
  CHECK(a[0].priority == 2);
  CHECK(a[0].tier == "gold");
  CHECK(a[0].started_at == t0);
  CHECK(a[0].deadline == t0 + 30s);
  CHECK(a[0].elapsed == 24s);
  CHECK(a[0].remaining == 6s);
  CHECK(a[0].level == severity::warning);
  CHECK(a[0].event_time == t0 + 24s);
  CHECK_FALSE(a[0].late);
  CHECK(h.part.probe().alerts[static_cast<std::size_t>(alert_kind::at_risk)] == 1);
}

TEST_CASE("the deadline raises BREACHED once, only when advance reaches it") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  REQUIRE(h.advance(t0 + 24s).size() == 1);
  CHECK(h.advance(t0 + 24s).empty());  // AT_RISK is not repeated
  CHECK(h.advance(t0 + 30s - 1us).empty());

  auto a = h.advance(t0 + 30s);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::breached);
  CHECK(a[0].alert_id == make_alert_id("ia-1", "voice-std", target_type::answer, 1, alert_kind::breached));
  CHECK(a[0].cycle == 1);
  CHECK(a[0].started_at == t0);
  CHECK(a[0].deadline == t0 + 30s);
  CHECK(a[0].elapsed == 30s);
  CHECK(a[0].remaining == 0s);
  CHECK(a[0].level == severity::critical);
  CHECK(a[0].event_time == t0 + 30s);
  CHECK_FALSE(a[0].late);

  CHECK(h.advance(t0 + 2h).empty());
  // Answered after the breach: the breach is final, no RECOVERED.
  h.apply(ev(event_kind::answered, "ia-1", t0 + 40s));
  CHECK(h.take().empty());
  CHECK(h.part.probe().alerts[static_cast<std::size_t>(alert_kind::breached)] == 1);
  CHECK(h.part.probe().alerts[static_cast<std::size_t>(alert_kind::recovered)] == 0);
}

TEST_CASE("one advance past both thresholds raises AT_RISK then BREACHED in order") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  auto a = h.advance(t0 + 31s);
  REQUIRE(a.size() == 2);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].elapsed == 24s);
  CHECK(a[1].kind == alert_kind::breached);
  CHECK(a[1].elapsed == 30s);
  // Raised at the effective time, 7 s and 1 s after their due times.
  CHECK(a[0].event_time == t0 + 31s);
  CHECK(a[1].event_time == t0 + 31s);
  CHECK(a[0].late);        // 7 s > late_tolerance
  CHECK_FALSE(a[1].late);  // exactly late_tolerance is still on time
}

TEST_CASE("an at-risk lead raises AT_RISK that long before the deadline") {
  harness h;
  auto q = ev(event_kind::queued, "mail-1", t0);
  q.chan = channel::email;
  h.apply(q);
  CHECK(h.advance(t0 + 45min - 1us).empty());
  auto a = h.advance(t0 + 45min);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].policy == "email-lead");
  CHECK(a[0].chan == channel::email);
  CHECK(a[0].deadline == t0 + 1h);
  CHECK(a[0].elapsed == 45min);
  CHECK(a[0].remaining == 15min);

  auto b = h.advance(t0 + 1h);
  REQUIRE(b.size() == 1);
  CHECK(b[0].kind == alert_kind::breached);
}

TEST_CASE("the target duration follows the interaction's priority") {
  harness h;
  auto urgent = ev(event_kind::queued, "p1", t0);
  urgent.priority = 1;
  auto unset = ev(event_kind::queued, "p0", t0);
  unset.priority = 0;
  h.apply(urgent);
  h.apply(unset);
  h.apply(ev(event_kind::queued, "p2", t0));

  // Priority 1: 10 s target, at risk at 8 s. The others use the 30 s default.
  auto a = h.advance(t0 + 10s);
  REQUIRE(a.size() == 2);
  CHECK(a[0].interaction_id == "p1");
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].priority == 1);
  CHECK(a[0].elapsed == 8s);
  CHECK(a[0].deadline == t0 + 10s);
  CHECK(a[1].interaction_id == "p1");
  CHECK(a[1].kind == alert_kind::breached);

  auto b = h.advance(t0 + 24s);
  REQUIRE(b.size() == 2);
  CHECK(b[0].interaction_id == "p0");  // queued first: same due, schedule order
  CHECK(b[0].priority == 0);
  CHECK(b[0].deadline == t0 + 30s);
  CHECK(b[1].interaction_id == "p2");
  CHECK(b[1].deadline == t0 + 30s);
}

TEST_CASE("the clock comes from the first policy in order whose match accepts") {
  policy resolution_only;  // matches everything but has no answer target
  resolution_only.name = "resolution-only";
  resolution_only.targets.push_back(answer(1h));
  resolution_only.targets.back().type = target_type::resolution;
  policy vip;
  vip.name = "vip";
  vip.match.tiers = {"gold"};
  vip.targets.push_back(answer(10s));
  policy standard;
  standard.name = "standard";
  standard.targets.push_back(answer(100s));
  policy never;  // would match gold too, but comes after vip
  never.name = "never";
  never.targets.push_back(answer(1s));

  harness h(default_settings(), policy_set({resolution_only, vip, standard, never}));
  h.apply(ev(event_kind::queued, "gold-1", t0));
  auto silver = ev(event_kind::queued, "silver-1", t0);
  silver.customer_tier = "silver";
  h.apply(silver);

  auto a = h.advance(t0 + 10s);
  REQUIRE(a.size() == 2);
  CHECK(a[0].interaction_id == "gold-1");
  CHECK(a[0].policy == "vip");
  CHECK(a[0].tier == "gold");
  CHECK(a[0].deadline == t0 + 10s);
  CHECK(a[1].kind == alert_kind::breached);

  auto b = h.advance(t0 + 80s);
  REQUIRE(b.size() == 1);
  CHECK(b[0].interaction_id == "silver-1");
  CHECK(b[0].policy == "standard");
  CHECK(b[0].tier == "silver");
  CHECK(b[0].deadline == t0 + 100s);
}

TEST_CASE("an interaction no policy matches runs no clock but is still counted") {
  harness h;
  auto q = ev(event_kind::queued, "chat-1", t0);
  q.chan = channel::chat;
  h.apply(q);
  CHECK(h.part.pending_timers() == 1);  // housekeeping (max_wait) only
  CHECK(h.advance(t0 + 1h).empty());
  const auto c = h.counters("sales");
  CHECK(c.offered == 1);
  CHECK(c.waiting == 1);
}

TEST_CASE("two interactions in different queues raise their alerts in due order") {
  harness h;
  h.apply(ev(event_kind::queued, "a", t0));
  h.apply(in_queue(ev(event_kind::queued, "b", t0 + 5s), "billing"));

  auto a = h.advance(t0 + 40s);
  REQUIRE(a.size() == 4);
  CHECK(a[0].interaction_id == "a");
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].queue == "sales");
  CHECK(a[1].interaction_id == "b");
  CHECK(a[1].kind == alert_kind::at_risk);
  CHECK(a[1].queue == "billing");
  CHECK(a[1].elapsed == 24s);
  CHECK(a[2].interaction_id == "a");
  CHECK(a[2].kind == alert_kind::breached);
  CHECK(a[3].interaction_id == "b");
  CHECK(a[3].kind == alert_kind::breached);
  CHECK(a[3].started_at == t0 + 5s);
  CHECK(a[3].deadline == t0 + 35s);
  for (const auto& x : a) {
    CHECK(x.event_time == t0 + 40s);
    CHECK(x.late);  // every due time is more than 1 s behind t0 + 40 s
  }
}

TEST_CASE("answered after AT_RISK and before the deadline raises RECOVERED") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  REQUIRE(h.advance(t0 + 25s).size() == 1);
  h.apply(ev(event_kind::answered, "ia-1", t0 + 27s));
  auto a = h.take();
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::recovered);
  CHECK(a[0].alert_id == make_alert_id("ia-1", "voice-std", target_type::answer, 1, alert_kind::recovered));
  CHECK(a[0].level == severity::info);
  CHECK(a[0].cycle == 1);
  CHECK(a[0].elapsed == 27s);
  CHECK(a[0].remaining == 3s);
  CHECK(a[0].deadline == t0 + 30s);
  CHECK(a[0].event_time == t0 + 27s);  // later than the partition's effective time
  CHECK_FALSE(a[0].late);
  CHECK(h.advance(t0 + 1h).empty());  // no breach for a stopped clock
}

TEST_CASE("leaving the queue after AT_RISK and before the deadline raises CANCELLED") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  REQUIRE(h.advance(t0 + 24s).size() == 1);

  event stop;
  SUBCASE("abandoned") { stop = ev(event_kind::abandoned, "ia-1", t0 + 26s); }
  SUBCASE("transferred") { stop = ev(event_kind::transferred, "ia-1", t0 + 26s); }
  SUBCASE("resolved") { stop = ev(event_kind::resolved, "ia-1", t0 + 26s); }
  h.apply(stop);

  auto a = h.take();
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::cancelled);
  CHECK(a[0].alert_id == make_alert_id("ia-1", "voice-std", target_type::answer, 1, alert_kind::cancelled));
  CHECK(a[0].level == severity::info);
  CHECK(a[0].elapsed == 26s);
  CHECK(a[0].remaining == 4s);
  CHECK(a[0].event_time == t0 + 26s);
  CHECK(h.advance(t0 + 1h).empty());
  CHECK(h.counters("sales").waiting == 0);
}

TEST_CASE("a clock stopped before AT_RISK raises nothing") {
  harness h;
  h.apply(ev(event_kind::queued, "answered", t0));
  h.apply(ev(event_kind::queued, "abandoned", t0));
  h.apply(ev(event_kind::queued, "resolved", t0));
  h.apply(ev(event_kind::queued, "transferred", t0));
  h.apply(ev(event_kind::answered, "answered", t0 + 23s));
  h.apply(ev(event_kind::abandoned, "abandoned", t0 + 23s));
  h.apply(ev(event_kind::resolved, "resolved", t0 + 23s));
  h.apply(ev(event_kind::transferred, "transferred", t0 + 23s));
  CHECK(h.take().empty());
  // The linger of abandoned and resolved, max_open_age of the other two.
  CHECK(h.part.pending_timers() == 4);
  CHECK(h.advance(t0 + 1h).empty());
}

TEST_CASE("an answer exactly at the deadline meets it") {
  harness h;
  SUBCASE("after AT_RISK: RECOVERED with nothing remaining") {
    h.apply(ev(event_kind::queued, "ia-1", t0));
    REQUIRE(h.advance(t0 + 24s).size() == 1);
    h.apply(ev(event_kind::answered, "ia-1", t0 + 30s));
    auto a = h.take();
    REQUIRE(a.size() == 1);
    CHECK(a[0].kind == alert_kind::recovered);
    CHECK(a[0].elapsed == 30s);
    CHECK(a[0].remaining == 0s);
    CHECK_FALSE(a[0].late);
  }
  SUBCASE("before AT_RISK was raised: AT_RISK after the fact, then RECOVERED") {
    h.apply(ev(event_kind::queued, "ia-1", t0));
    h.apply(ev(event_kind::answered, "ia-1", t0 + 30s));
    auto a = h.take();
    REQUIRE(a.size() == 2);
    CHECK(a[0].kind == alert_kind::at_risk);
    CHECK(a[0].late);
    CHECK(a[0].elapsed == 24s);
    CHECK(a[1].kind == alert_kind::recovered);
  }
  CHECK(h.advance(t0 + 1h).empty());
  CHECK(h.part.probe().alerts[static_cast<std::size_t>(alert_kind::breached)] == 0);
}

TEST_CASE("a clock stopped after its unraised deadline raises a late BREACHED measured to the deadline") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  SUBCASE("answered one microsecond late") { h.apply(ev(event_kind::answered, "ia-1", t0 + 30s + 1us)); }
  SUBCASE("abandoned much later") { h.apply(ev(event_kind::abandoned, "ia-1", t0 + 5min)); }
  auto all = h.take();
  // The at-risk point passed too, in event time: reported first, late.
  REQUIRE(all.size() == 2);
  CHECK(all[0].kind == alert_kind::at_risk);
  CHECK(all[0].late);
  CHECK(all[0].deadline == t0 + 30s);
  const std::vector<sla_alert> a{all[1]};
  CHECK(a[0].kind == alert_kind::breached);
  CHECK(a[0].alert_id == make_alert_id("ia-1", "voice-std", target_type::answer, 1, alert_kind::breached));
  CHECK(a[0].late);
  CHECK(a[0].level == severity::critical);
  CHECK(a[0].started_at == t0);
  CHECK(a[0].deadline == t0 + 30s);
  CHECK(a[0].elapsed == 30s);
  CHECK(a[0].remaining == 0s);
  CHECK(a[0].event_time == t0 + 30s);  // the partition was still at t0
  // No second alert of either kind from the timers.
  CHECK(h.advance(t0 + 1h).empty());
}

TEST_CASE("a clock stopped after AT_RISK and after its unraised deadline raises only a late BREACHED") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  REQUIRE(h.advance(t0 + 24s).size() == 1);
  h.apply(ev(event_kind::answered, "ia-1", t0 + 31s));
  auto a = h.take();
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::breached);
  CHECK(a[0].late);
  CHECK(a[0].elapsed == 30s);
  CHECK(a[0].event_time == t0 + 30s);
}

TEST_CASE("a timer alert is late when fired more than late_tolerance after it fell or when not live") {
  SUBCASE("live, exactly late_tolerance behind: on time") {
    harness h;
    h.apply(ev(event_kind::queued, "ia-1", t0));
    auto a = h.advance(t0 + 25s);
    REQUIRE(a.size() == 1);
    CHECK_FALSE(a[0].late);
    CHECK(a[0].event_time == t0 + 25s);
    CHECK(a[0].elapsed == 24s);  // measured to the due time, not to now
  }
  SUBCASE("live, one microsecond more: late") {
    harness h;
    h.apply(ev(event_kind::queued, "ia-1", t0));
    auto a = h.advance(t0 + 25s + 1us);
    REQUIRE(a.size() == 1);
    CHECK(a[0].late);
  }
  SUBCASE("not live, even exactly on time: late") {
    harness h;
    h.apply(ev(event_kind::queued, "ia-1", t0));
    auto a = h.advance(t0 + 24s, false);
    REQUIRE(a.size() == 1);
    CHECK(a[0].late);
  }
  SUBCASE("a longer tolerance from the settings") {
    auto s = default_settings();
    s.late_tolerance = 5s;
    harness h(s);
    h.apply(ev(event_kind::queued, "ia-1", t0));
    auto a = h.advance(t0 + 29s);
    REQUIRE(a.size() == 1);
    CHECK_FALSE(a[0].late);
  }
}

TEST_CASE("a partition replaying a backlog at its watermark raises no false breach") {
  harness h;
  auto replay = [&](event e) {
    h.apply(e);
    auto a = h.take();
    auto b = h.advance(h.part.watermark(), false);
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  CHECK(replay(ev(event_kind::queued, "a", t0)).empty());
  // Another contact 40 s later: the watermark is now t0 + 10 s, so a's
  // at-risk time (t0 + 24 s) has not been reached even though the wall clock
  // and the newest event are far beyond a's deadline.
  CHECK(replay(ev(event_kind::queued, "b", t0 + 40s)).empty());
  CHECK(h.part.watermark() == t0 + 10s);
  CHECK(h.part.effective_time() == t0 + 10s);
  // a's answer, 12 s older than the newest event, arrives in the backlog.
  // Its at-risk point (24 s) fell before the answer in event time: AT_RISK
  // and RECOVERED after the fact, as live processing would have raised them;
  // no breach.
  const auto r = h.apply(ev(event_kind::answered, "a", t0 + 28s));
  CHECK_FALSE(r.late);
  auto a = h.take();
  REQUIRE(a.size() == 2);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].late);
  CHECK(a[1].kind == alert_kind::recovered);
  CHECK(h.advance(h.part.watermark(), false).empty());
  CHECK(h.part.probe().alerts[static_cast<std::size_t>(alert_kind::breached)] == 0);
  CHECK(h.counters("sales").answered == 1);
}

TEST_CASE("a partition replaying a backlog raises real breaches late, at the watermark") {
  harness h;
  h.apply(ev(event_kind::queued, "a", t0));
  h.apply(ev(event_kind::queued, "b", t0 + 100s));
  auto a = h.advance(h.part.watermark(), false);  // t0 + 70 s
  REQUIRE(a.size() == 2);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[1].kind == alert_kind::breached);
  for (const auto& x : a) {
    CHECK(x.interaction_id == "a");
    CHECK(x.late);
    CHECK(x.event_time == t0 + 70s);
  }
  CHECK(a[1].elapsed == 30s);
}

TEST_CASE("advance never moves the effective time backwards") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  CHECK(h.advance(t0 + 20s).empty());
  CHECK(h.advance(t0 + 5s).empty());
  CHECK(h.part.effective_time() == t0 + 20s);
  REQUIRE(h.advance(t0 + 24s).size() == 1);
}

// ---------------------------------------------------------------------------
// Queue counters
// ---------------------------------------------------------------------------

TEST_CASE("queue counters add up offered, answered, abandoned, waits and waiting") {
  harness h;
  // sales: SL threshold 20 s.
  h.apply(ev(event_kind::queued, "A", t0));
  h.apply(ev(event_kind::queued, "B", t0 + 1s));
  h.apply(ev(event_kind::queued, "C", t0 + 2s));
  h.apply(ev(event_kind::queued, "D", t0 + 3s));
  h.apply(ev(event_kind::queued, "E", t0 + 4s));
  h.apply(in_queue(ev(event_kind::queued, "H", t0 + 5s), "billing"));
  h.apply(in_queue(ev(event_kind::queued, "I", t0 + 6s), "billing"));
  h.apply(ev(event_kind::abandoned, "D", t0 + 7s));  // waited 4 s: short
  h.apply(ev(event_kind::abandoned, "E", t0 + 9s));  // waited 5 s: not short
  h.apply(ev(event_kind::queued, "F", t0 + 10s));
  h.apply(ev(event_kind::queued, "G", t0 + 12s));
  h.apply(ev(event_kind::answered, "A", t0 + 15s));                // 15 s: within
  h.apply(in_queue(ev(event_kind::answered, "H", t0 + 16s), ""));  // 11 s: over billing's 10 s
  h.apply(ev(event_kind::answered, "B", t0 + 21s));                // 20 s: within (<=)
  h.apply(ev(event_kind::answered, "C", t0 + 32s));                // 30 s: over

  const auto sales = h.counters("sales");
  CHECK(sales.offered == 7);
  CHECK(sales.answered == 3);
  CHECK(sales.abandoned == 2);
  CHECK(sales.short_abandoned == 1);
  CHECK(sales.answered_within_threshold == 2);
  CHECK(sales.answered_wait_sum == 65s);
  CHECK(sales.waiting == 2);
  CHECK(sales.oldest_waiting_since == t0 + 10s);

  const auto billing = h.counters("billing");
  CHECK(billing.offered == 2);
  CHECK(billing.answered == 1);
  CHECK(billing.abandoned == 0);
  CHECK(billing.short_abandoned == 0);
  CHECK(billing.answered_within_threshold == 0);
  CHECK(billing.answered_wait_sum == 11s);
  CHECK(billing.waiting == 1);
  CHECK(billing.oldest_waiting_since == t0 + 6s);

  // The oldest waiting contact leaves: the next oldest takes its place.
  h.apply(ev(event_kind::answered, "F", t0 + 40s));
  CHECK(h.counters("sales").oldest_waiting_since == t0 + 12s);
  h.apply(ev(event_kind::abandoned, "G", t0 + 41s));
  h.apply(in_queue(ev(event_kind::resolved, "I", t0 + 41s), "billing"));
  for (auto q : {"sales", "billing"}) {
    const auto c = h.counters(q);
    CHECK(c.waiting == 0);
    CHECK(c.oldest_waiting_since == instant_max);
  }
  CHECK(h.counters("sales").answered == 4);
  CHECK(h.counters("sales").abandoned == 3);
  CHECK(h.counters("billing").abandoned == 0);  // resolved while waiting is not abandoned
}

TEST_CASE("short_abandon and the default SL threshold come from the settings") {
  auto s = default_settings();
  s.short_abandon = 10s;
  s.default_sl_threshold = 40s;
  harness h(s);
  // "support" is not configured: the default threshold applies.
  h.apply(in_queue(ev(event_kind::queued, "a", t0), "support"));
  h.apply(in_queue(ev(event_kind::queued, "b", t0), "support"));
  h.apply(in_queue(ev(event_kind::answered, "a", t0 + 35s), "support"));
  h.apply(in_queue(ev(event_kind::abandoned, "b", t0 + 9s), "support"));
  const auto c = h.counters("support");
  CHECK(c.offered == 2);
  CHECK(c.answered_within_threshold == 1);
  CHECK(c.short_abandoned == 1);
}

// ---------------------------------------------------------------------------
// Re-queue and cycles
// ---------------------------------------------------------------------------

TEST_CASE("a re-queue while waiting starts a new cycle and stops the old clock silently") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  h.apply(ev(event_kind::queued, "ia-1", t0 + 5s));
  CHECK(h.take().empty());
  CHECK(h.advance(t0 + 29s - 1us).empty());  // cycle 1 would have been at risk at 24 s
  auto a = h.advance(t0 + 29s);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].cycle == 2);
  CHECK(a[0].started_at == t0 + 5s);
  CHECK(a[0].alert_id == make_alert_id("ia-1", "voice-std", target_type::answer, 2, alert_kind::at_risk));
  const auto c = h.counters("sales");
  CHECK(c.offered == 2);
  CHECK(c.waiting == 1);
  CHECK(c.oldest_waiting_since == t0 + 5s);
}

TEST_CASE("a re-queue after AT_RISK cancels the old cycle and runs the new one in its queue") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  REQUIRE(h.advance(t0 + 24s).size() == 1);
  h.apply(in_queue(ev(event_kind::queued, "ia-1", t0 + 26s), "billing"));
  auto a = h.take();
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::cancelled);
  CHECK(a[0].cycle == 1);
  CHECK(a[0].queue == "sales");
  CHECK(a[0].elapsed == 26s);

  auto b = h.advance(t0 + 50s);
  REQUIRE(b.size() == 1);
  CHECK(b[0].kind == alert_kind::at_risk);
  CHECK(b[0].cycle == 2);
  CHECK(b[0].queue == "billing");
  CHECK(b[0].started_at == t0 + 26s);
  CHECK(b[0].deadline == t0 + 56s);
  CHECK(b[0].alert_id != make_alert_id("ia-1", "voice-std", target_type::answer, 1, alert_kind::at_risk));

  CHECK(h.counters("sales").offered == 1);
  CHECK(h.counters("sales").waiting == 0);
  CHECK(h.counters("billing").offered == 1);
  CHECK(h.counters("billing").waiting == 1);
}

TEST_CASE("queued again after a transfer is the next cycle in the new queue") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  auto tr = ev(event_kind::transferred, "ia-1", t0 + 5s);
  tr.to_queue_id = "billing";
  h.apply(tr);
  CHECK(h.counters("sales").waiting == 0);
  h.apply(in_queue(ev(event_kind::queued, "ia-1", t0 + 6s), "billing"));
  CHECK(h.take().empty());
  auto a = h.advance(t0 + 30s);
  REQUIRE(a.size() == 1);
  CHECK(a[0].cycle == 2);
  CHECK(a[0].queue == "billing");
  CHECK(a[0].started_at == t0 + 6s);
  h.apply(in_queue(ev(event_kind::answered, "ia-1", t0 + 29s), ""));
  const auto billing = h.counters("billing");
  CHECK(billing.offered == 1);
  CHECK(billing.answered == 1);
  CHECK(billing.answered_wait_sum == 23s);
  CHECK(h.counters("sales").answered == 0);
}

// ---------------------------------------------------------------------------
// Duplicates, late and out-of-order events
// ---------------------------------------------------------------------------

TEST_CASE("a repeated event id is a duplicate with no effect") {
  harness h;
  auto q = ev(event_kind::queued, "ia-1", t0);
  q.event_id = "evt-1";
  CHECK(h.apply(q).status == apply_status::applied);
  const auto r = h.apply(q);
  CHECK(r.status == apply_status::duplicate);
  // Same id on a different fact is still a duplicate: ids name facts.
  auto a = ev(event_kind::answered, "ia-1", t0 + 1s);
  a.event_id = "evt-1";
  CHECK(h.apply(a).status == apply_status::duplicate);

  CHECK(h.part.probe().duplicates == 2);
  CHECK(h.part.probe().applied == 1);
  const auto c = h.counters("sales");
  CHECK(c.offered == 1);
  CHECK(c.answered == 0);
  CHECK(c.waiting == 1);
}

TEST_CASE("an event older than the watermark is flagged late and still applied") {
  harness h;
  CHECK_FALSE(h.apply(ev(event_kind::queued, "a", t0 + 60s)).late);  // watermark t0 + 30 s
  const auto on_edge = h.apply(ev(event_kind::queued, "b", t0 + 30s));
  CHECK_FALSE(on_edge.late);
  const auto late = h.apply(ev(event_kind::queued, "c", t0 + 30s - 1us));
  CHECK(late.late);
  CHECK(late.status == apply_status::applied);
  CHECK(h.part.probe().late == 1);
  CHECK(h.part.probe().applied == 3);
  CHECK(h.counters("sales").offered == 3);
  CHECK(h.counters("sales").waiting == 3);
  // The late contact's clock runs from its own event time.
  auto a = h.advance(t0 + 30s - 1us + 24s);
  REQUIRE(a.size() == 1);
  CHECK(a[0].interaction_id == "c");
}

TEST_CASE("answered before its queued counts one offer and one answer with no clock") {
  harness h;
  h.apply(ev(event_kind::answered, "ia-1", t0 + 10s));
  CHECK(h.counters("sales").answered == 0);
  h.apply(ev(event_kind::queued, "ia-1", t0 + 2s));
  CHECK(h.take().empty());
  CHECK(h.part.probe().out_of_order == 1);
  const auto c = h.counters("sales");
  CHECK(c.offered == 1);
  CHECK(c.answered == 1);
  CHECK(c.answered_wait_sum == 8s);
  CHECK(c.answered_within_threshold == 1);
  CHECK(c.waiting == 0);
  CHECK(c.oldest_waiting_since == instant_max);
  CHECK(h.part.pending_timers() == 1);  // max_open_age only
  CHECK(h.advance(t0 + 1h).empty());
}

TEST_CASE("a second answered is out of order and counted once") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  h.apply(ev(event_kind::answered, "ia-1", t0 + 3s));
  h.apply(ev(event_kind::answered, "ia-1", t0 + 4s));
  CHECK(h.part.probe().out_of_order == 1);
  CHECK(h.counters("sales").answered == 1);
  CHECK(h.counters("sales").answered_wait_sum == 3s);
}

TEST_CASE("agent state events are applied without creating an interaction") {
  harness h;
  event e;
  e.kind = event_kind::agent_state_changed;
  e.agent_id = "agent-7";
  e.occurred_at = t0;
  CHECK(h.apply(e).status == apply_status::applied);
  CHECK(h.part.open_interactions() == 0);
  CHECK(h.part.probe().applied == 1);
}

// ---------------------------------------------------------------------------
// Linger and memory
// ---------------------------------------------------------------------------

TEST_CASE("a closed interaction lingers for the configured time, then is dropped") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "r", t0));
  h.apply(ev(event_kind::queued, "r", t0));
  h.apply(ev(event_kind::answered, "r", t0 + 5s));
  h.apply(ev(event_kind::resolved, "r", t0 + 20s));
  h.apply(ev(event_kind::queued, "ab", t0));
  h.apply(ev(event_kind::abandoned, "ab", t0 + 2s));
  h.apply(ev(event_kind::queued, "open", t0));
  h.apply(ev(event_kind::answered, "open", t0 + 1s));
  CHECK(h.part.open_interactions() == 3);

  CHECK(h.advance(t0 + 2s + 10min - 1us).empty());
  CHECK(h.part.open_interactions() == 3);
  h.advance(t0 + 2s + 10min);
  CHECK(h.part.open_interactions() == 2);  // abandoned one dropped
  h.advance(t0 + 20s + 10min);
  CHECK(h.part.open_interactions() == 1);  // only the unresolved one stays
  CHECK(h.eng.open_interactions() == 1);
  // Counters outlive the records.
  CHECK(h.counters("sales").offered == 3);
  CHECK(h.counters("sales").answered == 2);
}

TEST_CASE("queued again while lingering reopens the interaction for a new cycle") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  h.apply(ev(event_kind::answered, "ia-1", t0 + 1s));
  h.apply(ev(event_kind::resolved, "ia-1", t0 + 2s));
  h.apply(ev(event_kind::queued, "ia-1", t0 + 5min));
  // The linger timer was cancelled: the record survives the old linger time.
  auto a = h.advance(t0 + 2s + 10min);
  CHECK(h.part.open_interactions() == 1);
  REQUIRE(a.size() == 2);
  CHECK(a[0].cycle == 2);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[1].kind == alert_kind::breached);
  CHECK(h.counters("sales").waiting == 1);
}

TEST_CASE("ten thousand interactions leave no state behind once their linger has passed") {
  harness h;
  constexpr int n = 10'000;
  struct step {
    instant at;
    event_kind kind;
    int who;
  };
  std::vector<step> steps;
  steps.reserve(4 * n);
  for (int i = 0; i < n; ++i) {
    const instant ti = t0 + i * 10ms;
    steps.push_back({ti, event_kind::interaction_created, i});
    steps.push_back({ti, event_kind::queued, i});
    if (i % 7 == 0) {
      steps.push_back({ti + 3s, event_kind::abandoned, i});
    } else {
      steps.push_back({ti + 5s, event_kind::answered, i});
      steps.push_back({ti + 60s, event_kind::resolved, i});
    }
  }
  std::stable_sort(steps.begin(), steps.end(), [](const step& a, const step& b) { return a.at < b.at; });

  std::size_t peak = 0;
  std::string ia;
  std::string id;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    ia = "ia-" + std::to_string(steps[k].who);
    id = "ev-" + std::to_string(k);
    auto e = ev(steps[k].kind, ia, steps[k].at);
    e.event_id = id;
    REQUIRE(h.part.apply(e, h.out).status == apply_status::applied);
    if (k % 64 == 0) h.part.advance(steps[k].at, true, h.out);
    peak = std::max(peak, h.part.open_interactions());
  }
  CHECK(h.out.alerts.empty());  // every wait is 5 s or less
  CHECK(peak > 1000);
  const instant last = steps.back().at;
  h.advance(last + 10min);
  CHECK(h.part.open_interactions() == 0);
  CHECK(h.part.pending_timers() == 0);
  CHECK(h.part.probe().applied == steps.size());
  CHECK(h.part.probe().late == 0);

  constexpr std::uint64_t abandoned = 1429;  // i % 7 == 0 for i in [0, 10000)
  constexpr std::uint64_t answered = std::uint64_t{n} - abandoned;
  const auto c = h.counters("sales");
  CHECK(c.offered == std::uint64_t{n});
  CHECK(c.abandoned == abandoned);
  CHECK(c.short_abandoned == abandoned);
  CHECK(c.answered == answered);
  CHECK(c.answered_within_threshold == answered);
  CHECK(c.answered_wait_sum == static_cast<std::int64_t>(answered) * 5s);
  CHECK(c.waiting == 0);
  CHECK(c.oldest_waiting_since == instant_max);
}

// ---------------------------------------------------------------------------
// Engine: partitions, revoke, aggregates
// ---------------------------------------------------------------------------

TEST_CASE("revoking a partition takes its state figures with it, probes stay") {
  ccpulse::engine::engine eng(default_settings(), default_policies());
  auto& p0 = eng.assign(0, t0);
  auto& p1 = eng.assign(1, t0);
  outputs out;
  auto apply = [&](ccpulse::engine::partition& p, event e, std::string_view id) {
    e.event_id = id;
    p.apply(e, out);
  };
  apply(p0, ev(event_kind::queued, "a", t0), "e1");
  apply(p0, ev(event_kind::answered, "a", t0 + 4s), "e2");
  apply(p0, ev(event_kind::queued, "b", t0), "e3");
  apply(p1, ev(event_kind::queued, "c", t0 + 1s), "e4");
  apply(p1, ev(event_kind::queued, "d", t0 + 2s), "e5");
  apply(p1, ev(event_kind::abandoned, "d", t0 + 3s), "e6");

  auto sales = [&] {
    std::vector<queue_counters> all;
    eng.collect(all);
    REQUIRE(all.size() == eng.context().queues.size());
    REQUIRE(eng.context().queues.name(0) == "sales");
    return all[0];
  };
  auto before = sales();
  CHECK(before.offered == 4);
  CHECK(before.waiting == 2);
  CHECK(before.oldest_waiting_since == t0);

  eng.revoke(0);
  CHECK(eng.find(0) == nullptr);
  CHECK(eng.find(1) == &p1);
  // Partition 0's figures now belong to whoever restores it: counting them
  // here too would double them in sum across instances.
  auto after = sales();
  CHECK(after.offered == 2);
  CHECK(after.answered == 0);
  CHECK(after.abandoned == 1);
  CHECK(after.answered_wait_sum == 0s);
  CHECK(after.waiting == 1);  // b left with partition 0
  CHECK(after.oldest_waiting_since == t0 + 1s);
  CHECK(eng.probe().applied == 6);
  CHECK(eng.open_interactions() == 2);

  eng.revoke(1);
  auto none = sales();
  CHECK(none.offered == 0);
  CHECK(none.short_abandoned == 0);
  CHECK(none.waiting == 0);
  CHECK(none.oldest_waiting_since == instant_max);
  CHECK(eng.probe().applied == 6);
  CHECK(eng.open_interactions() == 0);

  // Taking partition 0 back without a restore starts empty.
  auto& again = eng.assign(0, t0 + 1min);
  apply(again, ev(event_kind::queued, "e", t0 + 1min), "e7");
  auto back = sales();
  CHECK(back.offered == 1);
  CHECK(back.waiting == 1);
}

TEST_CASE("engine probe sums duplicates, late events and alerts over partitions") {
  ccpulse::engine::engine eng(default_settings(), default_policies());
  auto& p0 = eng.assign(0, t0);
  auto& p1 = eng.assign(1, t0);
  outputs out;
  auto q = ev(event_kind::queued, "a", t0);
  q.event_id = "x";
  p0.apply(q, out);
  p0.apply(q, out);
  q.interaction_id = "b";
  q.event_id = "y";
  p1.apply(q, out);
  p1.advance(t0 + 24s, true, out);
  const auto pr = eng.probe();
  CHECK(pr.applied == 2);
  CHECK(pr.duplicates == 1);
  CHECK(pr.alerts[static_cast<std::size_t>(alert_kind::at_risk)] == 1);
  CHECK(out.alerts.size() == 1);
  eng.revoke(0);
  CHECK(eng.probe().duplicates == 1);
}

// ---------------------------------------------------------------------------
// Regression tests for bugs found by these tests (fixed in partition.cpp,
// queue_registry.cpp).
// ---------------------------------------------------------------------------

// Was a bug: an event that arrives after the interaction's linger (a survey a day
// after Resolved) recreates a record in state `created` that has no linger
// timer and is never dropped.
TEST_CASE("an event after the linger does not leave an orphan record behind") {
  harness h;
  h.apply(ev(event_kind::queued, "ia-1", t0));
  h.apply(ev(event_kind::answered, "ia-1", t0 + 5s));
  h.apply(ev(event_kind::resolved, "ia-1", t0 + 60s));
  h.advance(t0 + 60s + 10min);
  REQUIRE(h.part.open_interactions() == 0);
  auto survey = ev(event_kind::survey_response, "ia-1", t0 + 1h);
  survey.csat = 4;
  h.apply(survey);
  h.advance(t0 + 48h);
  CHECK(h.part.open_interactions() == 0);
}

// Was a bug: a linger timer from an earlier close survives Answered (which moves the
// state off `closed`) and a later Queued, then erases a waiting interaction:
// the waiting gauge stays up forever and the clock is lost.
TEST_CASE("a waiting interaction is never dropped by the linger of an earlier close") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  h.apply(ev(event_kind::resolved, "t-1", t0 + 1s));
  h.apply(ev(event_kind::answered, "t-1", t0 + 2s));
  h.apply(ev(event_kind::queued, "t-1", t0 + 3s));
  h.advance(t0 + 1s + 10min);
  CHECK(h.part.open_interactions() == 1);
  h.apply(ev(event_kind::answered, "t-1", t0 + 11min));
  CHECK(h.counters("sales").waiting == 0);
  CHECK(h.counters("sales").answered == 1);
}

// Was a bug (use after free): sla_alert::queue views a std::string inside
// queue_registry::_names; a re-queue to a new queue emits CANCELLED for the
// old queue and then interns the new name in the same apply(), which can
// reallocate _names and leave the alert's view dangling (short names live in
// the std::string object itself, SSO). ASan: heap-use-after-free, freed by
// queue_registry::intern (emplace_back) called from partition::on_queued.
TEST_CASE("an alert's queue name stays valid when the same apply registers a new queue") {
  harness h;
  std::deque<std::string> names;
  for (int i = 0; i < 64; ++i) {
    names.push_back("ia-" + std::to_string(i));
    const std::string_view ia = names.back();
    names.push_back("new-queue-" + std::to_string(i));
    const std::string_view nq = names.back();
    const instant ti = t0 + i * 1min;
    h.apply(ev(event_kind::queued, ia, ti));
    REQUIRE(h.advance(ti + 24s).size() == 1);
    h.apply(in_queue(ev(event_kind::queued, ia, ti + 25s), nq));
    REQUIRE(h.out.alerts.size() == 1);
    CHECK(h.out.alerts[0].kind == alert_kind::cancelled);
    CHECK(h.out.alerts[0].queue == "sales");
    h.out.clear();
    h.apply(in_queue(ev(event_kind::answered, ia, ti + 26s), nq));
    h.out.clear();
  }
}
