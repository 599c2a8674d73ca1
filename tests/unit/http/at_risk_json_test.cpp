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

TEST_CASE("the at-risk limit comes from the query, bounded, and a bad one is refused") {
  std::size_t limit = 0;
  CHECK(ccpulse::http::parse_at_risk_limit("", limit));
  CHECK(limit == ccpulse::http::at_risk_default_limit);
  CHECK(ccpulse::http::parse_at_risk_limit("limit=7", limit));
  CHECK(limit == 7);
  CHECK(ccpulse::http::parse_at_risk_limit("x=1&limit=9000", limit));
  CHECK(limit == ccpulse::http::at_risk_max_limit);
  CHECK_FALSE(ccpulse::http::parse_at_risk_limit("limit=0", limit));
  CHECK_FALSE(ccpulse::http::parse_at_risk_limit("limit=ten", limit));
  CHECK_FALSE(ccpulse::http::parse_at_risk_limit("limit=", limit));
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
