#pragma once
// SLA policies (DESIGN.md §6): ordered; for each target type the first policy
// whose match accepts an interaction applies.
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

// What an interaction looks like to a policy's match. Empty lists match all.
struct match_context {
  channel chan = channel::unspecified;
  std::string_view queue;
  std::uint32_t priority = 0;
  std::string_view tier;
};

struct policy_match {
  std::vector<channel> channels;
  std::vector<std::string> queues;
  std::vector<std::uint32_t> priorities;
  std::vector<std::string> tiers;

  bool accepts(const match_context& c) const;
};

struct policy {
  std::string name;
  policy_match match;
  std::vector<target> targets;

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
  explicit policy_set(std::vector<policy> policies) : _policies(std::move(policies)) {}

  // First policy, in file order, that matches and defines this target type.
  std::optional<policy_choice> select(target_type t, const match_context& c) const;
  const std::vector<policy>& policies() const { return _policies; }

 private:
  std::vector<policy> _policies;
};

}  // namespace ccpulse::sla
