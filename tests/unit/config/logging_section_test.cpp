// logging: the format and level of log lines (src/config/sections/logging.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config/load_helpers.h"

using namespace ccpulse;
using test::errors_of;
using test::loads;

TEST_CASE("without logging: lines are logfmt from info up") {
  const auto l = loads("site_timezone: UTC\n").logging;
  CHECK(l.format == log::format::logfmt);
  CHECK(l.level == log::level::info);
}

TEST_CASE("logging: format and level are read") {
  const auto l = loads("logging:\n  format: json\n  level: warn\n").logging;
  CHECK(l.format == log::format::json);
  CHECK(l.level == log::level::warn);
  CHECK(loads("logging: { level: debug }\n").logging.level == log::level::debug);
}

TEST_CASE("logging: an unknown format, level or key is an error at its line") {
  CHECK(errors_of("logging:\n  format: text\n") ==
        std::vector<std::string>{"t.yaml:2:11: logging.format: expected one of logfmt, json, got 'text'"});
  CHECK(errors_of("logging:\n  level: verbose\n") ==
        std::vector<std::string>{
            "t.yaml:2:10: logging.level: expected one of debug, info, warn, error, got 'verbose'"});
  const auto unknown = errors_of("logging:\n  rate_limit: 5\n");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].rfind("t.yaml:2:3: logging.rate_limit:", 0) == 0);
}
