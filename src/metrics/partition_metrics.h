#pragma once
// All windowed KPI state of one input partition (DESIGN.md §5, §8): per
// queue, per channel and overall, sliding windows and calendar parts in
// event time, with its changelog records (window_state.h).
//
// MEMORY, the reason for this shape (figures: tests/unit/metrics/
// partition_metrics_memory_test.cpp and bench/RESULTS.md). The earlier
// layout (kpi_parts.h's MEMORY note) cost 389 KB per scope, 42 MB per
// partition for 109 scopes. Here:
//   - scopes are lazy: a queue the partition never saw costs one null
//     pointer, and a scope whose windows all emptied is released at drain;
//   - the 10 s counter ring (1 h) keeps its 4 newest buckets as structs and
//     packs the others (counter_ring.h): ~40 B a busy bucket, not 216 B;
//   - histograms and reason counts are kept per 5-minute bucket (13 of them
//     cover the hour) in sparse form (sparse_histogram.h): bytes per value
//     seen, not 4 KB per histogram;
//   - the current and previous calendar interval are not stored: they are
//     read from the rings (their buckets are still live: 2 × interval <=
//     1 h is checked at create). Only today is kept, as a running sum.
//
// Windows, for a partition head H (the fine bucket of the newest event time
// or advance() time seen):
//   sliding(L)   counters: the L / 10 s newest fine buckets, H included;
//                distributions: the L / 5 min newest coarse buckets (a 15 min
//                window's quantiles cover 10 to 15 min of data).
//   current / previous interval, today: in the site's zone (calendar_intervals);
//                an interval reads the fine and coarse buckets inside it.
// An event older than the oldest live fine bucket is late: not applied to
// any window (today included) and reported by the return value.
//
// Intervals read from coarse buckets assume the zone's UTC offsets are whole
// multiples of the coarse width (true of every zone today at 5 min; some
// historic local mean times are not): otherwise a coarse bucket straddling
// an interval or midnight counts in the one holding its start.
//
// The core rule holds: no clock, no I/O. Apply calls take event time;
// nothing allocates per event once warm (growth of a sparse histogram or a
// packed stride does, rarely).
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "metrics/calendar_intervals.h"
#include "metrics/kpi_view.h"
#include "metrics/queue_registry.h"
#include "metrics/window_state.h"
#include "model/channel.h"
#include "model/time.h"

namespace ccpulse::metrics {

using reason_index = std::uint16_t;

// The caller's names for its indices (queue labels, reasons): records carry
// names, the apply API indices. find_* may register a name (restore).
class metrics_names {
 public:
  virtual ~metrics_names() = default;
  virtual std::string_view queue_name(queue_index q) const = 0;
  virtual std::optional<queue_index> find_queue(std::string_view name) = 0;
  virtual std::string_view reason_name(reason_index r) const = 0;
  virtual std::optional<reason_index> find_reason(std::string_view name) = 0;
};

struct scope_id {
  scope_kind kind = scope_kind::overall;
  std::uint16_t index = 0;  // queue label index, or the channel's value
  static scope_id overall() { return {}; }
  static scope_id queue(queue_index q) { return {scope_kind::queue, q}; }
  static scope_id of(channel c) { return {scope_kind::channel, static_cast<std::uint16_t>(c)}; }
  friend bool operator==(const scope_id&, const scope_id&) = default;
};

// The scopes one contact counts in: its queue's label (if any), its channel
// and the overall scope.
struct contact_scope {
  std::optional<queue_index> queue;
  channel chan = channel::unspecified;
};

enum class window_result : std::uint8_t {
  applied,
  late,      // older than the oldest live bucket: not applied
  rejected,  // a survey score out of range: not applied
  ahead,     // beyond the head, head_from_events off: not applied
};

enum class calendar_part : std::uint8_t { current_interval, previous_interval, today };

struct partition_metrics_settings {
  duration fine_width = std::chrono::seconds(10);
  std::size_t fine_buckets = 360;                   // 1 h
  duration coarse_width = std::chrono::minutes(5);  // histograms, reasons, today's restore
  // true: an update's time moves the head. false: only advance() does, and
  // an update beyond the head is refused (window_result::ahead) — for a
  // caller whose clock guards against far-future outliers (the engine).
  bool head_from_events = true;
};

// Process counters of this object.
struct partition_metrics_probe {
  std::uint64_t applied = 0;  // apply calls that added to the windows
  std::uint64_t late = 0;
  std::uint64_t rejected = 0;
  std::uint64_t ahead = 0;
  std::uint64_t restored_records = 0;
  // Records that could not be used (another bucket width, a name the caller
  // does not know, outside every window): tombstoned on the next drain.
  std::uint64_t restore_skipped = 0;
};

class partition_metrics {
 public:
  // Checks the settings against each other and the calendar: coarse width a
  // multiple of fine width, fine span a multiple of coarse width, interval
  // length a multiple of coarse width, 2 × interval <= fine span.
  static std::optional<partition_metrics> create(const partition_metrics_settings& s, calendar_intervals cal,
                                                 metrics_names& names, std::string& error);
  partition_metrics(partition_metrics&&) noexcept;
  partition_metrics& operator=(partition_metrics&&) noexcept;
  ~partition_metrics();

