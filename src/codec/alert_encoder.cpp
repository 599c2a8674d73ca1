#include "codec/alert_encoder.h"

#include "ccpulse/v1/alerts.pb.h"
#include "codec/channel_proto.h"

namespace ccpulse::codec {

namespace {

using detail::to_proto;

void set(google::protobuf::Timestamp* ts, instant t) {
  const auto us = to_unix_micros(t);
  auto secs = us / 1000000;
  auto rem = us % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --secs;
  }
  ts->set_seconds(secs);
  ts->set_nanos(static_cast<std::int32_t>(rem * 1000));
}

void set(google::protobuf::Duration* d, duration v) {
  const auto us = v.count();
  d->set_seconds(us / 1000000);
  d->set_nanos(static_cast<std::int32_t>((us % 1000000) * 1000));
}

v1::SlaAlertKind to_proto(sla::alert_kind k) {
  switch (k) {
    case sla::alert_kind::at_risk:
      return v1::SLA_ALERT_KIND_AT_RISK;
    case sla::alert_kind::breached:
      return v1::SLA_ALERT_KIND_BREACHED;
    case sla::alert_kind::recovered:
      return v1::SLA_ALERT_KIND_RECOVERED;
    case sla::alert_kind::cancelled:
      return v1::SLA_ALERT_KIND_CANCELLED;
    case sla::alert_kind::retracted:
      return v1::SLA_ALERT_KIND_RETRACTED;
    case sla::alert_kind::escalation:
      return v1::SLA_ALERT_KIND_ESCALATION;
  }
  return v1::SLA_ALERT_KIND_UNSPECIFIED;
}

v1::Severity to_proto(sla::severity s) {
  switch (s) {
    case sla::severity::info:
      return v1::SEVERITY_INFO;
    case sla::severity::warning:
      return v1::SEVERITY_WARNING;
    case sla::severity::critical:
      return v1::SEVERITY_CRITICAL;
  }
  return v1::SEVERITY_UNSPECIFIED;
}

}  // namespace

void encode_alert(const sla::sla_alert& a, instant raised_at, std::string& out) {
  v1::Alert wrapper;
  auto* s = wrapper.mutable_sla();
  s->set_alert_id(a.alert_id);
  s->set_kind(to_proto(a.kind));
  s->set_policy(std::string(a.policy));
  const bool escalation = a.kind == sla::alert_kind::escalation;
  if (!escalation) {
    s->set_target(std::string(sla::to_string(a.target)));
    s->set_cycle(a.cycle);
  }
  s->set_interaction_id(a.interaction_id);
  s->set_channel(to_proto(a.chan));
  s->set_queue_id(std::string(a.queue));
  s->set_priority(a.priority);
  s->set_customer_tier(std::string(a.tier));
  for (const auto& [key, value] : a.attributes)
    if (!key.empty() && !value.empty()) (*s->mutable_attributes())[std::string(key)] = std::string(value);
  if (!escalation) {
    set(s->mutable_started_at(), a.started_at);
    set(s->mutable_deadline(), a.deadline);
    set(s->mutable_elapsed(), a.elapsed);
    set(s->mutable_remaining(), a.remaining);
  } else {
    s->set_escalation_rule(std::string(a.rule));
    if (a.sentiment) s->set_sentiment(*a.sentiment);
  }
  s->set_severity(to_proto(a.level));
  set(s->mutable_raised_at(), raised_at);
  set(s->mutable_event_time(), a.event_time);
  s->set_late(a.late);
  out.clear();
  wrapper.SerializeToString(&out);
}

void encode_alert(const sla::queue_alert& a, instant raised_at, std::string& out) {
  v1::Alert wrapper;
  auto* q = wrapper.mutable_queue();
  q->set_alert_id(a.alert_id);
  q->set_rule(a.rule);
  q->set_queue_id(a.queue);
  q->set_metric(std::string(sla::to_string(a.metric)));
  if (a.value) q->set_value(*a.value);
  q->set_threshold(a.threshold);
  q->set_state(a.state == sla::queue_alert_state::firing ? v1::QueueAlert::STATE_FIRING
                                                         : v1::QueueAlert::STATE_RESOLVED);
  q->set_window(a.window);
  set(q->mutable_raised_at(), raised_at);
  set(q->mutable_event_time(), a.event_time);
  q->set_severity(to_proto(a.level));
  q->set_comparison(std::string(sla::to_string(a.cmp)));
  q->set_episode(a.episode);
  out.clear();
  wrapper.SerializeToString(&out);
}

}  // namespace ccpulse::codec
