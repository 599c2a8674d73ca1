// The process logger (src/log/logger.h): context fields on every line, the
// configured format and level, and the rate-limited lines.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>

#include "log/logger.h"

using namespace ccpulse;
using namespace std::chrono_literals;

namespace {

// Back to the defaults whatever a test configured.
struct configured {
  explicit configured(const log::settings& s) { log::configure(s); }
  ~configured() { log::configure({}); }
};

}  // namespace

TEST_CASE("a line carries instance, component and the logger's context before its own fields") {
  configured c({log::format::logfmt, log::level::info, "cc-1"});
  log::capture out;
  log::logger("worker")
      .with("worker", 2)
      .with("topic", "cc.events")
      .warn("consumer error", {{"partition", 3}});
  const auto lines = out.lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("ts=20"));
  CHECK(
      lines[0].ends_with(" level=warn msg=\"consumer error\" instance=cc-1 component=worker worker=2 "
                         "topic=cc.events partition=3"));
}

TEST_CASE("lines below the configured level are not written") {
  configured c({log::format::logfmt, log::level::warn, ""});
  log::capture out;
  const log::logger l("run");
  CHECK_FALSE(l.enabled(log::level::info));
  l.info("quiet");
  l.debug("quieter");
  l.error("loud");
  const auto lines = out.lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("msg=loud component=run") != std::string::npos);
  CHECK(lines[0].find("instance=") == std::string::npos);  // none configured
}

TEST_CASE("with format json every line is a JSON object") {
  configured c({log::format::json, log::level::info, "cc-1"});
  log::capture out;
  log::logger("restore").with("worker", 0).info("restored", {{"records", 12}, {"seconds", 0.5}});
  const auto lines = out.lines();
  REQUIRE(lines.size() == 1);
  const auto v = boost::json::parse(lines[0]).as_object();
  CHECK(v.at("msg").as_string() == "restored");
  CHECK(v.at("instance").as_string() == "cc-1");
  CHECK(v.at("component").as_string() == "restore");
  CHECK(v.at("worker").as_int64() == 0);
  CHECK(v.at("records").as_int64() == 12);
  CHECK(v.at("level").as_string() == "info");
}

TEST_CASE(
    "per-event lines stop at the budget and the next window's first line says how many were suppressed") {
  configured c({log::format::logfmt, log::level::info, ""});
  auto t = log::rate_limiter::clock::time_point(std::chrono::hours(1));
  log::rate_limiter limits(2, 10s, [&] { return t; });
  log::capture out;
  const log::logger l("worker");
  for (int i = 0; i < 50; ++i)
    l.limited(limits, "bad_payload", log::level::warn, "dead-lettered event", {{"offset", i}});
  CHECK(out.lines().size() == 2);
  t += 10s;
  l.limited(limits, "bad_payload", log::level::warn, "dead-lettered event", {{"offset", 50}});
  auto lines = out.lines();
  REQUIRE(lines.size() == 3);
  CHECK(lines[2].ends_with("offset=50 suppressed=48"));
  // Held back with no later line of its kind: report_suppressed says so.
  for (int i = 0; i < 5; ++i) l.limited(limits, "other", log::level::warn, "consumer error");
  t += 10s;
  l.report_suppressed(limits, log::level::warn);
  lines = out.lines();
  REQUIRE(lines.size() == 6);
  CHECK(lines[5].ends_with("msg=\"repeated lines suppressed\" component=worker key=other suppressed=3"));
}
