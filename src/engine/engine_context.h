#pragma once
// Read-mostly context shared by the partitions of one engine (one worker):
// settings, policies, the interning tables and the windows' calendar.
#include <optional>
#include <string>
#include <vector>

#include "engine/attribute_table.h"
#include "engine/engine_settings.h"
#include "metrics/calendar_intervals.h"
#include "metrics/partition_metrics.h"
#include "metrics/queue_registry.h"
#include "sla/business_calendar.h"
#include "sla/policy.h"

namespace ccpulse::engine {

// Transfer and escalation reasons beyond this many distinct names share
// "other" (they are labels of exported series).
inline constexpr std::size_t max_reasons = 64;

struct engine_context final : metrics::metrics_names {
  // Throws std::invalid_argument when the window settings do not fit each
  // other or the zone is unknown: config time, never the data plane (the
  // config loader checks the same with check_windows first).
  engine_context(engine_settings s, sla::policy_set p);

  // Empty when the window settings work, else what is wrong with them.
  static std::string check_windows(const window_settings& w);

  duration sl_threshold(metrics::queue_index q) const {
    return q < _sl_thresholds.size() ? _sl_thresholds[q] : settings.default_sl_threshold;
  }
  // The service-level options of the queue label l (defaults beyond the
  // configured queues).
  const metrics::sl_options& sl_options(metrics::queue_index l) const {
    return l < _sl_options.size() ? _sl_options[l] : _default_sl;
  }
  metrics::partition_metrics_settings window_layout() const;
  // The calendar a policy's target counts in; nullptr: wall-clock time.
  const sla::business_calendar* calendar_of(std::uint16_t policy, sla::target_type t) const {
    return _target_calendars[static_cast<std::size_t>(policy) * sla::target_type_count +
                             static_cast<std::size_t>(t)];
  }

  // metrics::metrics_names: records carry queue labels and reasons by name.
  std::string_view queue_name(metrics::queue_index q) const override { return queues.name(q); }
  std::optional<metrics::queue_index> find_queue(std::string_view name) override {
    return queues.label(queues.intern(name));
  }
  std::string_view reason_name(metrics::reason_index r) const override { return reasons.name(r); }
  std::optional<metrics::reason_index> find_reason(std::string_view name) override {
    return reasons.label(reasons.intern(name));
  }

  engine_settings settings;
  sla::policy_set policies;
  metrics::queue_registry queues;
  metrics::queue_registry tiers;
  metrics::queue_registry reasons;
  attribute_table attributes;
  metrics::calendar_intervals calendar;

 private:
  std::vector<sla::business_calendar> _calendars;
  // Per (policy, target type): into _calendars, or nullptr.
  std::vector<const sla::business_calendar*> _target_calendars;
  std::vector<duration> _sl_thresholds;
  std::vector<metrics::sl_options> _sl_options;
  metrics::sl_options _default_sl;
};

}  // namespace ccpulse::engine
