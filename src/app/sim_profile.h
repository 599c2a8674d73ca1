#pragma once
#include <optional>
#include <string_view>

#include "config/config.h"
#include "model/time.h"
#include "sim/profile.h"

namespace ccpulse::app {

// The simulator profile described by a config's `simulator:` section, with
// each queue's answer goal (sl_threshold, sl_target) for sized staffing and
// the site's UTC offset at `start` for the intraday curve. `lead_in` is the
// history generated before the live run (the demo's): surges count from its
// end, so `after: 30s` means 30 s into what the user watches.
sim::profile sim_profile_from(const config::config& cfg, instant start, duration lead_in = {});

// Parses "fixed"/"sized" and "flat"/"intraday" (the config words, also the
// command-line flags); nullopt for anything else.
std::optional<sim::staffing_mode> parse_staffing(std::string_view word);
std::optional<sim::arrival_curve> parse_arrival_curve(std::string_view word);

}  // namespace ccpulse::app
