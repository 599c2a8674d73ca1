#include "app/pipeline.h"

#include <pthread.h>

#include "app/engine_settings_from.h"
#include "http/at_risk_json.h"
#include "http/floor_routes.h"
#include "http/metrics_exporter.h"
#include "http/queues_json.h"
#include "http/snapshot_json.h"
#include "log/logger.h"

namespace ccpulse::app {

namespace {
instant system_now() { return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()); }
}  // namespace

pipeline::pipeline(config::config cfg, pipeline_options opts)
    : _cfg(std::move(cfg)),
      _opts(std::move(opts)),
      _board(static_cast<std::size_t>(_cfg.processing.workers)) {
  if (!_opts.now) _opts.now = system_now;
  http::server::options o;
  o.bind = _cfg.http.bind;
  o.port = _cfg.http.port;
  o.access = http::access_policy({_cfg.http.api_token, _cfg.http.metrics_token});
  o.max_connections = _cfg.http.max_connections;
  o.max_header_bytes = static_cast<std::uint32_t>(_cfg.http.max_header_bytes);  // at most 1 MiB
  o.max_header_fields = _cfg.http.max_header_fields;
  o.max_body_bytes = _cfg.http.max_body_bytes;
  o.idle_timeout = std::chrono::ceil<std::chrono::seconds>(_cfg.http.request_timeout);
  o.tls_cert_file = _cfg.http.tls.cert_file;
  o.tls_key_file = _cfg.http.tls.key_file;
  _view = std::make_unique<global_view_service>(_cfg, _opts.now);
  _http = std::make_unique<http::server>(o);
  // The wallboard's stream: a board event a second from the global view.
  _stream = std::make_shared<http::event_stream>();
  _board_events = std::make_unique<board_publisher>(_cfg, _stream);
  _view->on_view([this](const view::merged_view& v, bool caught_up) {
    _board_events->on_view(v, caught_up, std::chrono::steady_clock::now());
  });
  _http->stream("/api/v1/stream", _stream);
  _http->route("/api/v1/board", [this](const http::request&) {
    auto body = _board_events->latest();
    if (body.empty()) return http::response{503, "text/plain; charset=utf-8", "no view built yet\n"};
    return http::response{200, "application/json", std::move(body)};
  });
  // Queues' service level by their own formula and threshold (the forecast's
  // T); labels that are no configured queue ("other") get the defaults.
  const auto settings = engine_settings_from(_cfg);
  std::map<std::string, metrics::sl_options, std::less<>> sl;
  std::map<std::string, duration, std::less<>> thresholds;
  for (const auto& q : settings.queues) {
    sl.emplace(q.name, q.sl);
    thresholds.emplace(q.name, q.sl_threshold);
  }
  const http::threshold_lookup threshold = [thresholds = std::move(thresholds),
                                            fallback = settings.default_sl_threshold](std::string_view q) {
    const auto it = thresholds.find(q);
    return it == thresholds.end() ? fallback : it->second;
  };
  _http->route("/metrics", [this, threshold](const http::request&) {
    const auto st = _view->status();
    const http::snapshot_reader_figures reader_figures{st.records, st.undecodable, st.consumer_errors,
                                                       st.caught_up};
    const auto view = _view->latest();
    const http::stream_figures stream{_stream->clients.load(), _stream->clients_dropped_slow.load(),
                                      _stream->events_published.load(), _http->connections()};
    return http::response{
        200, "text/plain; version=0.0.4; charset=utf-8",
        http::render_metrics(_board.read(), system_now(), reader_figures, {view.get(), threshold}, stream) +
            http::render_tls_metrics(_http->tls_status())};
  });
  // The merged global view of every instance's partitions (snapshots topic).
  _http->route("/api/v1/snapshot", [this, sl = std::move(sl), threshold](const http::request&) {
    const auto view = _view->latest();
    const auto st = _view->status();
    const http::sl_lookup lookup = [&sl](std::string_view q) {
      const auto it = sl.find(q);
      return it == sl.end() ? metrics::sl_options{} : it->second;
    };
    return http::response{
        200, "application/json",
        http::render_snapshot_json(
            *view, lookup,
            {_cfg.instance_id, _opts.now(), view::view_settings{}.max_age, st.caught_up, threshold})};
  });
  http::add_at_risk_route(*_http, [this](const http::at_risk_query& q) {
    if (q.scope == http::at_risk_scope::instance)
      return http::render_at_risk_json(_board.read(), _cfg.instance_id, _opts.now(), q.limit);
    return http::render_cluster_at_risk_json(*_view->latest(), _cfg.instance_id, _opts.now(), q.limit);
  });
  // The wallboard's page, embedded at build time (http/embedded_assets.h).
  http::add_wallboard_routes(*_http);
  // Configuration only: rendered once.
  _http->route("/api/v1/queues", [body = http::render_queues_json(_cfg)](const http::request&) {
    return http::response{200, "application/json", body};
  });
  _http->route("/healthz", [this](const http::request&) {
    auto f = health_problem();
    return f.empty() ? http::response{200, "text/plain; charset=utf-8", "ok\n"}
                     : http::response{503, "text/plain; charset=utf-8", f + "\n"};
  });
  _http->route("/readyz", [this](const http::request&) {
    auto why = not_ready_reason();
    return why.empty() ? http::response{200, "text/plain; charset=utf-8", "ready\n"}
                       : http::response{503, "text/plain; charset=utf-8", "not ready: " + why + "\n"};
  });
}