  // ---- apply: one call per contact outcome, at event time t ----------------
  window_result on_offered(contact_scope s, instant t);
  window_result on_answered(contact_scope s, instant t, duration wait, bool within_T);
  window_result on_abandoned(contact_scope s, instant t, bool short_abandon, bool within_T);
  window_result on_flowed_out(contact_scope s, instant t, bool within_T);
  window_result on_crossed_T(contact_scope s, instant t);
  window_result on_handled(contact_scope s, instant t, duration talk, duration hold,
                           duration after_contact_work);
  window_result on_first_response(contact_scope s, instant t, duration d);
  window_result on_next_reply(contact_scope s, instant t, duration d);
  window_result on_resolved(contact_scope s, instant t, duration since_created, bool first_contact);
  window_result on_transferred(contact_scope s, instant t, reason_index reason);
  window_result on_escalated(contact_scope s, instant t, reason_index reason);
  window_result on_csat(contact_scope s, instant t, int score);  // 1–5
  window_result on_nps(contact_scope s, instant t, int score);   // 0–10
  window_result on_agent_time(contact_scope s, instant t, duration on_contact, duration available);

  // Moves the windows to t (the watermark) if later. O(1): scopes catch up
  // when next touched, read or drained.
  void advance(instant t);

  // ---- read ------------------------------------------------------------
  // length: a positive multiple of the fine width, at most its span;
  // nullopt otherwise.
  std::optional<kpi_view> read_sliding(scope_id s, duration length) const;
  kpi_view read_calendar(scope_id s, calendar_part p) const;
  // The scopes holding state, in no particular order.
  std::vector<scope_id> scopes() const;
  std::optional<instant> head() const;

  // ---- changelog ----------------------------------------------------------
  bool has_changes() const { return _clock_dirty || !_dirty.empty() || !_orphans.empty(); }
  // Everything changed since the last drain: tombstones first, then puts.
  void drain(window_state_sink& sink);
  // Restore into a fresh object: feed every record in log order, then
  // finish_restore() once.
  void restore(const window_bucket_state& r);
  void restore(const window_clock_state& r);
  void restore_erase(const window_state_key& k);
  void finish_restore();

  // ---- figures ---------------------------------------------------------------
  std::size_t scope_count() const;
  // Heap this object holds (its own accounting: capacities, not allocator
  // overhead).
  std::size_t heap_bytes() const;
  // heap_bytes() by part, to say where the memory goes.
  struct memory_parts {
    std::size_t fine_counters = 0;    // 10 s ring: hot structs + packed slots
    std::size_t coarse_counters = 0;  // 5 min ring of counters
    std::size_t coarse_distributions = 0;
    std::size_t today = 0;  // today's distributions (its counters are in "other")
    std::size_t other = 0;  // scope objects, bookkeeping
    std::size_t total() const {
      return fine_counters + coarse_counters + coarse_distributions + today + other;
    }
  };
  memory_parts memory() const;
  const partition_metrics_probe& probe() const { return _probe; }
  const partition_metrics_settings& settings() const { return _settings; }

 private:
  struct scope_windows;
  partition_metrics(const partition_metrics_settings& s, calendar_intervals cal, metrics_names& names);

  template <class Counts, class Dist>
  window_result apply(contact_scope s, instant t, Counts&& counts, Dist&& dist);
  void observe(instant t);
  scope_windows& scope(scope_id id);
  const scope_windows* find(scope_id id) const;
  void catch_up(scope_windows& w);
  void mark(scope_windows& w, std::int64_t fine, std::int64_t coarse);
  void list(scope_windows& w);
  void release_if_empty(std::unique_ptr<scope_windows>& w);
  bool coarse_live(std::int64_t c) const;
  template <class F>
  void for_each_scope(F&& f) const;
  std::int64_t coarse_of(std::int64_t fine) const;
  instant head_time() const;
  void add_coarse(const scope_windows& w, std::int64_t from, std::int64_t to, distributions& out) const;

  // Records.
  std::string_view scope_name(scope_id id) const;
  std::optional<scope_id> scope_of(scope_kind kind, std::string_view name);
  void fill_counters(const scope_windows& w, std::int64_t n, window_bucket_state& r) const;
  void fill_parts(const scope_windows& w, std::int64_t c, window_bucket_state& r) const;

  partition_metrics_settings _settings;
  calendar_intervals _cal;
  metrics_names* _names;
  std::size_t _coarse_buckets;
  std::int64_t _fine_per_coarse;

  std::optional<std::int64_t> _head;  // fine bucket number
  calendar_period _today{};
  bool _clock_dirty = false;

  std::vector<std::unique_ptr<scope_windows>> _queues;  // by queue label index
  std::array<std::unique_ptr<scope_windows>, channel_count> _channels;
  std::unique_ptr<scope_windows> _overall;
  std::vector<scope_windows*> _dirty;

  // Restore: records by key, the last put wins; orphans are keys to
  // tombstone (their records can no longer be used).
  using restore_key = std::tuple<window_bucket_kind, scope_kind, std::string, std::int64_t>;
  std::map<restore_key, window_bucket_state> _restored;
  std::optional<instant> _restored_head;
  std::vector<restore_key> _orphans;

  // One scratch record per kind, so capacities are reused across drains.
  window_bucket_state _scratch_counters, _scratch_parts;
  partition_metrics_probe _probe;
};

}  // namespace ccpulse::metrics
