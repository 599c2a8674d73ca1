#include "sla/policy.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace {

using ccpulse::channel;
using ccpulse::duration;
using ccpulse::sla::at_risk_threshold;
using ccpulse::sla::match_context;
using ccpulse::sla::policy;
using ccpulse::sla::policy_match;
using ccpulse::sla::policy_set;
using ccpulse::sla::target;
using ccpulse::sla::target_type;
using namespace std::chrono_literals;

target answer_target(duration d) {
  target t;
  t.type = target_type::answer;
  t.default_duration = d;
  return t;
}

target resolution_target(duration d) {
  target t;
  t.type = target_type::resolution;
  t.default_duration = d;
  return t;
}

policy make_policy(std::string name, policy_match m, std::vector<target> targets) {
  policy p;
  p.name = std::move(name);
  p.match = std::move(m);
  p.targets = std::move(targets);
  return p;
}

const match_context voice_sales{channel::voice, "sales", 2, "gold"};

}  // namespace

TEST_CASE("select returns the first matching policy in file order") {
  policy_set set(
      {make_policy("first", {}, {answer_target(30s)}), make_policy("second", {}, {answer_target(60s)})});
  auto c = set.select(target_type::answer, voice_sales);
  REQUIRE(c);
  CHECK(c->policy_index == 0);
  CHECK(c->chosen->name == "first");
  CHECK(c->tgt->default_duration == 30s);
}

TEST_CASE("select skips a policy that does not match and takes the next one") {
  policy_match chat_only;
  chat_only.channels = {channel::chat};
  policy_set set({make_policy("chat", chat_only, {answer_target(30s)}),
                  make_policy("fallback", {}, {answer_target(60s)})});
  auto c = set.select(target_type::answer, voice_sales);
  REQUIRE(c);
  CHECK(c->policy_index == 1);
  CHECK(c->chosen->name == "fallback");

  auto chat = set.select(target_type::answer, {channel::chat, "sales", 2, "gold"});
  REQUIRE(chat);
  CHECK(chat->policy_index == 0);
}

TEST_CASE("select skips a matching policy that does not define the requested target") {
  policy_set set({make_policy("resolution-only", {}, {resolution_target(1h)}),
                  make_policy("answer", {}, {answer_target(45s)})});
  auto a = set.select(target_type::answer, voice_sales);
  REQUIRE(a);
  CHECK(a->policy_index == 1);
  CHECK(a->tgt->type == target_type::answer);

  auto r = set.select(target_type::resolution, voice_sales);
  REQUIRE(r);
  CHECK(r->policy_index == 0);
  CHECK(r->tgt->default_duration == 1h);
}

TEST_CASE("select returns nothing when no policy matches") {
  policy_match email_only;
  email_only.channels = {channel::email};
  policy_set set({make_policy("email", email_only, {answer_target(30s)})});
  CHECK_FALSE(set.select(target_type::answer, voice_sales));
  CHECK_FALSE(policy_set{}.select(target_type::answer, voice_sales));
}

TEST_CASE("an empty match accepts every interaction") {
  const policy_match any;
  CHECK(any.accepts(voice_sales));
  CHECK(any.accepts({channel::unspecified, "", 0, ""}));
  CHECK(any.accepts({channel::video, "whatever", 100, "bronze"}));
}

TEST_CASE("each match list restricts only its own dimension") {
  SUBCASE("channels") {
    policy_match m;
    m.channels = {channel::voice, channel::chat};
    CHECK(m.accepts(voice_sales));
    CHECK(m.accepts({channel::chat, "other", 9, ""}));
    CHECK_FALSE(m.accepts({channel::email, "sales", 2, "gold"}));
  }
  SUBCASE("queues") {
    policy_match m;
    m.queues = {"sales"};
    CHECK(m.accepts(voice_sales));
    CHECK(m.accepts({channel::email, "sales", 7, ""}));
    CHECK_FALSE(m.accepts({channel::voice, "billing", 2, "gold"}));
  }
  SUBCASE("priorities") {
    policy_match m;
    m.priorities = {1, 2};
    CHECK(m.accepts(voice_sales));
    CHECK_FALSE(m.accepts({channel::voice, "sales", 3, "gold"}));
    CHECK_FALSE(m.accepts({channel::voice, "sales", 0, "gold"}));
  }
  SUBCASE("tiers") {
    policy_match m;
    m.tiers = {"gold", "platinum"};
    CHECK(m.accepts(voice_sales));
    CHECK_FALSE(m.accepts({channel::voice, "sales", 2, "silver"}));
    CHECK_FALSE(m.accepts({channel::voice, "sales", 2, ""}));
  }
}

TEST_CASE("a match with several lists needs every list to accept") {
  policy_match m;
  m.channels = {channel::voice};
  m.queues = {"sales"};
  m.priorities = {2};
  m.tiers = {"gold"};
  CHECK(m.accepts(voice_sales));
  CHECK_FALSE(m.accepts({channel::chat, "sales", 2, "gold"}));
  CHECK_FALSE(m.accepts({channel::voice, "billing", 2, "gold"}));
  CHECK_FALSE(m.accepts({channel::voice, "sales", 1, "gold"}));
  CHECK_FALSE(m.accepts({channel::voice, "sales", 2, "silver"}));
}

TEST_CASE("at_elapsed with a fraction is that fraction of the target") {
  at_risk_threshold t;  // default: fraction 0.8
  CHECK(t.at_elapsed(30s) == 24s);
  t.fraction = 0.5;
  CHECK(t.at_elapsed(10min) == 5min);
  t.fraction = 0.25;
  CHECK(t.at_elapsed(duration{1'000'000}) == duration{250'000});
}

TEST_CASE("at_elapsed with a lead is the target minus the lead, never negative") {
  at_risk_threshold t;
  t.how = at_risk_threshold::mode::lead;
  t.lead = 15min;
  CHECK(t.at_elapsed(1h) == 45min);
  CHECK(t.at_elapsed(15min) == 0s);
  CHECK(t.at_elapsed(10min) == 0s);
}

TEST_CASE("for_priority uses the override for that priority, else the default") {
  target t = answer_target(60s);
  t.by_priority = {{1, 10s}, {2, 20s}};
  CHECK(t.for_priority(1) == 10s);
  CHECK(t.for_priority(2) == 20s);
  CHECK(t.for_priority(3) == 60s);
  CHECK(t.for_priority(0) == 60s);
}

TEST_CASE("target types round-trip through their names") {
  for (int i = 0; i < ccpulse::sla::target_type_count; ++i) {
    const auto t = static_cast<target_type>(i);
    CHECK(ccpulse::sla::parse_target_type(ccpulse::sla::to_string(t)) == t);
  }
  CHECK(ccpulse::sla::to_string(target_type::answer) == "answer");
  CHECK_FALSE(ccpulse::sla::parse_target_type("bogus"));
}
