#include "app/snapshot_publisher.h"

#include <algorithm>

#include "view/snapshot_builder.h"

namespace ccpulse::app {

snapshot_publisher::snapshot_publisher(std::string topic, std::string instance_id, std::vector<duration> sliding,
                                       std::chrono::steady_clock::duration every)
    : _topic(std::move(topic)), _instance_id(std::move(instance_id)), _sliding(std::move(sliding)), _every(every) {}

void snapshot_publisher::reset() {
  _published.clear();
  _last = {};
}

void snapshot_publisher::add_nearest(const engine::partition& part) {
  auto overall = std::find_if(_scratch.begin(), _scratch.end(),
                              [](const auto& s) { return s.scope.kind == metrics::scope_kind::overall; });
  if (overall == _scratch.end()) return;
  _census = {};
  _census.limit = view::snapshot_nearest_limit;
  part.census(_census);
  _census.sort();
  overall->nearest.clear();
  for (const auto& n : _census.nearest)
    overall->nearest.push_back({n.interaction_id, std::string(n.queue), std::string(n.policy),
                                std::string(sla::to_string(n.target)), n.cycle, n.started_at, n.deadline, n.at_risk});
}

void snapshot_publisher::keep_only(const engine::engine& e) {
  auto kept = std::make_shared<scope_snapshots>();
  for (const auto& s : *_latest)
    if (e.partitions().contains(s.partition)) kept->push_back(s);
  if (kept->size() == _latest->size()) return;
  std::erase_if(_published, [&e](const auto& entry) { return !e.partitions().contains(entry.first); });
  _latest = std::move(kept);
}

kafka::txn_result snapshot_publisher::publish(const engine::engine& e,
                                              const std::function<partition_input(std::int32_t)>& input,
                                              instant wall, kafka::transactional_producer& p,
                                              std::chrono::steady_clock::time_point now) {
  _last = now;
  auto all = std::make_shared<scope_snapshots>();
  std::map<std::int32_t, std::set<view::scope_key>> published;
  kafka::txn_result result;
  for (const auto& [id, part] : e.partitions()) {
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
    add_nearest(*part);
    auto& keys = published[id];
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
    all->insert(all->end(), _scratch.begin(), _scratch.end());
  }
  _published = std::move(published);
  _latest = std::move(all);
  return result;
}

kafka::txn_result snapshot_publisher::publish_restoring(const std::vector<std::int32_t>& partitions, instant wall,
                                                        kafka::transactional_producer& p) {
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
