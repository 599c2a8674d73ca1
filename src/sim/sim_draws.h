#pragma once
// The simulator's small draws: durations, categories, reasons, dispositions.
#include <cstdint>
#include <string_view>

#include "model/channel.h"
#include "model/time.h"
#include "sim/conversation.h"
#include "sim/rng.h"

namespace ccpulse::sim {

// Exponential with the given mean, capped so a "never gives up" patience
// stays far in the future without overflowing instant arithmetic.
duration draw_duration(duration mean, rng& r);
// Handle time spent talking (or writing); the rest is after-contact work.
duration talk_part(duration handle);

// Time between the contact being created and reaching the queue: an IVR menu
// for voice, a pre-chat form for chat, routing for the rest.
duration routing_delay(channel c, rng& r);

// Share of contacts speech or text analytics scores.
double sentiment_share(channel_style s);

std::uint8_t draw_category(rng& r);
std::string_view category_name(std::uint8_t category);
std::string_view draw_language(rng& r);

struct disposition {
  std::string_view name;
  bool follow_up_needed = false;  // the customer will likely be back
};
disposition draw_disposition(rng& r);

std::string_view draw_transfer_reason(rng& r);
std::string_view draw_escalation_reason(rng& r);
std::string_view draw_reopen_reason(rng& r);

}  // namespace ccpulse::sim
