// queue_alerts: rules read with their defaults, and each mistake reported
// at its line and column (src/config/sections/queue_alerts.cpp).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "config/load_helpers.h"

using namespace std::chrono_literals;
using namespace ccpulse;
using test::errors_of;

namespace {

const std::string queues =
    "queues:\n  - { name: billing, channel: voice }\n  - { name: sales, channel: voice }\n";

}  // namespace

TEST_CASE("a queue-alert rule is read with its defaults") {
  const auto c = test::loads(queues +
                             "queue_alerts:\n"
                             "  - { name: sl-low, metric: service_level, window: 15m, below: 0.8, for: 1m }\n"
                             "  - name: long-waits\n"
                             "    queues: [sales]\n"
                             "    metric: wait_p90_seconds\n"
                             "    window: interval\n"
                             "    above: 120\n"
                             "    clear_after: 30s\n"
                             "    min_contacts: 10\n"
                             "    severity: critical\n");
  REQUIRE(c.queue_alerts.size() == 2);
  const auto& a = c.queue_alerts[0];
  CHECK(a.name == "sl-low");
  CHECK(a.queues.empty());
  CHECK(a.metric == sla::queue_metric::service_level);
  CHECK(a.window == "15m");
  CHECK(a.cmp == sla::comparison::below);
  CHECK(a.threshold == 0.8);
  CHECK(a.hold_for == 1min);
  CHECK(a.clear_after == 1min);  // defaults to `for`
  CHECK(a.min_contacts == 1);
  CHECK(a.level == sla::severity::warning);
  const auto& b = c.queue_alerts[1];
  CHECK(b.queues == std::vector<std::string>{"sales"});
  CHECK(b.metric == sla::queue_metric::wait_p90_seconds);
  CHECK(b.window == "interval");
  CHECK(b.cmp == sla::comparison::above);
  CHECK(b.threshold == 120);
  CHECK(b.hold_for == 0s);
  CHECK(b.clear_after == 30s);
  CHECK(b.min_contacts == 10);
  CHECK(b.level == sla::severity::critical);
}

TEST_CASE("a 1h window is named as the windows name it") {
  const auto c =
      test::loads(queues + "queue_alerts:\n  - { name: r, metric: offered, window: 60m, above: 500 }\n");
  CHECK(c.queue_alerts.at(0).window == "1h");
}

