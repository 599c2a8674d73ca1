// ccpulse_oracle_driver: runs one engine partition over an event log and
// prints its windowed KPIs at checkpoints, for tests/oracle (README.md there).
//
// Usage:
//   ccpulse_oracle_driver --config FILE [--input FILE] [--every N] [--at N[,N...]]
//                         [--drain-every N] [--rejects FILE]
//                         [--alerts FILE] [--end-at US]
//
// The engine is built from a real YAML config (config::load_config_file +
// app::engine_settings_from), so the windows, the site zone, the queues'
// thresholds and the SLA policies are the ones a worker would use.
//
// INPUT: JSON Lines, one event per line (blank lines are skipped):
//   {"event_id": "e1", "occurred_at": 1774735200000000, "interaction_id": "i1",
//    "channel": "voice", "queue_id": "billing", "priority": 0,
//    "customer_id": "c9", "tier": "gold", "agent_id": "a3", "kind": "answered",
//    "reason": "", "to_queue_id": "", "status": "pending", "agent": "available",
//    "csat": 4, "nps": 9, "sentiment": 0.5}
//   event_id, occurred_at (unix microseconds, integer) and kind are required;
//   every other field is optional (empty / 0 / not asked). kind is the
//   engine's name of the payload (model/event.cpp: queued, answered,
//   agent_state_changed, ...); channel a channel name (model/channel.h);
//   status one of new, open, pending, on_hold, solved, closed; agent one of
//   logged_out, available, on_contact, after_contact_work, away; csat 0..5
//   (0 = not asked), nps -1..10 (-1 = not asked), sentiment in [-1, 1]; ids
//   at most 64 bytes. These are the event decoder's rules (codec/event_decoder.cpp).
//
// PROCESSING, as a worker that is behind (app/worker.cpp): before each event
// the partition advances to its watermark (live = false), then the event
// applies. At a checkpoint the partition advances to its watermark once more
// (the worker's periodic advance) and its windows are printed. Every
// --drain-every events (default 1,000; 0 = never) the partition's changes are
// drained into a sink that drops them, as the worker drains them at each
// commit: draining must not change what the windows read.
//
// CHECKPOINTS: after every N-th event (--every), after the listed event
// counts (--at), and always after the last event. Counts are of events
// applied (lines with an event), not of lines.
//
// OUTPUT (stdout): one JSON object per checkpoint, one per line:
//   {"events": 20000, "line": 20003, "max_event_time": us, "watermark": us,
//    "head": us|null, "probe": {...partition_probe, window_late/rejected included...},
//    "windows_probe": {"late": n, "rejected": n},
//    "scopes": [{"kind": "queue"|"channel"|"overall", "name": "billing",
//                "views": {"sliding_900s": VIEW, "sliding_3600s": VIEW,
//                          "current_interval": VIEW, "previous_interval": VIEW,
//                          "today": VIEW}}, ...]}
//   VIEW: {"from": us, "to": us, "counts": {field: integer (durations in us)},
//          "histograms": {"wait"|"handle"|"first_response"|"next_reply"|"resolution":
//                         {"count", "sum", "min", "max", "p50", "p90", "p99"} (us; null when empty)},
//          "transfers_by_reason": {reason: n}, "escalations_by_reason": {reason: n},
//          "summary": {...metrics::summarize with the scope's sl_options...}}
//
// --rejects FILE lists the events the engine rejected (it would dead-letter
// them), one per line: LINE<TAB>event_id<TAB>reason.
//
// --alerts FILE writes every SLA alert the partition raised, in the order it
// raised them, one JSON object per line (tests/oracle/sla_oracle.py reads it):
//   {"n": events applied before it, "interaction_id", "policy", "target",
//    "cycle", "kind" (at_risk, breached, recovered, cancelled, retracted:
//    sla::to_string), "queue", "priority", "started_at", "deadline",
//    "event_time" (unix us), "elapsed", "remaining" (us), "late", "alert_id"}
// --end-at US: after the last event, advance the partition (behind) to
// max(watermark, US) and write what that raised too; clocks still open then
// raise nothing more.
//
// ERRORS: a line that is not a valid event stops the run with
// "LINE: problem" on stderr and exit status 2; a bad command line or config
// exits with 1. Nothing here throws past main.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "app/engine_settings_from.h"
#include "config/load_config.h"
#include "engine/engine.h"
#include "metrics/kpi_fields.h"
#include "metrics/kpi_view.h"
#include "model/event.h"
#include "sla/alert.h"

