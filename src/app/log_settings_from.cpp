#include "app/log_settings_from.h"

namespace ccpulse::app {

log::settings log_settings_from(const config::config& c) {
  return {c.logging.format, c.logging.level, c.instance_id};
}

}  // namespace ccpulse::app
