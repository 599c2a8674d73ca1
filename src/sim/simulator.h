#pragma once
// Deterministic contact-center traffic for `ccpulse simulate` and `demo`
// (DESIGN.md §10). Per queue: Poisson arrivals into an M/M/c queue with FIFO
// service and exponential customer patience; handle time is split into talk
// and after-contact work. A discrete-event simulation: pure logic, no clock,
// no I/O. The caller passes time in and sends what comes out.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/time.h"
#include "sim/customer_pool.h"
#include "sim/profile.h"
#include "sim/rng.h"
#include "sim/sim_event.h"

namespace ccpulse::sim {

class simulator {
 public:
  // Throws std::invalid_argument when validate(p) finds a problem (startup only).
  simulator(profile p, instant start);

  // Appends, in time order, every event with occurred_at <= until and
  // advances internal time to until. The stream does not depend on how the
  // caller slices time: the same seed gives the same events.
  void generate_until(instant until, std::vector<sim_event>& out);

  struct stats {
    std::uint64_t arrivals = 0;
    std::uint64_t answered = 0;
    std::uint64_t abandoned = 0;
    std::uint64_t surveys = 0;
    std::uint64_t events = 0;
  };
  const stats& totals() const { return _totals; }

  // Contacts still remembered (routing, waiting, in service, survey due).
  // Bounded by the traffic in flight, not by the length of the run.
  std::size_t tracked_contacts() const { return _contacts.size(); }
  // Scheduled future happenings; bounded the same way.
  std::size_t pending_happenings() const { return _pending.size(); }

 private:
  enum class action : std::uint8_t { log_in, arrival, enqueue, give_up, talk_end, wrap_end, survey };

  // Ties on time resolve by scheduling order, which keeps runs reproducible.
  struct due {
    instant at{};
    std::uint64_t seq = 0;
    auto operator<=>(const due&) const = default;
  };
  struct task {
    action what = action::arrival;
    std::uint32_t queue = 0;
    std::uint64_t contact = 0;
  };

  struct agent {
    std::string id;
  };

  struct contact {
    std::string interaction_id;
    customer who;
    std::uint32_t queue = 0;
    std::string_view category;
    std::string_view language;
    instant queued_at{};
    instant answered_at{};
    std::uint32_t agent = 0;  // index in the queue's agents, once answered
    duration wrap{};          // after-contact work, drawn when answered
    due give_up_at{};         // patience timer; cancelled when answered
    std::list<std::uint64_t>::iterator in_line;  // place in the FIFO while waiting
  };

  struct queue_state {
    queue_profile prof;
    double mean_interarrival_s = 0;  // 0: no arrivals
    std::vector<agent> agents;
    std::deque<std::uint32_t> idle;  // longest idle first
    std::list<std::uint64_t> waiting;  // FIFO; list so an abandon erases in O(1)
  };

  due schedule(instant at, task t);
  void run(const task& t, std::vector<sim_event>& out);

  void on_log_in(std::vector<sim_event>& out);
  void on_arrival(std::uint32_t q, std::vector<sim_event>& out);
  void on_enqueue(std::uint64_t id, std::vector<sim_event>& out);
  void on_give_up(std::uint64_t id, std::vector<sim_event>& out);
  void on_talk_end(std::uint64_t id, std::vector<sim_event>& out);
  void on_wrap_end(std::uint64_t id, std::vector<sim_event>& out);
  void on_survey(std::uint64_t id, std::vector<sim_event>& out);
  void start_service(std::uint32_t agent, std::uint64_t id, std::vector<sim_event>& out);

  ccpulse::v1::Event& emit(std::vector<sim_event>& out, const std::string& key);
  ccpulse::v1::Event& emit_contact(std::vector<sim_event>& out, const contact& c);
  void emit_agent(std::vector<sim_event>& out, std::uint32_t q, std::uint32_t a,
                  ccpulse::v1::AgentState state);

  profile _profile;
  rng _rng;
  customer_pool _customers;
  std::vector<queue_state> _queues;
  std::map<due, task> _pending;  // ordered and erasable, so cancelled timers cost nothing
  std::unordered_map<std::uint64_t, contact> _contacts;
  instant _now;
  std::uint64_t _next_seq = 0;
  std::uint64_t _next_contact = 0;
  std::uint64_t _next_event = 0;
  std::string _event_prefix;
  std::string _interaction_prefix;
  stats _totals;
};

}  // namespace ccpulse::sim