namespace {

using namespace ccpulse;
namespace json = boost::json;

struct input_error {
  std::string problem;
};

// ---- parsing ---------------------------------------------------------------------

std::optional<event_kind> parse_kind(std::string_view s) {
  for (int i = 0; i <= static_cast<int>(event_kind::agent_state_changed); ++i) {
    const auto k = static_cast<event_kind>(i);
    if (to_string(k) == s) return k;
  }
  return std::nullopt;
}

std::optional<ticket_status> parse_status(std::string_view s) {
  if (s.empty()) return ticket_status::unspecified;
  if (s == "new") return ticket_status::new_;
  if (s == "open") return ticket_status::open;
  if (s == "pending") return ticket_status::pending;
  if (s == "on_hold") return ticket_status::on_hold;
  if (s == "solved") return ticket_status::solved;
  if (s == "closed") return ticket_status::closed;
  return std::nullopt;
}

std::optional<agent_state> parse_agent_state(std::string_view s) {
  if (s.empty()) return agent_state::unspecified;
  if (s == "logged_out") return agent_state::logged_out;
  if (s == "available") return agent_state::available;
  if (s == "on_contact") return agent_state::on_contact;
  if (s == "after_contact_work") return agent_state::after_contact_work;
  if (s == "away") return agent_state::away;
  return std::nullopt;
}

// A string field; empty when absent. Views point into obj, which outlives apply().
std::string_view string_field(const json::object& obj, std::string_view name, bool required = false) {
  const json::value* v = obj.if_contains(name);
  if (!v || v->is_null()) {
    if (required) throw input_error{"missing field " + std::string(name)};
    return {};
  }
  if (!v->is_string()) throw input_error{"field " + std::string(name) + " is not a string"};
  const auto& s = v->get_string();
  return {s.data(), s.size()};
}

std::string_view id_field(const json::object& obj, std::string_view name, bool required = false) {
  const auto s = string_field(obj, name, required);
  if (s.size() > max_id_length)
    throw input_error{"field " + std::string(name) + " is longer than " + std::to_string(max_id_length) +
                      " bytes"};
  return s;
}

std::optional<std::int64_t> int_field(const json::object& obj, std::string_view name) {
  const json::value* v = obj.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v->get_uint64());
  throw input_error{"field " + std::string(name) + " is not an integer"};
}

event parse_event(const json::value& doc) {
  if (!doc.is_object()) throw input_error{"not a JSON object"};
  const auto& obj = doc.get_object();
  event e;
  e.event_id = id_field(obj, "event_id", true);
  if (e.event_id.empty()) throw input_error{"empty event_id"};
  const auto at = int_field(obj, "occurred_at");
  if (!at) throw input_error{"missing field occurred_at"};
  e.occurred_at = from_unix_micros(*at);
  const auto kind = string_field(obj, "kind", true);
  const auto k = parse_kind(kind);
  if (!k) throw input_error{"unknown kind '" + std::string(kind) + "'"};
  e.kind = *k;
  e.interaction_id = id_field(obj, "interaction_id");
  if (e.interaction_id.empty() && e.kind != event_kind::agent_state_changed)
    throw input_error{"missing interaction_id"};
  const auto chan = string_field(obj, "channel");
  if (!chan.empty() && chan != "unspecified") {
    const auto c = parse_channel(chan);
    if (!c) throw input_error{"unknown channel '" + std::string(chan) + "'"};
    e.chan = *c;
  }
  e.queue_id = id_field(obj, "queue_id");
  if (const auto p = int_field(obj, "priority")) {
    if (*p < 0 || *p > UINT32_MAX) throw input_error{"priority out of range"};
    e.priority = static_cast<std::uint32_t>(*p);
  }
  e.customer_id = id_field(obj, "customer_id");
  e.customer_tier = id_field(obj, "tier");
  e.agent_id = id_field(obj, "agent_id");
  e.to_queue_id = id_field(obj, "to_queue_id");
  e.reason = id_field(obj, "reason");
  const auto status = string_field(obj, "status");
  const auto st = parse_status(status);
  if (!st) throw input_error{"unknown status '" + std::string(status) + "'"};
  e.status = *st;
  const auto agent = string_field(obj, "agent");
  const auto as = parse_agent_state(agent);
  if (!as) throw input_error{"unknown agent state '" + std::string(agent) + "'"};
  e.agent = *as;
  if (const json::value* v = obj.if_contains("sentiment"); v && !v->is_null()) {
    if (!v->is_number()) throw input_error{"sentiment is not a number"};
    const double s = v->to_number<double>();
    if (!(s >= -1 && s <= 1)) throw input_error{"sentiment outside [-1, 1]"};
    e.sentiment = s;
  }
  const auto csat = int_field(obj, "csat");
  const auto nps = int_field(obj, "nps");
  if (csat && (*csat < 0 || *csat > 5)) throw input_error{"csat outside 0..5"};
  if (nps && (*nps < -1 || *nps > 10)) throw input_error{"nps outside -1..10"};
  e.csat = static_cast<std::uint8_t>(csat.value_or(0));
  e.nps = static_cast<std::int8_t>(nps.value_or(-1));
  if (e.kind == event_kind::survey_response && e.csat == 0 && e.nps < 0)
    throw input_error{"survey_response carries neither csat nor nps"};
  return e;
}

