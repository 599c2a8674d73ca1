// Every SLA target type through a partition: when each clock starts and
// stops, its cycles, pauses, cancel paths and the alerts they raise
// (DESIGN.md §6, README "SLA targets").
#include <doctest/doctest.h>

#include <chrono>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "engine/outputs.h"
#include "engine/partition.h"
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
using ccpulse::ticket_status;
using ccpulse::engine::engine_settings;
using ccpulse::engine::outputs;
using ccpulse::sla::alert_kind;
using ccpulse::sla::make_alert_id;
using ccpulse::sla::policy;
using ccpulse::sla::policy_set;
using ccpulse::sla::sla_alert;
using ccpulse::sla::target;
using ccpulse::sla::target_type;
using namespace std::chrono_literals;

const instant t0 = from_unix_micros(1'700'000'000'000'000);

target make(target_type type, duration d, double at_risk = 0.5) {
  target t;
  t.type = type;
  t.default_duration = d;
  t.at_risk.fraction = at_risk;
  return t;
}

// "tickets": email in queue support, every target but answer. "billing":
// email in queue billing, resolution only, a shorter one.
policy_set ticket_policies() {
  policy tickets;
  tickets.name = "tickets";
  tickets.match.channels = {channel::email};
  tickets.match.queues = {"support"};
  tickets.targets = {
      make(target_type::first_response, 1h),         make(target_type::next_reply, 30min),
      make(target_type::periodic_update, 4h),        make(target_type::resolution, 10h),
      make(target_type::escalation_response, 20min), make(target_type::detractor_follow_up, 24h)};
  policy billing;
  billing.name = "billing";
  billing.match.channels = {channel::email};
  billing.match.queues = {"billing"};
  billing.targets = {make(target_type::resolution, 4h)};
  return policy_set({tickets, billing});
}

engine_settings ticket_settings() {
  engine_settings s;
  s.queues = {{"support", 1h}, {"billing", 1h}};
  s.linger = 10min;
  s.max_open_age = 30 * 24h;
  return s;
}

event ev(event_kind k, std::string_view ia, instant at, std::string_view queue = "support") {
  event e;
  e.kind = k;
  e.interaction_id = ia;
  e.occurred_at = at;
  e.chan = channel::email;
  e.queue_id = queue;
  e.priority = 3;
  e.customer_tier = "std";
  return e;
}

event status(std::string_view ia, instant at, ticket_status s) {
  auto e = ev(event_kind::status_changed, ia, at);
  e.status = s;
  return e;
}

struct harness {
  harness() : eng(ticket_settings(), ticket_policies()), part(eng.assign(0, t0)) {}
  void apply(event e) {
    ids.push_back("ev-" + std::to_string(ids.size()));
    e.event_id = ids.back();
    part.apply(e, out);
  }
  std::vector<sla_alert> take() {
    auto a = out.alerts;
    out.clear();
    return a;
  }
  std::vector<sla_alert> advance(instant t, bool live = true) {
    part.advance(t, live, out);
    return take();
  }
  ccpulse::engine::engine eng;
  ccpulse::engine::partition& part;
  outputs out;
  std::deque<std::string> ids;
};

// Only the alerts of one target type.
std::vector<sla_alert> of(const std::vector<sla_alert>& all, target_type t) {
  std::vector<sla_alert> out;
  for (const auto& a : all)
    if (a.target == t) out.push_back(a);
  return out;
}

}  // namespace

TEST_CASE("first_response runs from creation to the first agent reply") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  auto a = of(h.advance(t0 + 30min), target_type::first_response);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].cycle == 1);
  CHECK(a[0].started_at == t0);
  CHECK(a[0].deadline == t0 + 1h);
  CHECK(a[0].alert_id ==
        make_alert_id("t-1", "tickets", target_type::first_response, 1, alert_kind::at_risk));
  h.apply(ev(event_kind::agent_replied, "t-1", t0 + 40min));
  a = of(h.take(), target_type::first_response);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::recovered);
  CHECK(a[0].elapsed == 40min);
  CHECK(of(h.advance(t0 + 2h), target_type::first_response).empty());  // met: no breach
}

