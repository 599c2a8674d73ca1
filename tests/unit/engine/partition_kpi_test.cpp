// The engine's KPI apply points (docs/kpis.md), each against values worked
// out by hand from the scripted events.
#include <doctest/doctest.h>

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "engine/partition.h"
#include "engine/partition_harness.h"
#include "metrics/kpi_view.h"
#include "metrics/partition_metrics.h"
#include "model/event.h"
#include "model/time.h"

namespace {

using ccpulse::channel;
using ccpulse::duration;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::instant;
using ccpulse::metrics::distribution;
using ccpulse::metrics::kpi_view;
using ccpulse::metrics::scope_id;
using namespace std::chrono_literals;

// 2023-11-14 22:13:20 UTC: a bucket boundary (multiple of 10 s and 5 min).
const instant t0 = instant{std::chrono::seconds{1'700'000'000}};

ccpulse::engine::engine_settings settings() {
  ccpulse::engine::engine_settings s;
  s.queues = {{"sales", 20s}, {"billing", 10s}};
  s.short_abandon = 5s;
  return s;
}

struct harness : ccpulse::test::partition_harness {
  harness()
      : partition_harness(settings(), ccpulse::sla::policy_set(std::vector<ccpulse::sla::policy>{}), t0) {}
  kpi_view hour(scope_id s) { return *part.windows().read_sliding(s, 1h); }
};

}  // namespace

TEST_CASE("voice outcomes: answered, abandoned short and long, flowed out, crossing T, handling parts") {
  harness h;
  // A: waits 12 s, talks with a 30 s hold, 30 s of wrap-up.
  h.apply(event_kind::queued, "A", t0);
  h.apply(event_kind::answered, "A", t0 + 12s);
  // B: abandons after 3 s (short, within T).
  h.apply(event_kind::queued, "B", t0 + 1s);
  h.apply(event_kind::abandoned, "B", t0 + 4s);
  // C: still waiting at 2 + 20 = 22 s (crosses T), abandons at 32 s.
  h.apply(event_kind::queued, "C", t0 + 2s);
  // D: transferred out of the queue after 7 s (flowed out within T).
  h.apply(event_kind::queued, "D", t0 + 3s);
  h.apply(event_kind::transferred, "D", t0 + 10s, channel::voice, "sales",
          [](event& e) { e.reason = "language"; });
  h.part.advance(t0 + 25s, false, h.out);
  h.apply(event_kind::abandoned, "C", t0 + 32s);
  h.apply(event_kind::held, "A", t0 + 40s);
  h.apply(event_kind::resumed, "A", t0 + 70s);
  h.apply(event_kind::wrap_up_started, "A", t0 + 132s);
  h.apply(event_kind::wrap_up_ended, "A", t0 + 162s);
  h.part.advance(t0 + 200s, false, h.out);

  for (auto s : {h.queue("sales"), scope_id::of(channel::voice), scope_id::overall()}) {
    const auto v = h.hour(s);
    const auto& c = v.counts;
    CHECK(c.offered == 4);
    CHECK(c.answered == 1);
    CHECK(c.answered_within_T == 1);
    CHECK(c.answered_wait_sum == 12s);
    CHECK(c.abandoned == 2);
    CHECK(c.short_abandoned == 1);
    CHECK(c.abandoned_within_T == 1);
    CHECK(c.abandoned_after_T == 1);
    CHECK(c.flowed_out == 1);
    CHECK(c.flowed_out_within_T == 1);
    CHECK(c.waited_beyond_T == 1);
    CHECK(c.handled == 1);
    CHECK(c.talk_sum == 90s);  // 132 − 12 − 30
    CHECK(c.hold_sum == 30s);
    CHECK(c.after_contact_work_sum == 30s);
    CHECK(c.transfers == 1);
    CHECK(v.dist[distribution::wait].count() == 1);
    CHECK(v.dist[distribution::handle].sum() == 150s);
  }
  const auto sum = ccpulse::metrics::summarize(h.hour(h.queue("sales")), {});
  REQUIRE(sum.service_level);
  CHECK(*sum.service_level == doctest::Approx(0.5));  // Aw 1 ÷ (A 1 + B 2 − Bs 1)
  REQUIRE(sum.average_handle_time);
  CHECK(*sum.average_handle_time == doctest::Approx(150.0));
  CHECK(h.hour(h.queue("billing")).counts.offered == 0);
  CHECK(h.part.probe().window_late == 0);
}

TEST_CASE("a contact answered exactly at T is within T and never crosses it") {
  harness h;
  h.apply(event_kind::queued, "A", t0);
  h.apply(event_kind::answered, "A", t0 + 20s);
  h.part.advance(t0 + 60s, false, h.out);
  const auto c = h.hour(h.queue("sales")).counts;
  CHECK(c.answered_within_T == 1);
  CHECK(c.waited_beyond_T == 0);
}

TEST_CASE(
    "async: first response, next reply once per customer turn, resolution, reopen is not first contact") {
  harness h;
  const auto email = channel::email;
  h.apply(event_kind::interaction_created, "E", t0, email, "billing");
  h.apply(event_kind::queued, "E", t0, email, "billing");
  h.apply(event_kind::answered, "E", t0 + 300s, email, "billing");
  h.apply(event_kind::customer_replied, "E", t0 + 400s, email, "billing");
  h.apply(event_kind::customer_replied, "E", t0 + 450s, email, "billing");  // same turn
  h.apply(event_kind::agent_replied, "E", t0 + 700s, email, "billing");
  h.apply(event_kind::agent_replied, "E", t0 + 800s, email, "billing");  // nothing waited for it
  h.apply(event_kind::resolved, "E", t0 + 1000s, email, "billing");
  h.apply(event_kind::reopened, "E", t0 + 1100s, email, "billing");
  h.apply(event_kind::resolved, "E", t0 + 1500s, email, "billing");

  const auto v = h.hour(h.queue("billing"));
  CHECK(v.counts.handled == 0);  // email has no handling leg
  CHECK(v.dist[distribution::first_response].count() == 1);
  CHECK(v.dist[distribution::first_response].sum() == 300s);
  CHECK(v.dist[distribution::next_reply].count() == 1);
  CHECK(v.dist[distribution::next_reply].sum() == 300s);  // 700 − 400
  CHECK(v.counts.resolved == 2);
  CHECK(v.counts.resolved_first_contact == 1);
  CHECK(v.dist[distribution::resolution].sum() == 2500s);  // 1000 + 1500
}

TEST_CASE("chat: the first agent reply is the first response when no Answered came") {
  harness h;
  h.apply(event_kind::interaction_created, "C", t0, channel::chat);
  h.apply(event_kind::customer_replied, "C", t0 + 5s, channel::chat);
  h.apply(event_kind::agent_replied, "C", t0 + 45s, channel::chat);
  const auto v = h.hour(scope_id::of(channel::chat));
  CHECK(v.dist[distribution::first_response].sum() == 45s);
  CHECK(v.dist[distribution::next_reply].count() == 0);
}

TEST_CASE("surveys count CSAT and NPS in the event's queue, even after the interaction left") {
  harness h;
  h.apply(event_kind::survey_response, "gone-1", t0, channel::voice, "sales", [](event& e) {
    e.csat = 4;
    e.nps = 9;
  });
  h.apply(event_kind::survey_response, "gone-2", t0 + 1s, channel::voice, "sales", [](event& e) {
    e.csat = 2;
    e.nps = 3;
  });
  h.apply(event_kind::survey_response, "gone-3", t0 + 2s, channel::voice, "sales",
          [](event& e) { e.nps = 7; });
  const auto c = h.hour(h.queue("sales")).counts;
  CHECK(c.csat_responses == 2);
  CHECK(c.csat_satisfied == 1);
  CHECK(c.csat_score_sum == 6);
  CHECK(c.nps_responses == 3);
  CHECK(c.nps_promoters == 1);
  CHECK(c.nps_detractors == 1);
  const auto s = ccpulse::metrics::summarize(h.hour(h.queue("sales")), {});
  REQUIRE(s.net_promoter_score);
  CHECK(*s.net_promoter_score == doctest::Approx(0.0));
}

TEST_CASE("escalations and transfers are counted by reason, empty reasons as unspecified") {
  harness h;
  h.apply(event_kind::queued, "A", t0);
  h.apply(event_kind::answered, "A", t0 + 5s);
  h.apply(event_kind::escalated, "A", t0 + 30s, channel::voice, "sales",
          [](event& e) { e.reason = "complaint"; });
  h.apply(event_kind::escalated, "A", t0 + 40s);
  h.apply(event_kind::transferred, "A", t0 + 50s, channel::voice, "sales",
          [](event& e) { e.reason = "language"; });
  const auto v = h.hour(h.queue("sales"));
  CHECK(v.counts.escalations == 2);
  CHECK(v.counts.transfers == 1);
  // The transfer of a connected call ends its handling leg.
  CHECK(v.counts.handled == 1);
  CHECK(v.counts.talk_sum == 45s);
  auto& ctx = const_cast<ccpulse::engine::engine_context&>(h.eng.context());
  const auto complaint = *ctx.find_reason("complaint");
  const auto unspecified = *ctx.find_reason("unspecified");
  CHECK(v.dist.escalations_by_reason.get(complaint) == 1);
  CHECK(v.dist.escalations_by_reason.get(unspecified) == 1);
  CHECK(v.dist.transfers_by_reason.get(*ctx.find_reason("language")) == 1);
}

TEST_CASE("out of order: an Answered before its Queued counts both at their own times") {
  harness h;
  h.apply(event_kind::answered, "A", t0 + 30s);
  h.apply(event_kind::queued, "A", t0);
  const auto c = h.hour(h.queue("sales")).counts;
  CHECK(c.offered == 1);
  CHECK(c.answered == 1);
  CHECK(c.answered_wait_sum == 30s);
  CHECK(c.answered_within_T == 0);
}

TEST_CASE("an update older than the oldest live bucket changes no window and is counted") {
  harness h;
  h.apply(event_kind::queued, "new", t0 + 2h);
  h.apply(event_kind::queued, "old", t0 + 2h - 30s);  // within out-of-orderness: applied
  h.part.advance(t0 + 2h, false, h.out);
  h.apply(event_kind::answered, "old", t0 + 2h - 20s);
  CHECK(h.part.probe().window_late == 0);
  // A survey stamped 90 minutes behind the head: the windows hold 1 h.
  h.apply(event_kind::survey_response, "x", t0 + 30min, channel::voice, "sales",
          [](event& e) { e.csat = 5; });
  CHECK(h.part.probe().window_late > 0);
  CHECK(h.hour(h.queue("sales")).counts.csat_responses == 0);
  CHECK(h.hour(h.queue("sales")).counts.offered == 2);
}

TEST_CASE("agents: time by state split over buckets, occupancy, agents by state per queue") {
  harness h;
  auto agent = [&](std::string_view id, ccpulse::agent_state st, instant at) {
    h.apply(event_kind::agent_state_changed, "", at, channel::voice, "sales", [&](event& e) {
      e.agent_id = id;
      e.agent = st;
    });
  };
  using ccpulse::agent_state;
  agent("ag-1", agent_state::available, t0 + 5s);
  agent("ag-2", agent_state::away, t0 + 5s);
  agent("ag-1", agent_state::on_contact, t0 + 65s);
  agent("ag-1", agent_state::after_contact_work, t0 + 95s);
  agent("ag-1", agent_state::logged_out, t0 + 105s);
  const auto c = h.hour(h.queue("sales")).counts;
  CHECK(c.agent_available == 60s);
  CHECK(c.agent_on_contact == 40s);  // 30 s on contact + 10 s wrap-up
  const auto s = ccpulse::metrics::summarize(h.hour(h.queue("sales")), {});
  REQUIRE(s.occupancy);
  CHECK(*s.occupancy == doctest::Approx(0.4));
  // The head bucket (100–110 s) holds wrap-up time only.
  auto& ctx = const_cast<ccpulse::engine::engine_context&>(h.eng.context());
  CHECK(h.part.windows().read_sliding(h.queue("sales"), 10s)->counts.agent_available == 0s);

  std::vector<ccpulse::metrics::queue_counters> by_queue;
  h.eng.collect(by_queue);
  const auto sales = *ctx.find_queue("sales");
  CHECK(by_queue[sales].agents[static_cast<std::size_t>(agent_state::away)] == 1);
  CHECK(by_queue[sales].agents[static_cast<std::size_t>(agent_state::available)] == 0);
  CHECK(h.part.agents() == 1);  // ag-1 logged out
}

TEST_CASE("agents: an open spell is counted up to the partition's time as it advances") {
  harness h;
  h.apply(event_kind::agent_state_changed, "", t0 + 3s, channel::voice, "sales", [&](event& e) {
    e.agent_id = "ag-1";
    e.agent = ccpulse::agent_state::available;
  });
  h.part.advance(t0 + 47s, false, h.out);  // counted to the 40 s boundary
  CHECK(h.hour(h.queue("sales")).counts.agent_available == 37s);
  h.part.advance(t0 + 49s, false, h.out);  // same bucket: nothing more
  CHECK(h.hour(h.queue("sales")).counts.agent_available == 37s);
}

TEST_CASE(
    "agents: a jump far ahead counts every open spell over the whole ring, one update per scope key and "
    "bucket") {
  // As when a partition catches up a backlog and moves to the wall clock.
  harness h;
  auto agent = [&](int i, ccpulse::agent_state st, instant at) {
    const std::string id = "ag-" + std::to_string(i);
    h.apply(event_kind::agent_state_changed, "", at, channel::voice, "sales", [&](event& e) {
      e.agent_id = id;
      e.agent = st;
    });
  };
  for (int i = 0; i < 40; ++i) agent(i, ccpulse::agent_state::available, t0 + 3s);
  h.part.advance(t0 + 15s, false, h.out);  // counted to 10 s: all 40 in the tally
  for (int i = 0; i < 20; ++i) agent(i, ccpulse::agent_state::on_contact, t0 + 12s);  // pending
  CHECK(h.part.probe().window_late == 0);
  const auto before = h.part.windows().probe().applied;
  h.part.advance(t0 + 24h + 5s, false, h.out);
  const auto updates = h.part.windows().probe().applied - before;
  // The hour up to the new boundary (t0 + 24 h): 359 live buckets before it.
  for (auto s : {h.queue("sales"), scope_id::of(channel::voice), scope_id::overall()}) {
    const auto c = h.hour(s).counts;
    CHECK(c.agent_available == 20 * 3590s);
    CHECK(c.agent_on_contact == 20 * 3590s);
  }
  // Late as one by one: each of the 21 spans (the tally, 20 pending agents)
  // once for reaching back past the ring and once for its bucket that is
  // no longer live.
  CHECK(h.part.probe().window_late == 2 * 21);
  // One key (sales, voice): one update a live bucket, not one per span.
  MESSAGE("window updates for the jump: ", updates);
  CHECK(updates <= 360);
}

TEST_CASE("FCR: a contact from a customer seen within the repeat window is a repeat, not first contact") {
  auto s = settings();
  s.windows.repeat_window = 10min;
  ccpulse::engine::engine eng{s, ccpulse::sla::policy_set(std::vector<ccpulse::sla::policy>{})};
  auto& part = eng.assign(0, t0);
  ccpulse::engine::outputs out;
  std::deque<std::string> ids;
  auto contact = [&](std::string_view ia, std::string_view customer, instant at) {
    for (auto k : {event_kind::interaction_created, event_kind::resolved}) {
      event e;
      ids.push_back("ev-" + std::to_string(ids.size()));
      e.event_id = ids.back();
      e.kind = k;
      e.interaction_id = ia;
      e.customer_id = customer;
      e.chan = channel::email;
      e.queue_id = "billing";
      e.occurred_at = k == event_kind::resolved ? at + 1min : at;
      part.apply(e, out);
    }
  };
  contact("A", "c1", t0);
  contact("B", "c1", t0 + 5min);   // repeat of A
  contact("C", "c2", t0 + 6min);   // another customer
  contact("D", "c1", t0 + 16min);  // 11 min after B: outside the window
  contact("E", "", t0 + 17min);    // no customer: never a repeat
  const auto c = part.windows().read_sliding(scope_id::overall(), 1h)->counts;
  CHECK(c.resolved == 5);
  CHECK(c.resolved_first_contact == 4);
  CHECK(part.repeat_customers() == 2);
}

TEST_CASE("a far-future event that nothing confirms moves no window and adds to none") {
  harness h;
  h.apply(event_kind::queued, "A", t0);
  h.apply(event_kind::survey_response, "x", t0 + 5h, channel::voice, "sales", [](event& e) { e.csat = 5; });
  h.apply(event_kind::queued, "B", t0 + 10s);
  const auto head = h.part.windows().head();
  REQUIRE(head);
  CHECK(*head < t0 + 1min);
  const auto c = h.hour(h.queue("sales")).counts;
  CHECK(c.offered == 2);
  CHECK(c.csat_responses == 0);
  CHECK(h.part.probe().future_outliers >= 1);
}
