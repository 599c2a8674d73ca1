// Policies that match on attributes (README "SLA policies", match.attributes)
// through a partition: the kept keys, values past max_attribute_values, a
// re-match when attributes arrive on a later event, and the state record.
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
using ccpulse::sla::policy;
using ccpulse::sla::policy_set;
using ccpulse::sla::target;
using ccpulse::sla::target_type;
using ccpulse::test::partition_harness;
using namespace std::chrono_literals;

const instant t0 = from_unix_micros(1'700'000'000'000'000);

target make(target_type type, ccpulse::duration d) {
  target t;
  t.type = type;
  t.default_duration = d;
  t.at_risk.fraction = 0.5;
  return t;
}

// "german": language de (slot 0) and segment enterprise (slot 1): answer 10s,
// resolution 1h. "rest": everything else, answer 100s, resolution 10h.
policy_set policies() {
  policy german;
  german.name = "german";
  german.match.attributes = {{"language", {"de", "at"}, 0}, {"segment", {"enterprise"}, 0}};
  german.targets = {make(target_type::answer, 10s), make(target_type::resolution, 1h)};
  policy rest;
  rest.name = "rest";
  rest.targets = {make(target_type::answer, 100s), make(target_type::resolution, 10h)};
  return policy_set({german, rest});
}

engine_settings settings(std::size_t max_values = 4096) {
  engine_settings s;
  s.queues = {{"sales", 20s}};
  s.max_attribute_values = max_values;
  s.max_open_age = 30 * 24h;
  return s;
}

// The breaches up to `at`, as (interaction, policy, target).
std::vector<std::string> breaches(partition_harness& h, instant at) {
  h.part.advance(at, false, h.out);
  std::vector<std::string> out;
  for (const auto& a : h.out.alerts)
    if (a.kind == alert_kind::breached)
      out.push_back(a.interaction_id + " " + std::string(a.policy) + " " + std::string(to_string(a.target)));
  h.out.alerts.clear();
  return out;
}

auto with(std::string_view language, std::string_view segment) {
  return [language, segment](event& e) {
    e.attributes[0] = language;
    e.attributes[1] = segment;
  };
}

}  // namespace

TEST_CASE("a policy matches when every listed attribute holds one of its values") {
  const auto p = policies();
  REQUIRE(p.attribute_keys() == std::vector<std::string>{"language", "segment"});
  partition_harness h(settings(), p, t0);
  h.apply(event_kind::queued, "de-ent", t0, channel::voice, "sales", with("de", "enterprise"));
  h.apply(event_kind::queued, "at-ent", t0, channel::voice, "sales", with("at", "enterprise"));
  h.apply(event_kind::queued, "de-smb", t0, channel::voice, "sales", with("de", "smb"));
  h.apply(event_kind::queued, "de-only", t0, channel::voice, "sales", with("de", ""));
  h.apply(event_kind::queued, "none", t0, channel::voice, "sales");
  CHECK(breaches(h, t0 + 11s) == std::vector<std::string>{"de-ent german answer", "at-ent german answer"});
  CHECK(breaches(h, t0 + 101s) ==
        std::vector<std::string>{"de-smb rest answer", "de-only rest answer", "none rest answer"});
}

TEST_CASE("alerts carry the interaction's kept attributes") {
  partition_harness h(settings(), policies(), t0);
  h.apply(event_kind::queued, "de-ent", t0, channel::voice, "sales", with("de", "enterprise"));
  h.part.advance(t0 + 11s, false, h.out);
  REQUIRE_FALSE(h.out.alerts.empty());
  const auto& a = h.out.alerts.back();
  CHECK(a.kind == alert_kind::breached);
  CHECK(a.attributes[0] == std::pair<std::string_view, std::string_view>{"language", "de"});
  CHECK(a.attributes[1] == std::pair<std::string_view, std::string_view>{"segment", "enterprise"});
  CHECK(a.attributes[2].first.empty());
}

