#include "http/at_risk_json.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <memory>

namespace {

using namespace std::chrono_literals;
using ccpulse::instant;
namespace json = boost::json;
using ccpulse::http::nearest_deadline;

const instant t0 = ccpulse::from_unix_micros(1'800'000'000'000'000);

ccpulse::http::worker_status_ptr worker_with(std::vector<nearest_deadline> n) {
  auto w = std::make_shared<ccpulse::http::worker_status>();
  w->nearest = std::move(n);
  return w;
}

}  // namespace

TEST_CASE("the at-risk limit and scope come from the query, bounded, and a bad one is refused") {
  using ccpulse::http::at_risk_scope;
  ccpulse::http::at_risk_query q;
  CHECK(ccpulse::http::parse_at_risk_query("", q));
  CHECK(q.limit == ccpulse::http::at_risk_default_limit);
  CHECK(q.scope == at_risk_scope::cluster);
  CHECK(ccpulse::http::parse_at_risk_query("limit=7", q));
  CHECK(q.limit == 7);
  CHECK(ccpulse::http::parse_at_risk_query("x=1&limit=9000", q));
  CHECK(q.limit == ccpulse::http::at_risk_max_limit);
  CHECK(ccpulse::http::parse_at_risk_query("scope=instance&limit=3", q));
  CHECK(q.scope == at_risk_scope::instance);
  CHECK(q.limit == 3);
  CHECK(ccpulse::http::parse_at_risk_query("scope=cluster", q));
  CHECK(q.scope == at_risk_scope::cluster);
  CHECK_FALSE(ccpulse::http::parse_at_risk_query("limit=0", q));
  CHECK_FALSE(ccpulse::http::parse_at_risk_query("limit=ten", q));
  CHECK_FALSE(ccpulse::http::parse_at_risk_query("limit=", q));
  CHECK_FALSE(ccpulse::http::parse_at_risk_query("scope=all", q));
}

TEST_CASE("the at-risk list merges the workers' clocks, earliest deadline first, limited") {
  const std::vector<ccpulse::http::worker_status_ptr> workers{
      worker_with({{"ia-3", "sales", "voice", "answer", 1, t0, t0 + 30s, false},
                   {"ia-9", "sales", "voice", "answer", 2, t0, t0 + 90s, false}}),
      nullptr,  // a worker that has not published yet
      worker_with({{"ia-1", "billing", "tickets", "resolution", 1, t0 - 1h, t0 + 10s, true}})};
  const auto doc = json::parse(ccpulse::http::render_at_risk_json(workers, "inst-a", t0, 2)).as_object();
  CHECK(doc.at("instance").as_string() == "inst-a");
  const auto& clocks = doc.at("clocks").as_array();
  REQUIRE(clocks.size() == 2);
  const auto& first = clocks[0].as_object();
  CHECK(first.at("interaction_id").as_string() == "ia-1");
  CHECK(first.at("target").as_string() == "resolution");
  CHECK(first.at("state").as_string() == "at_risk");
  CHECK(first.at("remaining_seconds").as_double() == doctest::Approx(10.0));
  CHECK(first.at("deadline").as_string() == "2027-01-15T08:00:10.000Z");
  CHECK(clocks[1].as_object().at("interaction_id").as_string() == "ia-3");
}

TEST_CASE("the cluster's at-risk list comes from the merged view of every partition's snapshot") {
  ccpulse::view::scope_snapshot p0, p1, q0;
  p0.scope = {ccpulse::metrics::scope_kind::overall, ""};
  p0.partition = 0;
  p0.nearest = {{"ia-4", "sales", "voice", "answer", 1, t0, t0 + 40s, false}};
  p1 = p0;
  p1.partition = 1;
  p1.nearest = {{"ia-2", "billing", "tickets", "resolution", 3, t0 - 1h, t0 + 20s, true},
                {"ia-8", "billing", "tickets", "resolution", 1, t0 - 1h, t0 + 80s, false}};
  q0.scope = {ccpulse::metrics::scope_kind::queue, "sales"};
  q0.partition = 0;
  const auto merged = ccpulse::view::merge({&p0, &q0, &p1}, 2);
  REQUIRE(merged.nearest.size() == 3);
  CHECK(merged.nearest[0].interaction_id == "ia-2");
  CHECK(merged.nearest[2].interaction_id == "ia-8");
  const auto doc =
      json::parse(ccpulse::http::render_cluster_at_risk_json(merged, "inst-b", t0, 2)).as_object();
  CHECK(doc.at("scope").as_string() == "cluster");
  CHECK(doc.at("partitions_missing").to_number<int>() == 0);
  const auto& clocks = doc.at("clocks").as_array();
  REQUIRE(clocks.size() == 2);
  CHECK(clocks[0].as_object().at("interaction_id").as_string() == "ia-2");
  CHECK(clocks[0].as_object().at("cycle").to_number<int>() == 3);
  CHECK(clocks[1].as_object().at("interaction_id").as_string() == "ia-4");
}
