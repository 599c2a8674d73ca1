// metrics: the windowed metrics engine's settings (src/config/sections/
// metrics.cpp): each field's default, a valid value and each error at its
// line and column, and the engine's own window check run at config time,
// reported at the `metrics:` key.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "config/load_helpers.h"
#include "config/window_settings_of.h"
#include "engine/engine_context.h"

using namespace std::chrono_literals;
using namespace ccpulse;
using test::errors_of;
using test::loads;

TEST_CASE("without metrics: the engine gets the documented defaults") {
  const auto m = loads("site_timezone: UTC\n").metrics;
  CHECK(m.windows == std::vector<duration>{15min, 1h});
  CHECK(m.bucket == 10s);
  CHECK(m.histogram_bucket == 5min);
  CHECK(m.interval == 15min);
  CHECK(m.repeat_window == std::chrono::days{7});
  CHECK(m.max_repeat_customers == 1'000'000);
  CHECK(m.max_agents == 100'000);
}

TEST_CASE("metrics: every field is read") {
  const auto m = loads(
                     "metrics:\n"
                     "  windows: [5m, 30m, 2h]\n"
                     "  bucket: 30s\n"
                     "  histogram_bucket: 10m\n"
                     "  interval: 1h\n"
                     "  repeat_window: 2d\n"
                     "  max_repeat_customers: 5000\n"
                     "  max_agents: 10\n")
                     .metrics;
  CHECK(m.windows == std::vector<duration>{5min, 30min, 2h});
  CHECK(m.bucket == 30s);
  CHECK(m.histogram_bucket == 10min);
  CHECK(m.interval == 1h);
  CHECK(m.repeat_window == 48h);
  CHECK(m.max_repeat_customers == 5000);
  CHECK(m.max_agents == 10);
  // A single window may be written without brackets.
  CHECK(loads("metrics: { windows: 1h }\n").metrics.windows == std::vector<duration>{1h});
}

TEST_CASE("the engine is given the metrics settings and the site's zone as written") {
  const auto c = loads(
      "site_timezone: Europe/Berlin\n"
      "metrics: { windows: [1m, 2h], bucket: 20s, histogram_bucket: 10m, interval: 30m, repeat_window: 1d,\n"
      "  max_repeat_customers: 2000, max_agents: 7 }\n");
  const auto w = config::window_settings_of(c);
  CHECK(w.sliding == std::vector<duration>{1min, 2h});
  CHECK(w.bucket == 20s);
  CHECK(w.coarse_bucket == 10min);
  CHECK(w.interval == std::chrono::minutes{30});
  CHECK(w.site_timezone == "Europe/Berlin");
  CHECK(w.repeat_window == 24h);
  CHECK(w.repeat_max_customers == 2000);
  CHECK(w.max_agents == 7);
  CHECK(engine::engine_context::check_windows(w).empty());
}

TEST_CASE("a window must be a positive multiple of the bucket, at most 1d, listed once") {
  CHECK(errors_of("metrics:\n  windows: [25s, 1h]\n") ==
        std::vector<std::string>{
            "t.yaml:2:13: metrics.windows[0]: window 25s is not a multiple of metrics.bucket 10s"});
  // The bucket is measured as written, wherever it comes in the section.
  CHECK(errors_of("metrics: { windows: [15m, 1h], bucket: 7m }\n") ==
        std::vector<std::string>{
            "t.yaml:1:22: metrics.windows[0]: window 15m is not a multiple of metrics.bucket 7m",
            "t.yaml:1:27: metrics.windows[1]: window 1h is not a multiple of metrics.bucket 7m"});
  CHECK(errors_of("metrics: { windows: [0s, 2d, 1h, 1h] }\n") ==
        std::vector<std::string>{
            "t.yaml:1:22: metrics.windows[0]: must be greater than 0 and at most 1d, got 0s",
            "t.yaml:1:26: metrics.windows[1]: must be greater than 0 and at most 1d, got 2d",
            "t.yaml:1:34: metrics.windows[3]: window 1h is listed twice"});
  CHECK(errors_of("metrics: { windows: [] }\n") ==
        std::vector<std::string>{
            "t.yaml:1:21: metrics.windows: at least one window is needed (the longest is the ring's span)"});
  CHECK(errors_of("metrics: { windows: [soon] }\n") ==
        std::vector<std::string>{"t.yaml:1:22: metrics.windows[0]: expected a duration such as 250ms, 30s, "
                                 "15m, 2h, 1d or 1h30m, got "
                                 "'soon'"});
  CHECK(errors_of("metrics: { windows: { a: 1h } }\n") ==
        std::vector<std::string>{"t.yaml:1:21: metrics.windows: expected a list, got a mapping"});
}

TEST_CASE("a rejected bucket is reported once, not again through every window") {
  CHECK(errors_of("metrics: { windows: [15m], bucket: 2h }\n") ==
        std::vector<std::string>{"t.yaml:1:36: metrics.bucket: must be between 1s and 1h, got 2h"});
  CHECK(errors_of("metrics: { bucket: 0s }\n") ==
        std::vector<std::string>{"t.yaml:1:20: metrics.bucket: must be between 1s and 1h, got 0s"});
}

TEST_CASE("the bucket ring of the longest window holds at most 8640 buckets") {
  CHECK(loads("metrics: { windows: [1d], bucket: 10s, interval: 1h }\n").metrics.windows ==
        std::vector<duration>{24h});
  CHECK(errors_of("metrics: { windows: [15m, 1d], bucket: 5s }\n") ==
        std::vector<std::string>{
            "t.yaml:1:27: metrics.windows[1]: the longest window 1d holds 17280 buckets of 5s; at most 8640 "
            "(every bucket costs memory in every queue of every partition): use a larger bucket"});
}

TEST_CASE("histogram_bucket, repeat_window and the bounds are read within their limits") {
  CHECK(errors_of("metrics:\n  histogram_bucket: 2d\n  repeat_window: 30s\n  max_repeat_customers: 10\n"
                  "  max_agents: 0\n") ==
        std::vector<std::string>{
            "t.yaml:2:21: metrics.histogram_bucket: must be between 1s and 1d, got 2d",
            "t.yaml:3:18: metrics.repeat_window: must be between 1m and 365d, got 30s",
            "t.yaml:4:25: metrics.max_repeat_customers: must be between 1000 and 100000000, got 10",
            "t.yaml:5:15: metrics.max_agents: must be between 1 and 10000000, got 0"});
  CHECK(errors_of("metrics: { max_agents: many }\n") ==
        std::vector<std::string>{"t.yaml:1:24: metrics.max_agents: expected a whole number, got 'many'"});
}

TEST_CASE("the interval is whole minutes that divide a day") {
  CHECK(loads("metrics: { interval: 30m }\n").metrics.interval == 30min);
  CHECK(errors_of("metrics: { interval: 90s }\n") ==
        std::vector<std::string>{"t.yaml:1:22: metrics.interval: must be whole minutes that divide a day "
                                 "evenly (15m, 30m, 1h...), got "
                                 "1m30s"});
  CHECK(errors_of("metrics: { interval: 7m }\n") ==
        std::vector<std::string>{"t.yaml:1:22: metrics.interval: must be whole minutes that divide a day "
                                 "evenly (15m, 30m, 1h...), got "
                                 "7m"});
  CHECK(errors_of("metrics: { interval: 30s }\n") ==
        std::vector<std::string>{"t.yaml:1:22: metrics.interval: must be between 1m and 1d, got 30s"});
}

TEST_CASE("what the engine's window check refuses is an error at the metrics: key") {
  // Coarse buckets must be made of whole fine buckets.
  CHECK(errors_of("site_timezone: UTC\nmetrics:\n  histogram_bucket: 7s\n") ==
        std::vector<std::string>{
            "t.yaml:2:1: metrics: window settings: the coarse width must be a multiple of the fine width and "
            "divide the fine span (here: bucket 10s, histogram_bucket 7s, interval 15m, longest window 1h)"});
  // The previous interval is read from the ring, so the ring spans two.
  CHECK(
      errors_of("metrics: { interval: 1h }\n") ==
      std::vector<std::string>{
          "t.yaml:1:1: metrics: window settings: the calendar interval must be a multiple of the coarse "
          "width "
          "and at most half the fine span (the previous interval is read from the rings) (here: bucket 10s, "
          "histogram_bucket 5m, interval 1h, longest window 1h)"});
  CHECK(errors_of("metrics: { windows: [30m], bucket: 10m, histogram_bucket: 10m, interval: 10m }\n") ==
        std::vector<std::string>{
            "t.yaml:1:1: metrics: window settings: bucket widths must be positive and the fine ring longer "
            "than 4 "
            "buckets (here: bucket 10m, histogram_bucket 10m, interval 10m, longest window 30m)"});
  // The same settings an hour-long ring accepts.
  CHECK(loads("metrics: { windows: [1h], interval: 30m }\n").metrics.interval == 30min);
}

TEST_CASE("histogram buckets must tile the site zone's intervals and days: its UTC offsets are multiples") {
  const std::string hourly = "metrics: { windows: [2h], histogram_bucket: 1h, interval: 1h }\n";
  CHECK(loads("site_timezone: Europe/Berlin\n" + hourly).metrics.histogram_bucket == 1h);
  CHECK(
      errors_of("site_timezone: Asia/Kolkata\n" + hourly) ==
      std::vector<std::string>{
          "t.yaml:2:1: metrics: site_timezone Asia/Kolkata is UTC+05:30 from 2000-01-01, not a whole "
          "multiple of the histogram bucket (3600 s): intervals and days would not start on a bucket; use a "
          "histogram bucket that divides the offset (here: bucket 10s, histogram_bucket 1h, interval 1h, "
          "longest window 2h)"});
  // The default 5 minutes divides every offset in use.
  CHECK(loads("site_timezone: Asia/Kathmandu\n").metrics.histogram_bucket == 5min);
}

TEST_CASE("the engine's window check waits for the zone, wherever the file sets it") {
  CHECK(loads("metrics: { interval: 30m }\nsite_timezone: Asia/Kolkata\n").site_timezone == "Asia/Kolkata");
  // An unknown zone is reported once, at site_timezone, not again at metrics:.
  CHECK(errors_of("metrics: { interval: 30m }\nsite_timezone: Asia/Kolkatta\n").size() == 1);
  CHECK(errors_of("metrics: { interval: 30m }\nsite_timezone: Asia/Kolkatta\n")
            .at(0)
            .starts_with("t.yaml:2:16: site_timezone: unknown time zone 'Asia/Kolkatta'"));
}

TEST_CASE("an unknown metrics key suggests the closest one") {
  CHECK(errors_of("metrics: { window: [15m] }\n") ==
        std::vector<std::string>{
            "t.yaml:1:12: metrics.window: unknown key 'window' (did you mean 'windows'?)"});
}
