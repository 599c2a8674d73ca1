#pragma once
// Test helper: replays a simulated stream and records every event that a
// contact center could not have produced (per interaction and per agent),
// plus counts of what it saw. Tests assert problems() is empty.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ccpulse/v1/events.pb.h"
#include "sim/sim_event.h"

namespace ccpulse::sim::testing {

class stream_checker {
 public:
  void feed(const sim_event& se);

  const std::vector<std::string>& problems() const { return _problems; }
  // Events seen per payload case.
  std::map<int, std::uint64_t> payloads;
  std::uint64_t chats_resolved = 0;
  std::uint64_t detractor_surveys = 0, follow_ups = 0;
  std::uint64_t answered_while_not_available = 0;

 private:
  enum class phase : std::uint8_t {
    created,
    queued,
    rerouted,
    with_agent,
    wrapping,
    wrapped,
    resolved,
    surveyed,
    followed_up,
    abandoned
  };
  struct interaction {
    phase at = phase::created;
    v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
    std::string queue, reroute_to, agent, customer;
    bool on_hold = false;
    bool agent_spoke_last = false;  // chats: whose message came last
    std::uint32_t agent_replies_in_leg = 0;
    bool detractor = false;
  };

  void problem(const sim_event& se, const std::string& what);
  void on_interaction(const sim_event& se);
  void on_agent(const sim_event& se);

  std::map<std::string, interaction> _interactions;
  std::map<std::string, v1::AgentState> _agents;
  std::set<std::string> _event_ids;
  std::vector<std::string> _problems;
};

}  // namespace ccpulse::sim::testing
