#include "engine/engine.h"

namespace ccpulse::engine {

namespace {
void add(partition_probe& into, const partition_probe& p) {
  into.applied += p.applied;
  into.duplicates += p.duplicates;
  into.late += p.late;
  into.rejected += p.rejected;
  into.out_of_order += p.out_of_order;
  into.future_outliers += p.future_outliers;
  into.expired_interactions += p.expired_interactions;
  into.expired_waits += p.expired_waits;
  into.refused_interactions += p.refused_interactions;
  into.dedup_forced_rotations += p.dedup_forced_rotations;
  into.agents_refused += p.agents_refused;
  into.repeat_forced_rotations += p.repeat_forced_rotations;
  into.agent_out_of_order += p.agent_out_of_order;
  into.restored_records += p.restored_records;
  into.restore_skipped += p.restore_skipped;
  into.window_late += p.window_late;
  into.window_rejected += p.window_rejected;
  into.window_restored_records += p.window_restored_records;
  into.window_restore_skipped += p.window_restore_skipped;
  for (std::size_t i = 0; i < into.alerts.size(); ++i) into.alerts[i] += p.alerts[i];
}
}  // namespace

engine::engine(engine_settings settings, sla::policy_set policies)
    : _ctx(std::move(settings), std::move(policies)) {}

partition& engine::assign(std::int32_t id, instant start) {
  auto& slot = _partitions[id];
  if (!slot) slot = std::make_unique<partition>(id, _ctx, start);
  return *slot;
}

void engine::revoke(std::int32_t id) {
  auto it = _partitions.find(id);
  if (it == _partitions.end()) return;
  add(_revoked, it->second->probe());
  _partitions.erase(it);
}

partition* engine::find(std::int32_t id) {
  auto it = _partitions.find(id);
  return it == _partitions.end() ? nullptr : it->second.get();
}

void engine::collect(std::vector<metrics::queue_counters>& by_queue) {
  by_queue.assign(_ctx.queues.size(), metrics::queue_counters{});
  for (auto& [id, p] : _partitions) p->collect(by_queue);
}

partition_probe engine::probe() const {
  partition_probe total = _revoked;
  for (const auto& [id, p] : _partitions) add(total, p->probe());
  return total;
}

std::size_t engine::open_interactions() const {
  std::size_t n = 0;
  for (const auto& [id, p] : _partitions) n += p->open_interactions();
  return n;
}

}  // namespace ccpulse::engine
