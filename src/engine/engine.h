#pragma once
// The Engine of one worker: the partitions assigned to it and the context
// they share. Pure: no I/O, no threads, no clock; time is passed in.
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "engine/engine_context.h"
#include "engine/outputs.h"
#include "engine/partition.h"
#include "metrics/queue_counters.h"

namespace ccpulse::engine {

class engine {
 public:
  engine(engine_settings settings, sla::policy_set policies);

  // Creates an empty partition; the worker restores it from the changelog.
  partition& assign(std::int32_t id, instant start);
  // Drops the partition's state: it now belongs to whoever restores it next.
  void revoke(std::int32_t id);
  partition* find(std::int32_t id);

  // Merged per-queue aggregates of the partitions assigned now (state
  // figures: they leave with a partition, so they are exported as gauges).
  void collect(std::vector<metrics::queue_counters>& by_queue);
  // Process counters: sum of the probes of assigned and revoked partitions.
  partition_probe probe() const;
  std::size_t open_interactions() const;

  const engine_context& context() const { return _ctx; }
  const std::map<std::int32_t, std::unique_ptr<partition>>& partitions() const { return _partitions; }

 private:
  engine_context _ctx;
  std::map<std::int32_t, std::unique_ptr<partition>> _partitions;
  // Process counters survive a partition's departure, so exported _total
  // counters never go backwards on a rebalance.
  partition_probe _revoked;
};

}  // namespace ccpulse::engine
