#pragma once
// The engine's settings from a validated config: the one mapping, shared by
// the workers and the tools that run an engine outside Kafka (tests/oracle).
#include "codec/event_decoder.h"
#include "config/config.h"
#include "engine/engine_settings.h"

namespace ccpulse::app {

engine::engine_settings engine_settings_from(const config::config& c);
// The limits events are decoded with (max event bytes, clock skew, the
// policy set's attribute keys).
codec::decoder_limits decoder_limits_from(const config::config& c);

}  // namespace ccpulse::app
