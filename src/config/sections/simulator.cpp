// simulator: the traffic generator of `ccpulse demo` and `ccpulse simulate`
// (DESIGN.md §10): Poisson arrivals shared between queues, agents serving
// each queue, customers abandoning after an exponential patience.
#include <initializer_list>
#include <string_view>

#include "config/sections/sections.h"

namespace ccpulse::config {

namespace {

void read_simulated_queue_name(load_context& ctx, const value& x, simulator_queue& q) {
  auto n = ctx.in.name(x, "a queue name");
  if (!n) return;
  const auto [it, fresh] = ctx.simulated_queues.emplace(*n, x.mark.line + 1);
  if (!fresh) {
    ctx.in.report(
        x.mark, x.path,
        "queue " + quote(*n) + " is simulated twice (first on line " + std::to_string(it->second) + ")");
    return;
  }
  ctx.refer_to_queue(x, *n);
  q.queue = *n;
}

void read_simulated_queues(load_context& ctx, const value& v, simulator_settings& s) {
  const auto items = ctx.in.list(v);
  if (!items) return;
  for (const auto& item : *items) {
    auto q = read_item(ctx, item, simulator_queue_fields());
    if (q.queue.empty()) continue;
    // Resolved against the queue's own channel once all queues are read.
    ctx.simulator_channels.push_back(ctx.accepted_at(child(item.path, "channel")));
    ctx.simulator_agents.push_back(ctx.accepted_at(child(item.path, "agents")));
    s.queues.push_back(std::move(q));
  }
}

void read_surges(load_context& ctx, const value& v, simulator_queue& q) {
  for (const auto& item : ctx.in.list(v).value_or(std::vector<value>{}))
    q.surges.push_back(read_item(ctx, item, simulator_surge_fields()));
}

void read_staffing(load_context& ctx, const value& x, simulator_settings& s) {
  read_word(ctx.in, x, {"fixed", "sized"}, s.staffing);
}

void read_arrival_curve(load_context& ctx, const value& x, simulator_settings& s) {
  read_word(ctx.in, x, {"flat", "intraday"}, s.arrival_curve);
}

}  // namespace

field_table<simulator_settings> simulator_fields() {
  using s = simulator_settings;
  static const std::vector<field<s>> table{
      {"rate", real_field(&s::rate, 0, 1e6, " arrivals per second", 5.0),
       "arrivals per second over all queues"},
      {"seed", unsigned_field(&s::seed, 1), "random seed; the same seed gives the same traffic"},
      {"topic", text_field(&s::topic, text_rule::topic_or_empty, "a topic name", ""),
       "topic to write events to; empty = the first input topic"},
      {"partitions", whole_field(&s::partitions, 1, 10'000, 12),
       "partition count used when that topic has to be created"},
      {"staffing", custom_spec<s>{read_staffing, "fixed or sized", "fixed"},
       "fixed: each queue's agents, always logged in; sized: agents from the offered load by Erlang C for "
       "the "
       "queue's sl_threshold and sl_target, with breaks and shift changes"},
      {"overload", real_field(&s::overload, 0, 10, " (offered / planned load)", 1.0),
       "offered load / the load agents are planned for, every queue; 1.3 runs the floor 30 % short"},
      {"arrival_curve", custom_spec<s>{read_arrival_curve, "flat or intraday", "flat"},
       "flat: rate all day; intraday: low at night, peaks mid-morning and after lunch (site_timezone), "
       "rate is the day's mean"},
      {"queues", custom_spec<s>{read_simulated_queues, "list of simulated queues", "none"},
       "simulated queues; each must be declared under queues"},
  };
  return table;
}

field_table<simulator_queue> simulator_queue_fields() {
  using namespace std::chrono_literals;
  using q = simulator_queue;
  static const std::vector<field<q>> table{
      {"queue", custom_spec<q>{read_simulated_queue_name, "queue name", ""}, "a queue declared under queues",
       ""},
      {"channel", channel_field(&q::chan, channel::unspecified),
       "defaults to the queue's channel; must agree with it if given"},
      {"arrival_share", real_field(&q::arrival_share, 0, std::nullopt, " (a relative weight)", 1.0),
       "relative weight of this queue's arrivals; shares need not sum to 1"},
      {"agents", whole_field(&q::agents, 0, 100'000, 5), "agents serving the queue (staffing: fixed)"},
      {"mean_handle", duration_field(&q::mean_handle, duration{1}, 24h, 3min), "mean handle time"},
      {"mean_patience", duration_field(&q::mean_patience, duration{1}, 24h, 90s),
       "mean time a caller waits before abandoning"},
      {"overload", real_field(&q::overload, 0, 10, " (offered / planned load)", 1.0),
       "this queue's overload, times simulator.overload"},
      {"surges", custom_spec<q>{read_surges, "list of surges", "[] (none)"},
       "unforecast bursts of arrivals; staffing keeps planning for the usual load"},
  };
  return table;
}

field_table<simulator_surge> simulator_surge_fields() {
  using namespace std::chrono_literals;
  using s = simulator_surge;
  static const std::vector<field<s>> table{
      {"after", duration_field(&s::after, duration::zero(), 7 * 24h, 0s),
       "when the surge starts, after the run's start"},
      {"lasting", duration_field(&s::lasting, duration{1}, 24h, 1min), "how long it lasts"},
      {"factor", real_field(&s::factor, 1, 20, " (times the usual arrival rate)", 2.0),
       "arrivals come this many times as fast meanwhile"},
  };
  return table;
}

}  // namespace ccpulse::config
