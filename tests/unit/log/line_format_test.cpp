// One log line, logfmt and JSON (src/log/line_format.h): fields, quoting
// and escaping, and the repair of text that is not UTF-8.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include "log/line_format.h"

using namespace ccpulse;
using namespace std::chrono_literals;

namespace {

// 2026-12-03T14:00:00.123Z
const auto ts =
    std::chrono::system_clock::time_point(std::chrono::sys_days(std::chrono::year{2026} / 12 / 3)) + 14h +
    123ms;

std::string line(log::format f, std::string_view msg, std::initializer_list<log::field> fields) {
  return log::format_line(f, ts, log::level::warn, msg, std::vector<log::field>(fields));
}

}  // namespace

TEST_CASE("a logfmt line has ts, level, msg, then the fields in order") {
  CHECK(
      line(
          log::format::logfmt, "consumer error",
          {{"instance", "cc-1"}, {"worker", 2}, {"topic", "cc.events"}, {"partition", 3}, {"lost", false}}) ==
      "ts=2026-12-03T14:00:00.123Z level=warn msg=\"consumer error\" instance=cc-1 worker=2 topic=cc.events "
      "partition=3 lost=false");
}

TEST_CASE("logfmt quotes values with spaces, = or quotes and the empty value, escaping quotes and newlines") {
  CHECK(line(log::format::logfmt, "restored",
             {{"a", "x=1"}, {"b", ""}, {"c", "say \"hi\"\nbye"}, {"d", "C:\\dir"}}) ==
        "ts=2026-12-03T14:00:00.123Z level=warn msg=restored a=\"x=1\" b=\"\" c=\"say \\\"hi\\\"\\nbye\" "
        "d=C:\\dir");
  CHECK(line(log::format::logfmt, "tab\there", {}) ==
        "ts=2026-12-03T14:00:00.123Z level=warn msg=\"tab\\there\"");
  // A control character is escaped, never written raw.
  CHECK(line(log::format::logfmt, "m", {{"k", std::string_view("a\x01z", 3)}}).ends_with("k=\"a\\u0001z\""));
}

TEST_CASE("numbers are written as numbers: integers, signed, and doubles in their shortest form") {
  CHECK(
      line(log::format::logfmt, "m", {{"n", std::uint64_t{18446744073709551615ULL}}, {"i", -7}, {"d", 0.25}})
          .ends_with("n=18446744073709551615 i=-7 d=0.25"));
  CHECK(line(log::format::json, "m", {{"d", 1.5}, {"inf", std::numeric_limits<double>::infinity()}})
            .ends_with(",\"d\":1.5,\"inf\":null}"));
}

TEST_CASE("a JSON line is one object with typed values, in the same order") {
  const auto text =
      line(log::format::json, "dead-lettered event",
           {{"worker", 2}, {"offset", std::int64_t{42}}, {"reason", "bad \"payload\"\n"}, {"lost", true}});
  CHECK(
      text ==
      "{\"ts\":\"2026-12-03T14:00:00.123Z\",\"level\":\"warn\",\"msg\":\"dead-lettered event\",\"worker\":2,"
      "\"offset\":42,\"reason\":\"bad \\\"payload\\\"\\n\",\"lost\":true}");
  const auto v = boost::json::parse(text).as_object();
  CHECK(v.at("reason").as_string() == "bad \"payload\"\n");
  CHECK(v.at("worker").as_int64() == 2);
}

TEST_CASE("text that is not UTF-8 is repaired, so every JSON line parses") {
  const std::string bad = "ok \xc3\xa9 \xff\xfe \xe2\x82 end";  // é, two stray bytes, a cut sequence
  const auto text = line(log::format::json, bad, {{"detail", bad}});
  boost::json::error_code ec;
  const auto v = boost::json::parse(text, ec);
  REQUIRE_FALSE(ec);
  CHECK(v.as_object().at("msg").as_string() ==
        "ok \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd end");
  // logfmt gets the same repair (and quotes for the spaces).
  CHECK(line(log::format::logfmt, "m", {{"k", std::string_view("\xff", 1)}}).ends_with("k=\"\xef\xbf\xbd\""));
}

TEST_CASE("a key that could break the line is made safe") {
  CHECK(line(log::format::logfmt, "m", {{"a key=", 1}}).ends_with(" a_key_=1"));
  CHECK(line(log::format::json, "m", {{"q\"", 1}}).ends_with(",\"q_\":1}"));
}

TEST_CASE("level and format names round-trip") {
  for (auto l : {log::level::debug, log::level::info, log::level::warn, log::level::error})
    CHECK(log::level_named(log::to_string(l)) == l);
  CHECK(log::format_named("json") == log::format::json);
  CHECK_FALSE(log::format_named("text").has_value());
}
