// policies[].match.attributes: reading, and its errors at FILE:LINE:COLUMN.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config/load_config.h"
#include "load_helpers.h"
#include "sla/policy.h"

namespace {

using ccpulse::test::errors_of;
using ccpulse::test::loads;

const std::string queues = "queues: [ { name: billing, channel: voice } ]\n";

}  // namespace

TEST_CASE("match.attributes reads keys with their values and matches on them") {
  const auto c = loads(queues +
                       "policies:\n"
                       "  - name: euro\n"
                       "    match: { attributes: { language: [de, fr], segment: enterprise } }\n"
                       "    targets: { answer: { duration: 20s } }\n"
                       "  - name: rest\n"
                       "    targets: { answer: { duration: 1m } }\n");
  const auto& ps = c.policies.policies();
  REQUIRE(ps.size() == 2);
  REQUIRE(ps[0].match.attributes.size() == 2);
  CHECK(ps[0].match.attributes[0].key == "language");
  CHECK(ps[0].match.attributes[0].values == std::vector<std::string>{"de", "fr"});
  CHECK(ps[0].match.attributes[1].key == "segment");
  CHECK(ps[0].match.attributes[1].values == std::vector<std::string>{"enterprise"});
  CHECK(c.policies.attribute_keys() == std::vector<std::string>{"language", "segment"});

  ccpulse::sla::match_context both{ccpulse::channel::voice, "billing", 1, "", {"fr", "enterprise", "", ""}};
  ccpulse::sla::match_context one{ccpulse::channel::voice, "billing", 1, "", {"fr", "", "", ""}};
  ccpulse::sla::match_context other{ccpulse::channel::voice, "billing", 1, "", {"en", "enterprise", "", ""}};
  CHECK(c.policies.select(ccpulse::sla::target_type::answer, both)->chosen->name == "euro");
  CHECK(c.policies.select(ccpulse::sla::target_type::answer, one)->chosen->name == "rest");
  CHECK(c.policies.select(ccpulse::sla::target_type::answer, other)->chosen->name == "rest");
}

TEST_CASE("match.attributes shares key slots across policies") {
  const auto c = loads(queues +
                       "policies:\n"
                       "  - name: a\n"
                       "    match: { attributes: { segment: [smb] } }\n"
                       "    targets: { answer: { duration: 20s } }\n"
                       "  - name: b\n"
                       "    match: { attributes: { language: [de], segment: [enterprise] } }\n"
                       "    targets: { answer: { duration: 1m } }\n");
  CHECK(c.policies.attribute_keys() == std::vector<std::string>{"segment", "language"});
  CHECK(c.policies.attribute_slot("language") == 1);
  CHECK(c.policies.attribute_slot("reason") == -1);
  const auto& b = c.policies.policies()[1].match.attributes;
  CHECK(b[0].slot == 1);
  CHECK(b[1].slot == 0);
}

TEST_CASE("match.attributes refuses a fifth key over all policies, at the key") {
  CHECK(errors_of(queues + "policies:\n"
                           "  - name: a\n"
                           "    match: { attributes: { k1: [x], k2: [x], k3: [x] } }\n"
                           "    targets: { answer: { duration: 20s } }\n"
                           "  - name: b\n"
                           "    match:\n"
                           "      attributes: { k1: [y], k4: [y], k5: [y] }\n"
                           "    targets: { answer: { duration: 20s } }\n") ==
        std::vector<std::string>{
            "t.yaml:8:39: policies[1].match.attributes.k5: policies may match on at most 4 "
            "attribute keys in all; 'k5' would be one more (already: k1, k2, k3, k4)"});
}

TEST_CASE("match.attributes refuses wrong shapes and empty value lists") {
  CHECK(
      errors_of(queues + "policies:\n"
                         "  - name: a\n"
                         "    match: { attributes: [language] }\n"
                         "    targets: { answer: { duration: 20s } }\n") ==
      std::vector<std::string>{"t.yaml:4:26: policies[0].match.attributes: expected a mapping, got a list"});
  CHECK(errors_of(queues + "policies:\n"
                           "  - name: a\n"
                           "    match: { attributes: { language: [] } }\n"
                           "    targets: { answer: { duration: 20s } }\n") ==
        std::vector<std::string>{
            "t.yaml:4:28: policies[0].match.attributes.language: attribute 'language' lists "
            "no values: it would match nothing; list the values to match"});
  CHECK(
      errors_of(queues + "policies:\n"
                         "  - name: a\n"
                         "    match: { attributes: { language: [de, { x: 1 }] } }\n"
                         "    targets: { answer: { duration: 20s } }\n") ==
      std::vector<std::string>{"t.yaml:4:43: policies[0].match.attributes.language[1]: expected an attribute "
                               "value, got a mapping"});
  CHECK(errors_of(queues + "policies:\n"
                           "  - name: a\n"
                           "    match: { atributes: { language: [de] } }\n"
                           "    targets: { answer: { duration: 20s } }\n")
            .at(0)
            .find("t.yaml:4:14: policies[0].match.atributes: unknown key") == 0);
}

