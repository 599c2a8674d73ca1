#include "view/queue_forecast.h"

#include <chrono>

namespace ccpulse::view {

namespace {

using namespace std::chrono_literals;

const merged_window* arrival_window(const merged_scope& s) {
  const merged_window* shortest = nullptr;
  for (const auto& w : s.windows) {
    if (w.kind != window_kind::sliding || w.length <= duration::zero()) continue;
    if (w.length == 15min) return &w;
    if (!shortest || w.length < shortest->length) shortest = &w;
  }
  return shortest;
}

// The window's AHT when it handled any contact.
std::optional<double> aht_of(const merged_window& w) {
  const auto& c = w.parts.counts;
  if (c.handled == 0) return std::nullopt;
  return to_seconds(c.talk_sum + c.hold_sum + c.after_contact_work_sum) / static_cast<double>(c.handled);
}

}  // namespace

std::optional<queue_forecast> forecast_queue(const merged_scope& s, duration sl_threshold) {
  if (s.live.partitions == 0) return std::nullopt;
  const auto* arrivals = arrival_window(s);
  if (!arrivals) return std::nullopt;

  queue_forecast f;
  f.sl_threshold = sl_threshold;
  f.arrival_window = arrivals->name;
  f.arrival_per_second = static_cast<double>(arrivals->parts.counts.offered) / to_seconds(arrivals->length);
  if ((f.aht_seconds = aht_of(*arrivals))) {
    f.aht_window = arrivals->name;
  } else {
    // The next longer sliding windows, shortest first.
    const merged_window* best = nullptr;
    for (const auto& w : s.windows)
      if (w.kind == window_kind::sliding && w.length > arrivals->length && aht_of(w) &&
          (!best || w.length < best->length))
        best = &w;
    if (best) {
      f.aht_seconds = aht_of(*best);
      f.aht_window = best->name;
    }
  }
  const auto& g = s.live.gauges;
  f.agents = g.agents_in(agent_state::available) + g.agents_in(agent_state::on_contact) +
             g.agents_in(agent_state::after_contact_work);
  f.waiting = g.waiting;

  const auto r = metrics::erlang_c_forecast(
      {f.arrival_per_second, f.aht_seconds, f.agents, to_seconds(sl_threshold), f.waiting});
  f.service_level = r.service_level;
  f.drain_seconds = r.drain_seconds;
  return f;
}

std::optional<double> forecast_service_level(const merged_scope& s, duration sl_threshold) {
  const auto f = forecast_queue(s, sl_threshold);
  return f ? f->service_level : std::nullopt;
}

std::optional<double> forecast_drain_seconds(const merged_scope& s) {
  const auto f = forecast_queue(s, duration::zero());  // the drain time does not depend on T
  return f ? f->drain_seconds : std::nullopt;
}

}  // namespace ccpulse::view
