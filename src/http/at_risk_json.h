#pragma once
// /api/v1/at-risk (DESIGN.md §10, README "HTTP API"): the open SLA clocks
// nearest to breach, earliest deadline first: of the whole cluster (the
// merged view of every partition's snapshot, the default) or of this
// instance's workers (?scope=instance, fresher by up to a second).
// Interaction ids, queues, policies and times only: no customer data.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/pipeline_status.h"
#include "model/time.h"
#include "view/global_view.h"

namespace ccpulse::http {

inline constexpr std::size_t at_risk_default_limit = 50;
inline constexpr std::size_t at_risk_max_limit = 500;

enum class at_risk_scope : std::uint8_t { cluster, instance };

struct at_risk_query {
  std::size_t limit = at_risk_default_limit;
  at_risk_scope scope = at_risk_scope::cluster;
};

// "limit=20&scope=instance"; false when a value is malformed (the route
// answers 400 then). Other parameters are ignored.
bool parse_at_risk_query(std::string_view query, at_risk_query& out);

// This instance's workers' lists, merged.
std::string render_at_risk_json(const std::vector<worker_status_ptr>& workers, std::string_view instance_id,
                                instant now, std::size_t limit);
// The cluster's list from the merged view.
std::string render_cluster_at_risk_json(const view::merged_view& v, std::string_view instance_id, instant now,
                                        std::size_t limit);

}  // namespace ccpulse::http
