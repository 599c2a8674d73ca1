#include "engine/replay_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ccpulse::engine {

double replay_figures::breach_rate() const {
  const auto decided = started - open;
  return decided == 0 ? 0.0 : static_cast<double>(breached) / static_cast<double>(decided);
}

std::optional<duration> replay_figures::elapsed_percentile(double q) const {
  if (elapsed_at_stop.empty()) return std::nullopt;
  const auto n = elapsed_at_stop.size();
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::clamp<std::size_t>(rank, 1, n);
  return elapsed_at_stop[rank - 1];
}

void replay_tally::take(const outputs& out) {
  std::size_t next_alert = 0;
  for (const auto& c : out.clocks) {
    for (; next_alert < c.alerts_before && next_alert < out.alerts.size(); ++next_alert)
      take_alert(out.alerts[next_alert]);
    take_clock(c);
  }
  for (; next_alert < out.alerts.size(); ++next_alert) take_alert(out.alerts[next_alert]);
}

void replay_tally::take_alert(const sla::sla_alert& a) {
  ++_alerts[static_cast<std::size_t>(a.kind)];
  if (a.kind == sla::alert_kind::escalation) return;
  auto it = _open.find(cycle_key{a.interaction_id, a.target, a.cycle});
  if (it == _open.end()) return;  // a cycle of a queue the report leaves out
  switch (a.kind) {
    case sla::alert_kind::at_risk:
      it->second.at_risk = true;
      break;
    case sla::alert_kind::breached:
      it->second.breached = true;
      break;
    case sla::alert_kind::retracted:
      it->second.breached = false;
      break;
    default:
      break;
  }
}

void replay_tally::take_clock(const clock_event& c) {
  cycle_key key{c.interaction_id, c.target, c.cycle};
  if (c.kind == clock_event::what::started) {
    if (!wanted(c.queue)) return;
    auto& s = _open[std::move(key)];
    s = cycle_state{std::string(c.queue)};
    ++_rows[{s.queue, c.target}].started;
    return;
  }
  auto it = _open.find(key);
  if (it == _open.end()) return;
  auto& row = _rows[{it->second.queue, c.target}];
  if (it->second.at_risk) ++row.at_risk;
  if (it->second.breached)
    ++row.breached;
  else if (c.met)
    ++row.met;
  else
    ++row.cancelled;
  row.elapsed_at_stop.push_back(c.elapsed);
  _open.erase(it);
}

void replay_tally::finish() {
  if (_finished) return;
  _finished = true;
  for (const auto& [key, s] : _open) {
    auto& row = _rows[{s.queue, std::get<1>(key)}];
    if (s.at_risk) ++row.at_risk;
    if (s.breached)
      ++row.breached;
    else
      ++row.open;
  }
  _open.clear();
  for (auto& [k, row] : _rows) std::sort(row.elapsed_at_stop.begin(), row.elapsed_at_stop.end());
}