TEST_CASE("values past max_attribute_values still match the values policies name, and are counted") {
  partition_harness h(settings(2), policies(), t0);
  // Fill the cap with values no policy names, then more of them.
  const std::vector<std::string> junk = {"x1", "x2", "x3", "x4"};
  for (std::size_t i = 0; i < junk.size(); ++i)
    h.apply(event_kind::queued, "junk-" + std::to_string(i), t0, channel::voice, "sales",
            [&](event& e) { e.attributes[0] = junk[i]; });
  const auto& table = h.eng.context().attributes;
  CHECK(table.unkept() == 2);  // x3, x4
  // A value a policy names is kept whatever arrived before it.
  h.apply(event_kind::queued, "late-de", t0, channel::voice, "sales", with("de", "enterprise"));
  CHECK(table.unkept() == 2);
  // A value past the cap matches nothing, as it would below the cap.
  h.apply(event_kind::queued, "x5-ent", t0, channel::voice, "sales", with("x5", "enterprise"));
  CHECK(table.unkept() == 3);
  CHECK(breaches(h, t0 + 11s) == std::vector<std::string>{"late-de german answer"});
}

TEST_CASE("attributes arriving on a later event re-match the interaction's clocks") {
  partition_harness h(settings(), policies(), t0);
  h.apply(event_kind::interaction_created, "t-1", t0, channel::email, "sales");
  h.apply(event_kind::interaction_created, "t-2", t0, channel::email, "sales");
  // t-1 learns its language and segment a minute later: resolution moves
  // from "rest" (10h) to "german" (1h), with the minute already run.
  h.apply(event_kind::customer_replied, "t-1", t0 + 1min, channel::email, "sales", with("de", ""));
  h.apply(event_kind::customer_replied, "t-1", t0 + 2min, channel::email, "sales", with("", "enterprise"));
  // An event without attributes keeps what the interaction has.
  h.apply(event_kind::customer_replied, "t-1", t0 + 3min, channel::email, "sales");
  CHECK(breaches(h, t0 + 1h + 2s) == std::vector<std::string>{"t-1 german resolution"});
  CHECK(breaches(h, t0 + 10h + 2s) == std::vector<std::string>{"t-2 rest resolution"});
}

TEST_CASE("kept attributes are in the state record by key name and restore") {
  partition_harness h(settings(2), policies(), t0);
  h.apply(event_kind::interaction_created, "t-1", t0, channel::email, "sales", with("de", "enterprise"));
  h.apply(event_kind::interaction_created, "t-2", t0, channel::email, "sales", with("fill", "up"));
  h.apply(event_kind::interaction_created, "t-3", t0, channel::email, "sales", with("gone", "smb"));

  ccpulse::test::interaction_capture sink;
  h.part.drain_changes(sink);
  REQUIRE(sink.interactions.size() == 3);
  using attrs = std::vector<ccpulse::engine::attribute_state>;
  CHECK(sink.interactions[0].attributes == attrs{{"language", "de"}, {"segment", "enterprise"}});
  CHECK(sink.interactions[1].attributes == attrs{{"language", "fill"}, {"segment", "up"}});
  // Past the cap: the value is not kept, so not written.
  CHECK(sink.interactions[2].attributes == attrs{});

  // Restored under a config whose keys are in another order (and one more
  // key): by name, not slot. A key no policy names is dropped.
  policy by_segment;
  by_segment.name = "by-segment";
  by_segment.match.attributes = {{"segment", {"enterprise"}, 0}, {"language", {"de"}, 0}};
  by_segment.targets = {make(target_type::resolution, 30min)};
  partition_harness g(settings(), policy_set({by_segment}), t0);
  auto restored = sink.interactions[0];
  restored.clocks.clear();
  restored.attributes.push_back({"reason", "billing"});
  g.part.restorer().put(restored);
  g.part.finish_restore();
  // A change of queue re-matches: the restored attributes make it match.
  g.apply(event_kind::queued, "t-1", t0 + 1min, channel::email, "sales");
  ccpulse::test::interaction_capture again;
  g.part.drain_changes(again);
  REQUIRE(again.interactions.size() == 1);
  CHECK(again.interactions[0].attributes == attrs{{"segment", "enterprise"}, {"language", "de"}});
  CHECK(breaches(g, t0 + 31min) == std::vector<std::string>{"t-1 by-segment resolution"});
}
