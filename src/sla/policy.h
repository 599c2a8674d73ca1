#pragma once
// SLA policies (DESIGN.md §6): ordered; for each target type the first policy
// whose match accepts an interaction applies.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/channel.h"
#include "model/event.h"
#include "model/time.h"

namespace ccpulse::sla {

enum class target_type : std::uint8_t {
  answer,
  first_response,
  next_reply,
  periodic_update,
  resolution,
  escalation_response,
  detractor_follow_up,
};
inline constexpr int target_type_count = 7;

std::string_view to_string(target_type t);
std::optional<target_type> parse_target_type(std::string_view s);

// When a running clock counts as at risk: a fraction of the target (0.8) or
// an absolute lead before the deadline (15 min).
struct at_risk_threshold {
  enum class mode : std::uint8_t { fraction, lead };
  mode how = mode::fraction;
  double fraction = 0.8;
  duration lead{};

  // Elapsed time at which the clock becomes at risk, for a given target.
  duration at_elapsed(duration target) const;
};

std::vector<ticket_status> default_pause_statuses();

struct target {
  target_type type = target_type::answer;
  duration default_duration{};
  // Per-priority overrides; priority 1 is the most urgent.
  std::vector<std::pair<std::uint32_t, duration>> by_priority;
  at_risk_threshold at_risk;
  // Ticket statuses during which the clock stops (PENDING, ON_HOLD by default).
  // Built by a function: GCC 12 reports a false maybe-uninitialized on an
  // initializer_list default member initializer here.
  std::vector<ticket_status> pause_statuses = default_pause_statuses();
  // Name of the business-hours calendar (config `calendars:`, a
  // business_calendar) the target's durations count in; empty = wall-clock
  // time.
  std::string calendar;

  duration for_priority(std::uint32_t priority) const;
};

// Attribute keys the policies of one config may name (match.attributes);
// the engine keeps only those keys, in slots 0..max_attribute_keys-1.
inline constexpr std::size_t max_attribute_keys = ccpulse::max_attribute_keys;
using attribute_values = std::array<std::string_view, max_attribute_keys>;

// What an interaction looks like to a policy's match. Empty lists match all.
struct match_context {
  channel chan = channel::unspecified;
  std::string_view queue;
  std::uint32_t priority = 0;
  std::string_view tier;
  // By slot (policy_set::attribute_keys()); empty: absent.
  attribute_values attributes{};
};

// match.attributes: the attribute `key` must have one of `values`.
struct attribute_match {
  std::string key;
  std::vector<std::string> values;
  std::uint8_t slot = 0;  // set by policy_set
};

struct policy_match {
  std::vector<channel> channels;
  std::vector<std::string> queues;
  std::vector<std::uint32_t> priorities;
  std::vector<std::string> tiers;
  // Every listed key must hold one of its values (an absent key matches none).
  std::vector<attribute_match> attributes{};

  bool accepts(const match_context& c) const;
};

enum class severity : std::uint8_t { info, warning, critical };

// escalate: a rule that raises one ESCALATION alert per interaction, the
// first time its condition holds while the policy applies: a sentiment
// score below sentiment_below, or a repeat contact (the customer had
// another contact within metrics.repeat_window).
struct escalation_rule {
  std::string name;  // unique within its policy; appears in the alert
  std::optional<double> sentiment_below;
  bool repeat_contact = false;
  severity level = severity::warning;
};
// Escalation rules over all policies: the emitted marks are a bit each.
inline constexpr std::size_t max_escalation_rules = 16;

struct policy {
  std::string name;
  policy_match match;
  std::vector<target> targets;
  // {}: aggregates that list only the fields before it stay warning-free.
  std::vector<escalation_rule> escalate{};
  // The first of its rules in the policy set's numbering (policy_set).
  std::uint16_t first_rule = 0;

  const target* find(target_type t) const;
};

struct policy_choice {
  std::uint16_t policy_index = 0;
  const policy* chosen = nullptr;
  const target* tgt = nullptr;
};

class policy_set {
 public:
  policy_set() = default;
  // Assigns attribute slots in order of first mention; keys past
  // max_attribute_keys get none and match nothing (the config loader
  // refuses such a config first).
  explicit policy_set(std::vector<policy> policies);

  // First policy, in file order, that matches and defines this target type.
  std::optional<policy_choice> select(target_type t, const match_context& c) const;
  const std::vector<policy>& policies() const { return _policies; }
  // The first policy, in file order, that matches and has escalation rules
  // (as a target type: the first policy that defines it applies).
  std::optional<policy_choice> select_escalation(const match_context& c) const;
  // Rules over all policies, numbered in file order (at most
  // max_escalation_rules are numbered; the config refuses more).
  std::size_t escalation_rules() const { return _escalation_rules; }
  // The number of `rule` of policy `p`, if p names it.
  std::optional<std::size_t> rule_number(std::string_view p, std::string_view rule) const;

  // The attribute keys some policy names, by slot (at most max_attribute_keys).
  const std::vector<std::string>& attribute_keys() const { return _attribute_keys; }
  // The slot of an attribute key, or -1 when no policy names it.
  int attribute_slot(std::string_view key) const;

 private:
  std::vector<policy> _policies;
  std::vector<std::string> _attribute_keys;
  std::size_t _escalation_rules = 0;
};

}  // namespace ccpulse::sla