namespace {

struct row_values {
  std::int64_t started = 0, met = 0, at_risk = 0, breached = 0, cancelled = 0, open = 0;
  double breach_rate = 0;
  std::optional<double> p50, p90;  // seconds
};

row_values values_of(const replay_figures& f) {
  row_values v;
  v.started = static_cast<std::int64_t>(f.started);
  v.met = static_cast<std::int64_t>(f.met);
  v.at_risk = static_cast<std::int64_t>(f.at_risk);
  v.breached = static_cast<std::int64_t>(f.breached);
  v.cancelled = static_cast<std::int64_t>(f.cancelled);
  v.open = static_cast<std::int64_t>(f.open);
  v.breach_rate = f.breach_rate();
  if (auto p = f.elapsed_percentile(0.5)) v.p50 = to_seconds(*p);
  if (auto p = f.elapsed_percentile(0.9)) v.p90 = to_seconds(*p);
  return v;
}

std::optional<double> minus(std::optional<double> a, std::optional<double> b) {
  if (!a || !b) return std::nullopt;
  return *a - *b;
}

row_values diff_of(const row_values& cand, const row_values& live) {
  return {cand.started - live.started,
          cand.met - live.met,
          cand.at_risk - live.at_risk,
          cand.breached - live.breached,
          cand.cancelled - live.cancelled,
          cand.open - live.open,
          cand.breach_rate - live.breach_rate,
          minus(cand.p50, live.p50),
          minus(cand.p90, live.p90)};
}

std::string fixed(double v, int digits, bool sign = false) {
  if (v == 0) v = 0;  // no "-0.000"
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", digits, v);
  return buf;
}

std::string integer(std::int64_t v, bool sign) {
  char buf[32];
  std::snprintf(buf, sizeof buf, sign && v != 0 ? "%+lld" : "%lld", static_cast<long long>(v));
  return buf;
}

std::string seconds_text(std::optional<double> s, bool sign, std::string_view none) {
  return s ? fixed(*s, 3, sign) : std::string(none);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

struct report_row {
  std::string queue;
  std::string_view target;
  row_values live, candidate, diff;
  replay_actual actual;
};

// The actual line: only AT_RISK and BREACHED are known from the topic.
std::vector<std::string> actual_cells(const replay_actual& a, std::string_view none) {
  const auto breached = a.breached > a.retracted ? a.breached - a.retracted : 0;
  return {std::string(none),        std::string(none), std::to_string(a.at_risk),
          std::to_string(breached), std::string(none), std::string(none),
          std::string(none),        std::string(none), std::string(none)};
}

std::vector<report_row> rows_of(const replay_header& h, const replay_tally& live,
                                const replay_tally& candidate) {
  std::set<replay_tally::row_key> keys;
  for (const auto& [k, v] : live.rows()) keys.insert(k);
  for (const auto& [k, v] : candidate.rows()) keys.insert(k);
  std::vector<report_row> rows;
  static const replay_figures none;
  for (const auto& k : keys) {
    auto l = live.rows().find(k);
    auto c = candidate.rows().find(k);
    report_row r{k.first,
                 sla::to_string(k.second),
                 values_of(l == live.rows().end() ? none : l->second),
                 values_of(c == candidate.rows().end() ? none : c->second),
                 {},
                 {}};
    r.diff = diff_of(r.candidate, r.live);
    if (auto a = h.actual.find({r.queue, std::string(r.target)}); a != h.actual.end()) r.actual = a->second;
    rows.push_back(std::move(r));
  }
  // The map orders targets by enum; the report orders them by name.
  std::stable_sort(rows.begin(), rows.end(), [](const report_row& a, const report_row& b) {
    return std::tie(a.queue, a.target) < std::tie(b.queue, b.target);
  });
  return rows;
}

std::vector<std::string> cells(const row_values& v, bool sign, std::string_view none) {
  return {integer(v.started, sign),       integer(v.met, sign),
          integer(v.at_risk, sign),       integer(v.breached, sign),
          integer(v.cancelled, sign),     integer(v.open, sign),
          fixed(v.breach_rate, 4, sign),  seconds_text(v.p50, sign, none),
          seconds_text(v.p90, sign, none)};
}

constexpr const char* value_names[] = {"started", "met",         "at_risk",       "breached",     "cancelled",
                                       "open",    "breach_rate", "p50_elapsed_s", "p90_elapsed_s"};

// ASA in seconds, or the placeholder when nothing was answered.
std::string asa_text(const replay_queue_kpis& k, std::string_view none) {
  if (k.answered == 0) return std::string(none);
  return fixed(to_seconds(k.answered_wait_sum) / static_cast<double>(k.answered), 3);
}

std::string render_json(const replay_header& h, const std::vector<report_row>& rows) {
  auto object = [](const row_values& v) {
    const auto c = cells(v, false, "null");
    // Keys in sorted order.
    std::vector<std::pair<std::string, std::string>> kv;
    for (std::size_t i = 0; i < c.size(); ++i) kv.emplace_back(value_names[i], c[i]);
    std::sort(kv.begin(), kv.end());
    std::string s = "{";
    for (std::size_t i = 0; i < kv.size(); ++i)
      s += (i ? ", " : "") + json_string(kv[i].first) + ": " + kv[i].second;
    return s + "}";
  };
  std::string s = "{\n";
  s += "  \"input\": {\"duplicates\": " + std::to_string(h.duplicates) +
       ", \"events\": " + std::to_string(h.events) +
       ", \"first_event\": " + (h.first_event.empty() ? "null" : json_string(h.first_event)) +
       ", \"invalid\": " + std::to_string(h.invalid) +
       ", \"last_event\": " + (h.last_event.empty() ? "null" : json_string(h.last_event)) +
       ", \"records\": " + std::to_string(h.records) + "},\n";
  s += "  \"kpis\": [";
  for (std::size_t i = 0; i < h.kpis.size(); ++i) {
    const auto& k = h.kpis[i];
    s += std::string(i ? ",\n" : "\n") + "    {\"abandoned\": " + std::to_string(k.abandoned) +
         ", \"answered\": " + std::to_string(k.answered) +
         ", \"answered_within_threshold\": " + std::to_string(k.answered_within_threshold) +
         ", \"asa_s\": " + asa_text(k, "null") + ", \"offered\": " + std::to_string(k.offered) +
         ", \"queue\": " + json_string(k.queue) +
         ", \"short_abandoned\": " + std::to_string(k.short_abandoned) +
         ", \"threshold_s\": " + fixed(to_seconds(k.threshold), 3) +
         ", \"waiting\": " + std::to_string(k.waiting) + "}";
  }
  s += h.kpis.empty() ? "],\n" : "\n  ],\n";
  s += "  \"notes\": [";
  for (std::size_t i = 0; i < h.notes.size(); ++i) s += (i ? ", " : "") + json_string(h.notes[i]);
  s += "],\n";
  s += "  \"policies\": {\"candidate\": " + json_string(h.candidate_policies) +
       ", \"live\": " + json_string(h.live_policies) + "},\n";
  s += "  \"range\": {\"from\": " + json_string(h.from) + ", \"to\": " + json_string(h.to) + "},\n";
  s += "  \"rows\": [";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    s += std::string(i ? ",\n" : "\n") + "    {";
    if (h.compared) {
      const auto a = actual_cells(r.actual, "");
      s += "\"actual\": {\"at_risk\": " + a[2] + ", \"breached\": " + a[3] + "}, ";
    }
    s += "\"candidate\": " + object(r.candidate) + ", \"diff\": " + object(r.diff) +
         ", \"live\": " + object(r.live) + ", \"queue\": " + json_string(r.queue) +
         ", \"target\": " + json_string(r.target) + "}";
  }
  s += rows.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return s;
}

// A row's lines: live, candidate, diff, and actual when compared.
std::vector<std::pair<std::string_view, std::vector<std::string>>> sets_of(const report_row& r, bool compared,
                                                                           std::string_view none) {
  std::vector<std::pair<std::string_view, std::vector<std::string>>> sets{
      {"live", cells(r.live, false, none)},
      {"candidate", cells(r.candidate, false, none)},
      {"diff", cells(r.diff, true, none)}};
  if (compared) sets.emplace_back("actual", actual_cells(r.actual, none));
  return sets;
}

std::string render_csv(const replay_header& h, const std::vector<report_row>& rows) {
  std::string s = "queue,target,set";
  for (const char* n : value_names) s += std::string(",") + n;
  s += '\n';
  for (const auto& r : rows) {
    for (const auto& [name, c] : sets_of(r, h.compared, "")) {
      s += csv_field(r.queue) + "," + std::string(r.target) + "," + std::string(name);
      for (const auto& x : c) s += "," + x;
      s += '\n';
    }
  }
  return s;
}

// Columns padded to their widest cell: the first `names` left-aligned,
// the figures right-aligned.
std::string aligned(const std::vector<std::vector<std::string>>& grid, std::size_t names) {
  std::vector<std::size_t> width;
  for (const auto& line : grid) {
    width.resize(std::max(width.size(), line.size()), 0);
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  std::string s;
  for (const auto& line : grid) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto pad = std::string(width[i] - line[i].size(), ' ');
      out += i < names ? line[i] + pad : pad + line[i];
      if (i + 1 < line.size()) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    s += out + "\n";
  }
  return s;
}

std::string kpi_table(const std::vector<replay_queue_kpis>& kpis) {
  if (kpis.empty()) return {};
  std::vector<std::vector<std::string>> grid{{"queue", "offered", "answered", "abandoned", "short_abandoned",
                                              "answered_within_threshold", "threshold_s", "asa_s",
                                              "waiting"}};
  for (const auto& k : kpis)
    grid.push_back({k.queue, std::to_string(k.offered), std::to_string(k.answered),
                    std::to_string(k.abandoned), std::to_string(k.short_abandoned),
                    std::to_string(k.answered_within_threshold), fixed(to_seconds(k.threshold), 3),
                    asa_text(k, "-"), std::to_string(k.waiting)});
  return "\nqueue KPIs of the range (the same for both policy sets):\n" + aligned(grid, 1);
}

std::string render_table(const replay_header& h, const std::vector<report_row>& rows) {
  std::string s = "ccpulse replay: " + h.from + " to " + h.to + "\n";
  s += "live policies: " + h.live_policies + "   candidate: " + h.candidate_policies + "\n";
  s += "records " + std::to_string(h.records) + ", events " + std::to_string(h.events) + ", invalid " +
       std::to_string(h.invalid) + ", duplicates " + std::to_string(h.duplicates);
  if (!h.first_event.empty()) s += ", event time " + h.first_event + " .. " + h.last_event;
  s += "\n";
  for (const auto& n : h.notes) s += "note: " + n + "\n";
  s += "\n";
  if (rows.empty()) return s + "no SLA clock started in the range\n" + kpi_table(h.kpis);
  std::vector<std::vector<std::string>> grid;
  std::vector<std::string> head{"queue", "target", "set"};
  for (const char* n : value_names) head.emplace_back(n);
  grid.push_back(head);
  for (const auto& r : rows) {
    bool first = true;
    for (const auto& [name, c] : sets_of(r, h.compared, "-")) {
      std::vector<std::string> line{first ? r.queue : "", first ? std::string(r.target) : "",
                                    std::string(name)};
      line.insert(line.end(), c.begin(), c.end());
      grid.push_back(std::move(line));
      first = false;
    }
  }
  return s + aligned(grid, 3) + kpi_table(h.kpis);
}

}  // namespace

std::string render_replay(const replay_header& h, const replay_tally& live, const replay_tally& candidate,
                          replay_format f) {
  const auto rows = rows_of(h, live, candidate);
  switch (f) {
    case replay_format::json:
      return render_json(h, rows);
    case replay_format::csv:
      return render_csv(h, rows);
    case replay_format::table:
      break;
  }
  return render_table(h, rows);
}

}  // namespace ccpulse::engine
