#include "http/at_risk_json.h"
#include "http/json_values.h"

#include <algorithm>
#include <charconv>

#include <boost/json.hpp>

#include <date/date.h>

namespace ccpulse::http {

namespace {
namespace json = boost::json;
json::value time_of(instant t) { return json_time(t); }
}  // namespace

bool parse_at_risk_query(std::string_view query, at_risk_query& out) {
  out = {};
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.substr(0, 6) == "scope=") {
      const auto v = part.substr(6);
      if (v == "cluster")
        out.scope = at_risk_scope::cluster;
      else if (v == "instance")
        out.scope = at_risk_scope::instance;
      else
        return false;
      continue;
    }
    if (part.substr(0, 6) != "limit=") continue;  // other parameters are ignored
    const auto digits = part.substr(6);
    std::size_t v = 0;
    const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc{} || p != digits.data() + digits.size() || v == 0) return false;
    out.limit = std::min(v, at_risk_max_limit);
  }
  return true;
}

namespace {

std::string render(std::vector<const view::near_deadline*>& all, std::string_view scope,
                   std::string_view instance_id, instant now, std::size_t limit, json::object extra) {
  std::sort(all.begin(), all.end(), [](const auto* a, const auto* b) { return view::nearer(*a, *b); });
  if (all.size() > limit) all.resize(limit);
  json::array items;
  for (const auto* n : all) {
    items.push_back(json::object{{"interaction_id", n->interaction_id},
                                 {"queue", n->queue},
                                 {"policy", n->policy},
                                 {"target", n->target},
                                 {"cycle", n->cycle},
                                 {"state", n->at_risk ? "at_risk" : "ok"},
                                 {"started_at", time_of(n->started_at)},
                                 {"deadline", time_of(n->deadline)},
                                 {"remaining_seconds", to_seconds(n->deadline - now)}});
  }
  json::object o{{"scope", scope}, {"instance", instance_id}, {"as_of", time_of(now)}, {"limit", limit}};
  for (auto& [k, v] : extra) o[k] = std::move(v);
  o["clocks"] = std::move(items);
  return json::serialize(o);
}

}  // namespace

std::string render_at_risk_json(const std::vector<worker_status_ptr>& workers, std::string_view instance_id,
                                instant now, std::size_t limit) {
  std::vector<const view::near_deadline*> all;
  for (const auto& w : workers)
    if (w)
      for (const auto& n : w->nearest) all.push_back(&n);
  return render(all, "instance", instance_id, now, limit, {});
}

std::string render_cluster_at_risk_json(const view::merged_view& v, std::string_view instance_id, instant now,
                                        std::size_t limit) {
  std::vector<const view::near_deadline*> all;
  for (const auto& n : v.nearest) all.push_back(&n);
  // Each partition offers its nearest view::snapshot_nearest_limit: a list
  // longer than that per partition is not the cluster's nearest.
  json::object extra{{"partitions_reporting", v.fresh.live.size() + v.fresh.behind.size()},
                     {"partitions_missing", v.fresh.missing.size()},
                     {"per_partition_limit", view::snapshot_nearest_limit}};
  return render(all, "cluster", instance_id, now, limit, std::move(extra));
}

}  // namespace ccpulse::http
