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
  CHECK(errors_of(queues +
                  "policies:\n"
                  "  - name: a\n"
                  "    match: { attributes: { k1: [x], k2: [x], k3: [x] } }\n"
                  "    targets: { answer: { duration: 20s } }\n"
                  "  - name: b\n"
                  "    match:\n"
                  "      attributes: { k1: [y], k4: [y], k5: [y] }\n"
                  "    targets: { answer: { duration: 20s } }\n") ==
        std::vector<std::string>{"t.yaml:8:39: policies[1].match.attributes.k5: policies may match on at most 4 "
                                 "attribute keys in all; 'k5' would be one more (already: k1, k2, k3, k4)"});
}

TEST_CASE("match.attributes refuses wrong shapes and empty value lists") {
  CHECK(errors_of(queues +
                  "policies:\n"
                  "  - name: a\n"
                  "    match: { attributes: [language] }\n"
                  "    targets: { answer: { duration: 20s } }\n") ==
        std::vector<std::string>{"t.yaml:4:26: policies[0].match.attributes: expected a mapping, got a list"});
  CHECK(errors_of(queues +
                  "policies:\n"
                  "  - name: a\n"
                  "    match: { attributes: { language: [] } }\n"
                  "    targets: { answer: { duration: 20s } }\n") ==
        std::vector<std::string>{"t.yaml:4:28: policies[0].match.attributes.language: attribute 'language' lists "
                                 "no values: it would match nothing; list the values to match"});
  CHECK(errors_of(queues +
                  "policies:\n"
                  "  - name: a\n"
                  "    match: { attributes: { language: [de, { x: 1 }] } }\n"
                  "    targets: { answer: { duration: 20s } }\n") ==
        std::vector<std::string>{"t.yaml:4:43: policies[0].match.attributes.language[1]: expected an attribute "
                                 "value, got a mapping"});
  CHECK(errors_of(queues +
                  "policies:\n"
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
