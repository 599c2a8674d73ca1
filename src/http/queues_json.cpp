#include "http/queues_json.h"

#include <boost/json.hpp>

#include <algorithm>

namespace ccpulse::http {

namespace {

namespace json = boost::json;

bool may_apply(const sla::policy& p, const config::queue_settings& q) {
  const auto& m = p.match;
  const bool channel_ok =
      m.channels.empty() || std::find(m.channels.begin(), m.channels.end(), q.chan) != m.channels.end();
  const bool queue_ok =
      m.queues.empty() || std::find(m.queues.begin(), m.queues.end(), q.name) != m.queues.end();
  return channel_ok && queue_ok;
}

json::object target_json(const sla::target& t) {
  json::object by_priority;
  for (const auto& [prio, d] : t.by_priority) by_priority[std::to_string(prio)] = to_seconds(d);
  json::object at_risk;
  if (t.at_risk.how == sla::at_risk_threshold::mode::fraction)
    at_risk["fraction"] = t.at_risk.fraction;
  else
    at_risk["lead_seconds"] = to_seconds(t.at_risk.lead);
  return {{"type", sla::to_string(t.type)},
          {"seconds", to_seconds(t.default_duration)},
          {"by_priority", std::move(by_priority)},
          {"at_risk", std::move(at_risk)},
          {"calendar", t.calendar.empty() ? json::value(nullptr) : json::value(t.calendar)}};
}

json::object policy_json(const sla::policy& p) {
  json::array targets, priorities, tiers, attributes;
  for (const auto& t : p.targets) targets.push_back(target_json(t));
  for (auto prio : p.match.priorities) priorities.push_back(prio);
  for (const auto& t : p.match.tiers) tiers.push_back(json::value(t));
  for (const auto& a : p.match.attributes) attributes.push_back(json::value(a.key));
  return {{"name", p.name},
          {"when", json::object{{"priorities", std::move(priorities)},
                                {"tiers", std::move(tiers)},
                                {"attributes", std::move(attributes)}}},
          {"targets", std::move(targets)}};
}

json::object rule_json(const sla::queue_rule& r) {
  return {{"name", r.name},
          {"metric", sla::to_string(r.metric)},
          {"window", r.window.empty() ? json::value(nullptr) : json::value(r.window)},
          {"comparison", sla::to_string(r.cmp)},
          {"threshold", r.threshold},
          {"for_seconds", to_seconds(r.hold_for)},
          {"severity", sla::to_string(r.level)}};
}

}  // namespace

std::string render_queues_json(const config::config& cfg) {
  json::array queues;
  for (const auto& q : cfg.queues) {
    json::array policies, rules;
    for (const auto& p : cfg.policies.policies())
      if (may_apply(p, q)) policies.push_back(policy_json(p));
    for (const auto& r : cfg.queue_alerts)
      if (r.queues.empty() || std::find(r.queues.begin(), r.queues.end(), q.name) != r.queues.end())
        rules.push_back(rule_json(r));
    queues.push_back(json::object{{"name", q.name},
                                  {"channel", to_string(q.chan)},
                                  {"sl_threshold_seconds", to_seconds(q.sl_threshold)},
                                  {"sl_target", q.sl_target},
                                  {"sl_formula", metrics::to_string(q.sl_formula)},
                                  {"policies", std::move(policies)},
                                  {"queue_alerts", std::move(rules)}});
  }
  return json::serialize(json::object{{"version", 1},
                                      {"instance_id", cfg.instance_id},
                                      {"site_timezone", cfg.site_timezone},
                                      {"queues", std::move(queues)}});
}

}  // namespace ccpulse::http