// ---- printing --------------------------------------------------------------------

json::value opt(std::optional<double> v) { return v ? json::value(*v) : json::value(nullptr); }
json::value opt(std::optional<duration> v) { return v ? json::value(v->count()) : json::value(nullptr); }

json::object counters_json(const metrics::kpi_counters& c) {
  // The names are kpi_counters' own; visit_fields gives the values in
  // declaration order, checked against this list's length.
  static constexpr std::string_view names[] = {"offered",
                                               "answered",
                                               "answered_within_T",
                                               "abandoned",
                                               "short_abandoned",
                                               "abandoned_within_T",
                                               "abandoned_after_T",
                                               "flowed_out",
                                               "flowed_out_within_T",
                                               "waited_beyond_T",
                                               "answered_wait_sum",
                                               "handled",
                                               "talk_sum",
                                               "hold_sum",
                                               "after_contact_work_sum",
                                               "escalations",
                                               "transfers",
                                               "resolved",
                                               "resolved_first_contact",
                                               "csat_responses",
                                               "csat_satisfied",
                                               "csat_score_sum",
                                               "nps_responses",
                                               "nps_promoters",
                                               "nps_detractors",
                                               "agent_on_contact",
                                               "agent_available"};
  static_assert(std::size(names) == metrics::kpi_counter_fields);
  json::object o;
  std::size_t i = 0;
  metrics::visit_fields(c, [&](const auto& f) {
    if constexpr (std::is_same_v<std::decay_t<decltype(f)>, duration>)
      o[names[i]] = f.count();
    else
      o[names[i]] = f;
    ++i;
  });
  return o;
}

json::object histogram_json(const metrics::sparse_histogram& h) {
  json::object o;
  o["count"] = h.count();
  o["sum"] = h.sum().count();
  o["min"] = opt(h.min());
  o["max"] = opt(h.max());
  o["p50"] = opt(h.quantile(0.5));
  o["p90"] = opt(h.quantile(0.9));
  o["p99"] = opt(h.quantile(0.99));
  return o;
}

json::object reasons_json(const metrics::sparse_counts& c, const engine::engine_context& ctx) {
  json::object o;
  for (const auto& e : c.entries()) {
    const auto name = ctx.reasons.name(e.index);
    o[json::string_view(name.data(), name.size())] = e.count();
  }
  return o;
}

json::object quantiles_json(const metrics::quantiles& q) {
  return {{"p50", opt(q.p50)}, {"p90", opt(q.p90)}, {"p99", opt(q.p99)}};
}

