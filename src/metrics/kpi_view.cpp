#include "metrics/kpi_view.h"

namespace ccpulse::metrics {

namespace {

quantiles quantiles_of(const sparse_histogram& h) {
  return {h.quantile(0.5), h.quantile(0.9), h.quantile(0.99)};
}

}  // namespace

kpi_summary summarize(const kpi_view& v, const sl_options& sl) {
  const auto& c = v.counts;
  kpi_summary s;
  s.offered = c.offered;
  s.answered = c.answered;
  s.abandoned = c.abandoned;
  s.handled = c.handled;
  s.service_level = service_level(c, sl);
  s.abandonment_rate = abandonment_rate(c);
  s.average_speed_of_answer = average_speed_of_answer(c);
  s.average_handle_time = average_handle_time(c);
  s.transfer_rate = transfer_rate(c);
  s.escalation_rate = escalation_rate(c);
  s.first_contact_resolution = first_contact_resolution(c);
  s.csat_share = csat_share(c);
  s.csat_mean = csat_mean(c);
  s.net_promoter_score = net_promoter_score(c);
  s.occupancy = occupancy(c);
  s.wait = quantiles_of(v.dist[distribution::wait]);
  s.handle = quantiles_of(v.dist[distribution::handle]);
  s.first_response = quantiles_of(v.dist[distribution::first_response]);
  s.next_reply = quantiles_of(v.dist[distribution::next_reply]);
  s.resolution = quantiles_of(v.dist[distribution::resolution]);
  return s;
}

}  // namespace ccpulse::metrics
