// Escalation rules (README "Escalation rules") through a partition: one
// ESCALATION per interaction and rule, deterministic ids, the policy that
// applies, and the emitted mark across a restore.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/partition.h"
#include "engine/state_record.h"
#include "model/event.h"
#include "model/time.h"
#include "partition_harness.h"
#include "sla/alert.h"
#include "sla/policy.h"

namespace {

using ccpulse::channel;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using ccpulse::engine::engine_settings;
using ccpulse::sla::alert_kind;
using ccpulse::sla::escalation_rule;
using ccpulse::sla::policy;
using ccpulse::sla::policy_set;
using ccpulse::sla::severity;
using ccpulse::test::partition_harness;
using namespace std::chrono_literals;

const instant t0 = from_unix_micros(1'700'000'000'000'000);

escalation_rule on_sentiment(std::string name, double below, severity s = severity::critical) {
  escalation_rule r;
  r.name = std::move(name);
  r.sentiment_below = below;
  r.level = s;
  return r;
}
escalation_rule on_repeat(std::string name) {
  escalation_rule r;
  r.name = std::move(name);
  r.repeat_contact = true;
  return r;
}

// "gold": tier gold, both rules. "any": everyone, a milder sentiment rule.
policy_set policies() {
  policy gold;
  gold.name = "gold";
  gold.match.tiers = {"gold"};
  gold.escalate = {on_sentiment("angry", -0.5), on_repeat("repeat")};
  policy any;
  any.name = "any";
  any.escalate = {on_sentiment("unhappy", -0.8, severity::warning)};
  return policy_set({gold, any});
}

engine_settings settings() {
  engine_settings s;
  s.queues = {{"sales", 20s}};
  s.windows.repeat_window = 24h;
  return s;
}

std::vector<ccpulse::sla::sla_alert> escalations(partition_harness& h) {
  std::vector<ccpulse::sla::sla_alert> out;
  for (const auto& a : h.out.alerts)
    if (a.kind == alert_kind::escalation) out.push_back(a);
  h.out.alerts.clear();
  return out;
}

auto customer(std::string_view id, std::string_view tier) {
  return [id, tier](event& e) {
    e.customer_id = id;
    e.customer_tier = tier;
  };
}
auto score(double s) {
  return [s](event& e) { e.sentiment = s; };
}

}  // namespace

TEST_CASE("a sentiment rule fires once per interaction, below its threshold only, with the score") {
  partition_harness h(settings(), policies(), t0);
  h.apply(event_kind::queued, "g-1", t0, channel::voice, "sales", customer("c1", "gold"));
  h.apply(event_kind::sentiment_observed, "g-1", t0 + 1s, channel::voice, "sales", score(-0.5));
  CHECK(escalations(h).empty());  // not below -0.5
  h.apply(event_kind::sentiment_observed, "g-1", t0 + 2s, channel::voice, "sales", score(-0.6));
  const auto a = escalations(h);
  REQUIRE(a.size() == 1);
  CHECK(a[0].policy == "gold");
  CHECK(a[0].rule == "angry");
  REQUIRE(a[0].sentiment.has_value());
  CHECK(*a[0].sentiment == -0.6);
  CHECK(a[0].level == severity::critical);
  CHECK(a[0].interaction_id == "g-1");
  CHECK(a[0].tier == "gold");
  CHECK(a[0].alert_id == ccpulse::sla::make_escalation_id("g-1", "gold", "angry"));
  CHECK(a[0].alert_id != ccpulse::sla::make_escalation_id("g-1", "gold", "repeat"));
  CHECK(a[0].alert_id != ccpulse::sla::make_escalation_id("g-2", "gold", "angry"));
  // Once: a lower score later raises nothing more.
  h.apply(event_kind::sentiment_observed, "g-1", t0 + 3s, channel::voice, "sales", score(-0.9));
  CHECK(escalations(h).empty());
  CHECK(h.part.probe().alerts[static_cast<std::size_t>(alert_kind::escalation)] == 1);
}

TEST_CASE("the rules of the first matching policy that has rules apply") {
  partition_harness h(settings(), policies(), t0);
  h.apply(event_kind::queued, "s-1", t0, channel::voice, "sales", customer("c2", "silver"));
  h.apply(event_kind::sentiment_observed, "s-1", t0 + 1s, channel::voice, "sales", score(-0.7));
  CHECK(escalations(h).empty());  // "any" needs below -0.8
  h.apply(event_kind::sentiment_observed, "s-1", t0 + 2s, channel::voice, "sales", score(-0.85));
  const auto a = escalations(h);
  REQUIRE(a.size() == 1);
  CHECK(a[0].policy == "any");
  CHECK(a[0].rule == "unhappy");
  CHECK(a[0].level == severity::warning);
}

TEST_CASE("a repeat-contact rule fires on the customer's second contact within the window, once") {
  partition_harness h(settings(), policies(), t0);
  h.apply(event_kind::queued, "first", t0, channel::voice, "sales", customer("c3", "gold"));
  CHECK(escalations(h).empty());
  h.apply(event_kind::queued, "second", t0 + 1h, channel::voice, "sales", customer("c3", "gold"));
  auto a = escalations(h);
  REQUIRE(a.size() == 1);
  CHECK(a[0].interaction_id == "second");
  CHECK(a[0].rule == "repeat");
  CHECK_FALSE(a[0].sentiment.has_value());
  CHECK(a[0].level == severity::warning);
  // Queued again (a transfer back): no second ESCALATION.
  h.apply(event_kind::queued, "second", t0 + 1h + 5min, channel::voice, "sales", customer("c3", "gold"));
  CHECK(escalations(h).empty());
  // A silver repeat caller: "any" has no repeat rule.
  h.apply(event_kind::queued, "s-a", t0, channel::voice, "sales", customer("c4", "silver"));
  h.apply(event_kind::queued, "s-b", t0 + 1h, channel::voice, "sales", customer("c4", "silver"));
  CHECK(escalations(h).empty());
}

TEST_CASE("the emitted mark is in the state record and a restored interaction never fires the rule again") {
  partition_harness h(settings(), policies(), t0);
  h.apply(event_kind::queued, "g-1", t0, channel::voice, "sales", customer("c1", "gold"));
  h.apply(event_kind::sentiment_observed, "g-1", t0 + 1s, channel::voice, "sales", score(-0.9));
  REQUIRE(escalations(h).size() == 1);

  ccpulse::test::interaction_capture sink;
  h.part.drain_changes(sink);
  REQUIRE(sink.interactions.size() == 1);
  CHECK(sink.interactions[0].escalations == std::vector<ccpulse::engine::escalation_mark>{{"gold", "angry"}});

  // A fresh engine restored from the record: the same score raises nothing;
  // the rule not yet fired still can.
  partition_harness g(settings(), policies(), t0);
  g.part.restorer().put(sink.interactions[0]);
  g.part.finish_restore();
  g.apply(event_kind::sentiment_observed, "g-1", t0 + 2s, channel::voice, "sales", score(-0.9));
  CHECK(escalations(g).empty());

  // Without the mark (what a restore would be if it were not kept), it fires.
  auto unmarked = sink.interactions[0];
  unmarked.escalations.clear();
  partition_harness u(settings(), policies(), t0);
  u.part.restorer().put(unmarked);
  u.part.finish_restore();
  u.apply(event_kind::sentiment_observed, "g-1", t0 + 2s, channel::voice, "sales", score(-0.9));
  CHECK(escalations(u).size() == 1);
}

TEST_CASE("no escalation for a closed interaction") {
  partition_harness h(settings(), policies(), t0);
  h.apply(event_kind::queued, "g-1", t0, channel::voice, "sales", customer("c1", "gold"));
  h.apply(event_kind::resolved, "g-1", t0 + 1min, channel::voice, "sales");
  h.apply(event_kind::sentiment_observed, "g-1", t0 + 2min, channel::voice, "sales", score(-0.9));
  CHECK(escalations(h).empty());
}

TEST_CASE("a repeat-contact rule fires when attributes arriving later make its policy match") {
  policy german;
  german.name = "german";
  german.match.attributes = {{"language", {"de"}, 0}};
  german.escalate = {on_repeat("repeat")};
  partition_harness h(settings(), policy_set({german}), t0);
  h.apply(event_kind::queued, "a", t0, channel::voice, "sales", customer("c5", ""));
  h.apply(event_kind::queued, "b", t0 + 1h, channel::voice, "sales", customer("c5", ""));
  CHECK(escalations(h).empty());
  h.apply(event_kind::answered, "b", t0 + 1h + 1min, channel::voice, "sales",
          [](event& e) { e.attributes[0] = "de"; });
  const auto a = escalations(h);
  REQUIRE(a.size() == 1);
  CHECK(a[0].interaction_id == "b");
  CHECK(a[0].policy == "german");
}
