// queues: the queues shown on the wallboard and labelled in metrics. Policies
// and the simulator may only name queues declared here (cross_checks.h).
#include "config/sections/sections.h"

namespace ccpulse::config {

namespace {

// The queue name reserved for folded queues (DESIGN.md §10).
constexpr std::string_view other_queue = "other";

void read_queue_name(load_context& ctx, const value& x, queue_settings& q) {
  auto n = ctx.in.name(x);
  if (!n) return;
  if (*n == other_queue) {
    ctx.in.report(x.mark, x.path,
                  "'other' is reserved for queues beyond processing.max_queues; choose another name");
    return;
  }
  const auto [it, fresh] = ctx.queues.emplace(*n, x.mark.line + 1);
  if (!fresh) {
    ctx.in.report(
        x.mark, x.path,
        "duplicate queue name " + quote(*n) + " (first declared on line " + std::to_string(it->second) + ")");
    return;
  }
  q.name = *n;
}

void read_queue_sl_formula(load_context& ctx, const value& x, queue_settings& q) {
  const auto f = read_sl_formula(ctx.in, x);
  if (!f) return;
  q.sl_formula = *f;
  ctx.accepted.insert_or_assign(x.path, x.mark);
}

// Settings the chosen formula would not read are errors, never silently
// ignored (metrics/service_level.h says what each formula reads).
void check_sl_options(load_context& ctx, const value& item, const queue_settings& q) {
  const auto formula_path = child(item.path, "sl_formula");
  // A rejected formula was reported; judging the rest by the default would mislead.
  if (ctx.key_at(formula_path) && !ctx.accepted_at(formula_path)) return;
  const auto formula = std::string(metrics::to_string(q.sl_formula));
  if (const auto genesys = ctx.key_at(child(item.path, "genesys"))) {
    const auto short_abandons = ctx.accepted_at(child(genesys->path, "include_short_abandons"));
    if (q.sl_formula != metrics::sl_formula::genesys)
      ctx.in.report(genesys->mark, genesys->path,
                    "genesys options apply only with sl_formula: genesys, and this queue's formula is " +
                        quote(formula) + "; remove them or set sl_formula: genesys");
    else if (short_abandons && q.genesys.include_short_abandons && !q.genesys.include_abandons)
      ctx.in.report(
          short_abandons->mark, short_abandons->path,
          "include_short_abandons needs include_abandons: true (short abandons are abandons); remove "
          "it or include abandons");
  }
  const auto at_once = ctx.accepted_at(child(item.path, "sl_missed_at_once"));
  if (at_once && q.sl_missed_at_once && q.sl_formula == metrics::sl_formula::amazon_connect)
    ctx.in.report(
        at_once->mark, at_once->path,
        "sl_missed_at_once has no effect with sl_formula: amazon_connect (its denominator counts every "
        "queued contact when it enters); remove it or choose another formula");
}

}  // namespace

field_table<queue_settings> queue_fields() {
  using namespace std::chrono_literals;
  using q = queue_settings;
  static const std::vector<field<q>> table{
      {"name", custom_spec<q>{read_queue_name, "queue name", ""}, "unique; 'other' is reserved", ""},
      {"channel", channel_field(&q::chan, channel::unspecified), "the queue's channel",
       " (one of: " + join_names(channel_names()) + ")"},
      {"sl_threshold", duration_field(&q::sl_threshold, 1s, 24h, 20s), "service level \"answered within T\""},
      {"sl_target", real_field(&q::sl_target, 0, 1, " (0.8 means 80 %)", 0.8), "service level goal"},
      {"sl_formula", custom_spec<q>{read_queue_sl_formula, "service-level formula", "default"},
       "which contacts service level counts as met and as offered (metrics/service_level.h)"},
      {"sl_missed_at_once", flag_field(&q::sl_missed_at_once, false),
       "a contact still waiting at T counts as missed when it crosses T, not when its wait ends"},
      {"genesys", section_field<&q::genesys, genesys_fields>(),
       "Genesys Cloud's service level options; only with sl_formula: genesys"},
  };
  return table;
}

field_table<metrics::genesys_switches> genesys_fields() {
  using g = metrics::genesys_switches;
  static const std::vector<field<g>> table{
      {"include_abandons", flag_field(&g::include_abandons, true), "abandoned contacts count as missed"},
      {"include_short_abandons", flag_field(&g::include_short_abandons, false),
       "short abandons count as missed too; needs include_abandons"},
      {"include_flowouts", flag_field(&g::include_flowouts, false),
       "contacts that left the queue otherwise (transfer, resolve, requeue) count as missed"},
  };
  return table;
}

void read_queues(load_context& ctx, const value& v, config& cfg) {
  const auto items = ctx.in.list(v);
  if (!items) return;
  for (const auto& item : *items) {
    auto q = read_item(ctx, item, queue_fields());
    check_sl_options(ctx, item, q);
    if (q.name.empty()) continue;
    cfg.queues.push_back(std::move(q));
    ctx.queue_items.push_back(item.path);
  }
  ctx.queues_mark = v.mark;
}

}  // namespace ccpulse::config
