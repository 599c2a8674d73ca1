#pragma once
// Deterministic contact-center traffic for `ccpulse simulate` and `demo`
// (DESIGN.md §10). Per queue: Poisson arrivals (flat or on an intraday
// curve) into an M/M/c queue with FIFO service and exponential customer
// patience; handle time is split into talk and after-contact work. Calls
// have holds, chats message exchanges, emails and tickets threads with
// statuses; some contacts are transferred or escalated to another queue;
// surveys, sentiment, follow-ups and repeat contacts follow. Agents log in,
// take breaks and hand over at shift ends (sized staffing). A discrete-event
// simulation: pure logic, no clock, no I/O. The caller passes time in and
// sends what comes out.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/time.h"
#include "sim/conversation.h"
#include "sim/customer_pool.h"
#include "sim/profile.h"
#include "sim/repeat_contacts.h"
#include "sim/rng.h"
#include "sim/sim_event.h"
#include "sim/staffing.h"

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
    std::uint64_t repeat_arrivals = 0;  // of arrivals: customers coming back
    std::uint64_t answered = 0;         // every leg's answer
    std::uint64_t abandoned = 0;
    std::uint64_t rerouted = 0;  // transfers and escalations
    std::uint64_t resolved = 0;
    std::uint64_t surveys = 0;
    std::uint64_t events = 0;
  };
  const stats& totals() const { return _totals; }

  // Contacts still remembered (routing, waiting, in service, open threads,
  // survey or follow-up due). Bounded by the traffic in flight, not by the
  // length of the run.
  std::size_t tracked_contacts() const { return _contacts.size(); }
  // Scheduled future happenings; bounded the same way (and by the seats).
  std::size_t pending_happenings() const { return _pending.size(); }
  // Returning customers planned; at most profile::max_planned_repeats.
  std::size_t planned_repeats() const { return _repeats.planned(); }
  // Contacts waiting in queues now, and agents logged in now.
  std::size_t waiting_now() const;
  std::size_t agents_logged_in() const;

 private:
  enum class action : std::uint8_t {
    staffing_review,
    arrival,
    surge_arrival,
    enqueue,
    give_up,
    beat,
    wrap_end,
    seat_free,
    break_due,
    break_end,
    shift_end,
    survey,
    follow_up,
  };

  // Ties on time resolve by scheduling order, which keeps runs reproducible.
  struct due {
    instant at{};
    std::uint64_t seq = 0;
    auto operator<=>(const due&) const = default;
  };
  struct task {
    action what = action::arrival;
    std::uint32_t queue = 0;
    std::uint32_t seat = 0;
    std::uint32_t shift = 0;  // seat timers: the login they belong to
    std::uint64_t contact = 0;
    std::uint32_t surge = 0;  // surge arrivals: index into the queue's surges
  };

  enum class seat_state : std::uint8_t { logged_out, available, busy, away };
  // A workstation of one queue, staffed by one of two people over the day.
  struct seat {
    std::string names[2];
    std::uint8_t person = 0;
    seat_state state = seat_state::logged_out;
    bool leaving = false;       // fewer seats needed: log out when free
    bool handover_due = false;  // shift over while busy: hand over when free
    bool break_due = false;     // break due while busy: take it when free
    std::uint32_t shift = 0;    // counts logins; stale seat timers compare it
    std::list<std::uint32_t>::iterator in_idle;
    const std::string& name() const { return names[person]; }
  };

  struct contact {
    std::string interaction_id;
    customer who;
    std::uint32_t queue = 0;
    std::uint8_t category = 0;
    std::string_view language;
    std::uint8_t legs = 0;  // times answered
    bool rerouted = false;
    bool follow_up_needed = false;
    double wait_ratio = 0;  // summed waits / answer_within, over the legs
    std::optional<double> sentiment;
    instant queued_at{};
    std::uint32_t seat = 0;                      // in its queue, while an agent has it
    const std::string* agent = nullptr;          // the last agent who had it
    duration wrap{};                             // after-contact work of the current leg
    due give_up_at{};                            // patience timer; cancelled when answered
    std::list<std::uint64_t>::iterator in_line;  // place in the FIFO while waiting
    std::vector<beat> beats;                     // what happens next, in time order
    std::size_t next_beat = 0;
  };

  struct queue_state {
    queue_profile prof;
    channel_style style = channel_style::call;
    queue_plan plan;
    std::vector<seat> seats;
    std::uint32_t online_target = 0;   // seats [0, target) should be logged in
    std::list<std::uint32_t> idle;     // longest idle first
    std::list<std::uint64_t> waiting;  // FIFO; list so an abandon erases in O(1)
  };

  due schedule(instant at, task t);
  void run(const task& t, std::vector<sim_event>& out);

  // Contacts (simulator.cpp).
  void on_arrival(std::uint32_t q, std::vector<sim_event>& out);
  void on_surge_arrival(const task& t, std::vector<sim_event>& out);
  void admit(std::uint32_t q, std::vector<sim_event>& out);
  void on_enqueue(std::uint64_t id, std::vector<sim_event>& out);
  void on_give_up(std::uint64_t id, std::vector<sim_event>& out);
  void start_service(std::uint32_t q, std::uint32_t s, std::uint64_t id, std::vector<sim_event>& out);
  void on_beat(std::uint64_t id, std::vector<sim_event>& out);
  void play(contact& c, std::uint64_t id, const beat& b, std::vector<sim_event>& out);
  void end_session(std::uint64_t id, std::vector<sim_event>& out);
  void reroute(std::uint64_t id, std::vector<sim_event>& out);
  void on_wrap_end(std::uint64_t id, std::vector<sim_event>& out);
  void schedule_next_beat(contact& c, std::uint64_t id);

  // After resolution (simulator_aftercare.cpp).
  void resolve(contact& c, std::vector<sim_event>& out);
  void after_resolution(std::uint64_t id);
  void after_abandon(const contact& c);
  void on_survey(std::uint64_t id, std::vector<sim_event>& out);
  void on_follow_up(std::uint64_t id, std::vector<sim_event>& out);

  // Agents (simulator_agents.cpp).
  void build_seats();
  void on_staffing_review(std::vector<sim_event>& out);
  void log_in(std::uint32_t q, std::uint32_t s, bool at_start, std::vector<sim_event>& out);
  void log_out(std::uint32_t q, std::uint32_t s, std::vector<sim_event>& out);
  void on_seat_free(std::uint32_t q, std::uint32_t s, std::vector<sim_event>& out);
  void make_available(std::uint32_t q, std::uint32_t s, std::vector<sim_event>& out);
  void start_break(std::uint32_t q, std::uint32_t s, std::vector<sim_event>& out, bool under_way = false);
  void on_break_due(const task& t, std::vector<sim_event>& out);
  void on_break_end(const task& t, std::vector<sim_event>& out);
  void on_shift_end(const task& t, std::vector<sim_event>& out);
  void hand_over(std::uint32_t q, std::uint32_t s, std::vector<sim_event>& out);
  void leave_idle(std::uint32_t q, std::uint32_t s);

  // Event envelopes (simulator_events.cpp).
  ccpulse::v1::Event& emit(std::vector<sim_event>& out, const std::string& key);
  ccpulse::v1::Event& emit_contact(std::vector<sim_event>& out, const contact& c);
  ccpulse::v1::Event& emit_by_agent(std::vector<sim_event>& out, const contact& c);
  void emit_agent(std::vector<sim_event>& out, std::uint32_t q, std::uint32_t s,
                  ccpulse::v1::AgentState state, std::string_view away_reason = {});

  profile _profile;
  rng _rng;
  customer_pool _customers;
  repeat_contacts _repeats;
  std::vector<queue_state> _queues;
  std::map<due, task> _pending;  // ordered and erasable, so cancelled timers cost nothing
  std::unordered_map<std::uint64_t, contact> _contacts;
  instant _start;
  instant _now;
  std::uint64_t _next_seq = 0;
  std::uint64_t _next_contact = 0;
  std::uint64_t _next_event = 0;
  std::string _event_prefix;
  std::string _interaction_prefix;
  stats _totals;
};

}  // namespace ccpulse::sim
