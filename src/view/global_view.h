#pragma once
// The global view (DESIGN.md §2, §10): the latest snapshot of every (scope,
// input partition) merged per scope and window. Counters add, histograms add
// bucket by bucket (exact: the merged percentiles are those of the whole log,
// within the histogram's stated error, log_linear_histogram.h), reasons add
// by name. Pure: no clock, no I/O; time is passed in.
//
// Calendar windows are aligned, not just added: a partition that is behind
// may still be in an earlier interval or day than the others. The view's
// interval is the newest one any partition reports; each partition adds the
// window (its current or previous) that covers exactly that interval, and
// nothing when it has none. The previous interval and today are aligned the
// same way. Sliding windows are relative to each partition's head and add
// as they are (from/to: the earliest start and latest end).
//
// Live gauges (waiting, oldest waiting, agents by state, backlog) add per
// scope over the live and behind snapshots; the oldest waiting contact is
// the earliest queued-at.
//
// The nearest deadlines of every partition's overall snapshot make one
// list, earliest first: the cluster's "next to breach". Their firing queue
// alerts make the cluster's banner.
//
// Freshness comes from the overall scope, which every publishing partition
// writes even when it holds nothing: live, behind or restoring per
// partition, and the expected partitions nobody reports for (missing).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "view/scope_snapshot.h"

namespace ccpulse::view {

struct merged_window {
  std::string name;  // "15m", "1h", "interval", "previous_interval", "today"
  window_kind kind = window_kind::sliding;
  duration length{};  // sliding only
  instant from{}, to{};
  window_parts parts;
  std::size_t partitions = 0;  // snapshots that added into it
};

// The live gauges of the live and behind snapshots of a scope, added (the
// oldest waiting contact: the minimum). Restoring snapshots carry none.
struct merged_live {
  metrics::live_gauges gauges;
  std::size_t partitions = 0;  // snapshots that added into it; 0: no figures
};

struct merged_scope {
  scope_key scope;
  std::vector<merged_window> windows;  // the same names, in the same order, for every scope
  merged_live live;
};

struct view_freshness {
  std::optional<instant> oldest_produced_at;
  std::optional<instant> newest_produced_at;
  // By the freshness of their overall snapshot, ascending.
  std::vector<std::int32_t> live, behind, restoring;
  // Expected partitions without a (recent enough) snapshot.
  std::vector<std::int32_t> missing;
  std::int32_t expected_partitions = 0;  // 0: unknown (missing then lists nothing)
  std::size_t snapshots = 0;             // merged
  std::size_t dropped_stale = 0;         // keys dropped for age, in total
  // The reader has not yet read every snapshots partition to its end: a
  // partition's overall scope can be in while its queue scopes, on another
  // snapshots partition, are not.
  bool catching_up = false;
};

// Whether queue rules may judge this view: every expected partition
// reports, none is restoring, the reader has caught up, and the oldest
// snapshot is at most max_age old. Judged on less, a firing rule would read
// "no figures" and resolve, then fire again as a new episode.
bool complete_for_judging(const view_freshness& f, instant now, duration max_age);

// The cluster-wide "next to breach" list keeps at most this many.
inline constexpr std::size_t merged_nearest_limit = 500;

struct merged_view {
  std::vector<merged_scope> scopes;  // overall first, then queues, then channels, by name
  view_freshness fresh;
  // Every partition's nearest deadlines (from its overall snapshot),
  // earliest first (view::nearer), at most merged_nearest_limit.
  std::vector<near_deadline> nearest;
  // The firing queue alerts of every partition's overall snapshot, by queue
  // then rule, one per (rule, queue): while a queue's owner moves, the old
  // and the new owner may both report it; the later one is kept.
  std::vector<firing_queue_alert> firing;
  // The instant global_view::build merged at (ages, such as the oldest
  // contact's wait, are measured to it); {} from merge() alone.
  instant built_at{};
  const merged_scope* find(const scope_key& k) const;
};

// Merges one snapshot per (scope, partition). expected_partitions (0 when
// unknown) says which partitions should report: [0, expected_partitions).
merged_view merge(const std::vector<const scope_snapshot*>& snapshots, std::int32_t expected_partitions);

struct view_settings {
  // Keys whose snapshot is older than this are dropped (their partition then
  // reports missing): its owner stopped publishing (crashed, or revoked and
  // not yet restored elsewhere).
  duration max_age = std::chrono::seconds(30);
};

class global_view {
 public:
  explicit global_view(view_settings s = {}) : _settings(s) {}

  // Latest per key wins (the caller feeds records in topic order). A
  // restoring snapshot without windows keeps the windows the key had.
  void put(scope_snapshot s);
  void erase(const scope_key& k, std::int32_t partition);
  void expect_partitions(std::int32_t n) { _expected = n; }

  // Drops keys older than now - max_age, then merges what is left.
  merged_view build(instant now);
  std::size_t size() const { return _latest.size(); }

 private:
  view_settings _settings;
  std::int32_t _expected = 0;
  std::size_t _dropped = 0;
  std::map<std::pair<scope_key, std::int32_t>, scope_snapshot> _latest;
};

}  // namespace ccpulse::view