json::object summary_json(const metrics::kpi_summary& s) {
  json::object o;
  o["offered"] = s.offered;
  o["answered"] = s.answered;
  o["abandoned"] = s.abandoned;
  o["handled"] = s.handled;
  o["service_level"] = opt(s.service_level);
  o["abandonment_rate"] = opt(s.abandonment_rate);
  o["average_speed_of_answer"] = opt(s.average_speed_of_answer);
  o["average_handle_time"] = opt(s.average_handle_time);
  o["transfer_rate"] = opt(s.transfer_rate);
  o["escalation_rate"] = opt(s.escalation_rate);
  o["first_contact_resolution"] = opt(s.first_contact_resolution);
  o["csat_share"] = opt(s.csat_share);
  o["csat_mean"] = opt(s.csat_mean);
  o["net_promoter_score"] = opt(s.net_promoter_score);
  o["occupancy"] = opt(s.occupancy);
  o["wait"] = quantiles_json(s.wait);
  o["handle"] = quantiles_json(s.handle);
  o["first_response"] = quantiles_json(s.first_response);
  o["next_reply"] = quantiles_json(s.next_reply);
  o["resolution"] = quantiles_json(s.resolution);
  return o;
}

json::object view_json(const metrics::kpi_view& v, const metrics::sl_options& sl,
                       const engine::engine_context& ctx) {
  static constexpr std::string_view dist_names[] = {"wait", "handle", "first_response", "next_reply",
                                                    "resolution"};
  static_assert(std::size(dist_names) == metrics::distribution_count);
  json::object o;
  o["from"] = to_unix_micros(v.from);
  o["to"] = to_unix_micros(v.to);
  o["counts"] = counters_json(v.counts);
  json::object h;
  for (std::size_t i = 0; i < metrics::distribution_count; ++i)
    h[dist_names[i]] = histogram_json(v.dist.histograms[i]);
  o["histograms"] = std::move(h);
  o["transfers_by_reason"] = reasons_json(v.dist.transfers_by_reason, ctx);
  o["escalations_by_reason"] = reasons_json(v.dist.escalations_by_reason, ctx);
  o["summary"] = summary_json(metrics::summarize(v, sl));
  return o;
}

json::object probe_json(const engine::partition_probe& p) {
  return {{"applied", p.applied},
          {"duplicates", p.duplicates},
          {"late", p.late},
          {"rejected", p.rejected},
          {"out_of_order", p.out_of_order},
          {"future_outliers", p.future_outliers},
          {"expired_interactions", p.expired_interactions},
          {"expired_waits", p.expired_waits},
          {"refused_interactions", p.refused_interactions},
          {"agents_refused", p.agents_refused},
          {"agent_out_of_order", p.agent_out_of_order},
          {"window_late", p.window_late},
          {"window_rejected", p.window_rejected}};
}

json::value instant_json(instant t) {
  if (t == instant_min) return nullptr;
  return to_unix_micros(t);
}

void print_checkpoint(std::ostream& out, const engine::partition& part, const engine::engine_context& ctx,
                      std::uint64_t events, std::uint64_t line) {
  const auto& w = part.windows();
  json::object o;
  o["events"] = events;
  o["line"] = line;
  o["max_event_time"] = instant_json(part.max_event_time());
  o["watermark"] = instant_json(part.watermark());
  const auto head = w.head();
  o["head"] = head ? json::value(to_unix_micros(*head)) : json::value(nullptr);
  o["probe"] = probe_json(part.probe());
  o["windows_probe"] = {{"late", w.probe().late}, {"rejected", w.probe().rejected}};
  json::array scopes;
  for (const auto& s : w.scopes()) {
    json::object so;
    metrics::sl_options sl;  // channel and overall scopes: the defaults
    switch (s.kind) {
      case metrics::scope_kind::overall:
        so["kind"] = "overall";
        so["name"] = "";
        break;
      case metrics::scope_kind::channel: {
        so["kind"] = "channel";
        const auto n = to_string(static_cast<channel>(s.index));
        so["name"] = json::string_view(n.data(), n.size());
        break;
      }
      case metrics::scope_kind::queue: {
        so["kind"] = "queue";
        const auto n = ctx.queues.name(s.index);
        so["name"] = json::string_view(n.data(), n.size());
        sl = ctx.sl_options(s.index);
        break;
      }
    }
    json::object views;
    for (const auto len : ctx.settings.windows.sliding) {
      const auto v = w.read_sliding(s, len);
      if (!v) continue;  // not a readable length: the engine's settings say what is
      const auto secs = std::chrono::duration_cast<std::chrono::seconds>(len).count();
      views["sliding_" + std::to_string(secs) + "s"] = view_json(*v, sl, ctx);
    }
    views["current_interval"] =
        view_json(w.read_calendar(s, metrics::calendar_part::current_interval), sl, ctx);
    views["previous_interval"] =
        view_json(w.read_calendar(s, metrics::calendar_part::previous_interval), sl, ctx);
    views["today"] = view_json(w.read_calendar(s, metrics::calendar_part::today), sl, ctx);
    so["views"] = std::move(views);
    scopes.push_back(std::move(so));
  }
  o["scopes"] = std::move(scopes);
  out << json::serialize(o) << '\n';
}

