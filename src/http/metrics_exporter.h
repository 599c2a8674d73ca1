#pragma once
// Prometheus text exposition of the workers' published status, through
// prometheus-cpp's data model and TextSerializer (promtool-clean).
#include <string>
#include <vector>

#include "http/pipeline_status.h"
#include "model/time.h"

namespace ccpulse::http {

// `now` is the wall clock at scrape time, for ages (oldest contact waiting).
std::string render_metrics(const std::vector<worker_status_ptr>& workers, instant now);

}  // namespace ccpulse::http
