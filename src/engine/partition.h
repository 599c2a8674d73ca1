#pragma once
// All state of one input partition: open interactions, their SLA clocks,
// per-queue partial aggregates, watermark and dedup memory. Partitions share
// nothing but read-only context, so one moves between workers and processes
// through the changelog (DESIGN.md §8): apply/advance mark what changed,
// drain_changes hands it out as portable records, restore + finish_restore
// rebuild a partition from them.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "engine/clock_census.h"
#include "engine/dedup_filter.h"
#include "engine/engine_context.h"
#include "engine/interaction_record.h"
#include "engine/outputs.h"
#include "engine/queue_alert_book.h"
#include "engine/record_table.h"
#include "engine/repeat_index.h"
#include "engine/state_record.h"
#include "metrics/live_gauges.h"
#include "metrics/partition_metrics.h"
#include "metrics/queue_counters.h"
#include "model/event.h"
#include "sla/clock.h"
#include "sla/timing_wheel.h"

namespace ccpulse::engine {

enum class apply_status : std::uint8_t { applied, duplicate, rejected };

struct apply_result {
  apply_status status = apply_status::applied;
  std::string_view reason;  // for rejected: the dead-letter reason
  bool late = false;        // older than the watermark (still applied to state)
};

// Process counters: what this partition object did in this process.
struct partition_probe {
  std::uint64_t applied = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t late = 0;
  std::uint64_t rejected = 0;
  // Events that did not fit the interaction's state (e.g. Answered twice,
  // Abandoned before Queued): applied as far as they make sense.
  std::uint64_t out_of_order = 0;
  // Far-future event times that no second event confirmed.
  std::uint64_t future_outliers = 0;
  // Interactions dropped after max_open_age, contacts removed from their
  // queue after max_wait.
  std::uint64_t expired_interactions = 0;
  std::uint64_t expired_waits = 0;
  // Creating events refused because max_open_interactions was reached.
  std::uint64_t refused_interactions = 0;
  std::uint64_t dedup_forced_rotations = 0;
  // The repeat-contact index hit max_repeat_customers and forgot its older half.
  std::uint64_t repeat_forced_rotations = 0;
  // Agent events: refused past max_agents, or stamped before the time
  // already counted for the agent (counted from there instead).
  std::uint64_t agents_refused = 0;
  std::uint64_t agent_out_of_order = 0;
  // KPI updates older than the oldest live window bucket (interaction state
  // still changed; no window did), and survey scores out of range.
  std::uint64_t window_late = 0;
  std::uint64_t window_rejected = 0;
  // Restore: records applied, and records that could not be used (a policy
  // the config no longer has, a colliding id).
  std::uint64_t restored_records = 0;
  std::uint64_t restore_skipped = 0;
  std::uint64_t window_restored_records = 0;
  std::uint64_t window_restore_skipped = 0;
  std::array<std::uint64_t, sla::alert_kind_count> alerts{};
};

class partition {
 public:
  partition(std::int32_t id, engine_context& ctx, instant start);

  apply_result apply(const event& e, outputs& out);
  // Fires due deadlines at the partition's effective time. `live` says the
  // partition is caught up, so effective_now is the wall clock, not the
  // watermark (DESIGN.md §6).
  void advance(instant effective_now, bool live, outputs& out);

  // Hands out everything changed since the last drain: tombstones first,
  // then puts, so a key erased and re-created within one interval ends up
  // present.
  void drain_changes(state_sink& sink);
  // Restore: feed every record of the state partition in log order (puts
  // and tombstones) into restorer(), then call finish_restore once.
  state_sink& restorer() { return _restorer; }
  void finish_restore();

  // Adds this partition's per-queue aggregates into by_queue (indexed by the
  // registry's label index; grown as needed).
  void collect(std::vector<metrics::queue_counters>& by_queue);
  // The live gauges of every scope as of the effective time (DESIGN.md §5):
  // contacts waiting and the oldest, agents by state, the backlog of open
  // emails and tickets and those past their resolution deadline. Overwrites
  // out (capacity reused). A scan of the interactions, agents and clocks:
  // for the snapshot interval, never per event.
  void live(metrics::live_figures& out) const;

