#include "app/engine_settings_from.h"

#include "config/window_settings_of.h"

namespace ccpulse::app {

engine::engine_settings engine_settings_from(const config::config& c) {
  engine::engine_settings s;
  s.max_out_of_orderness = c.processing.max_out_of_orderness;
  s.short_abandon = c.processing.short_abandon;
  s.linger = c.processing.linger;
  s.dedup_horizon = c.processing.dedup_horizon;
  s.dedup_max_ids = c.processing.dedup_max_ids;
  s.max_open_interactions = c.processing.max_open_interactions;
  s.max_event_time_jump = c.processing.max_event_time_jump;
  s.max_open_age = c.processing.max_open_age;
  s.max_wait = c.processing.max_wait;
  s.breach_grace = c.processing.breach_grace;
  s.max_queues = c.processing.max_queues;
  s.max_attribute_values = c.processing.max_attribute_values;
  s.windows = config::window_settings_of(c);
  s.calendars = c.calendars;
  for (const auto& q : c.queues) {
    metrics::sl_options sl;
    sl.formula = q.sl_formula;
    sl.genesys = q.genesys;
    sl.missed_at_once = q.sl_missed_at_once;
    s.queues.emplace_back(q.name, q.sl_threshold, sl);
  }
  return s;
}

codec::decoder_limits decoder_limits_from(const config::config& c) {
  codec::decoder_limits l;
  l.max_event_bytes = c.processing.max_event_bytes;
  l.max_clock_skew = c.processing.max_clock_skew;
  l.attribute_keys = c.policies.attribute_keys();
  return l;
}

}  // namespace ccpulse::app
