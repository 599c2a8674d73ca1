#include "engine/resource_census.h"

#include <algorithm>
#include <cstdint>

namespace ccpulse::engine {

namespace {
using metrics::resource_per;
using metrics::resource_use;

std::uint64_t u(std::size_t n) { return static_cast<std::uint64_t>(n); }

// A names table: its own labels against the label cap, and every name held
// against the hard bound on names.
void add_registry(std::vector<resource_use>& out, const metrics::queue_registry& r, std::string_view labels,
                  std::string_view names) {
  if (!labels.empty())
    out.push_back({labels, resource_per::worker, u(r.labelled()), u(r.max_labels()), r.folded()});
  out.push_back(
      {names, resource_per::worker, u(r.size() - 1), u(metrics::queue_registry::max_names), r.overflowed()});
}
}  // namespace

void resource_census(const engine& e, std::vector<resource_use>& out) {
  out.clear();
  const auto& ctx = e.context();
  const auto& s = ctx.settings;
  const auto probe = e.probe();
  std::uint64_t interactions = 0, dedup = 0, repeats = 0, agents = 0;
  for (const auto& [id, p] : e.partitions()) {
    interactions = std::max(interactions, u(p->open_interactions()));
    dedup = std::max(dedup, u(p->dedup_current_ids()));
    repeats = std::max(repeats, u(p->repeat_customers()));
    agents = std::max(agents, u(p->agents()));
  }
  out.push_back({"open_interactions", resource_per::partition, interactions, u(s.max_open_interactions),
                 probe.refused_interactions});
  out.push_back(
      {"dedup_ids", resource_per::partition, dedup, u(s.dedup_max_ids), probe.dedup_forced_rotations});
  out.push_back({"repeat_index_customers", resource_per::partition, repeats,
                 u(s.windows.repeat_max_customers), probe.repeat_forced_rotations});
  out.push_back({"agents", resource_per::partition, agents, u(s.windows.max_agents), probe.agents_refused});
  out.push_back({"attribute_values", resource_per::worker, u(ctx.attributes.kept_unnamed()),
                 u(ctx.attributes.cap()), ctx.attributes.unkept()});
  // "other" is registered in every table; it is no name of the input's.
  add_registry(out, ctx.queues, "queue_labels", "queue_names");
  add_registry(out, ctx.reasons, "reason_labels", "reason_names");
  add_registry(out, ctx.tiers, {}, "tier_names");
}

}  // namespace ccpulse::engine
