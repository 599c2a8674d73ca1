// A queue-alert rule's metric read from a merged scope (view/queue_metric.h):
// the named window, the queue's service-level formula, min_contacts.
#include "view/queue_metric.h"

#include <doctest/doctest.h>

#include <chrono>

namespace {

using namespace std::chrono_literals;
namespace v = ccpulse::view;
namespace sla = ccpulse::sla;
using ccpulse::from_unix_micros;

v::merged_scope billing() {
  v::merged_scope s;
  s.scope = {ccpulse::metrics::scope_kind::queue, "billing"};
  v::merged_window w15;
  w15.name = "15m";
  w15.to = from_unix_micros(1'800'000'000'000'000);
  auto& c = w15.parts.counts;
  c.offered = 10;
  c.answered = 8;
  c.answered_within_T = 6;
  c.abandoned = 2;
  c.answered_wait_sum = 80s;
  v::merged_window w1h = w15;
  w1h.name = "1h";
  w1h.parts.counts.answered_within_T = 8;
  s.windows = {w15, w1h};
  return s;
}

sla::queue_rule rule_of(sla::queue_metric m, std::string window) {
  sla::queue_rule r;
  r.name = "r";
  r.metric = m;
  r.window = std::move(window);
  return r;
}

}  // namespace

TEST_CASE("a rule reads its metric from the window it names") {
  const auto s = billing();
  const auto r15 = v::read_queue_metric(s, rule_of(sla::queue_metric::service_level, "15m"), {});
  REQUIRE(r15.value.has_value());
  CHECK(*r15.value == doctest::Approx(6.0 / 10.0));  // default formula: within T / (answered + abandoned)
  CHECK(r15.window_end == from_unix_micros(1'800'000'000'000'000));
  const auto r1h = v::read_queue_metric(s, rule_of(sla::queue_metric::service_level, "1h"), {});
  CHECK(*r1h.value == doctest::Approx(8.0 / 10.0));
  CHECK(*v::read_queue_metric(s, rule_of(sla::queue_metric::asa_seconds, "15m"), {}).value ==
        doctest::Approx(10.0));
  CHECK(*v::read_queue_metric(s, rule_of(sla::queue_metric::abandonment_rate, "15m"), {}).value ==
        doctest::Approx(0.2));
  CHECK(*v::read_queue_metric(s, rule_of(sla::queue_metric::offered, "15m"), {}).value == 10.0);
  CHECK_FALSE(v::read_queue_metric(s, rule_of(sla::queue_metric::offered, "today"), {}).value.has_value());
}

TEST_CASE("the queue's service-level formula applies") {
  ccpulse::metrics::sl_options asterisk;
  asterisk.formula = ccpulse::metrics::sl_formula::asterisk_sl;  // within T / answered
  const auto r =
      v::read_queue_metric(billing(), rule_of(sla::queue_metric::service_level, "15m"), {asterisk});
  CHECK(*r.value == doctest::Approx(6.0 / 8.0));
}

TEST_CASE("fewer contacts than min_contacts give no value") {
  auto r = rule_of(sla::queue_metric::service_level, "15m");
  r.min_contacts = 10;
  CHECK(v::read_queue_metric(billing(), r, {}).value.has_value());
  r.min_contacts = 11;
  CHECK_FALSE(v::read_queue_metric(billing(), r, {}).value.has_value());
  auto asa = rule_of(sla::queue_metric::asa_seconds, "15m");
  asa.min_contacts = 9;  // 8 answered
  CHECK_FALSE(v::read_queue_metric(billing(), asa, {}).value.has_value());
}

TEST_CASE("live metrics read the queue's merged live gauges as of the view's build time") {
  auto s = billing();
  const auto now = from_unix_micros(1'800'000'100'000'000);
  v::queue_reading_context q;
  q.now = now;
  CHECK_FALSE(
      v::read_queue_metric(s, rule_of(sla::queue_metric::waiting, ""), q).value.has_value());  // no partition
  s.live.partitions = 2;
  s.live.gauges.add_waiting(now - 41s);
  s.live.gauges.add_waiting(now - 5s);
  s.live.gauges.agents_in(ccpulse::agent_state::available) = 3;
  s.live.gauges.agents_in(ccpulse::agent_state::on_contact) = 4;
  s.live.gauges.backlog = 12;
  s.live.gauges.backlog_overdue = 2;
  CHECK(*v::read_queue_metric(s, rule_of(sla::queue_metric::waiting, ""), q).value == 2);
  CHECK(*v::read_queue_metric(s, rule_of(sla::queue_metric::oldest_wait_seconds, ""), q).value ==
        doctest::Approx(41));
  CHECK(*v::read_queue_metric(s, rule_of(sla::queue_metric::agents_available, ""), q).value == 3);
  CHECK(*v::read_queue_metric(s, rule_of(sla::queue_metric::backlog, ""), q).value == 12);
  CHECK(*v::read_queue_metric(s, rule_of(sla::queue_metric::backlog_overdue, ""), q).value == 2);
  // The forecast's own functions, for the queue's threshold.
  q.sl_threshold = 20s;
  CHECK(v::read_queue_metric(s, rule_of(sla::queue_metric::forecast_service_level, ""), q).value ==
        v::forecast_service_level(s, 20s));
  CHECK(v::read_queue_metric(s, rule_of(sla::queue_metric::forecast_drain_seconds, ""), q).value ==
        v::forecast_drain_seconds(s));
  s.live.gauges = {};
  CHECK(*v::read_queue_metric(s, rule_of(sla::queue_metric::oldest_wait_seconds, ""), q).value == 0);
}