// ---- command line ----------------------------------------------------------------

// The worker writes drained changes to the state topic; here they go nowhere.
struct discard_sink final : engine::state_sink {
  void put(const engine::interaction_state&) override {}
  void put(const engine::queue_state&) override {}
  void put(const engine::partition_meta_state&) override {}
  void put(const engine::dedup_chunk&) override {}
  void erase(const engine::state_key&) override {}
};

struct options {
  std::string config;
  std::string input;  // empty: stdin
  std::uint64_t every = 0;
  std::uint64_t drain_every = 1000;
  std::string rejects;  // empty: not written
  std::set<std::uint64_t> at;
  std::string alerts;  // empty: not written
  std::optional<std::int64_t> end_at;
};

void write_alerts(std::ostream& os, const engine::outputs& out, std::uint64_t events) {
  for (const auto& a : out.alerts) {
    const auto kind = sla::to_string(a.kind);
    const auto target = sla::to_string(a.target);
    json::object o;
    o["n"] = events;
    o["interaction_id"] = a.interaction_id;
    o["policy"] = json::string_view(a.policy.data(), a.policy.size());
    o["target"] = json::string_view(target.data(), target.size());
    o["cycle"] = a.cycle;
    o["kind"] = json::string_view(kind.data(), kind.size());
    o["queue"] = json::string_view(a.queue.data(), a.queue.size());
    o["priority"] = a.priority;
    o["started_at"] = to_unix_micros(a.started_at);
    o["deadline"] = to_unix_micros(a.deadline);
    o["event_time"] = to_unix_micros(a.event_time);
    o["elapsed"] = a.elapsed.count();
    o["remaining"] = a.remaining.count();
    o["late"] = a.late;
    o["alert_id"] = a.alert_id;
    os << json::serialize(o) << '\n';
  }
}

