// queues: a queue's service-level settings (src/config/sections/queues.cpp):
// sl_formula, sl_missed_at_once and the genesys switches, with their
// defaults, valid values and each error at its line and column; options the
// formula would not read are errors, and short_abandon must fit every T.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "config/load_helpers.h"

using namespace std::chrono_literals;
using namespace ccpulse;
using metrics::sl_formula;
using test::errors_of;

namespace {

config::queue_settings only_queue(const std::string& yaml) {
  const auto c = test::loads(yaml);
  REQUIRE(c.queues.size() == 1);
  return c.queues[0];
}

}  // namespace

TEST_CASE("a queue's service level defaults to the default formula, missed when the wait ends") {
  const auto q = only_queue("queues: [ { name: billing, channel: voice } ]\n");
  CHECK(q.sl_formula == sl_formula::default_);
  CHECK_FALSE(q.sl_missed_at_once);
  CHECK(q.genesys.include_abandons);
  CHECK_FALSE(q.genesys.include_short_abandons);
  CHECK_FALSE(q.genesys.include_flowouts);
}

TEST_CASE("every service-level formula is selected by its name") {
  const std::vector<std::pair<std::string, sl_formula>> names{{"default", sl_formula::default_},
                                                              {"asterisk_sl", sl_formula::asterisk_sl},
                                                              {"asterisk_sl2", sl_formula::asterisk_sl2},
                                                              {"amazon_connect", sl_formula::amazon_connect},
                                                              {"genesys", sl_formula::genesys}};
  for (const auto& [name, formula] : names) {
    CAPTURE(name);
    CHECK(only_queue("queues: [ { name: q, channel: voice, sl_formula: " + name + " } ]\n").sl_formula ==
          formula);
  }
}

TEST_CASE("an unknown formula is an error listing the formulas") {
  CHECK(errors_of("queues:\n  - { name: q, channel: voice, sl_formula: genesis }\n") ==
        std::vector<std::string>{
            "t.yaml:2:44: queues[0].sl_formula: unknown service-level formula 'genesis' (did you mean "
            "'genesys'?); "
            "valid formulas: default, asterisk_sl, asterisk_sl2, amazon_connect, genesys"});
  CHECK(errors_of("queues:\n  - { name: q, channel: voice, sl_formula: [default] }\n") ==
        std::vector<std::string>{
            "t.yaml:2:44: queues[0].sl_formula: expected a service-level formula, got a list"});
}

TEST_CASE("sl_missed_at_once is true or false") {
  CHECK(only_queue("queues: [ { name: q, channel: voice, sl_missed_at_once: true } ]\n").sl_missed_at_once);
  CHECK(only_queue("queues: [ { name: q, channel: voice, sl_missed_at_once: TRUE } ]\n").sl_missed_at_once);
  CHECK_FALSE(
      only_queue("queues: [ { name: q, channel: voice, sl_missed_at_once: False } ]\n").sl_missed_at_once);
  // YAML 1.1's yes/no are not booleans in YAML 1.2: a word, not a switch.
  CHECK(errors_of("queues:\n  - { name: q, channel: voice, sl_missed_at_once: yes }\n") ==
        std::vector<std::string>{
            "t.yaml:2:51: queues[0].sl_missed_at_once: expected true or false, got 'yes'"});
  CHECK(
      errors_of("queues:\n  - { name: q, channel: voice, sl_missed_at_once: 1 }\n") ==
      std::vector<std::string>{"t.yaml:2:51: queues[0].sl_missed_at_once: expected true or false, got '1'"});
}

TEST_CASE("the genesys switches are read with sl_formula genesys") {
  const auto q = only_queue(
      "queues:\n"
      "  - name: q\n"
      "    channel: voice\n"
      "    sl_formula: genesys\n"
      "    genesys: { include_abandons: true, include_short_abandons: true, include_flowouts: true }\n");
  CHECK(q.sl_formula == sl_formula::genesys);
  CHECK(q.genesys.include_abandons);
  CHECK(q.genesys.include_short_abandons);
  CHECK(q.genesys.include_flowouts);
  const auto off = only_queue(
      "queues: [ { name: q, channel: voice, sl_formula: genesys, genesys: { include_abandons: false } } ]\n");
  CHECK_FALSE(off.genesys.include_abandons);
  CHECK_FALSE(off.genesys.include_short_abandons);
  // Written before the formula, read the same.
  CHECK(only_queue("queues: [ { name: q, genesys: { include_flowouts: true }, channel: voice, sl_formula: "
                   "genesys } ]\n")
            .genesys.include_flowouts);
}