TEST_CASE("a ticket created before it reaches a queue is measured from creation once a policy matches") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0, ""));
  CHECK(h.advance(t0 + 40min).empty());  // no queue yet: no policy matches
  h.apply(ev(event_kind::queued, "t-1", t0 + 45min));
  // At risk since 30 min in event time: said at the next advance, late.
  auto a = of(h.advance(t0 + 45min), target_type::first_response);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].started_at == t0);
  CHECK(a[0].late);
  a = of(h.advance(t0 + 1h + 1us), target_type::first_response);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::breached);
  CHECK(a[0].deadline == t0 + 1h);
}

TEST_CASE(
    "an answered call moved into a queue whose policy has first_response starts no first_response clock") {
  // "sales": answer only; "support": first_response too. The call was
  // answered in sales, so its first response is done when it reaches support.
  policy sales;
  sales.name = "sales";
  sales.match.queues = {"sales"};
  sales.targets = {make(target_type::answer, 30s)};
  policy support;
  support.name = "support";
  support.match.queues = {"support"};
  support.targets = {make(target_type::answer, 30s), make(target_type::first_response, 1h)};
  engine_settings s = ticket_settings();
  s.queues = {{"sales", 20s}, {"support", 20s}};
  ccpulse::engine::engine eng(s, policy_set({sales, support}));
  auto& part = eng.assign(0, t0);
  outputs out;
  std::deque<std::string> ids;
  const auto apply = [&](event e) {
    e.chan = channel::voice;
    ids.push_back("ev-" + std::to_string(ids.size()));
    e.event_id = ids.back();
    part.apply(e, out);
  };
  apply(ev(event_kind::interaction_created, "c-1", t0, "sales"));
  apply(ev(event_kind::queued, "c-1", t0 + 1s, "sales"));
  apply(ev(event_kind::answered, "c-1", t0 + 10s, "sales"));
  auto tr = ev(event_kind::transferred, "c-1", t0 + 2min, "sales");
  tr.to_queue_id = "support";
  apply(tr);
  apply(ev(event_kind::queued, "c-1", t0 + 2min + 1s, "support"));
  part.advance(t0 + 3h, true, out);
  CHECK(of(out.alerts, target_type::first_response).empty());
}

TEST_CASE("next_reply starts a cycle at each customer message after an agent reply") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  h.apply(
      ev(event_kind::customer_replied, "t-1", t0 + 1min));  // before any agent reply: first_response's wait
  h.apply(ev(event_kind::agent_replied, "t-1", t0 + 5min));
  CHECK(of(h.advance(t0 + 6min), target_type::next_reply).empty());

  h.apply(ev(event_kind::customer_replied, "t-1", t0 + 10min));
  h.apply(ev(event_kind::customer_replied, "t-1", t0 + 12min));  // the same wait: no new cycle
  auto a = of(h.advance(t0 + 40min + 1us), target_type::next_reply);
  REQUIRE(a.size() == 2);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[1].kind == alert_kind::breached);
  CHECK(a[1].cycle == 1);
  CHECK(a[1].started_at == t0 + 10min);
  CHECK(a[1].deadline == t0 + 40min);

  h.apply(ev(event_kind::agent_replied, "t-1", t0 + 50min));
  CHECK(of(h.take(), target_type::next_reply).empty());  // a breached cycle ends quietly
  h.apply(ev(event_kind::customer_replied, "t-1", t0 + 60min));
  a = of(h.advance(t0 + 75min), target_type::next_reply);
  REQUIRE(a.size() == 1);
  CHECK(a[0].cycle == 2);
  CHECK(a[0].alert_id == make_alert_id("t-1", "tickets", target_type::next_reply, 2, alert_kind::at_risk));
}

TEST_CASE("periodic_update restarts at every agent reply while the ticket is open") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  h.apply(ev(event_kind::agent_replied, "t-1", t0 + 10min));
  // Before cycle 1's at-risk point (+2 h 10 min): met, cycle 2 starts.
  h.apply(ev(event_kind::agent_replied, "t-1", t0 + 2h));
  auto a = of(h.advance(t0 + 5h), target_type::periodic_update);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].cycle == 2);
  CHECK(a[0].started_at == t0 + 2h);
  h.apply(ev(event_kind::resolved, "t-1", t0 + 5h));
  a = of(h.take(), target_type::periodic_update);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::cancelled);  // closed: no update is due any more
}