std::optional<std::uint64_t> parse_count(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

int usage(const char* why) {
  std::fprintf(
      stderr,
      "ccpulse_oracle_driver: %s\n"
      "usage: ccpulse_oracle_driver --config FILE [--input FILE] [--every N] [--at N[,N...]]\n"
      "                             [--drain-every N] [--rejects FILE] [--alerts FILE] [--end-at US]\n",
      why);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (i + 1 >= argc) return usage(("missing value after " + std::string(a)).c_str());
    const std::string_view v = argv[++i];
    if (a == "--config") {
      opt.config = v;
    } else if (a == "--input") {
      opt.input = v;
    } else if (a == "--every") {
      const auto n = parse_count(v);
      if (!n || *n == 0) return usage("--every needs a positive count");
      opt.every = *n;
    } else if (a == "--drain-every") {
      const auto n = parse_count(v);
      if (!n) return usage("--drain-every needs a count");
      opt.drain_every = *n;
    } else if (a == "--rejects") {
      opt.rejects = v;
    } else if (a == "--alerts") {
      opt.alerts = v;
    } else if (a == "--end-at") {
      const bool neg = !v.empty() && v.front() == '-';
      const auto n = parse_count(neg ? v.substr(1) : v);
      if (!n || *n > static_cast<std::uint64_t>(INT64_MAX)) return usage("--end-at needs unix microseconds");
      opt.end_at = neg ? -static_cast<std::int64_t>(*n) : static_cast<std::int64_t>(*n);
    } else if (a == "--at") {
      std::string_view rest = v;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto n = parse_count(rest.substr(0, comma));
        if (!n) return usage("--at needs counts separated by commas");
        opt.at.insert(*n);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    } else {
      return usage(("unknown option " + std::string(a)).c_str());
    }
  }
  if (opt.config.empty()) return usage("--config is required");

  auto loaded = config::load_config_file(opt.config);
  for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  if (!loaded.cfg) return 1;

  std::optional<engine::engine> eng;
  try {
    eng.emplace(app::engine_settings_from(*loaded.cfg), loaded.cfg->policies);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "ccpulse_oracle_driver: %s: %s\n", opt.config.c_str(), ex.what());
    return 1;
  }
  const auto& ctx = eng->context();
  auto& part = eng->assign(0, instant{});  // as the worker assigns
  engine::outputs out;
  discard_sink drained;

  std::ifstream file;
  if (!opt.input.empty()) {
    file.open(opt.input);
    if (!file) {
      std::fprintf(stderr, "ccpulse_oracle_driver: cannot open %s\n", opt.input.c_str());
      return 1;
    }
  }
  std::istream& in = opt.input.empty() ? std::cin : file;
  std::ofstream rejects;
  if (!opt.rejects.empty()) {
    rejects.open(opt.rejects);
    if (!rejects) {
      std::fprintf(stderr, "ccpulse_oracle_driver: cannot write %s\n", opt.rejects.c_str());
      return 1;
    }
  }
  std::ofstream alerts;
  if (!opt.alerts.empty()) {
    alerts.open(opt.alerts);
    if (!alerts) {
      std::fprintf(stderr, "ccpulse_oracle_driver: cannot write %s\n", opt.alerts.c_str());
      return 1;
    }
  }
  // Alerts go to --alerts (when asked) before each clear.
  const auto flush_alerts = [&](std::uint64_t n) {
    if (alerts.is_open()) write_alerts(alerts, out, n);
    out.clear();
  };
  std::ios::sync_with_stdio(false);

  std::string text;
  std::uint64_t line = 0, events = 0;
  json::parser parser;
  bool printed_last = false;
  while (std::getline(in, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    parser.reset();
    parser.write(text, ec);  // the whole line is one document
    if (ec) {
      std::fprintf(stderr, "%llu: not JSON: %s\n", static_cast<unsigned long long>(line),
                   ec.message().c_str());
      return 2;
    }
    const json::value doc = parser.release();
    event e;
    try {
      e = parse_event(doc);
    } catch (const input_error& err) {
      std::fprintf(stderr, "%llu: %s\n", static_cast<unsigned long long>(line), err.problem.c_str());
      return 2;
    } catch (const std::exception& err) {  // Boost.JSON on odd documents
      std::fprintf(stderr, "%llu: %s\n", static_cast<unsigned long long>(line), err.what());
      return 2;
    }
    // As the worker: what the partition's effective time passed fires first.
    part.advance(part.watermark(), false, out);
    flush_alerts(events);
    const auto res = part.apply(e, out);
    if (res.status == engine::apply_status::rejected && rejects.is_open())
      rejects << line << '\t' << e.event_id << '\t' << res.reason << '\n';
    ++events;
    flush_alerts(events);
    printed_last = false;
    if (opt.drain_every != 0 && events % opt.drain_every == 0) part.drain_changes(drained);
    if ((opt.every != 0 && events % opt.every == 0) || opt.at.count(events) != 0) {
      part.advance(part.watermark(), false, out);
      flush_alerts(events);
      print_checkpoint(std::cout, part, ctx, events, line);
      printed_last = true;
    }
  }
  if (in.bad()) {
    std::fprintf(stderr, "ccpulse_oracle_driver: read error after line %llu\n",
                 static_cast<unsigned long long>(line));
    return 2;
  }
  if (!printed_last) {
    part.advance(part.watermark(), false, out);
    flush_alerts(events);
    print_checkpoint(std::cout, part, ctx, events, line);
  }
  if (opt.end_at) {
    const auto end = from_unix_micros(*opt.end_at);
    part.advance(end > part.watermark() ? end : part.watermark(), false, out);
    flush_alerts(events);
  }
  if (alerts.is_open()) {
    alerts.flush();
    if (!alerts) {
      std::fprintf(stderr, "ccpulse_oracle_driver: cannot write %s\n", opt.alerts.c_str());
      return 1;
    }
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}
