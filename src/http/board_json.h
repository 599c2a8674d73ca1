#pragma once
// The wallboard's payload (DESIGN.md §11, README "HTTP API"): what
// /api/v1/stream sends as its `board` event about once a second, built from
// the merged global view. Per configured queue: live gauges, the headline
// KPIs of every window the board offers, and the sparkline history; then
// the firing queue alerts and the clocks next to breach. Smaller than
// /api/v1/snapshot (no additive parts), since every screen on the floor
// receives it every second. No customer data: queues, figures, interaction
// ids.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/service_level.h"
#include "model/channel.h"
#include "model/time.h"
#include "view/board_history.h"
#include "view/global_view.h"

namespace ccpulse::http {

struct board_queue {
  std::string name;
  channel chan = channel::unspecified;
  duration sl_threshold{};
  double sl_target = 0;
  metrics::sl_options sl;
};

struct board_context {
  std::string_view instance_id;
  std::string_view time_zone;       // the site's IANA zone, for the page's clock times
  std::vector<board_queue> queues;  // configured, in config order
  bool caught_up = false;
  std::size_t next_to_breach = 20;
};

// The windows a board offers: the view's, without previous_interval.
std::vector<std::string> board_windows(const view::merged_view& v);

std::string render_board_json(const view::merged_view& v, const view::board_history& history,
                              const board_context& c);

}  // namespace ccpulse::http