TEST_CASE("resolution is met by Resolved and a reopen within the linger starts a new cycle") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  h.apply(ev(event_kind::resolved, "t-1", t0 + 2h));
  CHECK(of(h.advance(t0 + 2h + 5min), target_type::resolution).empty());
  h.apply(ev(event_kind::reopened, "t-1", t0 + 2h + 5min));
  auto a = of(h.advance(t0 + 12h + 5min + 1us), target_type::resolution);
  REQUIRE(a.size() == 2);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].cycle == 2);
  CHECK(a[1].kind == alert_kind::breached);
  CHECK(a[1].started_at == t0 + 2h + 5min);
  CHECK(a[1].deadline == t0 + 12h + 5min);
  CHECK(a[1].alert_id == make_alert_id("t-1", "tickets", target_type::resolution, 2, alert_kind::breached));
}

TEST_CASE("a reopen after the linger finds no record: counted, no clock") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  h.apply(ev(event_kind::resolved, "t-1", t0 + 2h));
  h.advance(t0 + 3h);
  const auto before = h.part.probe().out_of_order;
  h.apply(ev(event_kind::reopened, "t-1", t0 + 3h));
  CHECK(h.part.probe().out_of_order == before + 1);
  CHECK(h.advance(t0 + 20h).empty());
}

TEST_CASE("a pause status stops the clock and a resume keeps the time already run") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  h.apply(ev(event_kind::agent_replied, "t-1", t0 + 10min));  // first response met
  h.apply(status("t-1", t0 + 1h, ticket_status::pending));
  // Paused from +1 h: 10 h of resolution would have breached at +10 h.
  CHECK(of(h.advance(t0 + 20h), target_type::resolution).empty());
  h.apply(status("t-1", t0 + 20h, ticket_status::open));
  // 1 h ran before the pause: at risk after 5 h in all (+24 h), breach after
  // 10 h (+29 h).
  CHECK(of(h.advance(t0 + 24h - 1us), target_type::resolution).empty());
  auto a = of(h.advance(t0 + 24h), target_type::resolution);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].elapsed == 5h);
  CHECK(a[0].remaining == 5h);
  CHECK(a[0].deadline == t0 + 29h);
  a = of(h.advance(t0 + 29h), target_type::resolution);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::breached);
  CHECK(a[0].elapsed == 10h);
}

TEST_CASE("a target with no pause statuses keeps running through a pending status") {
  auto pols = ticket_policies();
  auto list = pols.policies();
  for (auto& t : list[0].targets) t.pause_statuses.clear();
  ccpulse::engine::engine eng(ticket_settings(), policy_set(list));
  auto& part = eng.assign(0, t0);
  outputs out;
  auto e = ev(event_kind::interaction_created, "t-1", t0);
  e.event_id = "e1";
  part.apply(e, out);
  auto p = status("t-1", t0 + 1h, ticket_status::pending);
  p.event_id = "e2";
  part.apply(p, out);
  part.advance(t0 + 10h + 1us, true, out);
  CHECK(of(out.alerts, target_type::resolution).size() == 2);  // at risk and breached
}

TEST_CASE("escalation_response runs from Escalated to the next answer or agent reply") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  h.apply(ev(event_kind::escalated, "t-1", t0 + 1h));
  h.apply(ev(event_kind::escalated, "t-1", t0 + 1h + 5min));  // already running: not restarted
  auto a = of(h.advance(t0 + 1h + 10min), target_type::escalation_response);
  REQUIRE(a.size() == 1);
  CHECK(a[0].started_at == t0 + 1h);
  h.apply(ev(event_kind::agent_replied, "t-1", t0 + 1h + 15min));
  a = of(h.take(), target_type::escalation_response);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::recovered);
  h.apply(ev(event_kind::escalated, "t-1", t0 + 2h));
  a = of(h.advance(t0 + 2h + 20min + 1us), target_type::escalation_response);
  REQUIRE(a.size() == 2);
  CHECK(a[1].kind == alert_kind::breached);
  CHECK(a[1].cycle == 2);
}

