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
                     std::chrono::steady_clock::duration every = std::chrono::seconds(1));

  bool due(std::chrono::steady_clock::time_point now) const { return now - _last >= _every; }

  // Builds and produces the snapshots of every partition of e into p's open
  // transaction; returns the first failure (then stops). wall: the wall
  // clock for produced_at.
  kafka::txn_result publish(const engine::engine& e, const std::function<partition_input(std::int32_t)>& input,
                            instant wall, kafka::transactional_producer& p,
                            std::chrono::steady_clock::time_point now);

  // Before restoring: one overall snapshot per partition marked restoring,
  // without windows, into p's open transaction. Readers then list the
  // partitions as restoring at once (the merged view keeps the figures the
  // keys had) instead of showing the old owner's last figures as live.
  kafka::txn_result publish_restoring(const std::vector<std::int32_t>& partitions, instant wall,
                                      kafka::transactional_producer& p);

  // The snapshots of the last publish (this worker's own partitions), for
  // /metrics; immutable once handed out.
  std::shared_ptr<const scope_snapshots> latest() const { return _latest; }
  std::uint64_t produced() const { return _produced; }

  // After a failed transaction: what was published is unknown; forget it
  // (no tombstones for it) and publish at the next commit.
  void reset();

  // After a revoke: latest() stops listing partitions e no longer holds, so
  // /metrics does not count them here while their new owner counts them too.
  void keep_only(const engine::engine& e);

 private:
  // The partition's nearest deadlines, into its overall snapshot.
  void add_nearest(const engine::partition& part);

  std::string _topic;
  std::string _instance_id;
  std::vector<duration> _sliding;
  std::chrono::steady_clock::duration _every;
  std::chrono::steady_clock::time_point _last{};
  codec::snapshot_encoder _encoder;
  std::string _key, _value;
  scope_snapshots _scratch;
  engine::clock_census _census;
  metrics::live_figures _live;
  std::shared_ptr<const scope_snapshots> _latest = std::make_shared<scope_snapshots>();
  // Scopes last published per partition, for tombstones.
  std::map<std::int32_t, std::set<view::scope_key>> _published;
  std::uint64_t _produced = 0;
};

}  // namespace ccpulse::app
