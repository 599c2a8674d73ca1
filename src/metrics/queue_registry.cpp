#include "metrics/queue_registry.h"

namespace ccpulse::metrics {

queue_registry::queue_registry(const std::vector<std::string>& configured, std::size_t max_labels)
    : _max_labels(std::max(max_labels, configured.size())), _configured_count(configured.size()) {
  // Never reallocate: alerts and snapshots hold string_views into _names
  // (short names live inside the std::string itself), and max_names makes
  // the final size known. Reserving costs address space, not memory.
  _names.reserve(max_names + 1);
  // Configured names are held whatever their length.
  for (const auto& q : configured)
    if (!_index.contains(q)) add(q);
  _other = _index.contains(other_name) ? _index.find(other_name)->second : add(other_name);
  _label[_other] = _other;
}

queue_index queue_registry::intern(std::string_view name) {
  if (auto it = _index.find(name); it != _index.end()) return it->second;
  if (_names.size() >= max_names || name.size() > max_name_bytes) {
    ++_overflowed;
    return _other;
  }
  return add(name);
}

queue_index queue_registry::add(std::string_view name) {
  auto i = static_cast<queue_index>(_names.size());
  _names.emplace_back(name);
  // The first max_labels names (configured ones first) get a label of their
  // own; "other" always has one.
  const bool own = name == other_name || _labelled < _max_labels;
  if (own && name != other_name) ++_labelled;
  if (!own) ++_folded;
  _label.push_back(own ? i : _other);
  _index.emplace(std::string(name), i);
  return i;
}

}  // namespace ccpulse::metrics