  std::int32_t id() const { return _id; }
  instant watermark() const {
    return _max_event_time == instant_min ? instant_min
                                          : _max_event_time - _ctx.settings.max_out_of_orderness;
  }
  instant max_event_time() const { return _max_event_time; }
  instant effective_time() const { return _effective; }
  std::size_t open_interactions() const { return _interactions.size(); }
  std::size_t pending_timers() const { return _wheel.size(); }
  std::size_t sla_clocks() const { return _clocks.size(); }
  // Adds this partition's running clocks to c (partition_sla.cpp).
  void census(clock_census& c) const;
  std::size_t dedup_size() const { return _dedup.size(); }
  std::size_t dedup_current_ids() const { return _dedup.current_ids(); }
  std::size_t agents() const { return _agents.size(); }
  std::size_t repeat_customers() const { return _repeats.size(); }
  // Windowed KPIs of this partition (read side: read_sliding, read_calendar).
  const metrics::partition_metrics& windows() const { return _windows; }
  const partition_probe& probe() const;
  // Queue-alert rules of the queues this partition owns (the worker
  // evaluates them on the merged view; the state is this partition's).
  queue_alert_book& queue_alerts() { return _queue_alerts; }
  const queue_alert_book& queue_alerts() const { return _queue_alerts; }
  // Something to drain (changes not yet handed to drain_changes).
  bool has_changes() const {
    return _meta_dirty || !_changed.empty() || !_erased.empty() || _dedup.has_unsaved() || _queue_changes ||
           _windows.has_changes() || !_changed_agents.empty() || !_erased_agents.empty() ||
           _repeats.has_unsaved() || _queue_alerts.has_changes();
  }

 private:
  enum class timer_kind : std::uint8_t { at_risk, deadline, housekeeping };
  struct timer_payload {
    std::uint64_t key;
    std::uint32_t cycle;
    timer_kind what;
    sla::target_type target;
  };
  // SLA clocks other than answer live beside the records, one per
  // (interaction, target type) that ever had one: most have none or two.
  struct clock_key {
    std::uint64_t interaction;
    sla::target_type target;
    bool operator==(const clock_key&) const = default;
  };
  struct clock_key_hash {
    std::size_t operator()(const clock_key& k) const {
      return static_cast<std::size_t>(k.interaction ^
                                      ((static_cast<std::uint64_t>(k.target) + 1) * 0x9E3779B97F4A7C15ULL));
    }
  };
  using clock_table = boost::unordered_flat_map<clock_key, sla::sla_clock, clock_key_hash>;
  using wheel = sla::timing_wheel<timer_payload>;

  class restore_sink final : public state_sink {
   public:
    explicit restore_sink(partition& p) : _p(p) {}
    void put(const interaction_state& s) override { _p.restore_interaction(s); }
    void put(const queue_state& s) override { _p.restore_queue(s); }
    void put(const partition_meta_state& s) override { _p.restore_meta(s); }
    void put(const dedup_chunk& s) override {
      ++_p._probe.restored_records;
      _p._dedup.restore(s);
    }
    void erase(const state_key& k) override { _p.restore_erase(k); }
    void put_agent(const agent_record_state& s) override { _p.restore_agent(s); }
    void put_repeat(const repeat_chunk& s) override {
      ++_p._probe.restored_records;
      _p._repeats.restore(s);
    }
    void put_queue_rule(const queue_rule_record& s) override {
      ++_p._probe.restored_records;
      _p._queue_alerts.restore(s);
    }
    void put_bucket(const metrics::window_bucket_state& s) override { _p._windows.restore(s); }
    void put_clock(const metrics::window_clock_state& s) override { _p._windows.restore(s); }
    void erase_bucket(const metrics::window_state_key& k) override { _p._windows.restore_erase(k); }

   private:
    partition& _p;
  };

  void observe_time(instant t);
  // A record for an event with no state yet, or nullptr when the event
  // creates none (too_late: it is older than any record could be; full:
  // the partition holds max_open_interactions already).
  interaction_record* create(std::uint64_t key, const event& e, bool& too_late, bool& full);
  metrics::queue_counters& counters(metrics::queue_index label);
  metrics::queue_index label_of(const interaction_record& r) const { return _ctx.queues.label(r.queue); }
  void mark(std::uint64_t key, interaction_record& r) {
    if (r.changed) return;
    r.changed = true;
    _changed.push_back(key);
  }
  void mark_queue(metrics::queue_index label);
  void erase(record_table<interaction_record>::iterator it);