TEST_CASE("a detractor survey starts a follow-up that outlives the contact's linger") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  h.apply(ev(event_kind::resolved, "t-1", t0 + 1h));
  h.advance(t0 + 2h);  // past the linger: the record is gone
  CHECK(h.part.open_interactions() == 0);

  auto s = ev(event_kind::survey_response, "t-1", t0 + 3h);
  s.csat = 2;
  h.apply(s);
  CHECK(h.part.open_interactions() == 1);
  auto passive = ev(event_kind::survey_response, "t-2", t0 + 3h);
  passive.csat = 4;
  passive.nps = 8;
  h.apply(passive);
  CHECK(h.part.open_interactions() == 1);  // not a detractor: no follow-up

  auto a = of(h.advance(t0 + 15h), target_type::detractor_follow_up);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].started_at == t0 + 3h);
  h.apply(ev(event_kind::follow_up_completed, "t-1", t0 + 16h));
  a = of(h.take(), target_type::detractor_follow_up);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::recovered);
  h.advance(t0 + 40h);
  CHECK(h.part.open_interactions() == 0);  // dropped once its clock ended
}

TEST_CASE("an NPS detractor without a follow-up breaches at the deadline") {
  harness h;
  auto s = ev(event_kind::survey_response, "t-9", t0);
  s.nps = 6;
  h.apply(s);
  auto a = of(h.advance(t0 + 24h + 1us), target_type::detractor_follow_up);
  REQUIRE(a.size() == 2);
  CHECK(a[1].kind == alert_kind::breached);
  CHECK(a[1].deadline == t0 + 24h);
}

TEST_CASE("closing a ticket cancels its running clocks and meets resolution") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  h.advance(t0 + 31min);  // first_response at risk
  h.apply(ev(event_kind::resolved, "t-1", t0 + 35min));
  const auto a = h.take();
  auto fr = of(a, target_type::first_response);
  REQUIRE(fr.size() == 1);
  CHECK(fr[0].kind == alert_kind::cancelled);     // closed without a reply
  CHECK(of(a, target_type::resolution).empty());  // met, never at risk
  CHECK(of(h.advance(t0 + 20h), target_type::first_response).empty());
}

TEST_CASE("a queue change to another policy cancels the cycle and the new policy continues it") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0, "billing"));
  CHECK(h.advance(t0 + 2h).size() == 1);  // billing's resolution (4 h) at risk at 2 h
  h.apply(ev(event_kind::queued, "t-1", t0 + 3h, "support"));
  auto res = of(h.take(), target_type::resolution);
  REQUIRE(res.size() == 1);
  CHECK(res[0].kind == alert_kind::cancelled);
  CHECK(res[0].policy == "billing");
  // tickets' resolution (10 h) carries on with the 3 h already run: at risk
  // at 5 h (+5 h), as cycle 2 under its own policy.
  res = of(h.advance(t0 + 5h), target_type::resolution);
  REQUIRE(res.size() == 1);
  CHECK(res[0].kind == alert_kind::at_risk);
  CHECK(res[0].policy == "tickets");
  CHECK(res[0].cycle == 2);
  CHECK(res[0].started_at == t0);
  CHECK(res[0].elapsed == 5h);
}

TEST_CASE("a cycle a queue change cancels is reported with the queue it ran in") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0, "billing"));
  CHECK(h.advance(t0 + 2h).size() == 1);  // billing's resolution at risk
  h.apply(ev(event_kind::queued, "t-1", t0 + 3h, "support"));
  const auto res = of(h.take(), target_type::resolution);
  REQUIRE(res.size() == 1);
  CHECK(res[0].kind == alert_kind::cancelled);
  CHECK(res[0].policy == "billing");
  CHECK(res[0].queue == "billing");  // not support, which billing's policy does not match
}

TEST_CASE("a breached cycle still stops for a pause, so the next policy carries on with running time only") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0, "billing"));
  h.advance(t0 + 4h + 2s);  // billing's resolution (4 h) breached
  h.apply(status("t-1", t0 + 5h, ticket_status::pending));
  h.apply(status("t-1", t0 + 7h, ticket_status::open));
  h.take();
  h.apply(ev(event_kind::queued, "t-1", t0 + 8h, "support"));
  // 6 h run (8 h less the 2 h pending): tickets' resolution (10 h, at risk
  // at 5 h) is past its at-risk point at once and due 4 h later.
  const auto res = of(h.advance(t0 + 8h), target_type::resolution);
  REQUIRE(res.size() == 1);
  CHECK(res[0].kind == alert_kind::at_risk);
  CHECK(res[0].policy == "tickets");
  CHECK(res[0].elapsed == 6h);
  CHECK(res[0].deadline == t0 + 12h);
}

