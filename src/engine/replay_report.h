#pragma once
// `ccpulse replay`'s report (DESIGN.md §10, README "Replay"): per queue and
// target, what the clock cycles of one policy set did over a stretch of
// history, and the difference between two sets. Fed the engine's outputs
// (alerts and, with outputs::record_clocks, clock starts and stops); no I/O,
// no clock. Rendering is text building only: the caller writes it.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine/outputs.h"
#include "model/time.h"
#include "sla/policy.h"

namespace ccpulse::engine {

// One (queue, target) row of one policy set. Each cycle started in the
// replay ends as exactly one of met, breached, cancelled or open, so
// started = met + breached + cancelled + open; at_risk counts cycles that
// raised AT_RISK (any outcome).
struct replay_figures {
  std::uint64_t started = 0;
  std::uint64_t met = 0;
  std::uint64_t at_risk = 0;
  std::uint64_t breached = 0;  // a BREACHED that stood (not RETRACTED), stopped or still running
  std::uint64_t cancelled = 0;
  std::uint64_t open = 0;  // still running at the end of the range, not breached
  // Running time at the stop of every stopped cycle (met, cancelled, and
  // breached ones that stopped), sorted by finish().
  std::vector<duration> elapsed_at_stop;

  // breached / (started - open): of the cycles decided in the range. 0 when none.
  double breach_rate() const;
  // Nearest-rank percentile of elapsed_at_stop (q in (0, 1]); nullopt when empty.
  std::optional<duration> elapsed_percentile(double q) const;
};

// The cycles of one engine (one policy set) over the replay.
class replay_tally {
 public:
  // queues: only these queues' rows (empty: all).
  explicit replay_tally(std::set<std::string, std::less<>> queues = {}) : _queues(std::move(queues)) {}

  // Everything one apply/advance produced, in the order it happened.
  void take(const outputs& out);
  // Counts the cycles still running as open (or breached). Call once, at the end.
  void finish();

  using row_key = std::pair<std::string, sla::target_type>;  // queue, target
  const std::map<row_key, replay_figures>& rows() const { return _rows; }
  std::uint64_t alerts(sla::alert_kind k) const { return _alerts[static_cast<std::size_t>(k)]; }

 private:
  struct cycle_state {
    std::string queue;
    bool at_risk = false;
    bool breached = false;
  };
  using cycle_key = std::tuple<std::string, sla::target_type, std::uint32_t>;
  void take_alert(const sla::sla_alert& a);
  void take_clock(const clock_event& c);
  bool wanted(std::string_view queue) const { return _queues.empty() || _queues.contains(queue); }

  std::set<std::string, std::less<>> _queues;
  std::map<cycle_key, cycle_state> _open;
  std::map<row_key, replay_figures> _rows;
  std::uint64_t _alerts[sla::alert_kind_count] = {};
  bool _finished = false;
};

// The metrics engine's per-queue figures over the replay (they do not
// depend on policies: taken from the live engine, printed once).
struct replay_queue_kpis {
  std::string queue;
  std::uint64_t offered = 0;
  std::uint64_t answered = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t short_abandoned = 0;
  std::uint64_t answered_within_threshold = 0;
  duration threshold{};       // the queue's sl_threshold (T)
  std::uint64_t waiting = 0;  // at the end of the range
  duration answered_wait_sum{};
};

// What the alerts topic holds for the range (--compare-alerts), per queue
// and target name: the SLA alerts the running instances actually raised.
struct replay_actual {
  std::uint64_t at_risk = 0;
  std::uint64_t breached = 0;
  std::uint64_t retracted = 0;  // breaches taken back: shown as breached - retracted
};

// What the report says besides the rows: the range and what was read.
struct replay_header {
  std::string from;                // RFC 3339, as given
  std::string to;                  // RFC 3339, or "end" (the end of the log as of the start)
  std::string live_policies;       // where the live set came from (config file)
  std::string candidate_policies;  // NEW.yaml
  std::uint64_t records = 0;
  std::uint64_t events = 0;
  std::uint64_t invalid = 0;     // not decodable or rejected by the engine
  std::uint64_t duplicates = 0;  // same event_id within the dedup horizon (live engine)
  std::string first_event;       // RFC 3339 or empty
  std::string last_event;
  std::vector<std::string> notes;       // e.g. partitions whose range starts at the retention limit
  std::vector<replay_queue_kpis> kpis;  // sorted by queue
  bool compared = false;                // an "actual" line per row, from `actual`
  std::map<std::pair<std::string, std::string>, replay_actual> actual;  // (queue, target name)
};

enum class replay_format : std::uint8_t { table, json, csv };

// The whole report: every (queue, target) row either set has, sorted by
// queue then target, each with the live figures, the candidate's and the
// difference (candidate - live). Byte-identical for the same inputs.
std::string render_replay(const replay_header& h, const replay_tally& live, const replay_tally& candidate,
                          replay_format f);

}  // namespace ccpulse::engine
