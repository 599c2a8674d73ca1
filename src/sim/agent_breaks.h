#pragma once
// When agents step away and for how long (sized staffing): short breaks
// mostly, a lunch, now and then a meeting or training.
#include <string_view>

#include "model/time.h"
#include "sim/rng.h"

namespace ccpulse::sim {

struct away_spell {
  std::string_view reason;  // AgentStateChanged.away_reason
  duration length{};
};

away_spell draw_away_spell(rng& r);
// Logged-in time from one spell (or the login) to the next spell's start.
duration draw_time_to_break(rng& r);

// Means of the two draws, for planning.
duration mean_break_length();
duration mean_time_between_breaks();

}  // namespace ccpulse::sim
