#include "sim/conversation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace ccpulse::sim {

namespace {

using namespace std::chrono_literals;

duration seconds(double s) {
  return duration{static_cast<duration::rep>(std::llround(std::max(0.0, s) * 1e6))};
}

// Up to two holds, each inside its own share of the call and at most 40 % of it.
void plan_holds(instant from, duration talk, rng& r, std::vector<beat>& out) {
  const double u = r.uniform();
  const int holds = u < 0.07 ? 2 : u < 0.27 ? 1 : 0;
  if (holds == 0 || talk < 10s) return;
  const double share = to_seconds(talk) / holds;
  for (int i = 0; i < holds; ++i) {
    const double start = share * (i + r.uniform(0.1, 0.5));
    const double length = std::min(r.uniform(15.0, 90.0), 0.4 * share);
    out.push_back({from + seconds(start), beat_kind::held});
    out.push_back({from + seconds(start + length), beat_kind::resumed});
  }
}

// Agent and customer messages alternate, agent first and last; customers
// think longer than agents type. Gaps are drawn, then scaled to the talk time.
void plan_messages(instant from, duration talk, rng& r, std::vector<beat>& out) {
  constexpr int max_rounds = 12;
  const int rounds = std::clamp(1 + static_cast<int>(std::lround(to_seconds(talk) / 30.0)), 1, max_rounds);
  const auto messages = static_cast<std::size_t>(2 * rounds - 1);
  std::array<double, 2 * max_rounds - 1> at{};  // no allocation per chat
  double sum = 0;
  for (std::size_t i = 0; i < messages; ++i) {
    const bool customer = i % 2 == 1;
    sum += r.exponential(customer ? 1.5 : 1.0);
    at[i] = sum;
  }
  const double scale = 0.97 * to_seconds(talk) / sum;
  for (std::size_t i = 0; i < messages; ++i)
    out.push_back(
        {from + seconds(at[i] * scale), i % 2 == 1 ? beat_kind::customer_replied : beat_kind::agent_replied});
}

}  // namespace

channel_style style_of(channel c) {
  switch (c) {
    case channel::chat:
    case channel::messaging:
    case channel::social:
      return channel_style::live_chat;
    case channel::email:
    case channel::ticket:
      return channel_style::async_thread;
    default:
      return channel_style::call;
  }
}

void plan_session(channel_style s, instant from, duration talk, bool observe_sentiment, rng& r,
                  std::vector<beat>& out) {
  const std::size_t first = out.size();
  switch (s) {
    case channel_style::call:
      plan_holds(from, talk, r, out);
      break;
    case channel_style::live_chat:
      plan_messages(from, talk, r, out);
      break;
    case channel_style::async_thread:
      out.push_back({from + talk, beat_kind::agent_replied});
      break;
  }
  if (observe_sentiment) {
    // Calls and chats are scored near their end, a written message as it is read.
    const double at = s == channel_style::async_thread ? r.uniform(0.0, 0.3) : r.uniform(0.5, 0.99);
    out.push_back({from + seconds(to_seconds(talk) * at), beat_kind::sentiment});
  }
  // A handful of beats: a stable insertion sort, which allocates nothing.
  for (std::size_t i = first + 1; i < out.size(); ++i)
    for (std::size_t j = i; j > first && out[j].at < out[j - 1].at; --j) std::swap(out[j], out[j - 1]);
  out.push_back({from + talk, beat_kind::session_end});
}

void plan_thread(channel c, instant from, rng& r, std::vector<beat>& out) {
  const bool ticket = c == channel::ticket;
  instant t = from;
  const auto later = [&](double mean_s, double min_s) { return t += seconds(min_s + r.exponential(mean_s)); };
  const auto exchange = [&] {
    // Waiting on the customer: tickets say so, and their SLA clocks pause.
    if (ticket) out.push_back({t, beat_kind::status_pending});
    out.push_back({later(2 * 3600.0, 300.0), beat_kind::customer_replied});
    if (ticket) out.push_back({t, beat_kind::status_open});
    out.push_back({later(45 * 60.0, 120.0), beat_kind::agent_replied});
  };
  const double u = r.uniform();
  const int rounds = u < 0.5 ? 0 : u < 0.8 ? 1 : u < 0.95 ? 2 : 3;
  for (int i = 0; i < rounds; ++i) exchange();
  if (ticket && r.chance(0.25)) {
    // Waiting on a third party (a carrier, a supplier), then an update.
    out.push_back({t, beat_kind::status_on_hold});
    out.push_back({later(3 * 3600.0, 600.0), beat_kind::status_open});
    out.push_back({later(20 * 60.0, 60.0), beat_kind::agent_replied});
  }
  out.push_back({later(30 * 60.0, 60.0), beat_kind::solved});
  if (r.chance(ticket ? 0.10 : 0.03)) {
    out.push_back({later(4 * 3600.0, 600.0), beat_kind::reopened});
    if (ticket) out.push_back({t, beat_kind::status_open});
    out.push_back({later(3600.0, 300.0), beat_kind::agent_replied});
    out.push_back({later(30 * 60.0, 60.0), beat_kind::solved});
  }
}

}  // namespace ccpulse::sim
