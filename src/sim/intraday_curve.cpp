#include "sim/intraday_curve.h"

#include <array>
#include <chrono>
#include <cmath>

namespace ccpulse::sim {

namespace {

// Relative arrivals per local hour in a consumer contact center: quiet at
// night, the day's peak mid-morning, a dip at lunch, a second peak after it.
constexpr std::array<double, 24> hourly_weight{0.20, 0.12, 0.08, 0.07, 0.08, 0.15, 0.35, 0.80,
                                               1.45, 1.85, 2.00, 1.80, 1.30, 1.55, 1.75, 1.60,
                                               1.35, 1.05, 0.75, 0.55, 0.45, 0.35, 0.30, 0.25};

constexpr double weight_sum = [] {
  double s = 0;
  for (double w : hourly_weight) s += w;
  return s;
}();

int local_hour(duration utc_offset, instant t) {
  const auto local = t + utc_offset;
  const auto day = std::chrono::floor<std::chrono::days>(local);
  return static_cast<int>(std::chrono::floor<std::chrono::hours>(local - day).count());
}

}  // namespace

double curve_multiplier(arrival_curve c, int local_hour) {
  if (c == arrival_curve::flat) return 1.0;
  return hourly_weight[static_cast<std::size_t>(local_hour) % 24] * 24.0 / weight_sum;
}

double curve_multiplier_at(arrival_curve c, duration utc_offset, instant t) {
  return curve_multiplier(c, local_hour(utc_offset, t));
}

instant next_arrival(arrival_curve c, duration utc_offset, double mean_rate, instant from, double unit_draw) {
  const auto micros = [](double s) { return duration{static_cast<duration::rep>(std::llround(s * 1e6))}; };
  if (c == arrival_curve::flat) return from + micros(unit_draw / mean_rate);
  // Walk hour by hour, spending the draw against each hour's expected arrivals.
  instant t = from;
  double left = unit_draw;
  for (;;) {
    const auto local = t + utc_offset;
    const instant hour_end =
        std::chrono::floor<std::chrono::hours>(local) + std::chrono::hours{1} - utc_offset;
    const double rate = mean_rate * curve_multiplier_at(c, utc_offset, t);
    const double expected = rate * to_seconds(hour_end - t);
    if (left <= expected) return t + micros(left / rate);
    left -= expected;
    t = hour_end;
  }
}

}  // namespace ccpulse::sim
