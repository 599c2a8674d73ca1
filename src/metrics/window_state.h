#pragma once
// The portable form of a partition's windowed KPI state (partition_metrics.h)
// for the changelog (DESIGN.md §8). Records name their scope (a queue label,
// a channel, or the whole partition) and their transfer/escalation reasons;
// they never carry an in-process index. The codec turns them into
// state.proto bytes; nothing here knows protobuf.
//
// Two record kinds, one per scope per bucket:
//   counters  one fine bucket (default 10 s) of kpi_counters: the sliding
//             windows' counts, kept while the bucket is in the 1 h ring;
//   parts     one coarse bucket (default 5 min): its kpi_counters, its
//             distributions (the five histograms) and counts by reason; kept
//             while in the coarse ring or in today, so a restore rebuilds
//             the quantile windows and today's totals from them.
// and one clock record (the partition's window head), so a restored object
// reads exactly like the one that wrote the records.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/kpi_parts.h"
#include "model/time.h"

namespace ccpulse::metrics {

enum class scope_kind : std::uint8_t { overall, queue, channel };
inline constexpr int scope_kind_count = 3;

// The distributions a coarse bucket keeps, in this order.
enum class distribution : std::uint8_t { wait, handle, first_response, next_reply, resolution };
inline constexpr std::size_t distribution_count = 5;

enum class window_bucket_kind : std::uint8_t { counters, parts };

// A histogram in its sparse form: ascending (bucket index, count) pairs of
// log_linear_layout, and sum/min/max (min/max unset when empty).
struct histogram_state {
  std::vector<std::pair<std::uint16_t, std::uint64_t>> buckets;
  duration sum{};
  std::optional<duration> min, max;
  friend bool operator==(const histogram_state&, const histogram_state&) = default;
};

struct reason_count {
  std::string reason;
  std::uint64_t count = 0;
  friend bool operator==(const reason_count&, const reason_count&) = default;
};

struct window_bucket_state {
  window_bucket_kind kind = window_bucket_kind::counters;
  scope_kind scope = scope_kind::overall;
  // A queue label (a queue name or "other"), a channel name as
  // to_string(channel) gives it, or empty for overall.
  std::string scope_name;
  instant start{};   // the bucket's first instant (a multiple of width from the epoch)
  duration width{};  // the bucket width that wrote it: a restore with another width skips it
  kpi_counters counts;
  // parts only (empty in a counters record):
  std::array<histogram_state, distribution_count> histograms;
  std::vector<reason_count> transfers_by_reason;
  std::vector<reason_count> escalations_by_reason;
  friend bool operator==(const window_bucket_state&, const window_bucket_state&) = default;
};

// The partition's window clock: the fine bucket the head is in.
struct window_clock_state {
  instant head{};
  friend bool operator==(const window_clock_state&, const window_clock_state&) = default;
};

// What a tombstone deletes: a bucket record by kind, scope and start.
struct window_state_key {
  window_bucket_kind kind = window_bucket_kind::counters;
  scope_kind scope = scope_kind::overall;
  std::string_view scope_name;
  instant start{};
};

// Receives drained window changes; engine::state_sink extends it. Names of
// their own (not put/erase overloads), so a sink that overrides the
// engine's records only hides nothing.
class window_state_sink {
 public:
  virtual ~window_state_sink() = default;
  virtual void put_bucket(const window_bucket_state& s) = 0;
  virtual void put_clock(const window_clock_state& s) = 0;
  virtual void erase_bucket(const window_state_key& k) = 0;
};

}  // namespace ccpulse::metrics
