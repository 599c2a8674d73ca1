// The live gauges a partition reads for its snapshots (partition::live):
// waiting and oldest, agents by state, backlog and overdue backlog, per
// queue, channel and overall, as of the effective time.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/partition_harness.h"
#include "metrics/live_gauges.h"
#include "model/event.h"
#include "model/time.h"
#include "sla/policy.h"
#include "support/allocation_counter.h"

namespace {

using ccpulse::agent_state;
using ccpulse::channel;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using ccpulse::metrics::scope_id;
using ccpulse::sla::target_type;
using namespace std::chrono_literals;

const instant t0 = from_unix_micros(1'700'000'000'000'000);

ccpulse::sla::policy_set resolution_policy() {
  ccpulse::sla::policy p;
  p.name = "tickets";
  p.match.channels = {channel::email, channel::ticket};
  ccpulse::sla::target t;
  t.type = target_type::resolution;
  t.default_duration = 4h;
  t.at_risk.fraction = 0.5;
  p.targets = {t};
  return ccpulse::sla::policy_set({p});
}

ccpulse::engine::engine_settings settings() {
  ccpulse::engine::engine_settings s;
  s.queues = {{"sales", 20s}, {"billing", 1h}};
  s.max_open_age = 30 * 24h;
  return s;
}

struct harness : ccpulse::test::partition_harness {
  harness() : partition_harness(settings(), resolution_policy(), t0) {}
  void agent(std::string_view id, agent_state st, instant at, std::string_view queue = "sales") {
    apply(event_kind::agent_state_changed, "", at, channel::voice, queue, [&](event& e) {
      e.agent_id = id;
      e.agent = st;
    });
  }
  ccpulse::metrics::live_gauges live(scope_id s) const {
    ccpulse::metrics::live_figures f;
    part.live(f);
    const auto* g = f.find(s);
    return g ? *g : ccpulse::metrics::live_gauges{};
  }
};

}  // namespace

TEST_CASE("live gauges: contacts waiting now and the earliest queued-at, per queue, channel and overall") {
  harness h;
  h.apply(event_kind::queued, "A", t0 + 5s, channel::voice, "sales");
  h.apply(event_kind::queued, "B", t0 + 2s, channel::voice, "sales");
  h.apply(event_kind::queued, "C", t0 + 7s, channel::chat, "billing");
  h.apply(event_kind::queued, "D", t0 + 1s, channel::voice, "sales");
  h.apply(event_kind::answered, "D", t0 + 9s, channel::voice, "sales");  // no longer waiting
  const auto sales = h.live(h.queue("sales"));
  CHECK(sales.waiting == 2);
  CHECK(sales.oldest_waiting_since == t0 + 2s);
  CHECK(h.live(h.queue("billing")).waiting == 1);
  CHECK(h.live(h.queue("billing")).oldest_waiting_since == t0 + 7s);
  CHECK(h.live(scope_id::of(channel::voice)).waiting == 2);
  CHECK(h.live(scope_id::of(channel::chat)).waiting == 1);
  const auto all = h.live(scope_id::overall());
  CHECK(all.waiting == 3);
  CHECK(all.oldest_waiting_since == t0 + 2s);
  h.apply(event_kind::abandoned, "B", t0 + 10s, channel::voice, "sales");
  CHECK(h.live(h.queue("sales")).oldest_waiting_since == t0 + 5s);
}

TEST_CASE(
    "live gauges: agents by the state of their last change, in that change's queue, logged out not held") {
  harness h;
  h.agent("ag-1", agent_state::available, t0 + 1s);
  h.agent("ag-2", agent_state::on_contact, t0 + 1s);
  h.agent("ag-3", agent_state::after_contact_work, t0 + 1s);
  h.agent("ag-4", agent_state::away, t0 + 1s);
  h.agent("ag-5", agent_state::available, t0 + 1s, "billing");
  h.agent("ag-6", agent_state::available, t0 + 1s);
  h.agent("ag-6", agent_state::logged_out, t0 + 2s);
  h.agent("ag-1", agent_state::on_contact, t0 + 3s);
  const auto sales = h.live(h.queue("sales"));
  CHECK(sales.agents_in(agent_state::available) == 0);
  CHECK(sales.agents_in(agent_state::on_contact) == 2);
  CHECK(sales.agents_in(agent_state::after_contact_work) == 1);
  CHECK(sales.agents_in(agent_state::away) == 1);
  CHECK(sales.agents_in(agent_state::logged_out) == 0);
  CHECK(h.live(h.queue("billing")).agents_in(agent_state::available) == 1);
  CHECK(h.live(scope_id::overall()).agents_in(agent_state::on_contact) == 2);
  CHECK(h.live(scope_id::of(channel::voice)).agents_in(agent_state::available) == 1);
}

TEST_CASE(
    "live gauges: backlog is open emails and tickets, overdue once the resolution deadline has passed") {
  harness h;
  h.apply(event_kind::interaction_created, "T1", t0, channel::ticket, "billing");
  h.apply(event_kind::interaction_created, "E1", t0 + 10min, channel::email, "billing");
  h.apply(event_kind::interaction_created, "E2", t0 + 20min, channel::email, "billing");
  h.apply(event_kind::resolved, "E2", t0 + 30min, channel::email, "billing");  // closed: not backlog
  h.apply(event_kind::queued, "V1", t0 + 30min, channel::voice, "billing");    // a call: not backlog
  h.apply(event_kind::interaction_created, "T2", t0 + 1h, channel::ticket, "billing");
  REQUIRE(h.part.probe().rejected == 0);
  auto b = h.live(h.queue("billing"));
  CHECK(b.backlog == 3);
  CHECK(b.backlog_overdue == 0);
  // T1's deadline is t0 + 4h, E1's t0 + 4h10m, T2's t0 + 5h.
  h.part.advance(t0 + 4h, true, h.out);
  b = h.live(h.queue("billing"));
  CHECK(b.backlog == 3);
  CHECK(b.backlog_overdue == 1);
  h.part.advance(t0 + 4h + 15min, true, h.out);
  CHECK(h.live(h.queue("billing")).backlog_overdue == 2);
  CHECK(h.live(scope_id::of(channel::email)).backlog_overdue == 1);
  CHECK(h.live(scope_id::of(channel::ticket)).backlog == 2);
  CHECK(h.live(scope_id::overall()).backlog == 3);
  h.apply(event_kind::resolved, "T1", t0 + 4h + 16min, channel::ticket, "billing");
  b = h.live(h.queue("billing"));
  CHECK(b.backlog == 2);
  CHECK(b.backlog_overdue == 1);
}

TEST_CASE("live gauges: running clocks at risk and breached count in their scopes until the cycle stops") {
  harness h;
  h.apply(event_kind::interaction_created, "T1", t0, channel::ticket, "billing");
  h.apply(event_kind::interaction_created, "E1", t0 + 1h, channel::email, "billing");
  REQUIRE(h.part.probe().rejected == 0);
  CHECK(h.live(h.queue("billing")).clocks_at_risk == 0);
  // At risk at half of the 4 h target: T1 at t0 + 2h, E1 at t0 + 3h.
  h.part.advance(t0 + 2h + 1s, true, h.out);
  auto b = h.live(h.queue("billing"));
  CHECK(b.clocks_at_risk == 1);
  CHECK(b.clocks_breached == 0);
  CHECK(h.live(scope_id::of(channel::ticket)).clocks_at_risk == 1);
  CHECK(h.live(scope_id::of(channel::email)).clocks_at_risk == 0);
  h.part.advance(t0 + 4h + 1min, true, h.out);  // T1 past its deadline and the grace, E1 at risk
  b = h.live(h.queue("billing"));
  CHECK(b.clocks_at_risk == 1);
  CHECK(b.clocks_breached == 1);
  CHECK(h.live(scope_id::overall()).clocks_breached == 1);
  h.apply(event_kind::resolved, "T1", t0 + 4h + 2min, channel::ticket, "billing");
  h.apply(event_kind::resolved, "E1", t0 + 4h + 2min, channel::email, "billing");
  b = h.live(h.queue("billing"));
  CHECK(b.clocks_at_risk == 0);
  CHECK(b.clocks_breached == 0);
}

TEST_CASE("live gauges: reading them again into the same figures allocates nothing") {
  harness h;
  h.apply(event_kind::queued, "A", t0 + 5s, channel::voice, "sales");
  h.apply(event_kind::interaction_created, "T1", t0 + 6s, channel::ticket, "billing");
  h.agent("ag-1", agent_state::available, t0 + 7s, "billing");
  ccpulse::metrics::live_figures f;
  h.part.live(f);  // sizes the per-queue figures
  std::size_t allocated = 0;
  {
    ccpulse::test::allocation_scope scope;
    for (int i = 0; i < 10; ++i) h.part.live(f);
    allocated = scope.count();
  }
  CHECK(allocated == 0);
  CHECK(f.overall.waiting == 1);
  CHECK(f.overall.backlog == 1);
  CHECK(f.overall.agents_in(agent_state::available) == 1);
}
