#pragma once
// The running service: worker threads, the status board and the HTTP server
// with /metrics, /healthz and /readyz. Used by `run`, `demo` and the
// integration tests alike.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/board_publisher.h"
#include "app/global_view_service.h"
#include "app/worker.h"
#include "config/config.h"
#include "http/pipeline_status.h"
#include "http/server.h"

namespace ccpulse::app {

struct pipeline_options {
  clock_fn now;  // default: the system clock
  std::chrono::milliseconds status_interval{200};
  // Benchmarks only: run without writing the changelog (state still
  // restores from the topic, which then stays empty). Not in the config:
  // without it nothing survives a restart.
  bool changelog = true;
  // Test hook passed to every worker (worker_options::abort_every).
  std::uint64_t abort_every = 0;
  // Benchmarks only (worker_options::consumed_counter).
  std::atomic<std::uint64_t>* consumed_counter = nullptr;
};

class pipeline {
 public:
  pipeline(config::config cfg, pipeline_options opts = {});
  ~pipeline();
  pipeline(const pipeline&) = delete;
  pipeline& operator=(const pipeline&) = delete;

  void start();
  void stop();
  // SIGHUP: re-reads http.tls's certificate and key (server::reload_tls);
  // without http.tls, says there is nothing to reload.
  void reload();

  std::uint16_t http_port() const { return _http->port(); }
  http::status_board& board() { return _board; }
  global_view_service& global_view() { return *_view; }
  const config::config& cfg() const { return _cfg; }
  // First worker failure, empty while all run.
  std::string failure() const;
  bool ready() const;
  // Why /healthz fails (a worker stopped or wedged), empty when healthy.
  std::string health_problem() const;
  // Why /readyz fails, empty when ready.
  std::string not_ready_reason() const;

 private:
  config::config _cfg;
  pipeline_options _opts;
  http::status_board _board;
  std::unique_ptr<global_view_service> _view;
  std::unique_ptr<http::server> _http;
  std::shared_ptr<http::event_stream> _stream;
  std::unique_ptr<board_publisher> _board_events;
  std::atomic<bool> _stop{false};
  std::vector<std::thread> _threads;
  mutable std::mutex _failure_mutex;
  std::string _failure;
};

}  // namespace ccpulse::app
