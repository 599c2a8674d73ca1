#include "engine/engine_context.h"

namespace ccpulse::engine {

namespace {
std::vector<std::string> queue_names(const engine_settings& s) {
  std::vector<std::string> names;
  names.reserve(s.queues.size());
  for (const auto& q : s.queues) names.push_back(q.name);
  return names;
}
}  // namespace

engine_context::engine_context(engine_settings s, sla::policy_set p)
    : settings(std::move(s)),
      policies(std::move(p)),
      queues(queue_names(settings), settings.max_queues),
      tiers({}, settings.max_tiers) {
  for (const auto& q : settings.queues) _sl_thresholds.push_back(q.sl_threshold);
}

}  // namespace ccpulse::engine
