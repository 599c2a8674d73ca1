#pragma once
// /api/v1/queues (DESIGN.md §10, README "HTTP API"): the configured queues
// with their service-level settings, the SLA policies that can apply to
// each (matching its channel and name; finer conditions listed) with their
// targets, and the queue-alert rules watching it. Configuration only; no
// figures, no customer data.
#include <string>

#include "config/config.h"

namespace ccpulse::http {

std::string render_queues_json(const config::config& cfg);

}  // namespace ccpulse::http
