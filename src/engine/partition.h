#pragma once
// All state of one input partition: open interactions, their SLA clocks,
// per-queue partial aggregates, watermark and dedup memory. Partitions share
// nothing but read-only context, so one can move between workers later
// (changelog, DESIGN.md §8) without touching the others.
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "engine/dedup_filter.h"
#include "engine/engine_context.h"
#include "engine/interaction_record.h"
#include "engine/outputs.h"
#include "metrics/queue_counters.h"
#include "model/event.h"
#include "sla/timing_wheel.h"

namespace ccpulse::engine {

enum class apply_status : std::uint8_t { applied, duplicate, rejected };

struct apply_result {
  apply_status status = apply_status::applied;
  std::string_view reason;  // for rejected: the dead-letter reason
  bool late = false;        // older than the watermark (still applied to state)
};

struct partition_probe {
  std::uint64_t applied = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t late = 0;
  std::uint64_t rejected = 0;
  // Events that did not fit the interaction's state (e.g. Answered twice,
  // Abandoned for an unknown interaction): applied as far as they make sense.
  std::uint64_t out_of_order = 0;
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

  // Adds this partition's per-queue aggregates into by_queue (indexed by the
  // registry's queue index; grown as needed).
  void collect(std::vector<metrics::queue_counters>& by_queue);

  std::int32_t id() const { return _id; }
  instant watermark() const { return _max_event_time - _ctx.settings.max_out_of_orderness; }
  instant effective_time() const { return _effective; }
  std::size_t open_interactions() const { return _interactions.size(); }
  std::size_t pending_timers() const { return _wheel.size(); }
  const partition_probe& probe() const { return _probe; }

 private:
  enum class timer_kind : std::uint8_t { answer_at_risk, answer_deadline, linger };
  struct timer_payload {
    std::uint64_t key;
    std::uint32_t cycle;
    timer_kind what;
  };
  using wheel = sla::timing_wheel<timer_payload>;

  interaction_record* find_or_create(std::uint64_t key, const event& e, bool& collision);
  metrics::queue_counters& counters(metrics::queue_index q);

  void on_queued(std::uint64_t key, interaction_record& r, const event& e, outputs& out);
  void on_answered(interaction_record& r, const event& e, outputs& out);
  void on_left_queue(interaction_record& r, instant t, outputs& out);
  void on_abandoned(interaction_record& r, const event& e, outputs& out);
  void close(std::uint64_t key, interaction_record& r, instant t);

  void start_answer_clock(std::uint64_t key, interaction_record& r, instant t);
  // Stops the clock at event time t; met says whether its goal was reached.
  void stop_answer_clock(interaction_record& r, instant t, bool met, outputs& out);
  bool still_waiting(std::size_t q, const std::pair<instant, std::uint64_t>& entry) const;
  void on_timer(instant due, const timer_payload& p, bool live, outputs& out);
  void emit(const interaction_record& r, sla::sla_clock& c, sla::alert_kind kind,
            instant at, bool late, outputs& out);

  std::int32_t _id;
  engine_context& _ctx;
  instant _max_event_time = instant_min;
  instant _effective;
  boost::unordered_flat_map<std::uint64_t, interaction_record> _interactions;
  wheel _wheel;
  dedup_filter _dedup;
  std::vector<metrics::queue_counters> _queues;
  // Per queue: (queued_at, key) min-heaps; stale entries are dropped lazily
  // when they reach the top, so leaving a queue costs O(1).
  std::vector<std::vector<std::pair<instant, std::uint64_t>>> _waiting_heaps;
  partition_probe _probe;
};

}  // namespace ccpulse::engine
