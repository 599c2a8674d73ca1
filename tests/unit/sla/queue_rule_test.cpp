// Queue-alert hysteresis (sla/queue_rule.h): `for` before FIRING,
// `clear_after` before RESOLVED, a flapping metric raising one of each, no
// value counting as "not holding", an incomplete round restarting the waits.
#include "sla/queue_rule.h"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <set>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using namespace ccpulse::sla;

const instant t0 = from_unix_micros(1'800'000'000'000'000);

queue_rule sl_rule(ccpulse::duration hold, ccpulse::duration clear) {
  queue_rule r;
  r.name = "sl-low";
  r.metric = queue_metric::service_level;
  r.window = "15m";
  r.cmp = comparison::below;
  r.threshold = 0.8;
  r.hold_for = hold;
  r.clear_after = clear;
  return r;
}

// Steps once a second through `values`; returns what each step raised.
std::vector<std::optional<queue_alert_state>> run(const queue_rule& r, queue_rule_state& s,
                                                  const std::vector<std::optional<double>>& values) {
  std::vector<std::optional<queue_alert_state>> out;
  for (std::size_t i = 0; i < values.size(); ++i)
    out.push_back(step(r, s, values[i], t0 + std::chrono::seconds(static_cast<long>(i))));
  return out;
}

}  // namespace

TEST_CASE("a rule fires only after holding for `for`, and resolves only after clear_after") {
  const auto r = sl_rule(3s, 2s);
  queue_rule_state s;
  // holds at 0..4 s, recovers from 5 s
  const auto raised = run(r, s, {0.5, 0.5, 0.5, 0.5, 0.5, 0.9, 0.9, 0.9, 0.9});
  const std::vector<std::optional<queue_alert_state>> want{
      std::nullopt, std::nullopt, std::nullopt, queue_alert_state::firing,
      std::nullopt, std::nullopt, std::nullopt, queue_alert_state::resolved,
      std::nullopt};
  CHECK(raised == want);
  CHECK(s.phase == rule_phase::inactive);
  CHECK(s.episode == 1);
}

TEST_CASE("a flapping metric raises one FIRING and one RESOLVED, not a storm") {
  const auto r = sl_rule(2s, 5s);
  queue_rule_state s;
  std::vector<std::optional<double>> values;
  for (int i = 0; i < 4; ++i) values.push_back(0.5);                   // fires at 2 s
  for (int i = 0; i < 30; ++i) values.push_back(i % 2 ? 0.79 : 0.81);  // around the threshold
  for (int i = 0; i < 8; ++i) values.push_back(0.95);
  int firing = 0, resolved = 0;
  for (const auto& x : run(r, s, values)) {
    firing += x == queue_alert_state::firing;
    resolved += x == queue_alert_state::resolved;
  }
  CHECK(firing == 1);
  CHECK(resolved == 1);
}

TEST_CASE("a condition that stops holding before `for` never fires") {
  const auto r = sl_rule(3s, 0s);
  queue_rule_state s;
  for (const auto& x : run(r, s, {0.5, 0.5, 0.9, 0.5, 0.5, 0.9, 0.5})) CHECK_FALSE(x.has_value());
  CHECK(s.episode == 0);
}

TEST_CASE("for: 0 fires at once and clear_after: 0 resolves at once") {
  const auto r = sl_rule(0s, 0s);
  queue_rule_state s;
  CHECK(step(r, s, 0.1, t0) == queue_alert_state::firing);
  CHECK(step(r, s, 0.9, t0 + 1s) == queue_alert_state::resolved);
  CHECK(step(r, s, 0.1, t0 + 2s) == queue_alert_state::firing);
  CHECK(s.episode == 2);
}

TEST_CASE("no value is not holding: nothing fires on no data, and a queue gone quiet resolves") {
  const auto r = sl_rule(0s, 2s);
  queue_rule_state s;
  CHECK_FALSE(step(r, s, std::nullopt, t0).has_value());
  CHECK(step(r, s, 0.2, t0 + 1s) == queue_alert_state::firing);
  CHECK_FALSE(step(r, s, std::nullopt, t0 + 2s).has_value());
  CHECK(step(r, s, std::nullopt, t0 + 4s) == queue_alert_state::resolved);
}

TEST_CASE("above compares the other way") {
  auto r = sl_rule(0s, 0s);
  r.cmp = comparison::above;
  r.threshold = 120;
  queue_rule_state s;
  CHECK_FALSE(step(r, s, 120.0, t0).has_value());
  CHECK(step(r, s, 121.0, t0 + 1s) == queue_alert_state::firing);
}

TEST_CASE("an interrupted round restarts the wait to fire and the wait to resolve") {
  const auto r = sl_rule(3s, 3s);
  queue_rule_state s;
  CHECK_FALSE(step(r, s, 0.5, t0).has_value());
  CHECK_FALSE(step(r, s, 0.5, t0 + 2s).has_value());
  interrupt(s);  // a partition restoring: the figures cannot be judged
  CHECK(s.phase == rule_phase::inactive);
  CHECK_FALSE(step(r, s, 0.5, t0 + 3s).has_value());  // would have fired here
  CHECK(step(r, s, 0.5, t0 + 6s) == queue_alert_state::firing);
  CHECK_FALSE(step(r, s, 0.9, t0 + 7s).has_value());
  interrupt(s);
  CHECK(s.phase == rule_phase::firing);  // still firing: never resolved on missing figures
  CHECK_FALSE(step(r, s, 0.9, t0 + 10s).has_value());
  CHECK(step(r, s, 0.9, t0 + 13s) == queue_alert_state::resolved);
}

TEST_CASE("queue alert ids are stable and differ by rule, queue, episode and state") {
  const auto id = make_queue_alert_id("sl-low", "billing", 1, queue_alert_state::firing);
  CHECK(id == make_queue_alert_id("sl-low", "billing", 1, queue_alert_state::firing));
  CHECK(id.size() == 16);
  const std::set<std::string> ids{id,
                                  make_queue_alert_id("sl-low", "billing", 1, queue_alert_state::resolved),
                                  make_queue_alert_id("sl-low", "billing", 2, queue_alert_state::firing),
                                  make_queue_alert_id("sl-low", "sales", 1, queue_alert_state::firing),
                                  make_queue_alert_id("sl-lo", "wbilling", 1, queue_alert_state::firing)};
  CHECK(ids.size() == 5);
}

TEST_CASE("metric names round-trip and rule names are restricted") {
  for (auto name : queue_metric_names()) {
    const auto m = parse_queue_metric(name);
    REQUIRE(m.has_value());
    CHECK(to_string(*m) == name);
  }
  CHECK_FALSE(parse_queue_metric("service-level").has_value());
  CHECK(valid_rule_name("billing.sl_low-1"));
  CHECK_FALSE(valid_rule_name(""));
  CHECK_FALSE(valid_rule_name("a/b"));
  CHECK_FALSE(valid_rule_name("a b"));
}
