#pragma once
// The Erlang C forecast of a queue (DESIGN.md §6 "Forecast") from a merged
// scope of the global view: the service level the next interval can expect
// for the queue's sl_threshold, and the time until the contacts waiting now
// are served. Pure: the merged figures and the threshold in, numbers out.
//
// Inputs (README "Forecast"):
// - arrival rate λ: offered ÷ length of the 15-minute sliding window, or of
//   the shortest sliding window when there is no 15-minute one;
// - mean handle time: (talk + hold + after-contact work) ÷ handled in the
//   same window, else in the next longer sliding window with handled
//   contacts;
// - agents N: the queue's agents available, on contact or in after-contact
//   work now (AHT counts after-contact work, so an agent in it is a server
//   still busy), from the live gauges; away and unspecified ones are not.
// - waiting: contacts waiting now (live gauges).
#include <cstdint>
#include <optional>
#include <string>

#include "metrics/erlang_c.h"
#include "model/time.h"
#include "view/global_view.h"

namespace ccpulse::view {

struct queue_forecast {
  // metrics::erlang_c_result: service level in [0, 1]; drain seconds, with
  // +infinity for "never drains at this rate".
  std::optional<double> service_level;
  std::optional<double> drain_seconds;
  double arrival_per_second = 0;
  std::optional<double> aht_seconds;
  std::int64_t agents = 0;
  std::int64_t waiting = 0;
  std::string arrival_window;  // the sliding window λ came from, e.g. "15m"
  std::string aht_window;      // the one the AHT came from; empty when unknown
  duration sl_threshold{};
};

// nullopt when the scope has no live figures (no live or behind partition
// reported it) or no sliding window.
std::optional<queue_forecast> forecast_queue(const merged_scope& s, duration sl_threshold);

// For queue-alert rules: the forecast's service level (nullopt: no forecast)
// and drain time in seconds (nullopt: no forecast; +infinity: never drains).
std::optional<double> forecast_service_level(const merged_scope& s, duration sl_threshold);
std::optional<double> forecast_drain_seconds(const merged_scope& s);

}  // namespace ccpulse::view
