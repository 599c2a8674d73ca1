// /api/v1/queues (http/queues_json.h) on the demo's config: every queue with
// its service-level settings, the policies that can apply to it in order,
// and the queue-alert rules watching it.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "config/load_config.h"
#include "http/queues_json.h"

TEST_CASE("/api/v1/queues: the demo's queues with their policies, targets and queue-alert rules") {
  const auto r = ccpulse::config::load_config_file(std::string(CCPULSE_SOURCE_DIR) + "/config/demo.yaml");
  REQUIRE(r.cfg);
  const auto doc = boost::json::parse(ccpulse::http::render_queues_json(*r.cfg)).as_object();
  const auto& queues = doc.at("queues").as_array();
  REQUIRE(queues.size() == r.cfg->queues.size());
  const auto& sales = queues[2].as_object();
  REQUIRE(sales.at("name").as_string() == "sales");
  CHECK(sales.at("channel").as_string() == "voice");
  CHECK(sales.at("sl_threshold_seconds").as_double() == 15);
  CHECK(sales.at("sl_target").as_double() == 0.9);
  const auto& policies = sales.at("policies").as_array();
  REQUIRE(policies.size() == 2);  // vip-voice (gold only), then standard-voice; no chat or ticket policy
  CHECK(policies[0].at("name").as_string() == "vip-voice");
  CHECK(policies[0].at("when").at("tiers") == boost::json::parse(R"(["gold"])"));
  const auto& answer = policies[0].at("targets").at(0).as_object();
  CHECK(answer.at("type").as_string() == "answer");
  CHECK(answer.at("seconds").as_double() == 20);
  CHECK(answer.at("by_priority").at("1").as_double() == 10);
  CHECK(answer.at("at_risk").at("fraction").as_double() == 0.75);
  CHECK(policies[1].at("targets").at(0).at("at_risk").at("lead_seconds").as_double() == 10);
  bool watched = false;
  for (const auto& rule : sales.at("queue_alerts").as_array())
    watched |= rule.at("name").as_string() == "waits-long";
  CHECK(watched);
  const auto& email = queues[4].as_object();
  CHECK(email.at("policies").at(0).at("name").as_string() == "email-and-tickets");
}
