// The wallboard's board event (http/board_json.h) and its sparkline history
// (view/board_history.h): figures per configured queue from the merged view,
// in config order, with nulls where a figure has no denominator.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>

#include "http/board_json.h"
#include "view/board_history.h"

namespace {

namespace json = boost::json;
namespace v = ccpulse::view;
using ccpulse::instant;
using ccpulse::metrics::scope_kind;
using namespace std::chrono_literals;

const instant t0 = ccpulse::from_unix_micros(1'800'000'000'000'000);  // 2027-01-15T08:00:00Z

v::merged_window window(std::string name, std::uint64_t offered, std::uint64_t answered,
                        std::uint64_t within) {
  v::merged_window w;
  w.name = std::move(name);
  w.parts.counts.offered = offered;
  w.parts.counts.answered = answered;
  w.parts.counts.answered_within_T = within;
  w.parts.counts.answered_wait_sum = answered * 4s;
  return w;
}

v::merged_view sample_view() {
  v::merged_view view;
  view.built_at = t0;
  v::merged_scope overall;
  overall.windows = {window("15m", 0, 0, 0), window("previous_interval", 0, 0, 0), window("today", 0, 0, 0)};
  v::merged_scope sales;
  sales.scope = {scope_kind::queue, "sales"};
  sales.windows = {window("15m", 10, 8, 6), window("previous_interval", 3, 3, 3),
                   window("today", 100, 90, 80)};
  sales.live.partitions = 2;
  sales.live.gauges.waiting = 2;
  sales.live.gauges.oldest_waiting_since = t0 - 12s;
  sales.live.gauges.agents_in(ccpulse::agent_state::available) = 3;
  sales.live.gauges.clocks_at_risk = 1;
  sales.live.gauges.clocks_breached = 4;
  view.scopes = {overall, sales};
  view.fresh.expected_partitions = 2;
  view.fresh.live = {0};
  view.fresh.restoring = {1};
  view.nearest = {{"int-7", "sales", "voice", "answer", 1, t0 - 10s, t0 + 5s, true},
                  {"int-9", "sales", "voice", "answer", 1, t0 - 2s, t0 + 13s, false}};
  view.firing = {{"waits-long", "sales", "waiting", "", "above", 1, "warning", t0 - 1min}};
  return view;
}

ccpulse::http::board_context context() {
  ccpulse::http::board_context c;
  c.instance_id = "inst-a";
  c.time_zone = "Europe/Berlin";
  c.queues = {{"sales", ccpulse::channel::voice, 15s, 0.9, {}},
              {"email", ccpulse::channel::email, 4h, 0.8, {}}};
  c.next_to_breach = 1;
  return c;
}

}  // namespace

TEST_CASE(
    "board: configured queues in config order with live figures, the offered windows' KPIs and freshness") {
  v::board_history history;
  const auto doc =
      json::parse(ccpulse::http::render_board_json(sample_view(), history, context())).as_object();
  CHECK(doc.at("generated_at").as_string() == "2027-01-15T08:00:00.000Z");
  CHECK(doc.at("time_zone").as_string() == "Europe/Berlin");
  CHECK(doc.at("windows") == json::parse(R"(["15m","today"])"));  // previous_interval is not offered
  const auto& queues = doc.at("queues").as_array();
  REQUIRE(queues.size() == 2);
  const auto& sales = queues[0].as_object();
  CHECK(sales.at("name").as_string() == "sales");
  CHECK(sales.at("channel").as_string() == "voice");
  CHECK(sales.at("sl_threshold_seconds").as_double() == 15);
  CHECK(sales.at("sl_target").as_double() == 0.9);
  const auto& live = sales.at("live").as_object();
  CHECK(live.at("waiting").as_int64() == 2);
  CHECK(live.at("oldest_wait_seconds").as_double() == 12);
  CHECK(live.at("agents").at("available").as_int64() == 3);
  CHECK(live.at("at_risk").as_int64() == 1);
  CHECK(live.at("breached").as_int64() == 4);
  const auto& w15 = sales.at("windows").at("15m").as_object();
  CHECK(w15.at("offered").as_int64() == 10);
  CHECK(w15.at("service_level").as_double() ==
        doctest::Approx(6.0 / 8));  // default formula: met / (answered + abandoned after T)
  CHECK(w15.at("average_speed_of_answer_seconds").as_double() == 4);
  CHECK(w15.at("csat_share").is_null());
  CHECK_FALSE(sales.at("windows").as_object().contains("previous_interval"));
  // A configured queue the view has nothing for: no live figures, no windows.
  const auto& email = queues[1].as_object();
  CHECK(email.at("live").is_null());
  CHECK(email.at("windows").as_object().empty());

  const auto& fresh = doc.at("freshness").as_object();
  CHECK(fresh.at("partitions_live").as_int64() == 1);
  CHECK(fresh.at("partitions_restoring") == json::parse("[1]"));
  const auto& next = doc.at("next_to_breach").as_array();
  REQUIRE(next.size() == 1);  // the context's limit
  CHECK(next[0].at("interaction_id").as_string() == "int-7");
  CHECK(next[0].at("remaining_seconds").as_double() == 5);
  CHECK(doc.at("alerts").as_array().size() == 1);
  CHECK(doc.at("alerts").at(0).at("rule").as_string() == "waits-long");
}

TEST_CASE("board history: one sample a step, gaps kept as nulls, at most an hour, aligned for every queue") {
  v::board_history history;
  auto view = sample_view();
  const auto sl = [](std::string_view) { return ccpulse::metrics::sl_options{}; };
  const instant start = t0 + 10s;
  history.record(view, start, sl);
  history.record(view, start + 30s, sl);  // the same minute: no second sample
  CHECK(history.size() == 1);
  view.scopes[1].live.gauges.waiting = 5;
  history.record(view, start + 3min, sl);  // two minutes without a view in between
  auto h = history.of("sales");
  REQUIRE(h.waiting.size() == 4);
  CHECK(h.waiting[0] == 2);
  CHECK_FALSE(h.waiting[1]);
  CHECK_FALSE(h.service_level[2]);
  CHECK(h.waiting[3] == 5);
  CHECK(*h.service_level[3] == doctest::Approx(0.75));
  CHECK(history.end() == t0 + 3min);
  CHECK(history.of("email").waiting.size() == 4);  // never seen: all null, same length
  CHECK_FALSE(history.of("email").waiting[0]);
  for (int m = 4; m < 100; ++m) history.record(view, start + m * 1min, sl);
  CHECK(history.size() == 60);
  history.record(view, start + 5h, sl);  // beyond the hour: starts over
  CHECK(history.size() == 1);

  const auto doc = json::parse(ccpulse::http::render_board_json(view, history, context())).as_object();
  const auto& hist = doc.at("queues").at(0).at("history").as_object();
  CHECK(hist.at("step_seconds").as_double() == 60);
  CHECK(hist.at("waiting") == json::parse("[5]"));
  CHECK(hist.at("end").as_string() == "2027-01-15T13:00:00.000Z");
}
