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
    ctx.in.report(x.mark, x.path,
                  "duplicate queue name " + quote(*n) + " (first declared on line " + std::to_string(it->second) +
                      ")");
    return;
  }
  q.name = *n;
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
  };
  return table;
}

void read_queues(load_context& ctx, const value& v, config& cfg) {
  const auto items = ctx.in.list(v);
  if (!items) return;
  for (const auto& item : *items) {
    auto q = read_item(ctx, item, queue_fields());
    if (!q.name.empty()) cfg.queues.push_back(std::move(q));
  }
  ctx.queues_mark = v.mark;
}

}  // namespace ccpulse::config
