#include "sla/queue_rule.h"

#include <array>
#include <string>

namespace ccpulse::sla {

namespace {

constexpr std::array<std::string_view, queue_metric_count> metric_names{
    "service_level",
    "abandonment_rate",
    "asa_seconds",
    "wait_p90_seconds",
    "aht_seconds",
    "offered",
    "abandoned",
    "csat_share",
    "nps",
    "occupancy",
    "waiting",
    "oldest_wait_seconds",
    "agents_available",
    "backlog",
    "backlog_overdue",
    "forecast_service_level",
    "forecast_drain_seconds",
};

}  // namespace

std::string_view to_string(queue_metric m) { return metric_names[static_cast<std::size_t>(m)]; }

std::optional<queue_metric> parse_queue_metric(std::string_view s) {
  for (std::size_t i = 0; i < metric_names.size(); ++i)
    if (metric_names[i] == s) return static_cast<queue_metric>(i);
  return std::nullopt;
}

std::span<const std::string_view> queue_metric_names() { return metric_names; }

bool is_ratio(queue_metric m) {
  return m == queue_metric::service_level || m == queue_metric::abandonment_rate ||
         m == queue_metric::csat_share || m == queue_metric::occupancy ||
         m == queue_metric::forecast_service_level;
}

bool is_windowed(queue_metric m) { return static_cast<int>(m) < static_cast<int>(queue_metric::waiting); }

std::string_view to_string(comparison c) { return c == comparison::below ? "below" : "above"; }

std::string_view to_string(queue_alert_state s) {
  return s == queue_alert_state::firing ? "firing" : "resolved";
}

std::string_view to_string(rule_phase p) {
  switch (p) {
    case rule_phase::inactive:
      return "inactive";
    case rule_phase::pending:
      return "pending";
    case rule_phase::firing:
      return "firing";
    case rule_phase::resolving:
      return "resolving";
  }
  return "unknown";
}

std::optional<queue_alert_state> step(const queue_rule& r, queue_rule_state& s, std::optional<double> value,
                                      instant now) {
  const bool holding = value && r.holds(*value);
  switch (s.phase) {
    case rule_phase::inactive:
      if (!holding) return std::nullopt;
      s.phase = rule_phase::pending;
      s.since = now;
      [[fallthrough]];
    case rule_phase::pending:
      if (!holding) {
        s.phase = rule_phase::inactive;
        return std::nullopt;
      }
      if (now - s.since < r.hold_for) return std::nullopt;
      s.phase = rule_phase::firing;
      s.since = now;
      ++s.episode;
      return queue_alert_state::firing;
    case rule_phase::firing:
      if (holding) return std::nullopt;
      s.phase = rule_phase::resolving;
      s.since = now;
      [[fallthrough]];
    case rule_phase::resolving:
      if (holding) {
        s.phase = rule_phase::firing;
        return std::nullopt;
      }
      if (now - s.since < r.clear_after) return std::nullopt;
      s.phase = rule_phase::inactive;
      s.since = now;
      return queue_alert_state::resolved;
  }
  return std::nullopt;
}

void interrupt(queue_rule_state& s) {
  if (s.phase == rule_phase::pending) s.phase = rule_phase::inactive;
  if (s.phase == rule_phase::resolving) s.phase = rule_phase::firing;
}

std::string make_queue_alert_id(std::string_view rule, std::string_view queue, std::uint32_t episode,
                                queue_alert_state state) {
  return alert_id_of({"queue-alert", rule, queue, std::to_string(episode), to_string(state)});
}

bool valid_rule_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace ccpulse::sla
