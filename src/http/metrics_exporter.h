#pragma once
// Prometheus text exposition of the workers' published status, through
// prometheus-cpp's data model and TextSerializer (promtool-clean).
#include <cstdint>
#include <string>
#include <vector>

#include "http/connection_figures.h"
#include "http/pipeline_status.h"
#include "http/snapshot_json.h"
#include "http/tls_figures.h"
#include "model/time.h"

namespace ccpulse::http {

// The process's snapshots reader (the global view), beside the workers.
struct snapshot_reader_figures {
  std::uint64_t records = 0;
  std::uint64_t undecodable = 0;
  std::uint64_t consumer_errors = 0;
  bool caught_up = false;
};

// The process's merged global view, for the forecast gauges: built from
// every instance's snapshots, so every instance reports the same values
// (aggregate them with max or avg, never sum). view nullptr: none exported.
struct global_view_figures {
  const view::merged_view* view = nullptr;
  threshold_lookup sl_threshold;  // a queue label's sl_threshold
};

// `now` is the wall clock at scrape time, for ages (oldest contact waiting).
// The wallboard stream's clients (event_stream's counters).
struct stream_figures {
  std::uint64_t clients = 0;
  std::uint64_t clients_dropped_slow = 0;
  std::uint64_t events_published = 0;
  // The server's connections; stream clients count against max_connections.
  // max_connections 0: neither http_connections nor http_stream_clients is
  // exported as a resource.
  connection_figures connections;
};

std::string render_metrics(const std::vector<worker_status_ptr>& workers, instant now,
                           const snapshot_reader_figures& reader = {}, const global_view_figures& global = {},
                           const stream_figures& stream = {});

// The HTTPS server's families, to append to render_metrics' text; empty
// when TLS is off.
std::string render_tls_metrics(const tls_figures& tls);

}  // namespace ccpulse::http
