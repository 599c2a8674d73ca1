// queue_alerts: threshold rules on queues' merged figures with hysteresis
// (DESIGN.md §6, sla/queue_rule.h). Each rule names a metric, the window it
// reads, one threshold (below: or above:), and how long the condition must
// hold before FIRING (`for`) and must be gone before RESOLVED
// (`clear_after`).
#include <limits>

#include "config/sections/sections.h"
#include "view/scope_snapshot.h"

namespace ccpulse::config {

namespace {

using namespace std::chrono_literals;

constexpr duration max_hysteresis = 24h;

void read_rule_name(load_context& ctx, const value& x, sla::queue_rule& r) {
  auto n = ctx.in.name(x, "a rule name");
  if (!n) return;
  if (!sla::valid_rule_name(*n)) {
    ctx.in.report(x.mark, x.path,
                  "rule names may contain only letters, digits, '.', '_' and '-' (they become alert keys and "
                  "metric labels), got " +
                      quote(*n));
    return;
  }
  const auto [it, fresh] = ctx.queue_rule_names.emplace(*n, x.mark.line + 1);
  if (!fresh) {
    ctx.in.report(
        x.mark, x.path,
        "duplicate rule name " + quote(*n) + " (first declared on line " + std::to_string(it->second) + ")");
    return;
  }
  r.name = *n;
}

void read_rule_queues(load_context& ctx, const value& x, sla::queue_rule& r) {
  for (const auto& item : ctx.in.list(x).value_or(std::vector<value>{})) {
    auto n = ctx.in.name(item, "a queue name");
    if (!n) continue;
    ctx.refer_to_queue(item, *n);
    if (std::find(r.queues.begin(), r.queues.end(), *n) != r.queues.end()) {
      ctx.in.report(item.mark, item.path, "queue " + quote(*n) + " is listed twice");
      continue;
    }
    r.queues.push_back(std::move(*n));
  }
}

void read_rule_metric(load_context& ctx, const value& x, sla::queue_rule& r) {
  const auto text = ctx.in.scalar(x, "a metric name");
  if (!text) return;
  const auto m = sla::parse_queue_metric(*text);
  if (!m) {
    const auto names = sla::queue_metric_names();
    ctx.in.report(
        x.mark, x.path,
        "unknown metric " + quote(*text) + did_you_mean(*text, names) + "; metrics: " + join_names(names));
    return;
  }
  r.metric = *m;
  ctx.accepted.insert_or_assign(x.path, x.mark);
}

// A sliding window by its length (checked against metrics.windows once the
// whole file is read) or a calendar window by name.
void read_rule_window(load_context& ctx, const value& x, sla::queue_rule& r) {
  const auto text = ctx.in.scalar(x, "a window such as 15m, or interval, previous_interval, today");
  if (!text) return;
  if (*text == "interval" || *text == "previous_interval" || *text == "today") {
    r.window = *text;
    return;
  }
  const auto d = parse_duration(*text);
  if (!d.ok() || d.value <= duration{0}) {
    ctx.in.report(
        x.mark, x.path,
        "expected a sliding window of metrics.windows (such as 15m) or interval, previous_interval, "
        "today; got " +
            quote(*text));
    return;
  }
  r.window = view::window_name(d.value);
  ctx.queue_alert_windows.push_back({written_at{x.path, x.mark}, d.value});
}

void read_threshold(load_context& ctx, const value& x, sla::queue_rule& r, sla::comparison c) {
  const auto n = ctx.in.number(x);
  if (!n) return;
  r.cmp = c;
  r.threshold = *n;
  ctx.accepted.insert_or_assign(x.path, x.mark);
}
void read_below(load_context& ctx, const value& x, sla::queue_rule& r) {
  read_threshold(ctx, x, r, sla::comparison::below);
}
void read_above(load_context& ctx, const value& x, sla::queue_rule& r) {
  read_threshold(ctx, x, r, sla::comparison::above);
}

void read_rule_severity(load_context& ctx, const value& x, sla::queue_rule& r) {
  if (auto s = read_severity(ctx.in, x)) r.level = *s;
}

bool counts_contacts(sla::queue_metric m) {
  return sla::is_windowed(m) && m != sla::queue_metric::offered && m != sla::queue_metric::abandoned &&
         m != sla::queue_metric::occupancy;
}

// What a table cannot say: one threshold, in the metric's range; a window
// for windowed metrics; clear_after defaulting to `for`.
void check_rule(load_context& ctx, const value& item, sla::queue_rule& r) {
  const auto below = ctx.key_at(child(item.path, "below"));
  const auto above = ctx.key_at(child(item.path, "above"));
  const auto key = ctx.key_at(child(item.path, "name"));
  const auto item_mark = key ? key->mark : item.mark;
  if (below && above) {
    ctx.in.report(above->mark, above->path, "a rule has one threshold: give below: or above:, not both");
    return;
  }
  if (!below && !above) {
    ctx.in.report(item_mark, item.path,
                  "a rule needs a threshold: below: X (fires while the metric is under X) or above: X");
    return;
  }
  if (!ctx.key_at(child(item.path, "clear_after"))) r.clear_after = r.hold_for;
  if (!ctx.accepted_at(child(item.path, "metric"))) return;  // reported, or missing (required)
  const auto& at = below ? *below : *above;
  const auto t = r.threshold;
  if (ctx.accepted_at(at.path)) {
    std::string problem;
    if (sla::is_ratio(r.metric) && (t < 0 || t > 1))
      problem = "is a ratio from 0 to 1 (0.8 = 80 %)";
    else if (r.metric == sla::queue_metric::nps && (t < -100 || t > 100))
      problem = "is a score from -100 to 100";
    else if (!sla::is_ratio(r.metric) && r.metric != sla::queue_metric::nps && t < 0)
      problem = "is never negative";
    if (!problem.empty())
      ctx.in.report(at.mark, at.path,
                    std::string(sla::to_string(r.metric)) + " " + problem + ", so this threshold can never " +
                        (below ? "be undercut" : "be exceeded") + " as meant; got " +
                        detail::format_number(t));
  }
  const auto window = ctx.key_at(child(item.path, "window"));
  if (!sla::is_windowed(r.metric) && window)
    ctx.in.report(window->mark, window->path,
                  "metric " + std::string(sla::to_string(r.metric)) +
                      " is live (the queue now), not windowed: remove window");
  if (sla::is_windowed(r.metric) && !window)
    ctx.in.report(item_mark, item.path,
                  "metric " + std::string(sla::to_string(r.metric)) +
                      " is windowed: give window: (a length of metrics.windows such as 15m, or interval, "
                      "previous_interval, today)");
  if (const auto mc = ctx.key_at(child(item.path, "min_contacts")); mc && !counts_contacts(r.metric))
    ctx.in.report(mc->mark, mc->path,
                  "min_contacts applies to metrics per contact; " + std::string(sla::to_string(r.metric)) +
                      " is not one (remove it)");
}

}  // namespace

field_table<sla::queue_rule> queue_rule_fields() {
  using r = sla::queue_rule;
  static const std::vector<field<r>> table{
      {"name", custom_spec<r>{read_rule_name, "rule name", ""},
       "unique; letters, digits, '.', '_', '-'; in alerts and labels", ""},
      {"queues", custom_spec<r>{read_rule_queues, "list of queue names", "[] (every declared queue)"},
       "declared queues the rule watches, each on its own"},
      {"metric", custom_spec<r>{read_rule_metric, "metric name", ""}, "what the rule compares",
       " (one of: " + join_names(sla::queue_metric_names()) + ")"},
      {"window", custom_spec<r>{read_rule_window, "window", "none"},
       "the window a windowed metric reads: a length of metrics.windows, interval, previous_interval, today"},
      {"below", custom_spec<r>{read_below, "number", "none"}, "fires while the metric is under this"},
      {"above", custom_spec<r>{read_above, "number", "none"}, "fires while the metric is over this"},
      {"for", duration_field(&r::hold_for, duration{0}, max_hysteresis, duration{0}),
       "how long the condition must hold before FIRING"},
      {"clear_after", duration_field(&r::clear_after, duration{0}, max_hysteresis, duration{0}),
       "how long the condition must be gone before RESOLVED; default: the rule's `for`"},
      {"min_contacts", whole_field(&r::min_contacts, 1, 1'000'000, 1),
       "per-contact metrics are judged only on at least this many contacts in the window"},
      {"severity", custom_spec<r>{read_rule_severity, "info, warning or critical", "warning"},
       "the FIRING alert's severity (RESOLVED is info)"},
  };
  return table;
}

void read_queue_alerts(load_context& ctx, const value& v, config& cfg) {
  const auto items = ctx.in.list(v);
  if (!items) return;
  for (const auto& item : *items) {
    auto r = read_item(ctx, item, queue_rule_fields());
    check_rule(ctx, item, r);
    if (r.name.empty()) continue;
    cfg.queue_alerts.push_back(std::move(r));
  }
}

}  // namespace ccpulse::config