pipeline::~pipeline() { stop(); }

void pipeline::start() {
  _http->start();
  _view->start();
  for (int i = 0; i < _cfg.processing.workers; ++i) {
    _threads.emplace_back([this, i] {
      // Seen in top -H and perf; the worker's input stage is ccp-input-<i>.
      pthread_setname_np(pthread_self(), ("ccp-engine-" + std::to_string(i)).c_str());
      try {
        worker_options o{i,
                         _opts.now,
                         _opts.status_interval,
                         _opts.abort_every,
                         _opts.changelog,
                         _opts.consumed_counter,
                         [this] { return _view->latest(); }};
        worker w(_cfg, o, _board);
        w.run(_stop);
      } catch (const std::exception& e) {
        log::logger("worker").with("worker", i).error("stopped", {{"error", e.what()}});
        std::lock_guard lock(_failure_mutex);
        if (_failure.empty()) _failure = e.what();
      }
    });
  }
}

void pipeline::reload() {
  if (!_cfg.http.tls.enabled()) {
    log::logger("app").info("SIGHUP: nothing to reload (no http.tls)");
    return;
  }
  _http->reload_tls();  // logs the outcome; counted in /metrics
}

void pipeline::stop() {
  _stop.store(true);
  for (auto& t : _threads)
    if (t.joinable()) t.join();
  _threads.clear();
  if (_http) _http->stop();
  if (_view) _view->stop();
}

std::string pipeline::failure() const {
  std::lock_guard lock(_failure_mutex);
  return _failure;
}

std::string pipeline::health_problem() const {
  if (auto f = failure(); !f.empty()) return "worker failed: " + f;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& w : _board.read()) {
    if (!w) continue;
    if (!w->running) return "worker " + std::to_string(w->worker) + " stopped: " + w->failure;
    // A worker that stopped publishing is wedged (or a zombie): say so.
    if (now - w->heartbeat > std::chrono::seconds(90))
      return "worker " + std::to_string(w->worker) + " has not reported for over 90 s";
  }
  return {};
}

std::string pipeline::not_ready_reason() const {
  if (auto f = health_problem(); !f.empty()) return f;
  auto all = _board.read();
  if (all.empty()) return "no workers";
  for (const auto& w : all) {
    if (!w || !w->joined) return "workers joining the consumer group";
    if (w->restoring)
      return "worker " + std::to_string(w->worker) + " restoring partitions from the state topic";
    if (w->recovering) return "worker " + std::to_string(w->worker) + " recovering";
  }
  return {};
}

bool pipeline::ready() const { return not_ready_reason().empty(); }

}  // namespace ccpulse::app
