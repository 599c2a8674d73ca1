#include "sla/alert.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "sla/policy.h"

namespace {

using ccpulse::sla::alert_kind;
using ccpulse::sla::make_alert_id;
using ccpulse::sla::severity;
using ccpulse::sla::target_type;

}  // namespace

TEST_CASE("make_alert_id returns the same id for the same components") {
  const auto a = make_alert_id("ia-1", "voice-std", target_type::answer, 1, alert_kind::at_risk);
  const auto b = make_alert_id("ia-1", "voice-std", target_type::answer, 1, alert_kind::at_risk);
  CHECK(a == b);
}

TEST_CASE("make_alert_id is pinned to 64-bit FNV-1a so ids survive restarts and upgrades") {
  // Golden values computed outside this code base (FNV-1a 64 over each
  // component followed by a 0xff separator, cycle in decimal).
  CHECK(make_alert_id("ia-1", "voice-std", target_type::answer, 1, alert_kind::at_risk) ==
        "ccdab0695f69b1ee");
  CHECK(make_alert_id("ia-1", "voice-std", target_type::answer, 1, alert_kind::breached) ==
        "44dd300f721e8281");
}

TEST_CASE("make_alert_id is 16 lowercase hex characters") {
  for (const auto* ia : {"", "x", "ia-with-a-rather-long-identifier-0123456789"}) {
    const auto id = make_alert_id(ia, "p", target_type::resolution, 42, alert_kind::cancelled);
    REQUIRE(id.size() == 16);
    for (char c : id) CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
  }
}

TEST_CASE("make_alert_id differs when any one component differs") {
  const auto base = make_alert_id("ia-1", "pol", target_type::answer, 1, alert_kind::at_risk);
  CHECK(make_alert_id("ia-2", "pol", target_type::answer, 1, alert_kind::at_risk) != base);
  CHECK(make_alert_id("ia-1", "pol2", target_type::answer, 1, alert_kind::at_risk) != base);
  CHECK(make_alert_id("ia-1", "pol", target_type::resolution, 1, alert_kind::at_risk) != base);
  CHECK(make_alert_id("ia-1", "pol", target_type::answer, 2, alert_kind::at_risk) != base);
  CHECK(make_alert_id("ia-1", "pol", target_type::answer, 1, alert_kind::breached) != base);

  std::set<std::string> kinds;
  for (auto k : {alert_kind::at_risk, alert_kind::breached, alert_kind::recovered, alert_kind::cancelled})
    kinds.insert(make_alert_id("ia-1", "pol", target_type::answer, 1, k));
  CHECK(kinds.size() == 4);
}

TEST_CASE("make_alert_id separates components so shifting a boundary changes the id") {
  CHECK(make_alert_id("ab", "c", target_type::answer, 1, alert_kind::at_risk) !=
        make_alert_id("a", "bc", target_type::answer, 1, alert_kind::at_risk));
  // cycle 1 with policy "p1" vs cycle 11 with policy "p": same concatenation.
  CHECK(make_alert_id("ia", "p1", target_type::answer, 1, alert_kind::at_risk) !=
        make_alert_id("ia", "p", target_type::answer, 11, alert_kind::at_risk));
}

TEST_CASE("severity is warning for at_risk, critical for breached and info otherwise") {
  CHECK(ccpulse::sla::severity_of(alert_kind::at_risk) == severity::warning);
  CHECK(ccpulse::sla::severity_of(alert_kind::breached) == severity::critical);
  CHECK(ccpulse::sla::severity_of(alert_kind::recovered) == severity::info);
  CHECK(ccpulse::sla::severity_of(alert_kind::cancelled) == severity::info);
}

TEST_CASE("alert kinds and severities have stable names") {
  CHECK(ccpulse::sla::to_string(alert_kind::at_risk) == "at_risk");
  CHECK(ccpulse::sla::to_string(alert_kind::breached) == "breached");
  CHECK(ccpulse::sla::to_string(alert_kind::recovered) == "recovered");
  CHECK(ccpulse::sla::to_string(alert_kind::cancelled) == "cancelled");
  CHECK(ccpulse::sla::to_string(severity::info) == "info");
  CHECK(ccpulse::sla::to_string(severity::warning) == "warning");
  CHECK(ccpulse::sla::to_string(severity::critical) == "critical");
}
