#include "sim/agent_breaks.h"

#include <array>
#include <cmath>

namespace ccpulse::sim {

namespace {

struct spell_kind {
  std::string_view reason;
  double weight;
  double min_minutes, max_minutes;
};

constexpr std::array<spell_kind, 4> kinds{{
    {"break", 0.70, 10, 15},
    {"lunch", 0.15, 30, 30},
    {"meeting", 0.08, 20, 40},
    {"training", 0.07, 30, 60},
}};

constexpr double min_gap_minutes = 90, max_gap_minutes = 150;

duration minutes(double m) { return duration{static_cast<duration::rep>(std::llround(m * 60e6))}; }

}  // namespace

away_spell draw_away_spell(rng& r) {
  double u = r.uniform();
  for (const auto& k : kinds) {
    if (u < k.weight || &k == &kinds.back())
      return {k.reason, minutes(r.uniform(k.min_minutes, k.max_minutes))};
    u -= k.weight;
  }
  return {};
}

duration draw_time_to_break(rng& r) { return minutes(r.uniform(min_gap_minutes, max_gap_minutes)); }

duration mean_break_length() {
  double m = 0;
  for (const auto& k : kinds) m += k.weight * (k.min_minutes + k.max_minutes) / 2;
  return minutes(m);
}

duration mean_time_between_breaks() { return minutes((min_gap_minutes + max_gap_minutes) / 2); }

}  // namespace ccpulse::sim
