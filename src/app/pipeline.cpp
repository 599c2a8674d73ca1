#include "app/pipeline.h"

#include <cstdio>

#include "http/metrics_exporter.h"

namespace ccpulse::app {

namespace {
instant system_now() {
  return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
}
}  // namespace

std::string group_id_of(const config::config& cfg) {
  for (const auto& [k, v] : cfg.kafka.properties)
    if (k == "group.id") return v;
  return "ccpulse";
}

pipeline::pipeline(config::config cfg, pipeline_options opts)
    : _cfg(std::move(cfg)),
      _opts(std::move(opts)),
      _board(static_cast<std::size_t>(_cfg.processing.workers)) {
  if (!_opts.now) _opts.now = system_now;
  http::server::options o;
  o.bind = _cfg.http.bind;
  o.port = _cfg.http.port;
  _http = std::make_unique<http::server>(o);
  _http->route("/metrics", [this](const http::request&) {
    return http::response{200, "text/plain; version=0.0.4; charset=utf-8",
                          http::render_metrics(_board.read(), system_now())};
  });
  _http->route("/healthz", [this](const http::request&) {
    auto f = failure();
    return f.empty() ? http::response{200, "text/plain; charset=utf-8", "ok\n"}
                     : http::response{503, "text/plain; charset=utf-8", "worker failed: " + f + "\n"};
  });
  _http->route("/readyz", [this](const http::request&) {
    return ready() ? http::response{200, "text/plain; charset=utf-8", "ready\n"}
                   : http::response{503, "text/plain; charset=utf-8",
                                    "not ready: workers joining the consumer group\n"};
  });
}

pipeline::~pipeline() { stop(); }

void pipeline::start() {
  _http->start();
  const auto group = group_id_of(_cfg);
  for (int i = 0; i < _cfg.processing.workers; ++i) {
    _threads.emplace_back([this, i, group] {
      try {
        worker_options o{i, _opts.now, group, _cfg.instance_id + "-" + std::to_string(i),
                         _opts.status_interval};
        worker w(_cfg, o, _board);
        w.run(_stop);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "level=error component=worker worker=%d msg=\"stopped: %s\"\n", i, e.what());
        std::lock_guard lock(_failure_mutex);
        if (_failure.empty()) _failure = e.what();
      }
    });
  }
}

void pipeline::stop() {
  _stop.store(true);
  for (auto& t : _threads)
    if (t.joinable()) t.join();
  _threads.clear();
  if (_http) _http->stop();
}

std::string pipeline::failure() const {
  std::lock_guard lock(_failure_mutex);
  return _failure;
}

bool pipeline::ready() const {
  if (!failure().empty()) return false;
  auto all = _board.read();
  for (const auto& w : all)
    if (!w || !w->joined || !w->running) return false;
  return !all.empty();
}

}  // namespace ccpulse::app
