// Every bounded structure of the engine against its cap (README "Security",
// Limits): enforced, counted, and reported with its configured limit.
#include <doctest/doctest.h>

#include <deque>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/partition.h"
#include "engine/resource_census.h"
#include "model/event.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::agent_state;
using ccpulse::channel;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using ccpulse::metrics::resource_per;
using ccpulse::metrics::resource_use;
using namespace ccpulse::engine;

const instant t0 = from_unix_micros(1'800'000'000'000'000);

struct two_partitions {
  explicit two_partitions(engine_settings s)
      : eng(std::move(s), ccpulse::sla::policy_set(std::vector<ccpulse::sla::policy>{})),
        p0(eng.assign(0, t0)),
        p1(eng.assign(1, t0)) {}

  template <class More>
  apply_result apply(partition& p, event_kind k, std::string ia, instant at, More&& more) {
    ids.push_back("ev-" + std::to_string(ids.size()));
    strings.push_back(std::move(ia));
    event e;
    e.event_id = ids.back();
    e.kind = k;
    e.interaction_id = strings.back();
    e.occurred_at = at;
    e.chan = channel::voice;
    e.queue_id = "sales";
    more(e);
    return p.apply(e, out);
  }
  apply_result create(partition& p, std::string ia, instant at = t0) {
    return apply(p, event_kind::interaction_created, std::move(ia), at, [](event&) {});
  }
  void agent(partition& p, std::string id, agent_state st) {
    const std::string& agent_id = strings.emplace_back(std::move(id));
    apply(p, event_kind::agent_state_changed, "", t0, [&](event& e) {
      e.agent_id = agent_id;
      e.agent = st;
    });
  }

  resource_use census(std::string_view name) {
    resource_census(eng, scratch);
    for (const auto& r : scratch)
      if (r.name == name) return r;
    FAIL("no resource " << name);
    return {};
  }

  engine eng;
  partition& p0;
  partition& p1;
  outputs out;
  std::deque<std::string> ids, strings;
  std::vector<resource_use> scratch;
};

engine_settings small_caps() {
  engine_settings s;
  s.queues = {{"sales", 20s}};
  s.max_open_interactions = 4;
  s.dedup_max_ids = 10;
  s.windows.max_agents = 2;
  s.windows.repeat_max_customers = 5;
  s.max_queues = 2;
  s.max_attribute_values = 16;
  return s;
}

}  // namespace

TEST_CASE("open interactions: the fullest partition against max_open_interactions, refusals counted") {
  two_partitions r(small_caps());
  for (int i = 0; i < 3; ++i) CHECK(r.create(r.p0, "a-" + std::to_string(i)).status == apply_status::applied);
  CHECK(r.create(r.p1, "b-0").status == apply_status::applied);
  auto u = r.census("open_interactions");
  CHECK(u.per == resource_per::partition);
  CHECK(u.usage == 3);  // the fullest partition, not the sum
  CHECK(u.limit == 4);
  CHECK(u.cap_hits == 0);
  CHECK(r.create(r.p0, "a-3").status == apply_status::applied);
  CHECK(r.create(r.p0, "a-4").reason == "state_full");
  u = r.census("open_interactions");
  CHECK(u.usage == 4);
  CHECK(u.cap_hits == 1);
  // Hits are process counters: they stay when the partition leaves.
  r.eng.revoke(0);
  u = r.census("open_interactions");
  CHECK(u.usage == 1);
  CHECK(u.cap_hits == 1);
}

TEST_CASE("dedup ids: the current generation against dedup_max_ids, forced rotations counted") {
  auto s = small_caps();
  s.max_open_interactions = 1000;
  two_partitions r(s);
  for (int i = 0; i < 9; ++i) r.create(r.p1, "a-" + std::to_string(i));
  auto u = r.census("dedup_ids");
  CHECK(u.usage == 9);
  CHECK(u.limit == 10);
  CHECK(u.cap_hits == 0);
  r.create(r.p1, "a-9");  // the tenth id fills the generation: it rotates
  u = r.census("dedup_ids");
  CHECK(u.cap_hits == 1);
  CHECK(u.usage == 0);
  CHECK(r.p1.dedup_size() == 10);  // the previous generation is still remembered
}

