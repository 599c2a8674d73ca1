#include "app/board_publisher.h"

namespace ccpulse::app {

board_publisher::board_publisher(const config::config& cfg, std::shared_ptr<http::event_stream> stream,
                                 std::chrono::steady_clock::duration every)
    : _cfg(cfg), _stream(std::move(stream)), _every(every) {
  _context.instance_id = _cfg.instance_id;
  _context.time_zone = _cfg.site_timezone;
  for (const auto& q : _cfg.queues)
    _context.queues.push_back(
        {q.name, q.chan, q.sl_threshold, q.sl_target, {q.sl_formula, q.genesys, q.sl_missed_at_once}});
}

void board_publisher::on_view(const view::merged_view& v, bool caught_up,
                              std::chrono::steady_clock::time_point now) {
  if (now < _next) return;
  _next = now + _every;
  _history.record(v, v.built_at, [this](std::string_view queue) {
    for (const auto& q : _context.queues)
      if (q.name == queue) return q.sl;
    return metrics::sl_options{};
  });
  _context.caught_up = caught_up;
  auto json = http::render_board_json(v, _history, _context);
  _stream->publish("board", json);
  std::lock_guard lock(_mutex);
  _latest = std::move(json);
}

std::string board_publisher::latest() const {
  std::lock_guard lock(_mutex);
  return _latest;
}

}  // namespace ccpulse::app
