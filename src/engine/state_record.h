#pragma once
// The portable form of a partition's state, as records for the changelog
// (DESIGN.md §8). Records name things (queue, tier, policy) and carry
// instants, never worker-local indices, pointers or timer handles, so a
// record written by one worker, process or build restores in another. The
// codec turns them into state.proto bytes; the core never sees protobuf.
//
// Keys: one record per interaction (by id), per queue label (by name), one
// meta record per partition, and dedup memory in append-only chunks
// (generation start, sequence number). Windowed KPI state has its own records
// (metrics/window_state.h: a bucket per scope and start, one window clock),
// which reach the changelog through the same sink.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/window_state.h"
#include "model/channel.h"
#include "model/event.h"
#include "model/time.h"
#include "sla/policy.h"
#include "sla/queue_rule.h"

namespace ccpulse::engine {

enum class lifecycle : std::uint8_t { created, waiting, answered, closed };

struct clock_state {
  sla::target_type target = sla::target_type::answer;
  std::string policy;  // by name: indices differ between configs
  std::uint32_t cycle = 0;
  instant started_at{};
  instant at_risk_at{};
  instant deadline{};
  bool running = false;
  bool at_risk_sent = false;
  bool breached_sent = false;
  instant run_since{};  // {}: at started_at
  duration consumed{};
  bool paused = false;
};

// A kept attribute (match.attributes), by key name.
struct attribute_state {
  std::string key;
  std::string value;
  bool operator==(const attribute_state&) const = default;
};

// An escalation rule that fired for the interaction (its ESCALATION went
// out), by policy and rule name.
struct escalation_mark {
  std::string policy;
  std::string rule;
  bool operator==(const escalation_mark&) const = default;
};

struct interaction_state {
  std::string interaction_id;
  channel chan = channel::unspecified;
  std::string queue;
  std::string tier;
  std::uint32_t priority = 0;
  std::uint32_t queue_cycle = 0;
  lifecycle state = lifecycle::created;
  instant created_at{};
  instant queued_at{};
  instant answered_at{};
  instant abandoned_at{};
  instant closed_at{};
  // KPI bookkeeping (interaction_record's leg, reply wait and flags).
  std::uint8_t flags = 0;
  instant hold_started{};
  duration hold_sum{};
  instant wrap_started{};
  instant reply_wait_since{};
  ticket_status status = ticket_status::unspecified;
  std::vector<clock_state> clocks;  // emitted-alert marks included
  // The attributes of the keys some policy names, in slot order.
  std::vector<attribute_state> attributes;
  std::vector<escalation_mark> escalations;
};

// Cumulative per-queue parts (state figures). Live gauges (waiting, oldest)
// are not stored: finish_restore derives them from the interactions.
struct queue_state {
  std::string queue;  // the Prometheus label: a queue name or "other"
  std::uint64_t offered = 0;
  std::uint64_t answered = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t short_abandoned = 0;
  std::uint64_t answered_within_threshold = 0;
  duration answered_wait_sum{};
  std::uint64_t expired = 0;
};

struct partition_meta_state {
  instant max_event_time = instant_min;
  instant effective{};
  // An event far ahead of max_event_time waiting for a second one to
  // confirm the jump (instant_min: none).
  instant jump_candidate = instant_min;
  // Agents' time is counted in the windows up to here (instant_min: not yet).
  instant agents_counted_to = instant_min;
};

struct dedup_chunk {
  instant generation{};  // start of the dedup generation it belongs to
  std::uint32_t sequence = 0;
  std::vector<std::uint64_t> ids;  // stable hashes of event ids
};

// An agent: its state, since when it is not yet counted, its queue.
struct agent_record_state {
  std::string agent_id;
  agent_state state = agent_state::unspecified;
  instant since{};
  std::string queue;  // empty: no queue
  channel chan = channel::unspecified;
};

// The repeat-contact index (repeat_index.h) in append-only chunks, like
// dedup memory: pairs of hashed customer and contact start.
struct repeat_chunk {
  instant generation{};
  std::uint32_t sequence = 0;
  std::vector<std::uint64_t> customers;
  std::vector<instant> starts;
};

// A queue-alert rule's state for one queue (queue_alert_book.h), with what
// its last FIRING said, so that alert can still be resolved after the rule
// left the config.
struct queue_rule_record {
  std::string rule;
  std::string queue;
  sla::queue_rule_state state;
  sla::queue_metric metric = sla::queue_metric::service_level;
  double threshold = 0;
  sla::comparison cmp = sla::comparison::below;
  std::string window;
  sla::severity level = sla::severity::warning;
};

enum class state_kind : std::uint8_t { interaction, queue, meta, dedup, agent, repeat, queue_rule };

// What a tombstone deletes. For dedup and repeat chunks, name is empty and
// generation and sequence select the chunk; for a queue rule, name is
// "<rule>/<queue>" (rule names have no '/').
struct state_key {
  state_kind kind = state_kind::interaction;
  std::string_view name;
  instant generation{};
  std::uint32_t sequence = 0;
};

// Receives drained changes (puts and tombstones) in order; the worker's
// implementation encodes them and produces them in the open transaction.
//
// The window records (metrics::window_state_sink) have default bodies that
// drop them, for sinks that only care about the engine's own records (tests,
// benchmarks); the changelog writer and the partition's restorer override
// them.
class state_sink : public metrics::window_state_sink {
 public:
  virtual void put(const interaction_state& s) = 0;
  virtual void put(const queue_state& s) = 0;
  virtual void put(const partition_meta_state& s) = 0;
  virtual void put(const dedup_chunk& s) = 0;
  virtual void erase(const state_key& k) = 0;
  // Named apart from put() for the same reason as the window records.
  virtual void put_agent(const agent_record_state&) {}
  virtual void put_repeat(const repeat_chunk&) {}
  virtual void put_queue_rule(const queue_rule_record&) {}
  void put_bucket(const metrics::window_bucket_state&) override {}
  void put_clock(const metrics::window_clock_state&) override {}
  void erase_bucket(const metrics::window_state_key&) override {}
};

}  // namespace ccpulse::engine
