#include "metrics/erlang_c.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ccpulse::metrics {

double erlang_b(double traffic, std::int64_t agents) {
  double b = 1.0;
  for (std::int64_t k = 1; k <= agents; ++k) b = traffic * b / (static_cast<double>(k) + traffic * b);
  return b;
}

double erlang_c(double traffic, std::int64_t agents) {
  const auto n = static_cast<double>(agents);
  if (agents <= 0 || n <= traffic) return 1.0;
  const double b = erlang_b(traffic, agents);
  return n * b / (n - traffic * (1.0 - b));
}

erlang_c_result erlang_c_forecast(const erlang_c_input& in) {
  erlang_c_result r;
  const bool valid = std::isfinite(in.arrival_per_second) && in.arrival_per_second >= 0 && in.agents >= 0 &&
                     std::isfinite(in.threshold_seconds) && in.threshold_seconds >= 0 && in.waiting >= 0 &&
                     (!in.aht_seconds || (std::isfinite(*in.aht_seconds) && *in.aht_seconds > 0));
  if (!valid) return r;
  const double lambda = in.arrival_per_second;
  const auto n = static_cast<double>(in.agents);

  if (in.waiting == 0) r.drain_seconds = 0.0;
  if (in.waiting > 0 && in.agents == 0) r.drain_seconds = std::numeric_limits<double>::infinity();
  if (lambda <= 0) r.service_level = 1.0;
  if (!in.aht_seconds) return r;
  const double aht = *in.aht_seconds;
  const double traffic = lambda * aht;

  if (lambda > 0) {
    if (n <= traffic) {
      r.service_level = 0.0;
    } else {
      const double c = erlang_c(traffic, in.agents);
      r.service_level = std::clamp(1.0 - c * std::exp(-(n - traffic) * in.threshold_seconds / aht), 0.0, 1.0);
    }
  }
  const double spare = n / aht - lambda;  // contacts per second left for the queue
  if (in.waiting > 0)
    r.drain_seconds =
        spare > 0 ? static_cast<double>(in.waiting) / spare : std::numeric_limits<double>::infinity();
  return r;
}

}  // namespace ccpulse::metrics