TEST_CASE("agents: past metrics.max_agents a new agent is not tracked, counted, and known ones go on") {
  two_partitions r(small_caps());
  r.agent(r.p0, "ag-1", agent_state::available);
  r.agent(r.p0, "ag-2", agent_state::available);
  r.agent(r.p0, "ag-3", agent_state::available);
  CHECK(r.p0.agents() == 2);
  CHECK(r.p0.probe().agents_refused == 1);
  r.agent(r.p0, "ag-2", agent_state::on_contact);
  CHECK(r.p0.probe().agents_refused == 1);
  auto u = r.census("agents");
  CHECK(u.usage == 2);
  CHECK(u.limit == 2);
  CHECK(u.cap_hits == 1);
  // A logged-out agent leaves room for the next.
  r.agent(r.p0, "ag-1", agent_state::logged_out);
  r.agent(r.p0, "ag-3", agent_state::available);
  CHECK(r.p0.agents() == 2);
  CHECK(r.census("agents").cap_hits == 1);
}

TEST_CASE("repeat index: past metrics.max_repeat_customers it forgets early, counted, and stays bounded") {
  auto s = small_caps();
  s.max_open_interactions = 1000;
  s.dedup_max_ids = 1000;
  two_partitions r(s);
  for (int i = 0; i < 40; ++i) {
    const auto customer = "cust-" + std::to_string(i);
    r.apply(r.p0, event_kind::interaction_created, "ia-" + std::to_string(i), t0 + std::chrono::seconds(i),
            [&](event& e) { e.customer_id = customer; });
    // A forced rotation keeps the current generation: one over, then it halves.
    CHECK(r.p0.repeat_customers() <= 5 + 1);
  }
  const auto u = r.census("repeat_index_customers");
  CHECK(u.limit == 5);
  CHECK(u.usage == r.p0.repeat_customers());
  CHECK(u.cap_hits >= 7);
  CHECK(u.cap_hits == r.p0.probe().repeat_forced_rotations);
}

TEST_CASE("queue labels: queues past max_queues fold into other, each distinct one counted once") {
  two_partitions r(small_caps());
  const auto queued = [&](partition& p, std::string ia, std::string queue) {
    const std::string& name = r.strings.emplace_back(std::move(queue));
    r.apply(p, event_kind::queued, std::move(ia), t0, [&](event& e) { e.queue_id = name; });
  };
  auto u = r.census("queue_labels");
  CHECK(u.per == resource_per::worker);
  CHECK(u.usage == 1);  // sales, configured
  CHECK(u.limit == 2);
  queued(r.p0, "a", "q-two");
  queued(r.p1, "b", "q-three");
  queued(r.p1, "c", "q-four");
  queued(r.p0, "d", "q-three");
  u = r.census("queue_labels");
  CHECK(u.usage == 2);
  CHECK(u.cap_hits == 2);  // q-three and q-four
  const auto names = r.census("queue_names");
  CHECK(names.usage == 4);
  CHECK(names.limit == ccpulse::metrics::queue_registry::max_names);
  CHECK(names.cap_hits == 0);
}

TEST_CASE("attribute values: kept values past the policies' own against max_attribute_values") {
  two_partitions r(small_caps());
  auto& table = const_cast<engine_context&>(r.eng.context()).attributes;
  auto u = r.census("attribute_values");
  CHECK(u.per == resource_per::worker);
  CHECK(u.usage == 0);
  CHECK(u.limit == 16);
  for (int i = 0; i < 20; ++i) table.intern("value-" + std::to_string(i));
  u = r.census("attribute_values");
  CHECK(u.usage == 16);
  CHECK(u.cap_hits == 4);
}

TEST_CASE("names: one longer than 64 bytes is taken as other and counted, so names stay bounded") {
  two_partitions r(small_caps());
  auto& ctx = const_cast<engine_context&>(r.eng.context());
  const auto other = ctx.reasons.other();
  CHECK(ctx.find_reason(std::string(65, 'x')) == ctx.reasons.label(other));
  CHECK(ctx.find_reason(std::string(64, 'y')) != ctx.reasons.label(other));
  const auto u = r.census("reason_names");
  CHECK(u.usage == 1);
  CHECK(u.limit == ccpulse::metrics::queue_registry::max_names);
  CHECK(u.cap_hits == 1);
}
