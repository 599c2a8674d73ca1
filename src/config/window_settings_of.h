#pragma once
// The engine's window settings from a config: the one mapping, used by the
// loader's window check (cross_checks.cpp) and by app::engine_settings_from,
// so what check-config accepts is exactly what the partitions are given.
#include "config/config.h"
#include "engine/engine_settings.h"

namespace ccpulse::config {

// metrics: and site_timezone. interval must be whole minutes (the loader
// checks it); a fraction of a minute would be cut off here.
engine::window_settings window_settings_of(const config& c);

}  // namespace ccpulse::config
