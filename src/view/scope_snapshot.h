#pragma once
// One scope's partial KPI aggregates from one input partition: what a worker
// publishes to the snapshots topic about once a second (DESIGN.md §2, §10)
// and what every instance merges into the global view (global_view.h).
// Plain structs: the codec (codec/snapshot_codec.h) turns them into
// schemas/ccpulse/v1/snapshot.proto and back; nothing here knows protobuf or
// Kafka.
//
// Names, not indices: the scope is a queue label, a channel name or the
// overall scope, and reasons are names, so snapshots from any worker,
// process or build merge.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/kpi_parts.h"
#include "metrics/kpi_view.h"
#include "metrics/live_gauges.h"
#include "metrics/sparse_histogram.h"
#include "metrics/window_state.h"
#include "model/time.h"

namespace ccpulse::view {

// An open SLA clock near its deadline: running, not paused, not yet
// breached. Ids and names only, no customer data.
struct near_deadline {
  std::string interaction_id;
  std::string queue;
  std::string policy;
  std::string target;
  std::uint32_t cycle = 0;
  instant started_at{};
  instant deadline{};
  bool at_risk = false;
  friend bool operator==(const near_deadline&, const near_deadline&) = default;
};
// A queue-alert rule firing now, from its owner partition's book.
struct firing_queue_alert {
  std::string rule;
  std::string queue;
  std::string metric;
  std::string window;  // empty for a live metric
  std::string comparison;
  double threshold = 0;
  std::string severity;
  instant since{};
  friend bool operator==(const firing_queue_alert&, const firing_queue_alert&) = default;
};

// Earliest deadline first; ties by interaction id, target and cycle, so
// merged lists come out in one order.
bool nearer(const near_deadline& a, const near_deadline& b);

enum class freshness : std::uint8_t {
  live,       // input read to its end: figures as of now
  behind,     // catching up on input: figures as of the watermark
  restoring,  // state being restored; such a snapshot carries no windows
};
std::string_view to_string(freshness f);

enum class window_kind : std::uint8_t { sliding, current_interval, previous_interval, today };
std::string_view to_string(window_kind k);

// Counts by reason name, ascending by name, none zero.
using reason_counts = std::vector<metrics::reason_count>;
// Adds b into a, keeping a sorted by name.
void add_reasons(reason_counts& a, const reason_counts& b);

// The additive parts of one window: as metrics::kpi_view, but reasons by name.
struct window_parts {
  metrics::kpi_counters counts;
  std::array<metrics::sparse_histogram, metrics::distribution_count> histograms;
  reason_counts transfers_by_reason;
  reason_counts escalations_by_reason;

  metrics::sparse_histogram& operator[](metrics::distribution d) {
    return histograms[static_cast<std::size_t>(d)];
  }
  const metrics::sparse_histogram& operator[](metrics::distribution d) const {
    return histograms[static_cast<std::size_t>(d)];
  }
  window_parts& operator+=(const window_parts& o);
  // The view summarize() takes (reasons are not part of it).
  metrics::kpi_view as_kpi_view() const;
  friend bool operator==(const window_parts&, const window_parts&) = default;
};

struct window_snapshot {
  window_kind kind = window_kind::sliding;
  duration length{};  // sliding only
  instant from{};     // [from, to): the period the counters cover
  instant to{};
  window_parts parts;
  friend bool operator==(const window_snapshot&, const window_snapshot&) = default;
};

struct scope_key {
  metrics::scope_kind kind = metrics::scope_kind::overall;
  std::string name;  // queue label or channel name; empty for overall
  friend auto operator<=>(const scope_key&, const scope_key&) = default;
  friend bool operator==(const scope_key&, const scope_key&) = default;
};

struct scope_snapshot {
  scope_key scope;
  std::int32_t partition = 0;
  std::string instance_id;
  instant produced_at{};
  std::optional<instant> watermark;
  std::optional<instant> head;
  freshness fresh = freshness::live;
  std::optional<std::int64_t> lag_messages;
  std::vector<window_snapshot> windows;  // sliding ones first, then the calendar ones
  // The scope's live gauges as of the partition's effective time (waiting,
  // oldest, agents by state, backlog); absent while restoring and from
  // writers that do not send them.
  std::optional<metrics::live_gauges> live;
  // Overall scope only: the partition's clocks nearest to breach (at most
  // snapshot_nearest_limit), earliest first.
  std::vector<near_deadline> nearest;
  // Overall scope only: the queue alerts the partition's book has firing,
  // by rule and queue.
  std::vector<firing_queue_alert> firing;
  friend bool operator==(const scope_snapshot&, const scope_snapshot&) = default;
};

// Per partition, in its overall snapshot: enough for a "next to breach"
// list of the whole cluster.
inline constexpr std::size_t snapshot_nearest_limit = 50;

// The scope kind's word in keys, JSON and labels: "overall", "queue",
// "channel"; and back.
std::string_view to_string(metrics::scope_kind k);
std::optional<metrics::scope_kind> parse_scope_kind(std::string_view s);

// A short name for a sliding window's length: "15m", "1h", "90s".
std::string window_name(duration length);
// "15m"/"1h"/... for sliding windows, else "interval", "previous_interval",
// "today".
std::string window_name(const window_snapshot& w);

}  // namespace ccpulse::view