TEST_CASE("a paused clock is restored paused and resumes with its time in another partition") {
  harness a;
  a.apply(ev(event_kind::interaction_created, "t-1", t0));
  a.apply(ev(event_kind::agent_replied, "t-1", t0 + 10min));
  a.apply(status("t-1", t0 + 1h, ticket_status::on_hold));
  a.advance(t0 + 2h);
  struct copy_sink final : ccpulse::engine::state_sink {
    explicit copy_sink(ccpulse::engine::state_sink& into) : to(into) {}
    void put(const ccpulse::engine::interaction_state& s) override { to.put(s); }
    void put(const ccpulse::engine::queue_state& s) override { to.put(s); }
    void put(const ccpulse::engine::partition_meta_state& s) override { to.put(s); }
    void put(const ccpulse::engine::dedup_chunk& s) override { to.put(s); }
    void erase(const ccpulse::engine::state_key&) override {}
    ccpulse::engine::state_sink& to;
  };
  ccpulse::engine::engine other(ticket_settings(), ticket_policies());
  auto& b = other.assign(0, t0);
  copy_sink sink(b.restorer());
  a.part.drain_changes(sink);
  b.finish_restore();

  outputs out;
  b.advance(t0 + 30h, true, out);
  CHECK(of(out.alerts, target_type::resolution).empty());  // still paused
  auto resume = status("t-1", t0 + 30h, ticket_status::open);
  resume.event_id = "resume";
  b.apply(resume, out);
  b.advance(t0 + 39h, true, out);
  auto r = of(out.alerts, target_type::resolution);
  REQUIRE(r.size() == 2);
  CHECK(r[1].kind == alert_kind::breached);
  CHECK(r[1].deadline == t0 + 39h);  // 1 h before the hold, 9 h after it
}

TEST_CASE("with a breach grace an answer stamped in time but applied a moment late raises no breach") {
  auto s = ticket_settings();
  s.breach_grace = 2s;
  policy voice;
  voice.name = "voice";
  voice.targets = {make(target_type::answer, 20s, 0.8)};
  ccpulse::engine::engine eng(s, policy_set({voice}));
  auto& part = eng.assign(0, t0);
  outputs out;
  auto q = ev(event_kind::queued, "v-1", t0);
  q.event_id = "q";
  part.apply(q, out);
  part.advance(t0 + 21s, true, out);  // past the deadline, within the grace
  REQUIRE(out.alerts.size() == 1);
  CHECK(out.alerts[0].kind == alert_kind::at_risk);
  out.clear();
  auto a = ev(event_kind::answered, "v-1", t0 + 19s);  // in time, arrives late
  a.event_id = "a";
  part.apply(a, out);
  REQUIRE(out.alerts.size() == 1);
  CHECK(out.alerts[0].kind == alert_kind::recovered);
  out.clear();
  part.advance(t0 + 1min, true, out);
  CHECK(out.alerts.empty());

  // Without the answer the breach comes at the end of the grace, and says
  // the deadline.
  auto q2 = ev(event_kind::queued, "v-2", t0 + 1min);
  q2.event_id = "q2";
  part.apply(q2, out);
  part.advance(t0 + 1min + 21s, true, out);
  CHECK(of(out.alerts, target_type::answer).size() == 1);  // at risk only
  out.clear();
  part.advance(t0 + 1min + 22s, true, out);
  REQUIRE(out.alerts.size() == 1);
  CHECK(out.alerts[0].kind == alert_kind::breached);
  CHECK(out.alerts[0].deadline == t0 + 1min + 20s);
  CHECK(out.alerts[0].elapsed == 20s);
  CHECK(out.alerts[0].remaining == 0s);
  CHECK_FALSE(out.alerts[0].late);
}

