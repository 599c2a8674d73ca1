#pragma once
// Reads one partition's windows (metrics::partition_metrics) and live gauges
// into scope snapshots: one per scope holding window state or non-zero live
// gauges, and the overall scope always, so readers know the partition is
// covered even while it holds nothing. Runs
// about once a second per partition, never per event.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "metrics/live_gauges.h"
#include "metrics/partition_metrics.h"
#include "view/scope_snapshot.h"

namespace ccpulse::view {

// What the publisher knows about the partition besides its windows.
struct snapshot_source {
  std::int32_t partition = 0;
  std::string_view instance_id;
  instant produced_at{};
  std::optional<instant> watermark;
  freshness fresh = freshness::live;
  std::optional<std::int64_t> lag_messages;
  // The partition's live gauges (engine::partition::live), or nullptr: then
  // no snapshot carries any. A restoring source carries none either.
  const metrics::live_figures* live = nullptr;
};

// Overwrites out (its capacity is reused). sliding: the window lengths to
// read; lengths the windows cannot serve (not a multiple of the bucket, or
// beyond the ring) are left out.
void build_snapshots(const metrics::partition_metrics& m, const metrics::metrics_names& names,
                     const std::vector<duration>& sliding, const snapshot_source& src,
                     std::vector<scope_snapshot>& out);

}  // namespace ccpulse::view
