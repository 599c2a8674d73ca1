#include "sla/policy.h"

#include <algorithm>

namespace ccpulse::sla {

std::string_view to_string(target_type t) {
  switch (t) {
    case target_type::answer: return "answer";
    case target_type::first_response: return "first_response";
    case target_type::next_reply: return "next_reply";
    case target_type::periodic_update: return "periodic_update";
    case target_type::resolution: return "resolution";
    case target_type::escalation_response: return "escalation_response";
    case target_type::detractor_follow_up: return "detractor_follow_up";
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
  return in(channels, c.chan) && in(queues, c.queue) && in(priorities, c.priority) &&
         in(tiers, c.tier);
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
    if (const auto* tg = p.find(t))
      return policy_choice{static_cast<std::uint16_t>(i), &p, tg};
  }
  return std::nullopt;
}

}  // namespace ccpulse::sla
