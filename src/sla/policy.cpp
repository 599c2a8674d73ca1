#include "sla/policy.h"

#include <algorithm>

namespace ccpulse::sla {

std::string_view to_string(target_type t) {
  switch (t) {
    case target_type::answer:
      return "answer";
    case target_type::first_response:
      return "first_response";
    case target_type::next_reply:
      return "next_reply";
    case target_type::periodic_update:
      return "periodic_update";
    case target_type::resolution:
      return "resolution";
    case target_type::escalation_response:
      return "escalation_response";
    case target_type::detractor_follow_up:
      return "detractor_follow_up";
  }
  return "unknown";
}

std::optional<target_type> parse_target_type(std::string_view s) {
  for (int i = 0; i < target_type_count; ++i) {
    auto t = static_cast<target_type>(i);
    if (to_string(t) == s) return t;
  }
  return std::nullopt;
}

duration at_risk_threshold::at_elapsed(duration target) const {
  if (how == mode::lead) return std::max(duration{0}, target - lead);
  auto us = static_cast<double>(target.count()) * fraction;
  return duration{static_cast<duration::rep>(us)};
}

std::vector<ticket_status> default_pause_statuses() {
  return {ticket_status::pending, ticket_status::on_hold};
}

duration target::for_priority(std::uint32_t priority) const {
  for (const auto& [p, d] : by_priority)
    if (p == priority) return d;
  return default_duration;
}

bool policy_match::accepts(const match_context& c) const {
  auto in = [](const auto& list, const auto& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  if (!(in(channels, c.chan) && in(queues, c.queue) && in(priorities, c.priority) && in(tiers, c.tier)))
    return false;
  for (const auto& a : attributes) {
    // Values compare as strings: a value the engine did not keep (past
    // max_attribute_values) is never one a policy names, since those are
    // always kept, so the cap cannot change what matches.
    if (a.slot >= max_attribute_keys) return false;
    const std::string_view v = c.attributes[a.slot];
    if (v.empty() || std::find(a.values.begin(), a.values.end(), v) == a.values.end()) return false;
  }
  return true;
}

policy_set::policy_set(std::vector<policy> policies) : _policies(std::move(policies)) {
  for (auto& p : _policies) {
    p.first_rule = static_cast<std::uint16_t>(_escalation_rules);
    _escalation_rules += p.escalate.size();
  }
  for (auto& p : _policies)
    for (auto& a : p.match.attributes) {
      auto it = std::find(_attribute_keys.begin(), _attribute_keys.end(), a.key);
      if (it == _attribute_keys.end()) {
        if (_attribute_keys.size() >= max_attribute_keys) {
          a.slot = static_cast<std::uint8_t>(max_attribute_keys);  // matches nothing
          continue;
        }
        it = _attribute_keys.insert(_attribute_keys.end(), a.key);
      }
      a.slot = static_cast<std::uint8_t>(it - _attribute_keys.begin());
    }
}

std::optional<policy_choice> policy_set::select_escalation(const match_context& c) const {
  for (std::size_t i = 0; i < _policies.size(); ++i) {
    const auto& p = _policies[i];
    if (!p.escalate.empty() && p.match.accepts(c))
      return policy_choice{static_cast<std::uint16_t>(i), &p, nullptr};
  }
  return std::nullopt;
}

std::optional<std::size_t> policy_set::rule_number(std::string_view p, std::string_view rule) const {
  for (const auto& pol : _policies) {
    if (pol.name != p) continue;
    for (std::size_t i = 0; i < pol.escalate.size(); ++i)
      if (pol.escalate[i].name == rule) return pol.first_rule + i;
  }
  return std::nullopt;
}

int policy_set::attribute_slot(std::string_view key) const {
  for (std::size_t i = 0; i < _attribute_keys.size(); ++i)
    if (_attribute_keys[i] == key) return static_cast<int>(i);
  return -1;
}

const target* policy::find(target_type t) const {
  for (const auto& tg : targets)
    if (tg.type == t) return &tg;
  return nullptr;
}

std::optional<policy_choice> policy_set::select(target_type t, const match_context& c) const {
  for (std::size_t i = 0; i < _policies.size(); ++i) {
    const auto& p = _policies[i];
    if (!p.match.accepts(c)) continue;
    if (const auto* tg = p.find(t)) return policy_choice{static_cast<std::uint16_t>(i), &p, tg};
  }
  return std::nullopt;
}

}  // namespace ccpulse::sla