  apply_result on_queued(std::uint64_t key, interaction_record& r, const event& e, bool attributes_changed,
                         outputs& out);
  void on_answered(std::uint64_t key, interaction_record& r, const event& e, outputs& out);
  void on_left_queue(std::uint64_t key, interaction_record& r, instant t, outputs& out);
  void on_abandoned(std::uint64_t key, interaction_record& r, const event& e, outputs& out);
  // KPI apply points (docs/kpis.md).
  // A record created by an event without queue_id has the queue "": no
  // queue scope then, only channel and overall.
  metrics::contact_scope scope_of(const interaction_record& r) const {
    if (_ctx.queues.name(r.queue).empty()) return {std::nullopt, r.chan};
    return {label_of(r), r.chan};
  }
  void count(metrics::window_result w);
  void flow_out(const interaction_record& r, instant t);
  // Counts the wait's crossing of T once, if wait_end is after it.
  void cross_threshold(interaction_record& r, instant wait_end);
  void start_leg(interaction_record& r, instant t);
  void end_leg(interaction_record& r, instant t);
  void first_response(interaction_record& r, instant t);
  void on_message(interaction_record& r, const event& e);
  void on_survey(const event& e);
  void on_resolved_kpi(interaction_record& r, instant t);
  metrics::reason_index reason_of(std::string_view reason);

  // Agents (occupancy, agents by state): docs/kpis.md.
  struct agent_record {
    fixed_id id;
    instant since{};  // start of the time not yet counted in the windows
    metrics::queue_index label = 0;
    bool has_queue = false;
    bool changed = false;
    // Counted with its scope's tally since _agents_counted_to (its state
    // started before it); otherwise one by one from since.
    bool in_tally = false;
    channel chan = channel::unspecified;
    agent_state state = agent_state::unspecified;
  };
  struct agent_tally {
    metrics::contact_scope sc;
    std::int64_t on_contact = 0;
    std::int64_t available = 0;
  };
  // flush_agents' scratch: whole buckets up to the boundary, from `from` (a
  // bucket start) on, added per scope key and bucket, not per agent.
  struct agent_span_start {
    std::uint32_t key = 0;
    instant from{};
    std::int64_t on_contact = 0;
    std::int64_t available = 0;
    metrics::contact_scope sc;
  };
  void on_agent(const event& e);
  metrics::contact_scope scope_of(const agent_record& a) const;
  static std::uint32_t tally_key(const agent_record& a);
  void count_agent_span(metrics::contact_scope sc, std::int64_t on_contact, std::int64_t available,
                        instant from, instant to);
  void count_agent_time(const agent_record& a, instant from, instant to);
  void leave_tally(agent_record& a);
  void join_tally(agent_record& a);
  void flush_agents(instant to);
  void restore_agent(const agent_record_state& s);
  void close(std::uint64_t key, interaction_record& r, instant t, bool resolved, outputs& out);
  void enter_waiting(std::uint64_t key, interaction_record& r);
  void schedule_housekeeping(std::uint64_t key, interaction_record& r);

