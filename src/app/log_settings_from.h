#pragma once
// The logger's settings from a validated config: logging: and instance_id.
#include "config/config.h"
#include "log/logger.h"

namespace ccpulse::app {

log::settings log_settings_from(const config::config& c);

}  // namespace ccpulse::app
