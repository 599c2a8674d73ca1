#pragma once
// Prometheus text exposition of the workers' published status, through
// prometheus-cpp's data model and TextSerializer (promtool-clean).
#include <cstdint>
#include <string>
#include <vector>

#include "http/pipeline_status.h"
#include "model/time.h"

namespace ccpulse::http {

// The process's snapshots reader (the global view), beside the workers.
struct snapshot_reader_figures {
  std::uint64_t records = 0;
  std::uint64_t undecodable = 0;
  std::uint64_t consumer_errors = 0;
  bool caught_up = false;
};

// `now` is the wall clock at scrape time, for ages (oldest contact waiting).
std::string render_metrics(const std::vector<worker_status_ptr>& workers, instant now,
                           const snapshot_reader_figures& reader = {});

}  // namespace ccpulse::http
