#pragma once
// A worker's snapshot publishing (DESIGN.md §2, §10): about once a second,
// one scope snapshot per (scope, assigned partition) from the partition's
// windows and live gauges, produced to the compacted snapshots topic with key
// "<scope kind>/<scope name>/<partition>" (codec/snapshot_codec.h).
//
// Inside the worker's transaction, in the commit's first phase right after
// the changelog: a committed snapshot then describes exactly the state the
// committed changelog and offsets describe; an aborted transaction takes its
// snapshots with it (read_committed readers never see figures that were
// rolled back); and a worker fenced out of the group cannot publish for a
// partition it no longer owns. It costs one transaction a second on an idle
// worker, and no extra client. A separate idempotent producer would publish
// uncommitted figures and let a zombie overwrite the new owner's key.
//
// Rounds and slices: every partition is published once a round (`every`,
// about a second), and a round is spread over `slices` commits, each taking
// the next share of the partitions in id order. Building a partition's
// snapshots scans its interactions and clocks (live gauges, nearest
// deadlines); with a million open interactions one scan of them all held
// the worker ~140 ms, and every alert due meanwhile waited. An idle worker
// (a commit with nothing else to write) publishes the rest of its round
// once the round is due, so idling still costs one transaction a round.
//
// A scope that no longer holds state in a partition still owned gets a
// tombstone; a revoked partition gets none (its new owner overwrites the
// keys, and until then they are the state it restores).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "codec/snapshot_codec.h"
#include "engine/clock_census.h"
#include "engine/engine.h"
#include "kafka/transactional_producer.h"
#include "view/scope_snapshot.h"

namespace ccpulse::app {

using scope_snapshots = std::vector<view::scope_snapshot>;

// What the worker knows of a partition's input.
struct partition_input {
  bool live = false;
  std::optional<std::int64_t> lag;
};

class snapshot_publisher {
 public:
  snapshot_publisher(std::string topic, std::string instance_id, std::vector<duration> sliding,
                     std::chrono::steady_clock::duration every = std::chrono::seconds(1),
                     std::size_t slices = 1);

  // busy: the commit writes something anyway (then the next slice is due
  // at once; otherwise only a round that is due).
  bool due(std::chrono::steady_clock::time_point now, bool busy) const {
    if (_round_left.empty()) return now - _round_started >= _every;
    return busy || now - _round_started >= _every;
  }

  // Builds and produces the snapshots of the next slice of e's partitions
  // (all that are left of the round once it is due) into p's open
  // transaction; returns the first failure (then stops). wall: the wall
  // clock for produced_at.
  kafka::txn_result publish(const engine::engine& e,
                            const std::function<partition_input(std::int32_t)>& input, instant wall,
                            kafka::transactional_producer& p, std::chrono::steady_clock::time_point now);

  // Before restoring: one overall snapshot per partition marked restoring,
  // without windows, into p's open transaction. Readers then list the
  // partitions as restoring at once (the merged view keeps the figures the
  // keys had) instead of showing the old owner's last figures as live.
  kafka::txn_result publish_restoring(const std::vector<std::int32_t>& partitions, instant wall,
                                      kafka::transactional_producer& p);

  // The snapshots of the last publish (this worker's own partitions), for
  // /metrics; immutable once handed out.
  std::shared_ptr<const scope_snapshots> latest() const { return _latest; }
  // Each published partition's clock census as of its last snapshot (the
  // nearest deadlines up to census_limit), so the worker's /metrics census
  // needs no scan of its own.
  const std::map<std::int32_t, engine::clock_census>& census() const { return _census_by_partition; }
  static constexpr std::size_t census_limit = 500;
  std::uint64_t produced() const { return _produced; }

  // After a failed transaction: what was published is unknown; forget it
  // (no tombstones for it) and publish at the next commit.
  void reset();

  // After a revoke: latest() stops listing partitions e no longer holds, so
  // /metrics does not count them here while their new owner counts them too.
  void keep_only(const engine::engine& e);

 private:
  // The partition's nearest deadlines and firing queue alerts, into its
  // overall snapshot.
  void add_overall_lists(std::int32_t id, const engine::partition& part);

  std::string _topic;
  std::string _instance_id;
  std::vector<duration> _sliding;
  std::chrono::steady_clock::duration _every;
  std::size_t _slices;
  std::chrono::steady_clock::time_point _round_started{};
  std::vector<std::int32_t> _round_left;  // partitions the round has still to publish, descending
  std::size_t _slice_size = 1;
  codec::snapshot_encoder _encoder;
  std::string _key, _value;
  scope_snapshots _scratch;
  std::map<std::int32_t, scope_snapshots> _by_partition;
  std::map<std::int32_t, engine::clock_census> _census_by_partition;
  metrics::live_figures _live;
  std::shared_ptr<const scope_snapshots> _latest = std::make_shared<scope_snapshots>();
  // Scopes last published per partition, for tombstones.
  std::map<std::int32_t, std::set<view::scope_key>> _published;
  std::uint64_t _produced = 0;
};

}  // namespace ccpulse::app
