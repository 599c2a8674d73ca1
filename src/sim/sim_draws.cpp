#include "sim/sim_draws.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace ccpulse::sim {

namespace {

constexpr double talk_fraction = 0.8;
constexpr double max_draw_s = 1e9;

duration from_seconds(double s) {
  s = std::clamp(s, 0.0, max_draw_s);
  return duration{static_cast<duration::rep>(std::llround(s * 1e6))};
}

template <std::size_t N>
std::string_view pick(const std::array<std::string_view, N>& from, rng& r) {
  return from[r.below(N)];
}

constexpr std::array<std::string_view, 5> categories{"billing", "technical", "orders", "account", "general"};
constexpr std::array<std::string_view, 3> languages{"en", "es", "de"};
constexpr std::array<std::string_view, 3> transfer_reasons{"wrong_queue", "needs_specialist", "language"};
constexpr std::array<std::string_view, 4> escalation_reasons{"complaint", "technical_issue",
                                                             "refund_approval", "legal"};
constexpr std::array<std::string_view, 3> reopen_reasons{"issue_persists", "new_question", "wrong_fix"};

}  // namespace

duration draw_duration(duration mean, rng& r) { return from_seconds(r.exponential(to_seconds(mean))); }

duration talk_part(duration handle) { return from_seconds(to_seconds(handle) * talk_fraction); }

duration routing_delay(channel c, rng& r) {
  switch (c) {
    case channel::voice:
      return from_seconds(r.uniform(2.0, 12.0));
    case channel::chat:
    case channel::messaging:
      return from_seconds(r.uniform(0.5, 3.0));
    default:
      return from_seconds(r.uniform(0.0, 1.0));
  }
}

double sentiment_share(channel_style s) { return s == channel_style::async_thread ? 0.5 : 0.7; }

std::uint8_t draw_category(rng& r) { return static_cast<std::uint8_t>(r.below(categories.size())); }
std::string_view category_name(std::uint8_t category) { return categories[category % categories.size()]; }
std::string_view draw_language(rng& r) { return pick(languages, r); }

disposition draw_disposition(rng& r) {
  const double u = r.uniform();
  if (u < 0.55) return {"resolved", false};
  if (u < 0.85) return {"information_given", false};
  return {"follow_up_needed", true};
}

std::string_view draw_transfer_reason(rng& r) { return pick(transfer_reasons, r); }
std::string_view draw_escalation_reason(rng& r) { return pick(escalation_reasons, r); }
std::string_view draw_reopen_reason(rng& r) { return pick(reopen_reasons, r); }

}  // namespace ccpulse::sim