TEST_CASE("queue-alert mistakes are reported at their line and column") {
  CHECK(errors_of(queues +
                  "queue_alerts:\n  - { name: r, metric: service_levels, window: 15m, below: 0.8 }\n") ==
        std::vector<std::string>{
            "t.yaml:5:24: queue_alerts[0].metric: unknown metric 'service_levels' (did you mean "
            "'service_level'?); "
            "metrics: service_level, abandonment_rate, asa_seconds, wait_p90_seconds, aht_seconds, offered, "
            "abandoned, csat_share, nps, occupancy, waiting, oldest_wait_seconds, agents_available, backlog, "
            "backlog_overdue, forecast_service_level, forecast_drain_seconds"});
  CHECK(errors_of(queues + "queue_alerts:\n  - { name: r, metric: service_level, window: 15m }\n") ==
        std::vector<std::string>{"t.yaml:5:7: queue_alerts[0]: a rule needs a threshold: below: X (fires "
                                 "while the metric is under X) "
                                 "or above: X"});
  CHECK(errors_of(
            queues +
            "queue_alerts:\n  - { name: r, metric: service_level, window: 15m, below: 0.8, above: 0.9 }\n") ==
        std::vector<std::string>{
            "t.yaml:5:64: queue_alerts[0].above: a rule has one threshold: give below: or above:, not both"});
  CHECK(
      errors_of(queues + "queue_alerts:\n  - { name: r, metric: service_level, window: 15m, below: 80 }\n") ==
      std::vector<std::string>{
          "t.yaml:5:52: queue_alerts[0].below: service_level is a ratio from 0 to 1 (0.8 = 80 %), so this "
          "threshold can never be undercut as meant; got 80"});
  CHECK(errors_of(queues +
                  "queue_alerts:\n  - { name: r, metric: service_level, window: 30m, below: 0.8 }\n") ==
        std::vector<std::string>{"t.yaml:5:47: queue_alerts[0].window: window 30m is not one of "
                                 "metrics.windows (15m, 1h); add it there "
                                 "or choose one of them, or interval, previous_interval, today"});
  CHECK(errors_of(queues + "queue_alerts:\n  - { name: r, metric: service_level, below: 0.8 }\n") ==
        std::vector<std::string>{
            "t.yaml:5:7: queue_alerts[0]: metric service_level is windowed: give window: (a length of "
            "metrics.windows such as 15m, or interval, previous_interval, today)"});
  CHECK(
      errors_of(queues +
                "queue_alerts:\n  - { name: r, queues: [bill], metric: offered, window: 15m, above: 9 }\n") ==
      std::vector<std::string>{"t.yaml:5:25: queue_alerts[0].queues[0]: unknown queue 'bill'; declared "
                               "queues: billing, sales"});
  CHECK(
      errors_of(queues + "queue_alerts:\n  - { name: a/b, metric: offered, window: 15m, above: 9 }\n") ==
      std::vector<std::string>{
          "t.yaml:5:13: queue_alerts[0].name: rule names may contain only letters, digits, '.', '_' and '-' "
          "(they become alert keys and metric labels), got 'a/b'"});
  CHECK(errors_of(queues + "queue_alerts:\n  - { name: r, metric: offered, window: 15m, above: 9 }\n"
                           "  - { name: r, metric: offered, window: 15m, above: 9 }\n") ==
        std::vector<std::string>{
            "t.yaml:6:13: queue_alerts[1].name: duplicate rule name 'r' (first declared on line 5)"});
  CHECK(errors_of(
            queues +
            "queue_alerts:\n  - { name: r, metric: offered, window: 15m, above: 9, min_contacts: 5 }\n") ==
        std::vector<std::string>{"t.yaml:5:56: queue_alerts[0].min_contacts: min_contacts applies to metrics "
                                 "per contact; offered is "
                                 "not one (remove it)"});
  CHECK(
      errors_of(queues +
                "queue_alerts:\n  - { name: r, metric: offered, window: 15m, above: 9, severity: page }\n") ==
      std::vector<std::string>{
          "t.yaml:5:66: queue_alerts[0].severity: expected info, warning or critical, got 'page'"});
  CHECK(errors_of(queues +
                  "queue_alerts:\n  - { name: r, metric: offered, window: 15m, above: 9, for: 2d }\n") ==
        std::vector<std::string>{"t.yaml:5:61: queue_alerts[0].for: must be between 0s and 1d, got 2d"});
  CHECK(
      errors_of(queues +
                "queue_alerts:\n  - { name: r, metric: offered, window: 15m, above: 9, during: 1m }\n") ==
      std::vector<std::string>{
          "t.yaml:5:56: queue_alerts[0].during: unknown key 'during'; expected one of: name, queues, metric, "
          "window, below, above, for, clear_after, min_contacts, severity"});
}

TEST_CASE("live metrics take no window") {
  const auto c = test::loads(
      queues + "queue_alerts:\n  - { name: r, metric: oldest_wait_seconds, above: 120, for: 30s }\n");
  CHECK(c.queue_alerts.at(0).metric == sla::queue_metric::oldest_wait_seconds);
  CHECK(c.queue_alerts.at(0).window.empty());
  CHECK(
      errors_of(queues + "queue_alerts:\n  - { name: r, metric: waiting, window: 15m, above: 10 }\n") ==
      std::vector<std::string>{
          "t.yaml:5:33: queue_alerts[0].window: metric waiting is live (the queue now), not windowed: remove "
          "window"});
  CHECK(errors_of(queues + "queue_alerts:\n  - { name: r, metric: forecast_service_level, below: 1.5 }\n")
            .size() == 1);
}
