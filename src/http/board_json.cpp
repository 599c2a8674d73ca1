#include "http/board_json.h"

#include <boost/json.hpp>

#include <algorithm>

#include "http/json_values.h"
#include "http/snapshot_json.h"
#include "metrics/kpi_view.h"

namespace ccpulse::http {

namespace {

namespace json = boost::json;

json::object live_of(const view::merged_live& l, instant as_of) {
  const auto& g = l.gauges;
  const bool any = g.oldest_waiting_since != instant_max;
  return {
      {"waiting", g.waiting},
      {"oldest_waiting_since", any ? json_time(g.oldest_waiting_since) : json::value(nullptr)},
      {"oldest_wait_seconds",
       any ? json::value(std::max(0.0, to_seconds(as_of - g.oldest_waiting_since))) : json::value(nullptr)},
      {"agents", json::object{{"available", g.agents_in(agent_state::available)},
                              {"on_contact", g.agents_in(agent_state::on_contact)},
                              {"after_contact_work", g.agents_in(agent_state::after_contact_work)},
                              {"away", g.agents_in(agent_state::away)}}},
      {"at_risk", g.clocks_at_risk},
      {"breached", g.clocks_breached},
      {"backlog", g.backlog},
      {"backlog_overdue", g.backlog_overdue},
  };
}

json::object window_of(const view::merged_window& w, const metrics::sl_options& sl) {
  const auto s = metrics::summarize(w.parts.as_kpi_view(), sl);
  return {
      {"offered", s.offered},
      {"answered", s.answered},
      {"abandoned", s.abandoned},
      {"service_level", json_or_null(s.service_level)},
      {"average_speed_of_answer_seconds", json_or_null(s.average_speed_of_answer)},
      {"abandonment_rate", json_or_null(s.abandonment_rate)},
      {"csat_share", json_or_null(s.csat_share)},
      {"net_promoter_score", json_or_null(s.net_promoter_score)},
  };
}

json::object history_of(const view::board_history& h, std::string_view queue) {
  const auto q = h.of(queue);
  json::array sl, waiting;
  for (const auto& v : q.service_level) sl.push_back(json_or_null(v));
  for (const auto& v : q.waiting) waiting.push_back(v ? json::value(*v) : json::value(nullptr));
  return {{"step_seconds", to_seconds(h.step())},
          {"end", h.size() == 0 ? json::value(nullptr) : json_time(h.end())},
          {"service_level", std::move(sl)},
          {"waiting", std::move(waiting)}};
}

json::array partitions(const std::vector<std::int32_t>& v) {
  json::array a;
  for (auto p : v) a.push_back(p);
  return a;
}

}  // namespace

std::vector<std::string> board_windows(const view::merged_view& v) {
  std::vector<std::string> out;
  if (v.scopes.empty()) return out;
  for (const auto& w : v.scopes.front().windows)
    if (w.name != "previous_interval") out.push_back(w.name);
  return out;
}

std::string render_board_json(const view::merged_view& v, const view::board_history& history,
                              const board_context& c) {
  const auto names = board_windows(v);
  json::array queues;
  for (const auto& q : c.queues) {
    const auto* scope = v.find({metrics::scope_kind::queue, q.name});
    json::object windows;
    if (scope)
      for (const auto& w : scope->windows)
        if (std::find(names.begin(), names.end(), w.name) != names.end())
          windows[w.name] = window_of(w, q.sl);
    queues.push_back(json::object{
        {"name", q.name},
        {"channel", to_string(q.chan)},
        {"sl_threshold_seconds", to_seconds(q.sl_threshold)},
        {"sl_target", q.sl_target},
        {"live", scope && scope->live.partitions > 0 ? json::value(live_of(scope->live, v.built_at))
                                                     : json::value(nullptr)},
        {"windows", std::move(windows)},
        {"history", history_of(history, q.name)},
    });
  }
  json::array next;
  for (std::size_t i = 0; i < v.nearest.size() && i < c.next_to_breach; ++i) {
    const auto& n = v.nearest[i];
    next.push_back(json::object{{"interaction_id", n.interaction_id},
                                {"queue", n.queue},
                                {"policy", n.policy},
                                {"target", n.target},
                                {"deadline", json_time(n.deadline)},
                                {"remaining_seconds", to_seconds(n.deadline - v.built_at)},
                                {"at_risk", n.at_risk}});
  }
  const auto& f = v.fresh;
  json::array window_names;
  for (const auto& n : names) window_names.push_back(json::value(n));
  json::object root{
      {"version", 1},
      {"generated_at", json_time(v.built_at)},
      {"instance_id", c.instance_id},
      {"time_zone", c.time_zone},
      {"freshness",
       json::object{{"caught_up", c.caught_up},
                    {"oldest_age_seconds", f.oldest_produced_at
                                               ? json::value(to_seconds(v.built_at - *f.oldest_produced_at))
                                               : json::value(nullptr)},
                    {"partitions_expected", f.expected_partitions},
                    {"partitions_live", f.live.size()},
                    {"partitions_behind", partitions(f.behind)},
                    {"partitions_restoring", partitions(f.restoring)},
                    {"partitions_missing", partitions(f.missing)}}},
      {"windows", std::move(window_names)},
      {"queues", std::move(queues)},
      {"alerts", firing_json(v.firing)},
      {"next_to_breach", std::move(next)},
  };
  return json::serialize(root);
}

}  // namespace ccpulse::http