TEST_CASE("an event stamped before the deadline that arrives after the breach retracts it") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  auto a = of(h.advance(t0 + 1h + 1s), target_type::first_response);
  REQUIRE(a.size() == 2);
  CHECK(a[1].kind == alert_kind::breached);
  h.apply(ev(event_kind::agent_replied, "t-1", t0 + 59min));
  a = of(h.take(), target_type::first_response);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::retracted);
  CHECK(a[0].cycle == 1);
  CHECK(a[0].elapsed == 59min);
  CHECK(a[0].alert_id ==
        make_alert_id("t-1", "tickets", target_type::first_response, 1, alert_kind::retracted));
  CHECK(h.part.probe().alerts[static_cast<std::size_t>(alert_kind::retracted)] == 1);

  // A reply after the deadline leaves the breach standing.
  h.apply(ev(event_kind::interaction_created, "t-2", t0 + 2h));
  h.advance(t0 + 3h + 1s);
  h.apply(ev(event_kind::agent_replied, "t-2", t0 + 3h + 1s));
  CHECK(of(h.take(), target_type::first_response).empty());
}

TEST_CASE(
    "a pause stamped before the deadline that arrives after the breach retracts it, the clock carries on as "
    "the next cycle") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));
  h.apply(ev(event_kind::agent_replied, "t-1", t0 + 10min));  // first response met
  auto a = of(h.advance(t0 + 10h + 1s), target_type::resolution);
  REQUIRE(a.size() == 2);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[1].kind == alert_kind::breached);
  const std::string breach_id = a[1].alert_id;

  // The ticket went pending at +9 h; the event arrives after the breach.
  h.apply(status("t-1", t0 + 9h, ticket_status::pending));
  a = of(h.take(), target_type::resolution);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::retracted);
  CHECK(a[0].cycle == 1);
  CHECK(a[0].elapsed == 9h);
  CHECK(a[0].alert_id == make_alert_id("t-1", "tickets", target_type::resolution, 1, alert_kind::retracted));
  // Paused: nothing while pending.
  CHECK(of(h.advance(t0 + 20h), target_type::resolution).empty());

  // Resumed at +20 h with 9 h run: past the at-risk point at once, the
  // deadline 1 h later, as cycle 2 (ids of its own).
  h.apply(status("t-1", t0 + 20h, ticket_status::open));
  a = of(h.advance(t0 + 20h + 1s), target_type::resolution);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::at_risk);
  CHECK(a[0].cycle == 2);
  CHECK(a[0].deadline == t0 + 21h);
  a = of(h.advance(t0 + 21h + 1s), target_type::resolution);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == alert_kind::breached);
  CHECK(a[0].cycle == 2);
  CHECK(a[0].elapsed == 10h);
  CHECK(a[0].alert_id != breach_id);

  // A pause stamped after the deadline leaves the breach standing.
  h.apply(ev(event_kind::interaction_created, "t-2", t0 + 30h));
  h.apply(ev(event_kind::agent_replied, "t-2", t0 + 30h + 1min));
  CHECK(of(h.advance(t0 + 40h + 1s), target_type::resolution).size() == 2);
  h.apply(status("t-2", t0 + 40h + 1s, ticket_status::pending));
  CHECK(of(h.take(), target_type::resolution).empty());
}

TEST_CASE("the clock census counts running clocks by state and keeps the nearest deadlines") {
  harness h;
  h.apply(ev(event_kind::interaction_created, "t-1", t0));          // first_response + resolution
  h.apply(ev(event_kind::interaction_created, "t-2", t0 + 10min));  // the same, later
  h.apply(ev(event_kind::interaction_created, "t-3", t0 + 20min));
  h.apply(status("t-3", t0 + 20min, ticket_status::pending));  // both paused
  h.advance(t0 + 35min);                                       // t-1 first_response at risk
  ccpulse::engine::clock_census c;
  c.limit = 2;
  h.part.census(c);
  c.sort();
  using ccpulse::engine::clock_condition;
  auto n = [&](target_type t, clock_condition k) {
    return c.running[static_cast<std::size_t>(t)][static_cast<std::size_t>(k)];
  };
  CHECK(n(target_type::first_response, clock_condition::at_risk) == 1);
  CHECK(n(target_type::first_response, clock_condition::ok) == 1);
  CHECK(n(target_type::first_response, clock_condition::paused) == 1);
  CHECK(n(target_type::resolution, clock_condition::ok) == 2);
  CHECK(n(target_type::resolution, clock_condition::paused) == 1);
  REQUIRE(c.nearest.size() == 2);
  CHECK(c.nearest[0].interaction_id == "t-1");
  CHECK(c.nearest[0].target == target_type::first_response);
  CHECK(c.nearest[0].deadline == t0 + 1h);
  CHECK(c.nearest[0].at_risk);
  CHECK(c.nearest[1].interaction_id == "t-2");
  CHECK(c.nearest[1].deadline == t0 + 1h + 10min);
  CHECK(c.nearest[1].queue == "support");
  CHECK(c.nearest[1].policy == "tickets");

  h.advance(t0 + 1h + 2s);  // t-1's first response breached: not near any more
  ccpulse::engine::clock_census after;
  h.part.census(after);
  after.sort();
  CHECK(after.running[static_cast<std::size_t>(target_type::first_response)]
                     [static_cast<std::size_t>(clock_condition::breached)] == 1);
  REQUIRE_FALSE(after.nearest.empty());
  CHECK(after.nearest[0].interaction_id == "t-2");
}

