#include "metrics/service_level.h"

#include <array>

namespace ccpulse::metrics {

namespace {

constexpr std::array<std::string_view, sl_formula_count> names = {"default", "asterisk_sl", "asterisk_sl2",
                                                                  "amazon_connect", "genesys"};

double d(std::uint64_t v) { return static_cast<double>(v); }
double d(duration v) { return static_cast<double>(v.count()); }

std::optional<double> ratio(double num, double den) {
  if (!(den > 0)) return std::nullopt;
  return num / den;
}

// Seconds per contact.
std::optional<double> mean_seconds(duration sum, std::uint64_t n) {
  if (n == 0) return std::nullopt;
  return d(sum) / 1e6 / d(n);
}

}  // namespace

std::string_view to_string(sl_formula f) { return names[static_cast<std::size_t>(f)]; }

std::optional<sl_formula> parse_sl_formula(std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<sl_formula>(i);
  return std::nullopt;
}

sl_fraction service_level_parts(const kpi_counters& c, const sl_options& o) {
  // Computed in double: differences of parts counted at different instants
  // may go negative in a short window, and the caller must see that as
  // "no value", not as a wrapped unsigned.
  const double A = d(c.answered), Aw = d(c.answered_within_T), B = d(c.abandoned), Bs = d(c.short_abandoned),
               Bw = d(c.abandoned_within_T), Q = d(c.offered), F = d(c.flowed_out),
               Fw = d(c.flowed_out_within_T), W = d(c.waited_beyond_T);
  const bool at_once = o.missed_at_once;
  switch (o.formula) {
    case sl_formula::default_:
      return at_once ? sl_fraction{Aw, Aw + (Bw - Bs) + W} : sl_fraction{Aw, A + B - Bs};
    case sl_formula::asterisk_sl:
      return at_once ? sl_fraction{Aw, Aw + W} : sl_fraction{Aw, A};
    case sl_formula::asterisk_sl2:
      return at_once ? sl_fraction{Aw + Bw, Aw + Bw + W} : sl_fraction{Aw + Bw, A + B};
    case sl_formula::amazon_connect:
      return {Aw + Bw + Fw, Q};
    case sl_formula::genesys: {
      const auto& g = o.genesys;
      if (at_once) {
        double missed_within = 0;
        if (g.include_abandons) missed_within += g.include_short_abandons ? Bw : Bw - Bs;
        if (g.include_flowouts) missed_within += Fw;
        return {Aw, Aw + missed_within + W};
      }
      double den = A;
      if (g.include_abandons) den += g.include_short_abandons ? B : B - Bs;
      if (g.include_flowouts) den += F;
      return {Aw, den};
    }
  }
  return {0, 0};
}

std::optional<double> service_level(const kpi_counters& c, const sl_options& o) {
  const auto p = service_level_parts(c, o);
  return ratio(p.met, p.offered);
}

std::optional<double> abandonment_rate(const kpi_counters& c) {
  return ratio(d(c.abandoned) - d(c.short_abandoned), d(c.offered) - d(c.short_abandoned));
}

std::optional<double> average_speed_of_answer(const kpi_counters& c) {
  return mean_seconds(c.answered_wait_sum, c.answered);
}

std::optional<double> average_handle_time(const kpi_counters& c) {
  return mean_seconds(c.talk_sum + c.hold_sum + c.after_contact_work_sum, c.handled);
}

std::optional<double> escalation_rate(const kpi_counters& c) { return ratio(d(c.escalations), d(c.handled)); }
std::optional<double> transfer_rate(const kpi_counters& c) { return ratio(d(c.transfers), d(c.handled)); }

std::optional<double> first_contact_resolution(const kpi_counters& c) {
  return ratio(d(c.resolved_first_contact), d(c.resolved));
}

std::optional<double> csat_share(const kpi_counters& c) {
  return ratio(d(c.csat_satisfied), d(c.csat_responses));
}
std::optional<double> csat_mean(const kpi_counters& c) {
  return ratio(d(c.csat_score_sum), d(c.csat_responses));
}

std::optional<double> net_promoter_score(const kpi_counters& c) {
  const auto r = ratio(d(c.nps_promoters) - d(c.nps_detractors), d(c.nps_responses));
  if (!r) return std::nullopt;
  return 100.0 * *r;
}

std::optional<double> occupancy(const kpi_counters& c) {
  return ratio(d(c.agent_on_contact), d(c.agent_on_contact) + d(c.agent_available));
}

}  // namespace ccpulse::metrics
