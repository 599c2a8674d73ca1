#include "app/snapshot_publisher.h"

#include <algorithm>

#include "view/snapshot_builder.h"

namespace ccpulse::app {

snapshot_publisher::snapshot_publisher(std::string topic, std::string instance_id,
                                       std::vector<duration> sliding,
                                       std::chrono::steady_clock::duration every, std::size_t slices)
    : _topic(std::move(topic)),
      _instance_id(std::move(instance_id)),
      _sliding(std::move(sliding)),
      _every(every),
      _slices(std::max<std::size_t>(1, slices)) {}

void snapshot_publisher::reset() {
  _published.clear();
  _round_left.clear();
  _round_started = {};
}

void snapshot_publisher::add_overall_lists(std::int32_t id, const engine::partition& part) {
  auto& census = _census_by_partition[id];
  census = {};
  census.limit = census_limit;
  part.census(census);
  census.sort();
  auto overall = std::find_if(_scratch.begin(), _scratch.end(),
                              [](const auto& s) { return s.scope.kind == metrics::scope_kind::overall; });
  if (overall == _scratch.end()) return;
  overall->firing.clear();
  part.queue_alerts().for_each_firing([&](const engine::queue_rule_record& r) {
    overall->firing.push_back({r.rule, r.queue, std::string(sla::to_string(r.metric)), r.window,
                               std::string(sla::to_string(r.cmp)), r.threshold,
                               std::string(sla::to_string(r.level)), r.state.since});
  });
  overall->nearest.clear();
  const auto n = std::min(census.nearest.size(), view::snapshot_nearest_limit);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& c = census.nearest[i];
    overall->nearest.push_back({c.interaction_id, std::string(c.queue), std::string(c.policy),
                                std::string(sla::to_string(c.target)), c.cycle, c.started_at, c.deadline,
                                c.at_risk});
  }
}

void snapshot_publisher::keep_only(const engine::engine& e) {
  auto gone = [&e](const auto& entry) { return !e.partitions().contains(entry.first); };
  std::erase_if(_published, gone);
  std::erase_if(_by_partition, gone);
  std::erase_if(_census_by_partition, gone);
  std::erase_if(_round_left, [&e](std::int32_t id) { return !e.partitions().contains(id); });
  auto kept = std::make_shared<scope_snapshots>();
  for (const auto& s : *_latest)
    if (e.partitions().contains(s.partition)) kept->push_back(s);
  if (kept->size() != _latest->size()) _latest = std::move(kept);
}

kafka::txn_result snapshot_publisher::publish(const engine::engine& e,
                                              const std::function<partition_input(std::int32_t)>& input,
                                              instant wall, kafka::transactional_producer& p,
                                              std::chrono::steady_clock::time_point now) {
  const bool overdue = !_round_left.empty() && now - _round_started >= _every;
  if (_round_left.empty()) {
    _round_started = now;
    for (const auto& [id, part] : e.partitions()) _round_left.push_back(id);
    std::reverse(_round_left.begin(), _round_left.end());  // taken from the back, in id order
    _slice_size = (_round_left.size() + _slices - 1) / _slices;
  }
  kafka::txn_result result;
  for (std::size_t taken = 0; !_round_left.empty() && (overdue || taken < _slice_size); ++taken) {
    const auto id = _round_left.back();
    _round_left.pop_back();
    const auto found = e.partitions().find(id);
    if (found == e.partitions().end()) continue;
    const auto& part = found->second;
    const auto in = input(id);
    view::snapshot_source src;
    src.partition = id;
    src.instance_id = _instance_id;
    src.produced_at = wall;
    if (part->max_event_time() != instant_min) src.watermark = part->watermark();
    src.fresh = in.live ? view::freshness::live : view::freshness::behind;
    src.lag_messages = in.lag;
    part->live(_live);
    src.live = &_live;
    view::build_snapshots(part->windows(), e.context(), _sliding, src, _scratch);
    add_overall_lists(id, *part);
    std::set<view::scope_key> keys;
    for (const auto& s : _scratch) {
      keys.insert(s.scope);
      _encoder.encode(s, _key, _value);
      result = p.produce({_topic, _key, _value, {}});
      if (!result.ok()) return result;
      ++_produced;
    }
    // Scopes that emptied since the last publish of this partition.
    if (auto it = _published.find(id); it != _published.end()) {
      for (const auto& k : it->second) {
        if (keys.contains(k)) continue;
        codec::encode_snapshot_key(k, id, _key);
        kafka::outgoing_record tomb{_topic, _key, {}, {}};
        tomb.tombstone = true;
        result = p.produce(tomb);
        if (!result.ok()) return result;
      }
    }
    _published[id] = std::move(keys);
    _by_partition[id] = _scratch;
  }
  // Partitions a recovery dropped without a revoke leave here too.
  auto gone = [&e](const auto& entry) { return !e.partitions().contains(entry.first); };
  std::erase_if(_by_partition, gone);
  std::erase_if(_census_by_partition, gone);
  auto all = std::make_shared<scope_snapshots>();
  for (const auto& [id, snaps] : _by_partition) all->insert(all->end(), snaps.begin(), snaps.end());
  _latest = std::move(all);
  return result;
}

kafka::txn_result snapshot_publisher::publish_restoring(const std::vector<std::int32_t>& partitions,
                                                        instant wall, kafka::transactional_producer& p) {
  kafka::txn_result result;
  for (const auto id : partitions) {
    view::scope_snapshot s;
    s.partition = id;
    s.instance_id = _instance_id;
    s.produced_at = wall;
    s.fresh = view::freshness::restoring;
    _encoder.encode(s, _key, _value);
    result = p.produce({_topic, _key, _value, {}});
    if (!result.ok()) return result;
    ++_produced;
  }
  return result;
}

}  // namespace ccpulse::app
