#pragma once
#include "config/config.h"
#include "sim/profile.h"

namespace ccpulse::app {

// The simulator profile described by a config's `simulator:` section.
sim::profile sim_profile_from(const config::config& cfg);

}  // namespace ccpulse::app
