#include "config/window_settings_of.h"

namespace ccpulse::config {

engine::window_settings window_settings_of(const config& c) {
  const auto& m = c.metrics;
  engine::window_settings w;
  w.sliding = m.windows;
  w.bucket = m.bucket;
  w.coarse_bucket = m.histogram_bucket;
  w.interval = std::chrono::duration_cast<std::chrono::minutes>(m.interval);
  w.site_timezone = c.site_timezone;
  w.repeat_window = m.repeat_window;
  w.repeat_max_customers = m.max_repeat_customers;
  w.max_agents = m.max_agents;
  return w;
}

}  // namespace ccpulse::config
