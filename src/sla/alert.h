#pragma once
// An SLA alert as the core produces it; the codec turns it into SlaAlert.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "model/channel.h"
#include "model/time.h"
#include "sla/policy.h"

namespace ccpulse::sla {

// retracted: a BREACHED that went out was wrong — the clock stopped at or
// before its deadline, but the event saying so arrived after the breach.
// escalation: a policy's escalation rule fired (once per interaction and
// rule; `rule` names it, target and cycle are unused).
enum class alert_kind : std::uint8_t { at_risk, breached, recovered, cancelled, retracted, escalation };
inline constexpr int alert_kind_count = 6;

std::string_view to_string(alert_kind k);
std::string_view to_string(severity s);
severity severity_of(alert_kind k);

struct sla_alert {
  std::string alert_id;
  alert_kind kind = alert_kind::at_risk;
  std::string_view policy;  // points into the policy_set, which outlives outputs
  target_type target = target_type::answer;
  std::uint32_t cycle = 0;

  std::string interaction_id;
  channel chan = channel::unspecified;
  std::string_view queue;  // points into the queue registry
  std::uint32_t priority = 0;
  std::string_view tier;
  // The interaction's kept attributes (match.attributes keys) as (key,
  // value); an empty key: none in that slot. Views into the policy set and
  // the engine's attribute table, which outlive outputs.
  std::array<std::pair<std::string_view, std::string_view>, max_attribute_keys> attributes{};

  instant started_at{};
  instant deadline{};
  duration elapsed{};
  duration remaining{};
  severity level = severity::info;
  instant event_time{};  // the partition's effective time when raised
  bool late = false;
  // When its timer was due (at-risk point, deadline + breach grace) for
  // AT_RISK and BREACHED; {} for alerts an event raised. Not on the wire:
  // the worker measures alert latency from it.
  instant due{};
  // ESCALATION: the rule (points into the policy_set) and, for a sentiment
  // rule, the score that fired it.
  std::string_view rule;
  std::optional<double> sentiment;
};

// Deterministic id: the same (interaction, policy, target, cycle, kind)
// always yields the same id, across restarts and instances. 64-bit FNV-1a,
// chosen because it is stable by definition (std::hash is not).
std::string make_alert_id(std::string_view interaction_id, std::string_view policy, target_type target,
                          std::uint32_t cycle, alert_kind kind);
// An ESCALATION's id: the same (interaction, policy, rule) always yields the
// same id; it fires once per interaction and rule.
std::string make_escalation_id(std::string_view interaction_id, std::string_view policy,
                               std::string_view rule);
// The same hash over any parts, as 16 hex digits (queue alerts' ids).
std::string alert_id_of(std::initializer_list<std::string_view> parts);

}  // namespace ccpulse::sla
