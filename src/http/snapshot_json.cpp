#include "http/snapshot_json.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>

#include "http/json_values.h"
#include "metrics/kpi_view.h"
#include "view/counter_names.h"

namespace ccpulse::http {

namespace {

namespace json = boost::json;

json::value time_of(instant t) { return json_time(t); }
json::value opt(const std::optional<double>& v) { return json_or_null(v); }
json::value seconds(const std::optional<duration>& d) { return json_seconds(d); }

json::object quantiles_of(const metrics::quantiles& q, const metrics::sparse_histogram& h) {
  return {{"count", h.count()},
          {"p50", seconds(q.p50)},
          {"p90", seconds(q.p90)},
          {"p99", seconds(q.p99)},
          {"mean", opt(h.mean_seconds())}};
}

json::object reasons(const view::reason_counts& r) {
  json::object o;
  for (const auto& c : r) o[c.reason] = c.count;
  return o;
}

json::object window_json(const view::merged_window& w, const metrics::sl_options& sl) {
  json::object parts;
  view::for_each_counter(w.parts.counts,
                         [&](const view::counter_name& n, auto value) { parts[n.key] = value; });
  parts["transfers_by_reason"] = reasons(w.parts.transfers_by_reason);
  parts["escalations_by_reason"] = reasons(w.parts.escalations_by_reason);

  const auto view = w.parts.as_kpi_view();
  const auto s = metrics::summarize(view, sl);
  const auto sl_parts = metrics::service_level_parts(w.parts.counts, sl);
  using metrics::distribution;
  json::object kpis{
      {"offered", s.offered},
      {"answered", s.answered},
      {"abandoned", s.abandoned},
      {"handled", s.handled},
      {"service_level", opt(s.service_level)},
      {"service_level_met", sl_parts.met},
      {"service_level_offered", sl_parts.offered},
      {"abandonment_rate", opt(s.abandonment_rate)},
      {"average_speed_of_answer_seconds", opt(s.average_speed_of_answer)},
      {"average_handle_time_seconds", opt(s.average_handle_time)},
      {"first_contact_resolution", opt(s.first_contact_resolution)},
      {"transfer_rate", opt(s.transfer_rate)},
      {"escalation_rate", opt(s.escalation_rate)},
      {"csat_share", opt(s.csat_share)},
      {"csat_mean", opt(s.csat_mean)},
      {"net_promoter_score", opt(s.net_promoter_score)},
      {"occupancy", opt(s.occupancy)},
      {"wait_seconds", quantiles_of(s.wait, w.parts[distribution::wait])},
      {"handle_seconds", quantiles_of(s.handle, w.parts[distribution::handle])},
      {"first_response_seconds", quantiles_of(s.first_response, w.parts[distribution::first_response])},
      {"next_reply_seconds", quantiles_of(s.next_reply, w.parts[distribution::next_reply])},
      {"resolution_seconds", quantiles_of(s.resolution, w.parts[distribution::resolution])},
  };
  json::object o{{"kind", view::to_string(w.kind)}, {"from", time_of(w.from)},   {"to", time_of(w.to)},
                 {"partitions", w.partitions},      {"parts", std::move(parts)}, {"kpis", std::move(kpis)}};
  if (w.kind == view::window_kind::sliding) o["length_seconds"] = to_seconds(w.length);
  return o;
}

json::object scope_json(const view::merged_scope& s, const metrics::sl_options& sl, instant as_of) {
  json::object windows;
  for (const auto& w : s.windows) windows[w.name] = window_json(w, sl);
  json::object o{{"windows", std::move(windows)}, {"live", live_json(s.live, as_of)}};
  if (s.scope.kind == metrics::scope_kind::queue) o["sl_formula"] = metrics::to_string(sl.formula);
  return o;
}

json::array partitions(const std::vector<std::int32_t>& v) {
  json::array a;
  for (auto p : v) a.push_back(p);
  return a;
}

}  // namespace

json::value live_json(const view::merged_live& l, instant as_of) {
  if (l.partitions == 0) return nullptr;
  const auto& g = l.gauges;
  const bool any = g.oldest_waiting_since != instant_max;
  json::object agents{{"available", g.agents_in(agent_state::available)},
                      {"on_contact", g.agents_in(agent_state::on_contact)},
                      {"after_contact_work", g.agents_in(agent_state::after_contact_work)},
                      {"away", g.agents_in(agent_state::away)},
                      {"unspecified", g.agents_in(agent_state::unspecified)}};
  return json::object{
      {"partitions", l.partitions},
      {"waiting", g.waiting},
      {"oldest_waiting_since", any ? time_of(g.oldest_waiting_since) : json::value(nullptr)},
      {"oldest_wait_seconds", any ? std::max(0.0, to_seconds(as_of - g.oldest_waiting_since)) : 0.0},
      {"agents", std::move(agents)},
      {"backlog", g.backlog},
      {"backlog_overdue", g.backlog_overdue},
      {"clocks_at_risk", g.clocks_at_risk},
      {"clocks_breached", g.clocks_breached},
  };
}

json::value firing_json(const std::vector<view::firing_queue_alert>& firing) {
  json::array a;
  for (const auto& f : firing)
    a.push_back(json::object{{"rule", f.rule},
                             {"queue", f.queue},
                             {"severity", f.severity},
                             {"metric", f.metric},
                             {"window", f.window.empty() ? json::value(nullptr) : json::value(f.window)},
                             {"comparison", f.comparison},
                             {"threshold", f.threshold},
                             {"since", time_of(f.since)}});
  return a;
}

json::value forecast_json(const std::optional<view::queue_forecast>& f) {
  if (!f) return nullptr;
  // JSON has no infinity: a queue that never drains has null seconds and
  // "drains": false; an unknown drain time has both null.
  const bool finite = f->drain_seconds && std::isfinite(*f->drain_seconds);
  return json::object{
      {"service_level", opt(f->service_level)},
      {"drain_seconds", finite ? json::value(*f->drain_seconds) : json::value(nullptr)},
      {"drains", f->drain_seconds ? json::value(finite) : json::value(nullptr)},
      {"arrival_per_second", f->arrival_per_second},
      {"aht_seconds", opt(f->aht_seconds)},
      {"agents", f->agents},
      {"waiting", f->waiting},
      {"sl_threshold_seconds", to_seconds(f->sl_threshold)},
      {"arrival_window", f->arrival_window},
      {"aht_window", f->aht_window.empty() ? json::value(nullptr) : json::value(f->aht_window)},
  };
}

std::string render_snapshot_json(const view::merged_view& v, const sl_lookup& sl,
                                 const snapshot_json_context& c) {
  const metrics::sl_options defaults;
  json::object queues, channels, overall;
  json::array window_names;
  for (const auto& s : v.scopes) {
    switch (s.scope.kind) {
      case metrics::scope_kind::overall:
        overall = scope_json(s, defaults, v.built_at);
        break;
      case metrics::scope_kind::queue: {
        auto q = scope_json(s, sl ? sl(s.scope.name) : defaults, v.built_at);
        q["forecast"] = c.sl_threshold ? forecast_json(view::forecast_queue(s, c.sl_threshold(s.scope.name)))
                                       : json::value(nullptr);
        queues[s.scope.name] = std::move(q);
        break;
      }
      case metrics::scope_kind::channel:
        channels[s.scope.name] = scope_json(s, defaults, v.built_at);
        break;
    }
  }
  if (!v.scopes.empty())
    for (const auto& w : v.scopes.front().windows) window_names.push_back(json::value(w.name));
  const auto& f = v.fresh;
  json::object fresh{
      {"caught_up", c.caught_up},
      {"max_age_seconds", to_seconds(c.max_age)},
      {"oldest_produced_at", f.oldest_produced_at ? time_of(*f.oldest_produced_at) : json::value(nullptr)},
      {"oldest_age_seconds",
       f.oldest_produced_at ? json::value(to_seconds(c.now - *f.oldest_produced_at)) : json::value(nullptr)},
      {"newest_produced_at", f.newest_produced_at ? time_of(*f.newest_produced_at) : json::value(nullptr)},
      {"partitions_expected", f.expected_partitions},
      {"partitions_live", partitions(f.live)},
      {"partitions_behind", partitions(f.behind)},
      {"partitions_restoring", partitions(f.restoring)},
      {"partitions_missing", partitions(f.missing)},
      {"snapshots", f.snapshots},
  };
  json::object root{{"version", 1},
                    {"generated_at", time_of(c.now)},
                    {"built_at", v.built_at == instant{} ? json::value(nullptr) : time_of(v.built_at)},
                    {"instance_id", c.instance_id},
                    {"freshness", std::move(fresh)},
                    {"windows", std::move(window_names)},
                    {"overall", std::move(overall)},
                    {"queues", std::move(queues)},
                    {"channels", std::move(channels)},
                    {"firing_queue_alerts", firing_json(v.firing)}};
  return json::serialize(root);
}

}  // namespace ccpulse::http
