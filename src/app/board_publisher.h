#pragma once
// Feeds the wallboard's stream (DESIGN.md §11): about once a second, from
// the newest merged view, a sparkline sample (view::board_history) and one
// `board` event (http/board_json.h) into the SSE hub every /api/v1/stream
// client reads. Called on the global view's thread, never a worker's; a
// view that stops coming stops the events, which the page shows as stale.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.h"
#include "http/board_json.h"
#include "http/event_stream.h"
#include "view/board_history.h"
#include "view/global_view.h"

namespace ccpulse::app {

class board_publisher {
 public:
  board_publisher(const config::config& cfg, std::shared_ptr<http::event_stream> stream,
                  std::chrono::steady_clock::duration every = std::chrono::seconds(1));

  // A view was built; publishes when `every` has passed since the last event.
  void on_view(const view::merged_view& v, bool caught_up, std::chrono::steady_clock::time_point now);

  // The latest board JSON ("" before the first), for a plain GET.
  std::string latest() const;

 private:
  const config::config& _cfg;
  std::shared_ptr<http::event_stream> _stream;
  std::chrono::steady_clock::duration _every;
  std::chrono::steady_clock::time_point _next{};
  view::board_history _history;
  http::board_context _context;
  mutable std::mutex _mutex;
  std::string _latest;
};

}  // namespace ccpulse::app
