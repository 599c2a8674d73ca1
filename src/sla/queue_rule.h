#pragma once
// Queue alerts (DESIGN.md §6): threshold rules on a queue's merged figures,
// with hysteresis. A rule must hold for `hold_for` before it fires and must
// have stopped holding for `clear_after` before it resolves, so a metric
// flapping around its threshold raises one FIRING and one RESOLVED, not a
// storm. Pure: the caller passes the metric's value and the time.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"
#include "sla/alert.h"

namespace ccpulse::sla {

// What a rule watches. Windowed metrics read one window of the queue's
// merged KPIs (the rule names it); live ones read the queue as of now.
enum class queue_metric : std::uint8_t {
  service_level,     // ratio, the queue's sl_formula
  abandonment_rate,  // ratio
  asa_seconds,       // average speed of answer
  wait_p90_seconds,  // 90th percentile of waits ended in the window
  aht_seconds,       // average handle time
  offered,           // contacts offered in the window
  abandoned,         // contacts abandoned in the window
  csat_share,        // ratio of CSAT answers 4-5
  nps,               // -100..100
  occupancy,         // ratio
  // Live: the queue now (every partition's live gauges, merged).
  waiting,                 // contacts waiting
  oldest_wait_seconds,     // the longest-waiting contact's wait (0: none)
  agents_available,        // agents available
  backlog,                 // open emails and tickets
  backlog_overdue,         // of which past their resolution deadline
  forecast_service_level,  // Erlang C, next interval, ratio (README "Forecast")
  forecast_drain_seconds,  // until the waiting contacts are served (+inf: never)
};
inline constexpr int queue_metric_count = 17;

std::string_view to_string(queue_metric m);
std::optional<queue_metric> parse_queue_metric(std::string_view s);
std::span<const std::string_view> queue_metric_names();
// Ratios lie in [0, 1]: their thresholds are checked against that range.
bool is_ratio(queue_metric m);
// Reads a window (else the queue as of now).
bool is_windowed(queue_metric m);

enum class comparison : std::uint8_t { below, above };
std::string_view to_string(comparison c);

struct queue_rule {
  std::string name;                 // [A-Za-z0-9._-]+, unique; in alerts and labels
  std::vector<std::string> queues;  // empty: every declared queue
  queue_metric metric = queue_metric::service_level;
  std::string window;  // windowed metrics: "15m", "1h", "interval", "previous_interval", "today"
  comparison cmp = comparison::below;
  double threshold = 0;
  duration hold_for{};     // `for:`
  duration clear_after{};  // `clear_after:`
  // Windowed metrics other than counts are judged only on at least this
  // many contacts (offered, answered, handled or survey answers, as the
  // metric's denominator): 80 % of five calls says little.
  std::size_t min_contacts = 1;
  severity level = severity::warning;

  bool holds(double value) const { return cmp == comparison::below ? value < threshold : value > threshold; }
};

enum class queue_alert_state : std::uint8_t { firing, resolved };
std::string_view to_string(queue_alert_state s);

// Where a (rule, queue) stands. `episode` counts the FIRINGs so far, so
// every alert id is new (it survives restarts through the changelog).
enum class rule_phase : std::uint8_t {
  inactive,
  pending,  // holds, not yet for hold_for
  firing,
  resolving,  // firing, stopped holding, not yet for clear_after
};
std::string_view to_string(rule_phase p);

struct queue_rule_state {
  rule_phase phase = rule_phase::inactive;
  instant since{};  // when the phase began (pending, resolving)
  std::uint32_t episode = 0;
  friend bool operator==(const queue_rule_state&, const queue_rule_state&) = default;
};

// FIRING raised and RESOLVED not yet (a rule waiting to resolve still fires).
inline bool firing_now(const queue_rule_state& s) {
  return s.phase == rule_phase::firing || s.phase == rule_phase::resolving;
}

// One evaluation at `now`. value: the metric now, nullopt when it has none
// (no contacts in the window, fewer than min_contacts): that is "not
// holding", so a queue gone quiet resolves. Returns the alert state to
// raise, if any.
std::optional<queue_alert_state> step(const queue_rule& r, queue_rule_state& s, std::optional<double> value,
                                      instant now);
// The figures could not be judged (a partition missing or restoring): a
// rule about to fire or to resolve starts that wait over; nothing is raised.
void interrupt(queue_rule_state& s);

struct queue_alert {
  std::string alert_id;
  std::string rule;
  std::string queue;
  queue_metric metric = queue_metric::service_level;
  std::optional<double> value;  // nullopt: the metric had no value (resolved for want of data)
  double threshold = 0;
  comparison cmp = comparison::below;
  queue_alert_state state = queue_alert_state::firing;
  std::string window;
  severity level = severity::warning;
  std::uint32_t episode = 0;
  instant event_time{};  // the end of the period the figures cover
};

// Deterministic: the same (rule, queue, episode, state) always gives the
// same id, in any process or build.
std::string make_queue_alert_id(std::string_view rule, std::string_view queue, std::uint32_t episode,
                                queue_alert_state state);

// Rule names become Kafka keys' parts and metric labels: letters, digits,
// '.', '_' and '-'.
bool valid_rule_name(std::string_view name);

}  // namespace ccpulse::sla
