#pragma once
// What happens inside a contact once an agent has it, as timed beats: holds
// on a call, the message exchange of a chat, the thread of an email or
// ticket after its first reply. Pure: the simulator plays the beats back.
#include <cstdint>
#include <vector>

#include "model/channel.h"
#include "model/time.h"
#include "sim/rng.h"

namespace ccpulse::sim {

enum class beat_kind : std::uint8_t {
  held,
  resumed,
  agent_replied,
  customer_replied,
  sentiment,
  status_open,
  status_pending,
  status_on_hold,
  solved,       // Resolved (and SOLVED for a ticket): the thread is done
  reopened,     // the customer reopens a solved thread
  session_end,  // the agent's part is over: wrap-up, transfer or thread
};

struct beat {
  instant at{};
  beat_kind kind = beat_kind::session_end;
};

// How a channel is worked: live (one agent for the whole conversation, with
// wrap-up) or asynchronous (the agent answers, the thread goes on without them).
enum class channel_style : std::uint8_t { call, live_chat, async_thread };
channel_style style_of(channel c);

// The agent's time with the contact, [from, from + talk], ending with
// session_end at from + talk. Calls: some holds; chats: alternating agent and
// customer messages starting and ending with the agent; email and tickets:
// the agent reads and sends the first reply. `observe_sentiment` adds one
// sentiment beat.
void plan_session(channel_style s, instant from, duration talk, bool observe_sentiment, rng& r,
                  std::vector<beat>& out);

// An email or ticket thread after the first reply, from `from`: customer
// replies with think times of hours, agent replies, for tickets PENDING and
// ON_HOLD spells, then solved; some are reopened and solved again.
void plan_thread(channel c, instant from, rng& r, std::vector<beat>& out);

}  // namespace ccpulse::sim