namespace {
// Europe/Berlin, Monday to Friday 09:00-17:00; December is UTC+1.
engine_settings with_office_calendar() {
  auto s = ticket_settings();
  ccpulse::sla::calendar_definition office;
  office.name = "office";
  office.zone = "Europe/Berlin";
  for (int d = 0; d < 5; ++d)
    office.week[static_cast<std::size_t>(d)] = {{std::chrono::hours{9}, std::chrono::hours{17}}};
  s.calendars = {office};
  return s;
}
policy_set office_policies() {
  policy p;
  p.name = "office-email";
  p.match.channels = {channel::email};
  p.targets = {make(target_type::first_response, 2h)};
  p.targets[0].calendar = "office";
  return policy_set({p});
}
instant utc(int day, int hour, int minute = 0) {
  using namespace std::chrono;
  return std::chrono::time_point_cast<duration>(sys_days{year{2026} / December / day} + hours{hour} +
                                                minutes{minute});
}
}  // namespace

TEST_CASE("a target on a business-hours calendar runs only while it is open, in business time") {
  ccpulse::engine::engine eng(with_office_calendar(), office_policies());
  auto& part = eng.assign(0, utc(4, 0));
  outputs out;
  // Friday 16:00 in Berlin (15:00Z): one business hour left this week.
  auto e = ev(event_kind::interaction_created, "t-1", utc(4, 15));
  e.event_id = "c";
  part.apply(e, out);
  part.advance(utc(4, 16), true, out);  // Friday 17:00 local: 1 h of 2 run, at risk
  REQUIRE(out.alerts.size() == 1);
  CHECK(out.alerts[0].kind == alert_kind::at_risk);
  CHECK(out.alerts[0].elapsed == 1h);
  CHECK(out.alerts[0].remaining == 1h);
  CHECK(out.alerts[0].deadline == utc(7, 9));  // Monday 10:00 local
  out.clear();
  part.advance(utc(7, 8, 59), true, out);  // the whole weekend: nothing more
  CHECK(out.alerts.empty());
  part.advance(utc(7, 9) + 1s, true, out);
  REQUIRE(out.alerts.size() == 1);
  CHECK(out.alerts[0].kind == alert_kind::breached);
  CHECK(out.alerts[0].elapsed == 2h);
}

TEST_CASE("a pause across closed hours and midnight counts no business time") {
  ccpulse::engine::engine eng(with_office_calendar(), office_policies());
  auto& part = eng.assign(0, utc(4, 0));
  outputs out;
  auto e = ev(event_kind::interaction_created, "t-1", utc(4, 15));  // Friday 16:00 local
  e.event_id = "c";
  part.apply(e, out);
  auto p = status("t-1", utc(4, 15, 30), ticket_status::pending);  // 30 business minutes run
  p.event_id = "p";
  part.apply(p, out);
  auto r = status("t-1", utc(7, 8, 30), ticket_status::open);  // Monday 09:30 local
  r.event_id = "r";
  part.apply(r, out);
  // At risk after 1 business hour: 30 min on Friday, 30 min from the resume.
  part.advance(utc(7, 8, 59), true, out);
  CHECK(out.alerts.empty());
  part.advance(utc(7, 9), true, out);
  REQUIRE(out.alerts.size() == 1);
  CHECK(out.alerts[0].elapsed == 1h);
  CHECK(out.alerts[0].kind == alert_kind::at_risk);
  CHECK(out.alerts[0].deadline == utc(7, 10));  // 90 business minutes after Monday 09:30 local
}
