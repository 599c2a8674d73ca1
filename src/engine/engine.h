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

  // Creates the partition's state (empty until the changelog restore exists).
  partition& assign(std::int32_t id, instant start);
  void revoke(std::int32_t id);
  partition* find(std::int32_t id);

  // Merged per-queue aggregates of all assigned partitions.
  void collect(std::vector<metrics::queue_counters>& by_queue);
  // Sum of the probes of assigned and revoked partitions.
  partition_probe probe() const;
  std::size_t open_interactions() const;

  const engine_context& context() const { return _ctx; }
  const std::map<std::int32_t, std::unique_ptr<partition>>& partitions() const { return _partitions; }

 private:
  engine_context _ctx;
  std::map<std::int32_t, std::unique_ptr<partition>> _partitions;
  // Counters survive a partition's departure, so exported totals never go
  // backwards on a rebalance.
  partition_probe _revoked;
  std::vector<metrics::queue_counters> _revoked_queues;
};

}  // namespace ccpulse::engine
