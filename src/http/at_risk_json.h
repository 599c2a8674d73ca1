#pragma once
// /api/v1/at-risk (DESIGN.md §10, README "HTTP API"): the open SLA clocks of
// this instance nearest to breach, earliest deadline first. Interaction
// ids, queues, policies and times only: no customer data.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/pipeline_status.h"
#include "model/time.h"

namespace ccpulse::http {

inline constexpr std::size_t at_risk_default_limit = 50;
inline constexpr std::size_t at_risk_max_limit = 500;

// The limit from a query string ("limit=20"); nullopt-like: false when the
// query is malformed (the route answers 400 then).
bool parse_at_risk_limit(std::string_view query, std::size_t& limit);

std::string render_at_risk_json(const std::vector<worker_status_ptr>& workers, std::string_view instance_id,
                                instant now, std::size_t limit);

}  // namespace ccpulse::http