  // SLA clocks (partition_sla.cpp; DESIGN.md §6, README "SLA targets").
  sla::match_context match_of(const interaction_record& r) const;
  // Takes the kept attributes the event sends (others stay as they were);
  // says whether any changed.
  bool take_attributes(interaction_record& r, const event& e);
  sla::sla_clock* clock_of(std::uint64_t key, interaction_record& r, sla::target_type t);
  const sla::sla_clock* clock_of(std::uint64_t key, const interaction_record& r, sla::target_type t) const;
  sla::sla_clock& make_clock(std::uint64_t key, interaction_record& r, sla::target_type t);
  // Starts the next cycle of target t at `start` under the first matching
  // policy (none: no clock). A running cycle of t is stopped first (cancelled).
  void start_clock(std::uint64_t key, interaction_record& r, sla::target_type t, instant start, outputs& out);
  // Stops target t's running cycle at event time t; met says whether its
  // goal was reached.
  void stop_clock(std::uint64_t key, interaction_record& r, sla::target_type target, instant t, bool met,
                  outputs& out);
  // Every running clock but detractor_follow_up, at close; resolution is
  // met when the interaction was resolved.
  void stop_clocks_at_close(std::uint64_t key, interaction_record& r, instant t, bool resolved, outputs& out);
  // After a change of queue or priority: a clock whose policy no longer is
  // the first match is cancelled, and the new match (if any) continues it as
  // a new cycle with the time already run. Targets measured from creation
  // start once a policy matches.
  // queue_before / priority_before: what r had before this Queued (the
  // context of the cycles it cancels).
  void rematch_clocks(std::uint64_t key, interaction_record& r, instant t, metrics::queue_index queue_before,
                      std::uint32_t priority_before, outputs& out);
  void on_status(std::uint64_t key, interaction_record& r, ticket_status s, instant t, outputs& out);
  void on_sla_message(std::uint64_t key, interaction_record& r, const event& e, outputs& out);
  void on_detractor_survey(const event& e, outputs& out);
  // The escalation rules of the first matching policy that has some, each
  // once per interaction: repeat contact, and a sentiment score below the
  // rule's threshold when e is a SentimentObserved.
  void check_escalations(std::uint64_t key, interaction_record& r, const event& e, outputs& out);
  // Alerts whose moment fell, in event time, before t while the partition
  // had not reached it: raised after the fact (late), as live would have.
  void settle_passed(const interaction_record& r, sla::sla_clock& c, instant t, outputs& out);
  // Every running clock of r: what it passed by t (settle_passed), before a
  // re-queue changes the queue and priority the alerts carry.
  void settle_running(std::uint64_t key, interaction_record& r, instant t, outputs& out);
  const sla::target* target_of(const sla::sla_clock& c) const;
  const sla::business_calendar* calendar(const sla::sla_clock& c) const {
    return _ctx.calendar_of(c.policy, c.target);
  }
  void schedule_clock_timer(std::uint64_t key, sla::sla_clock& c);
  void drop_clocks(std::uint64_t key, interaction_record& r);
  bool has_running_clock(std::uint64_t key, const interaction_record& r);
  bool still_waiting(std::size_t label, const std::pair<instant, std::uint64_t>& entry) const;
  void on_timer(instant due, const timer_payload& p, bool live, outputs& out);
  void on_housekeeping(std::uint64_t key, instant due);
  // The interaction's context on an alert: channel, queue, priority, tier, attributes.
  void describe(const interaction_record& r, sla::sla_alert& a) const;
  void emit(const interaction_record& r, sla::sla_clock& c, sla::alert_kind kind, instant at, bool late,
            outputs& out);
  // A cycle started or stopped, for outputs that record clocks (replay).
  void note_clock(const interaction_record& r, const sla::sla_clock& c, bool stopped, bool met, instant t,
                  duration elapsed, outputs& out) const;

  void restore_interaction(const interaction_state& s);
  void restore_queue(const queue_state& s);
  void restore_meta(const partition_meta_state& s);
  void restore_erase(const state_key& k);
  void to_state(std::uint64_t key, const interaction_record& r, interaction_state& s) const;

  std::int32_t _id;
  engine_context& _ctx;
  instant _max_event_time = instant_min;
  instant _jump_candidate = instant_min;
  instant _effective;
  record_table<interaction_record> _interactions;
  clock_table _clocks;
  wheel _wheel;
  dedup_filter _dedup;
  repeat_index _repeats;
  queue_alert_book _queue_alerts;
  metrics::partition_metrics _windows;
  // Indexed by label index.
  std::vector<metrics::queue_counters> _queues;
  // Per label: (queued_at, key) min-heaps; stale entries are dropped lazily
  // when they reach the top, so leaving a queue costs O(1).
  std::vector<std::vector<std::pair<instant, std::uint64_t>>> _waiting_heaps;
  boost::unordered_flat_map<std::uint64_t, agent_record> _agents;
  // Agents' time is counted up to here (a bucket boundary), for the agents
  // in a tally; the pending ones changed state since.
  instant _agents_counted_to = instant_min;
  boost::unordered_flat_map<std::uint32_t, agent_tally> _agent_tallies;
  std::vector<std::uint64_t> _pending_agents;
  std::vector<agent_span_start> _agent_spans;
  std::vector<std::uint64_t> _changed_agents;
  std::vector<fixed_id> _erased_agents;
  agent_record_state _scratch_agent;

  // Changelog bookkeeping since the last drain.
  // Keys of records marked changed, each once per drain (a key erased and
  // created again may appear twice; the record's flag decides).
  std::vector<std::uint64_t> _changed;
  std::vector<fixed_id> _erased;
  std::vector<bool> _dirty_queues;
  bool _meta_dirty = false;
  bool _queue_changes = false;
  interaction_state _scratch_interaction;
  queue_state _scratch_queue;
  restore_sink _restorer{*this};
  std::map<std::string, queue_state> _restored_queues;

  mutable partition_probe _probe;
};

}  // namespace ccpulse::engine
