#include "codec/alert_encoder.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ccpulse/v1/alerts.pb.h"
#include "model/channel.h"
#include "model/time.h"
#include "sla/alert.h"
#include "sla/policy.h"
#include "sla/queue_rule.h"

namespace {

namespace v1 = ccpulse::v1;
using ccpulse::channel;
using ccpulse::duration;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using ccpulse::codec::encode_alert;
using ccpulse::sla::alert_kind;
using ccpulse::sla::severity;
using ccpulse::sla::sla_alert;
using ccpulse::sla::target_type;
using namespace std::chrono_literals;

const instant t0 = from_unix_micros(1'700'000'000'123'456);

sla_alert sample() {
  sla_alert a;
  a.alert_id = "0123456789abcdef";
  a.kind = alert_kind::at_risk;
  a.policy = "voice-std";
  a.target = target_type::answer;
  a.cycle = 3;
  a.interaction_id = "ia-1";
  a.chan = channel::chat;
  a.queue = "sales";
  a.priority = 2;
  a.tier = "gold";
  a.started_at = t0;
  a.deadline = t0 + 30s;
  a.elapsed = 24'500'001us;
  a.remaining = 5'499'999us;
  a.level = severity::warning;
  a.event_time = t0 + 24s + 500ms;
  a.late = true;
  return a;
}

v1::SlaAlert round_trip(const sla_alert& a, instant raised = t0 + 25s) {
  std::string bytes;
  encode_alert(a, raised, bytes);
  v1::Alert parsed;
  REQUIRE(parsed.ParseFromString(bytes));
  REQUIRE(parsed.has_sla());
  REQUIRE_FALSE(parsed.has_queue());
  return parsed.sla();
}

}  // namespace

TEST_CASE("an encoded SLA alert parses back with every field") {
  const auto s = round_trip(sample(), t0 + 25s + 1us);
  CHECK(s.alert_id() == "0123456789abcdef");
  CHECK(s.kind() == v1::SLA_ALERT_KIND_AT_RISK);
  CHECK(s.policy() == "voice-std");
  CHECK(s.target() == "answer");
  CHECK(s.cycle() == 3);
  CHECK(s.interaction_id() == "ia-1");
  CHECK(s.channel() == v1::CHANNEL_CHAT);
  CHECK(s.queue_id() == "sales");
  CHECK(s.priority() == 2);
  CHECK(s.customer_tier() == "gold");
  CHECK(s.agent_id().empty());
  CHECK(s.attributes().empty());
  CHECK(s.started_at().seconds() == 1'700'000'000);
  CHECK(s.started_at().nanos() == 123'456'000);
  CHECK(s.deadline().seconds() == 1'700'000'030);
  CHECK(s.deadline().nanos() == 123'456'000);
  CHECK(s.elapsed().seconds() == 24);
  CHECK(s.elapsed().nanos() == 500'001'000);
  CHECK(s.remaining().seconds() == 5);
  CHECK(s.remaining().nanos() == 499'999'000);
  CHECK(s.severity() == v1::SEVERITY_WARNING);
  CHECK(s.raised_at().seconds() == 1'700'000'025);
  CHECK(s.raised_at().nanos() == 123'457'000);
  CHECK(s.event_time().seconds() == 1'700'000'024);
  CHECK(s.event_time().nanos() == 623'456'000);
  CHECK(s.late());
}

TEST_CASE("alert kinds and severities map to their proto enums") {
  const std::vector<std::pair<alert_kind, v1::SlaAlertKind>> kinds{
      {alert_kind::at_risk, v1::SLA_ALERT_KIND_AT_RISK},
      {alert_kind::breached, v1::SLA_ALERT_KIND_BREACHED},
      {alert_kind::recovered, v1::SLA_ALERT_KIND_RECOVERED},
      {alert_kind::cancelled, v1::SLA_ALERT_KIND_CANCELLED},
      {alert_kind::retracted, v1::SLA_ALERT_KIND_RETRACTED},
      {alert_kind::escalation, v1::SLA_ALERT_KIND_ESCALATION},
  };
  for (const auto& [model, proto] : kinds) {
    auto a = sample();
    a.kind = model;
    CHECK(round_trip(a).kind() == proto);
  }
  const std::vector<std::pair<severity, v1::Severity>> levels{
      {severity::info, v1::SEVERITY_INFO},
      {severity::warning, v1::SEVERITY_WARNING},
      {severity::critical, v1::SEVERITY_CRITICAL},
  };
  for (const auto& [model, proto] : levels) {
    auto a = sample();
    a.level = model;
    CHECK(round_trip(a).severity() == proto);
  }
}

TEST_CASE("an ESCALATION carries its rule and sentiment, and no target, cycle or clock times") {
  auto a = sample();
  a.kind = alert_kind::escalation;
  a.rule = "angry";
  a.sentiment = -0.75;
  a.level = severity::critical;
  const auto s = round_trip(a);
  CHECK(s.kind() == v1::SLA_ALERT_KIND_ESCALATION);
  CHECK(s.escalation_rule() == "angry");
  REQUIRE(s.has_sentiment());
  CHECK(s.sentiment() == -0.75);
  CHECK(s.severity() == v1::SEVERITY_CRITICAL);
  CHECK(s.policy() == "voice-std");
  CHECK(s.interaction_id() == "ia-1");
  CHECK(s.target().empty());
  CHECK(s.cycle() == 0);
  CHECK_FALSE(s.has_started_at());
  CHECK_FALSE(s.has_deadline());

  // A repeat-contact rule has no score; other kinds carry no rule.
  a.sentiment.reset();
  a.rule = "repeat";
  CHECK_FALSE(round_trip(a).has_sentiment());
  const auto plain = round_trip(sample());
  CHECK(plain.escalation_rule().empty());
  CHECK_FALSE(plain.has_sentiment());
}

TEST_CASE("an alert carries the interaction's kept attributes as its attributes map") {
  auto a = sample();
  a.attributes[0] = {"language", "de"};
  a.attributes[2] = {"segment", "enterprise"};
  const auto s = round_trip(a);
  REQUIRE(s.attributes_size() == 2);
  CHECK(s.attributes().at("language") == "de");
  CHECK(s.attributes().at("segment") == "enterprise");
  CHECK(round_trip(sample()).attributes_size() == 0);
}

TEST_CASE("channels map to their proto enum, unspecified included") {
  const std::vector<std::pair<channel, v1::Channel>> map{
      {channel::unspecified, v1::CHANNEL_UNSPECIFIED},
      {channel::voice, v1::CHANNEL_VOICE},
      {channel::chat, v1::CHANNEL_CHAT},
      {channel::email, v1::CHANNEL_EMAIL},
      {channel::ticket, v1::CHANNEL_TICKET},
      {channel::social, v1::CHANNEL_SOCIAL},
      {channel::messaging, v1::CHANNEL_MESSAGING},
      {channel::video, v1::CHANNEL_VIDEO},
  };
  for (const auto& [model, proto] : map) {
    auto a = sample();
    a.chan = model;
    CHECK(round_trip(a).channel() == proto);
  }
}

TEST_CASE("the target is written by its stable name") {
  auto a = sample();
  a.target = target_type::resolution;
  CHECK(round_trip(a).target() == "resolution");
  a.target = target_type::next_reply;
  CHECK(round_trip(a).target() == "next_reply");
}

TEST_CASE("instants before the epoch keep non-negative nanos as Timestamp requires") {
  auto a = sample();
  a.started_at = from_unix_micros(-1'500'000);  // 1969-12-31T23:59:58.5
  const auto s = round_trip(a);
  CHECK(s.started_at().seconds() == -2);
  CHECK(s.started_at().nanos() == 500'000'000);
}

TEST_CASE("negative durations keep seconds and nanos of the same sign as Duration requires") {
  auto a = sample();
  a.elapsed = duration{-1'500'000};
  const auto s = round_trip(a);
  CHECK(s.elapsed().seconds() == -1);
  CHECK(s.elapsed().nanos() == -500'000'000);
}

TEST_CASE("a false late flag and zero remaining are encoded as such") {
  auto a = sample();
  a.late = false;
  a.remaining = duration{0};
  a.kind = alert_kind::breached;
  const auto s = round_trip(a);
  CHECK_FALSE(s.late());
  CHECK(s.remaining().seconds() == 0);
  CHECK(s.remaining().nanos() == 0);
  CHECK(s.kind() == v1::SLA_ALERT_KIND_BREACHED);
}

TEST_CASE("encoding into a reused buffer replaces its previous content") {
  std::string bytes;
  auto big = sample();
  big.interaction_id = std::string(60, 'z');
  encode_alert(big, t0, bytes);
  auto small = sample();
  small.interaction_id = "s";
  encode_alert(small, t0, bytes);
  v1::Alert parsed;
  REQUIRE(parsed.ParseFromString(bytes));
  CHECK(parsed.sla().interaction_id() == "s");
}

TEST_CASE("a queue alert encodes as Alert.queue with every field, and without a value when it had none") {
  ccpulse::sla::queue_alert a;
  a.alert_id = "fedcba9876543210";
  a.rule = "sl-low";
  a.queue = "billing";
  a.metric = ccpulse::sla::queue_metric::service_level;
  a.value = 0.625;
  a.threshold = 0.8;
  a.cmp = ccpulse::sla::comparison::below;
  a.state = ccpulse::sla::queue_alert_state::firing;
  a.window = "15m";
  a.level = severity::critical;
  a.episode = 3;
  a.event_time = t0;
  std::string bytes;
  encode_alert(a, t0 + 2s, bytes);
  v1::Alert out;
  REQUIRE(out.ParseFromString(bytes));
  REQUIRE(out.has_queue());
  const auto& q = out.queue();
  CHECK(q.alert_id() == "fedcba9876543210");
  CHECK(q.rule() == "sl-low");
  CHECK(q.queue_id() == "billing");
  CHECK(q.metric() == "service_level");
  REQUIRE(q.has_value());
  CHECK(q.value() == 0.625);
  CHECK(q.threshold() == 0.8);
  CHECK(q.comparison() == "below");
  CHECK(q.state() == v1::QueueAlert::STATE_FIRING);
  CHECK(q.window() == "15m");
  CHECK(q.severity() == v1::SEVERITY_CRITICAL);
  CHECK(q.episode() == 3);
  CHECK(q.event_time().seconds() == 1'700'000'000);
  CHECK(q.event_time().nanos() == 123'456'000);
  CHECK(q.raised_at().seconds() == 1'700'000'002);

  a.value.reset();
  a.state = ccpulse::sla::queue_alert_state::resolved;
  encode_alert(a, t0, bytes);
  REQUIRE(out.ParseFromString(bytes));
  CHECK_FALSE(out.queue().has_value());
  CHECK(out.queue().state() == v1::QueueAlert::STATE_RESOLVED);
}
