#pragma once
// KPI formulas as pure functions of merged kpi_parts (DESIGN.md §5).
//
// Why functions of parts: ratios do not merge, parts do. Every instance
// exports the parts; any reader (wallboard, Prometheus rule, the engine's
// own snapshot) sums parts first and divides last, with the same function.
//
// Every function returns std::nullopt when its denominator is 0 (or, where
// parts are counted at different instants and the difference can go
// negative, <= 0): "no contacts" is not "0 %" nor "100 %", and no NaN or
// infinity ever reaches a gauge or a JSON document. Ratios are in [0, 1]
// except where noted; they are not clamped, so a reader can see what the
// parts say.
//
// Notation (kpi_counters): A answered, Aw answered within T, B abandoned
// (all), Bs short abandoned, Bw abandoned within T (short included), Q
// offered, F flowed out, Fw flowed out within T, W crossed T while waiting.
#include <cstdint>
#include <optional>
#include <string_view>

#include "metrics/kpi_parts.h"

namespace ccpulse::metrics {

enum class sl_formula : std::uint8_t {
  // Aw ÷ (A + B − Bs): DESIGN.md's default; short abandons excluded.
  default_,
  // Aw ÷ A: Asterisk app_queue's SL; abandons ignored.
  asterisk_sl,
  // (Aw + Bw) ÷ (A + B): Asterisk app_queue's SL2; an abandon within T
  // counts as met, short ones included.
  asterisk_sl2,
  // (Aw + Bw + Fw) ÷ Q: Amazon Connect's "service level X": contacts that
  // left the queue within T ÷ contacts queued (in the same window).
  amazon_connect,
  // Aw ÷ (A + [B] − [Bs] + [F]) with the switches of genesys_switches:
  // Genesys Cloud's "service level calculation options".
  genesys,
};
inline constexpr int sl_formula_count = 5;

// Genesys Cloud's three switches. Defaults as in Genesys: abandons in, short
// abandons out, flow-outs out; with these genesys equals default_.
struct genesys_switches {
  bool include_abandons = true;
  bool include_short_abandons = false;  // only meaningful with include_abandons
  bool include_flowouts = false;
};

struct sl_options {
  sl_formula formula = sl_formula::default_;
  genesys_switches genesys;
  // A contact still waiting beyond T counts as missed the moment it crosses
  // T (W, in the crossing bucket), not when its wait ends. The denominator
  // becomes "met + missed within T + W": every contact that ends after T is
  // replaced by its crossing, whatever its outcome (a later abandon is then
  // a miss even for asterisk_sl). amazon_connect is unchanged: its
  // denominator (queued) already counts waiting contacts at entry.
  bool missed_at_once = false;
};

std::string_view to_string(sl_formula f);
// Config names: "default", "asterisk_sl", "asterisk_sl2", "amazon_connect",
// "genesys". Unknown names: nullopt; the caller reports sl_formula_names.
std::optional<sl_formula> parse_sl_formula(std::string_view name);
inline constexpr std::string_view sl_formula_names =
    "default, asterisk_sl, asterisk_sl2, amazon_connect, genesys";

// The two halves of a service level, for exposition as parts.
struct sl_fraction {
  double met = 0;
  double offered = 0;
};
sl_fraction service_level_parts(const kpi_counters& c, const sl_options& o);
std::optional<double> service_level(const kpi_counters& c, const sl_options& o);

// (B − Bs) ÷ (Q − Bs). Q counts entries and B exits, so in a short window
// the ratio can exceed 1; nullopt if Q − Bs <= 0.
std::optional<double> abandonment_rate(const kpi_counters& c);
// Mean wait of answered contacts, seconds: answered_wait_sum ÷ A.
std::optional<double> average_speed_of_answer(const kpi_counters& c);
// (talk + hold + after-contact work) ÷ handled, seconds.
std::optional<double> average_handle_time(const kpi_counters& c);
// escalations ÷ handled, transfers ÷ handled.
std::optional<double> escalation_rate(const kpi_counters& c);
std::optional<double> transfer_rate(const kpi_counters& c);
// resolved_first_contact ÷ resolved.
std::optional<double> first_contact_resolution(const kpi_counters& c);
// Answers 4–5 ÷ answers; mean answer on the 1–5 scale.
std::optional<double> csat_share(const kpi_counters& c);
std::optional<double> csat_mean(const kpi_counters& c);
// 100 × (promoters − detractors) ÷ responses, in [−100, 100].
std::optional<double> net_promoter_score(const kpi_counters& c);
// on contact ÷ (on contact + available).
std::optional<double> occupancy(const kpi_counters& c);

}  // namespace ccpulse::metrics