TEST_CASE("processing.max_attribute_values has a default and bounds") {
  CHECK(loads(queues).processing.max_attribute_values == 4096);
  CHECK(loads(queues + "processing: { max_attribute_values: 100 }\n").processing.max_attribute_values == 100);
  const auto e = errors_of(queues + "processing: { max_attribute_values: 5 }\n");
  REQUIRE(e.size() == 1);
  CHECK(e[0].find("t.yaml:2:37: processing.max_attribute_values:") == 0);
}

TEST_CASE("escalate reads named rules with one condition each and a severity") {
  const auto c = loads(queues +
                       "policies:\n"
                       "  - name: gold\n"
                       "    match: { tiers: [gold] }\n"
                       "    targets: { answer: { duration: 20s } }\n"
                       "    escalate:\n"
                       "      - { name: angry, sentiment_below: -0.5, severity: critical }\n"
                       "      - { name: repeat, repeat_contact: true }\n");
  const auto& p = c.policies.policies()[0];
  REQUIRE(p.escalate.size() == 2);
  CHECK(p.escalate[0].name == "angry");
  REQUIRE(p.escalate[0].sentiment_below.has_value());
  CHECK(*p.escalate[0].sentiment_below == -0.5);
  CHECK_FALSE(p.escalate[0].repeat_contact);
  CHECK(p.escalate[0].level == ccpulse::sla::severity::critical);
  CHECK(p.escalate[1].name == "repeat");
  CHECK_FALSE(p.escalate[1].sentiment_below.has_value());
  CHECK(p.escalate[1].repeat_contact);
  CHECK(p.escalate[1].level == ccpulse::sla::severity::warning);
  CHECK(c.policies.escalation_rules() == 2);
  CHECK(c.policies.rule_number("gold", "repeat") == 1);
}

TEST_CASE("escalate refuses rules without or with two conditions, duplicates, bad scores and types") {
  CHECK(errors_of(queues + "policies:\n"
                           "  - name: gold\n"
                           "    targets: { answer: { duration: 20s } }\n"
                           "    escalate:\n"
                           "      - { name: a, severity: info }\n"
                           "      - { name: b, sentiment_below: -0.5, repeat_contact: true }\n"
                           "      - { name: c, sentiment_below: -1 }\n"
                           "      - { name: d, repeat_contact: yes }\n"
                           "      - { name: e, repeat_contact: true, severity: loud }\n"
                           "      - { name: f, repeat_contact: true, when: now }\n"
                           "      - { name: g, sentiment_below: -0.2 }\n"
                           "      - { name: g, repeat_contact: true }\n"
                           "      - { repeat_contact: true }\n") ==
        std::vector<std::string>{
            "t.yaml:6:9: policies[0].escalate[0]: a rule needs a condition: sentiment_below: SCORE or "
            "repeat_contact: true",
            "t.yaml:7:9: policies[0].escalate[1]: a rule has one condition: sentiment_below or "
            "repeat_contact, not "
            "both (write two rules)",
            "t.yaml:8:37: policies[0].escalate[2].sentiment_below: must be above -1 and at most 1 (sentiment "
            "scores are -1..1), got -1",
            "t.yaml:9:36: policies[0].escalate[3].repeat_contact: expected true or false, got 'yes'",
            "t.yaml:10:52: policies[0].escalate[4].severity: expected info, warning or critical, got 'loud'",
            "t.yaml:11:42: policies[0].escalate[5].when: unknown key 'when'; expected one of: name, "
            "sentiment_below, repeat_contact, severity",
            "t.yaml:13:9: policies[0].escalate[7]: duplicate rule name 'g' in this policy",
            "t.yaml:14:9: policies[0].escalate[8].name: required key is missing",
        });
}

TEST_CASE("escalate refuses a seventeenth rule over all policies") {
  std::string yaml = queues + "policies:\n";
  for (int p = 0; p < 2; ++p) {
    yaml +=
        "  - name: p" + std::to_string(p) + "\n    targets: { answer: { duration: 20s } }\n    escalate:\n";
    for (int r = 0; r < 9; ++r)
      yaml += "      - { name: r" + std::to_string(r) + ", repeat_contact: true }\n";
  }
  // Policy p1's rules are on lines 18..26; its eighth (r7) is the 17th rule.
  CHECK(
      errors_of(yaml) ==
      std::vector<std::string>{
          "t.yaml:25:9: policies[1].escalate[7]: at most 16 escalation rules are supported over all policies",
          "t.yaml:26:9: policies[1].escalate[8]: at most 16 escalation rules are supported over all "
          "policies"});
}
