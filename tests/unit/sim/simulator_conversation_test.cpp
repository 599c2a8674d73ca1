#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/simulator.h"
#include "sim/stream_checker.h"
#include "sim_profiles.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::sim::simulator;
using ccpulse::sim::testing::floor_profile;
using ccpulse::sim::testing::t0;
namespace v1 = ccpulse::v1;

// A day of the demo floor at rate 1: every channel, enough threads to close.
std::vector<ccpulse::sim::sim_event> a_day(std::uint64_t seed) {
  simulator sim(floor_profile(seed, 1.0), t0);
  std::vector<ccpulse::sim::sim_event> out;
  sim.generate_until(t0 + 24h, out);
  return out;
}

}  // namespace

TEST_CASE("chats exchange messages, every call may hold and every thread has statuses") {
  const auto out = a_day(31);
  ccpulse::sim::testing::stream_checker check;
  // Per interaction: messages in each direction, hold spells, statuses seen.
  struct seen {
    v1::Channel channel{};
    int agent = 0, customer = 0, holds = 0;
    std::set<int> statuses;
    bool resolved = false, abandoned = false, reopened = false, rerouted = false;
  };
  std::map<std::string, seen> by_id;
  for (const auto& se : out) {
    check.feed(se);
    const auto& e = se.message;
    if (e.has_agent_state_changed()) continue;
    auto& s = by_id[e.interaction_id()];
    s.channel = e.channel();
    s.agent += e.has_agent_replied();
    s.customer += e.has_customer_replied();
    s.holds += e.has_held();
    if (e.has_status_changed()) s.statuses.insert(e.status_changed().status());
    s.resolved |= e.has_resolved();
    s.abandoned |= e.has_abandoned();
    s.reopened |= e.has_reopened();
    s.rerouted |= e.has_transferred() || e.has_escalated();
  }
  // The checker asserts the order: chats alternate agent/customer starting
  // and ending with the agent, a chat is resolved only after an agent reply,
  // holds are resumed, statuses happen while the ticket is worked.
  CHECK(check.problems() == std::vector<std::string>{});

  int chats = 0, multi_round_chats = 0, calls = 0, calls_with_holds = 0, tickets = 0, pending = 0,
      on_hold = 0, reopened = 0, emails_with_customer_replies = 0, rerouted = 0;
  for (const auto& [id, s] : by_id) {
    if (!s.resolved) continue;
    rerouted += s.rerouted;
    switch (s.channel) {
      case v1::CHANNEL_CHAT:
        ++chats;
        CHECK(s.agent >= 1);
        multi_round_chats += s.customer >= 2;
        break;
      case v1::CHANNEL_VOICE:
        ++calls;
        calls_with_holds += s.holds > 0;
        break;
      case v1::CHANNEL_TICKET:
        ++tickets;
        CHECK(s.statuses.count(v1::TICKET_STATUS_NEW) == 1);
        CHECK(s.statuses.count(v1::TICKET_STATUS_OPEN) == 1);
        CHECK(s.statuses.count(v1::TICKET_STATUS_SOLVED) == 1);
        pending += s.statuses.count(v1::TICKET_STATUS_PENDING) == 1;
        on_hold += s.statuses.count(v1::TICKET_STATUS_ON_HOLD) == 1;
        reopened += s.reopened;
        break;
      case v1::CHANNEL_EMAIL:
        emails_with_customer_replies += s.customer > 0;
        break;
      default:
        break;
    }
  }
  MESSAGE(chats << " chats (" << multi_round_chats << " with 2+ customer messages), " << calls << " calls ("
                << calls_with_holds << " with holds), " << tickets << " tickets (" << pending << " pending, "
                << on_hold << " on hold, " << reopened << " reopened), " << rerouted << " rerouted");
  CHECK(chats > 5000);
  CHECK(multi_round_chats > chats / 4);
  CHECK(calls_with_holds > calls / 8);
  CHECK(calls_with_holds < calls / 2);
  CHECK(tickets > 1000);
  CHECK(pending > tickets / 4);
  CHECK(on_hold > tickets / 8);
  CHECK(reopened > tickets / 40);
  CHECK(reopened < tickets / 5);
  CHECK(emails_with_customer_replies > 100);
  CHECK(rerouted > 1000);
  CHECK(check.payloads[v1::Event::kTransferred] > check.payloads[v1::Event::kEscalated]);
  CHECK(check.payloads[v1::Event::kEscalated] > 0);
}
