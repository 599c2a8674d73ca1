#include "config/duration_parse.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace std::chrono_literals;
using ccpulse::duration;
using ccpulse::config::format_duration;
using ccpulse::config::parse_duration;

namespace {

duration ok(const char* text) {
  const auto r = parse_duration(text);
  INFO("text: ", text, " error: ", r.error);
  REQUIRE(r.ok());
  return r.value;
}

std::string error_of(const char* text) {
  const auto r = parse_duration(text);
  INFO("text: ", text);
  REQUIRE_FALSE(r.ok());
  return r.error;
}

}  // namespace

TEST_CASE("parse_duration reads every unit") {
  CHECK(ok("250us") == 250us);
  CHECK(ok("250ms") == 250ms);
  CHECK(ok("30s") == 30s);
  CHECK(ok("15m") == 15min);
  CHECK(ok("2h") == 2h);
  CHECK(ok("1d") == 24h);
}

TEST_CASE("parse_duration adds combined units from largest to smallest") {
  CHECK(ok("1h30m") == 90min);
  CHECK(ok("1d2h3m4s5ms6us") == 24h + 2h + 3min + 4s + 5ms + 6us);
  CHECK(ok("2m0s") == 2min);
}

TEST_CASE("parse_duration accepts zero and decimal fractions") {
  CHECK(ok("0") == 0us);
  CHECK(ok("0s") == 0us);
  CHECK(ok("1.5s") == 1500ms);
  CHECK(ok("0.25h") == 15min);
  CHECK(ok(".5s") == 500ms);
  CHECK(ok("1m30.5s") == 90s + 500ms);
  CHECK(ok("1.000001s") == 1s + 1us);
}

TEST_CASE("parse_duration rejects negative durations") {
  CHECK(error_of("-5s").find("negative") != std::string::npos);
  CHECK(error_of("-0s").find("negative") != std::string::npos);
}

TEST_CASE("parse_duration asks for a unit when only a number is given") {
  CHECK(error_of("30") == "missing unit in '30' (e.g. 30s; units: d, h, m, s, ms, us)");
  CHECK(error_of("1h30").find("missing unit") != std::string::npos);
}

TEST_CASE("parse_duration names an unknown unit") {
  CHECK(error_of("5min") == "unknown unit 'min' in '5min' (units: d, h, m, s, ms, us)");
  CHECK(error_of("5S").find("unknown unit 'S'") != std::string::npos);
  CHECK(error_of("10 minutes").find("expected a duration") != std::string::npos);
}

TEST_CASE("parse_duration rejects garbage") {
  for (const char* text : {"", "s", "abc", "1h 30m", "+5s", "5s!", "1.s", ".s", "1..5s", "0x10s", " 5s"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_duration(text).ok());
  }
}

TEST_CASE("parse_duration rejects units out of order or repeated") {
  CHECK(error_of("30m1h").find("largest to smallest") != std::string::npos);
  CHECK(error_of("1h1h").find("largest to smallest") != std::string::npos);
  CHECK(error_of("1s500us200ms").find("largest to smallest") != std::string::npos);
}

TEST_CASE("parse_duration rejects precision finer than a microsecond") {
  CHECK(error_of("0.0000001s").find("finer than a microsecond") != std::string::npos);
  CHECK(ok("0.0000010s") == 1us);
}

TEST_CASE("parse_duration rejects values that overflow") {
  CHECK(error_of("99999999999999999999s").find("too large") != std::string::npos);
  CHECK(error_of("200000000d").find("too large") != std::string::npos);
  CHECK(error_of("106751991d23h").find("too large") != std::string::npos);
  CHECK(ok("106751991d") == std::chrono::hours{24} * 106751991);
}

TEST_CASE("format_duration writes the shortest text that parses back") {
  CHECK(format_duration(0us) == "0s");
  CHECK(format_duration(90min) == "1h30m");
  CHECK(format_duration(250ms) == "250ms");
  CHECK(format_duration(24h + 1us) == "1d1us");
  for (duration d : {duration{1}, duration{999}, duration{1'500'000}, duration{86'400'000'000 * 3 + 7}}) {
    CAPTURE(d.count());
    CHECK(parse_duration(format_duration(d)).value == d);
  }
}
