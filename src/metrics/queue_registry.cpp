#include "metrics/queue_registry.h"

namespace ccpulse::metrics {

queue_registry::queue_registry(const std::vector<std::string>& configured, std::size_t max_queues)
    : _max_queues(std::max(max_queues, configured.size())), _configured_count(configured.size()) {
  // Never reallocate: alerts and snapshots hold string_views into _names
  // (short names live inside the std::string itself), and the cap makes the
  // final size known.
  _names.reserve(_max_queues + 1);
  for (const auto& q : configured) intern(q);
  _other = intern(other_name);
}

queue_index queue_registry::intern(std::string_view name) {
  if (auto it = _index.find(name); it != _index.end()) return it->second;
  // "other" itself is always registered once, past the cap.
  if (_names.size() >= _max_queues && name != other_name) return _other;
  auto i = static_cast<queue_index>(_names.size());
  _names.emplace_back(name);
  _index.emplace(std::string(name), i);
  return i;
}

}  // namespace ccpulse::metrics
