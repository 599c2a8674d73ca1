#pragma once
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "sla/business_calendar.h"

#include "metrics/service_level.h"
#include "model/time.h"

namespace ccpulse::engine {

using namespace std::chrono_literals;

struct queue_setting {
  queue_setting(std::string n, duration threshold, metrics::sl_options o = {})
      : name(std::move(n)), sl_threshold(threshold), sl(o) {}
  std::string name;
  duration sl_threshold = 20s;
  metrics::sl_options sl;
};

// Windowed KPIs (DESIGN.md §5, metrics/partition_metrics.h).
struct window_settings {
  // Sliding windows read for exposition: positive multiples of bucket, at
  // most the ring's span (the longest of them).
  std::vector<duration> sliding{15min, 1h};
  duration bucket = 10s;
  // Histograms and reasons are kept per coarse bucket.
  duration coarse_bucket = 5min;
  std::chrono::minutes interval{15};
  std::string site_timezone = "UTC";
  // FCR: a contact from a customer seen within this window before it is a
  // repeat; the index keeps at most repeat_max_customers per partition.
  duration repeat_window = std::chrono::days{7};
  std::size_t repeat_max_customers = 1'000'000;
  // Agents tracked per partition (occupancy, agents by state).
  std::size_t max_agents = 100'000;
};

struct engine_settings {
  duration max_out_of_orderness = 30s;
  duration short_abandon = 5s;
  duration linger = 10min;
  duration dedup_horizon = 10min;
  // Per partition; past it the older dedup generation is dropped early.
  std::size_t dedup_max_ids = 2'000'000;
  // Interactions held per partition; past it creating events are refused.
  std::size_t max_open_interactions = 1'000'000;
  // A live deadline fired later than this after it fell is reported `late`.
  duration late_tolerance = 1s;
  // BREACHED is raised this long after the deadline, so a meeting event
  // stamped before the deadline that arrives a moment later stops the clock
  // first (the same in live and behind processing: the timer is due then).
  duration breach_grace{0};
  duration default_sl_threshold = 20s;
  // An event this far ahead of its partition's latest event time moves the
  // watermark only when the next event confirms the jump.
  duration max_event_time_jump = 1h;
  // Open interactions nothing closes are dropped after this (from creation),
  // and a contact leaves its queue after waiting max_wait; both counted.
  duration max_open_age = std::chrono::days{7};
  duration max_wait = 4h;
  std::vector<queue_setting> queues;
  // Business-hours calendars that targets name (sla::target::calendar).
  std::vector<sla::calendar_definition> calendars;
  window_settings windows;
  std::size_t max_queues = 200;
  // Distinct attribute values kept (attribute_table.h), besides those the
  // policies name.
  std::size_t max_attribute_values = 4096;
  std::size_t max_tiers = 32;  // unused for labels: tiers are no label
};

}  // namespace ccpulse::engine