TEST_CASE("genesys options with another formula are an error at the genesys key, not ignored") {
  CHECK(errors_of("queues:\n"
                  "  - name: q\n"
                  "    channel: voice\n"
                  "    genesys:\n"
                  "      include_flowouts: true\n") ==
        std::vector<std::string>{"t.yaml:4:5: queues[0].genesys: genesys options apply only with sl_formula: "
                                 "genesys, and this queue's "
                                 "formula is 'default'; remove them or set sl_formula: genesys"});
  CHECK(errors_of("queues:\n  - { name: q, channel: voice, sl_formula: asterisk_sl, genesys: {} }\n") ==
        std::vector<std::string>{"t.yaml:2:57: queues[0].genesys: genesys options apply only with "
                                 "sl_formula: genesys, and this queue's "
                                 "formula is 'asterisk_sl'; remove them or set sl_formula: genesys"});
  // A formula that was itself rejected is reported once.
  CHECK(errors_of("queues:\n  - { name: q, channel: voice, sl_formula: x, genesys: {} }\n").size() == 1);
}

TEST_CASE("a genesys switch is true or false, and its keys are checked") {
  CHECK(errors_of(
            "queues:\n  - { name: q, channel: voice, sl_formula: genesys, genesys: { include_abandon: false, "
            "include_flowouts: maybe } }\n") ==
        std::vector<std::string>{
            "t.yaml:2:64: queues[0].genesys.include_abandon: unknown key 'include_abandon' (did you mean "
            "'include_abandons'?)",
            "t.yaml:2:106: queues[0].genesys.include_flowouts: expected true or false, got 'maybe'"});
  CHECK(errors_of("queues:\n  - { name: q, channel: voice, sl_formula: genesys, genesys: true }\n") ==
        std::vector<std::string>{"t.yaml:2:62: queues[0].genesys: expected a mapping, got 'true'"});
}

TEST_CASE("short abandons counted without abandons is an error: that switch would be ignored") {
  CHECK(errors_of("queues:\n"
                  "  - name: q\n"
                  "    channel: voice\n"
                  "    sl_formula: genesys\n"
                  "    genesys:\n"
                  "      include_abandons: false\n"
                  "      include_short_abandons: true\n") ==
        std::vector<std::string>{"t.yaml:7:31: queues[0].genesys.include_short_abandons: "
                                 "include_short_abandons needs include_abandons: "
                                 "true (short abandons are abandons); remove it or include abandons"});
}

TEST_CASE("sl_missed_at_once with amazon_connect is an error: that formula would ignore it") {
  CHECK(
      errors_of("queues:\n  - { name: q, channel: voice, sl_formula: amazon_connect, sl_missed_at_once: true "
                "}\n") ==
      std::vector<std::string>{
          "t.yaml:2:79: queues[0].sl_missed_at_once: sl_missed_at_once has no effect with sl_formula: "
          "amazon_connect (its denominator counts every queued contact when it enters); remove it or choose "
          "another formula"});
  CHECK(only_queue(
            "queues: [ { name: q, channel: voice, sl_formula: amazon_connect, sl_missed_at_once: false } ]\n")
            .sl_formula == sl_formula::amazon_connect);
}

TEST_CASE("processing.short_abandon longer than a queue's sl_threshold is an error at that threshold") {
  CHECK(errors_of("processing: { short_abandon: 10s }\n"
                  "queues:\n"
                  "  - { name: a, channel: voice, sl_threshold: 10s }\n"
                  "  - { name: b, channel: voice, sl_threshold: 8s }\n") ==
        std::vector<std::string>{
            "t.yaml:4:46: queues[1].sl_threshold: sl_threshold 8s of queue 'b' is shorter than "
            "processing.short_abandon 10s; a short abandon must be an abandon within T (docs/kpis.md)"});
  // The default short_abandon (5s) against a written threshold.
  CHECK(errors_of("queues: [ { name: a, channel: voice, sl_threshold: 3s } ]\n") ==
        std::vector<std::string>{
            "t.yaml:1:52: queues[0].sl_threshold: sl_threshold 3s of queue 'a' is shorter than "
            "processing.short_abandon 5s; a short abandon must be an abandon within T (docs/kpis.md)"});
  // A written short_abandon against the default threshold (20s): at short_abandon.
  CHECK(errors_of("processing: { short_abandon: 30s }\nqueues: [ { name: a, channel: voice } ]\n") ==
        std::vector<std::string>{
            "t.yaml:1:30: processing.short_abandon: sl_threshold 20s of queue 'a' is shorter than "
            "processing.short_abandon 30s; a short abandon must be an abandon within T (docs/kpis.md)"});
  // short_abandon: 0s is off and fits any threshold.
  CHECK(only_queue(
            "processing: { short_abandon: 0s }\nqueues: [ { name: a, channel: voice, sl_threshold: 1s } ]\n")
            .sl_threshold == 1s);
}
