#pragma once
// Checks that need the whole file: names one section refers to and another
// declares, limits on one section set in another, topics that must differ.
#include "config/load_context.h"

namespace ccpulse::config {

// Runs every check across sections on ctx.cfg, and fills in what one
// section takes from another (a simulated queue's channel).
void check_across_sections(load_context& ctx);

}  // namespace ccpulse::config
