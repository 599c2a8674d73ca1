// topics: one topic per role. That the roles all differ is checked once the
// whole file is read (cross_checks.h).
#include <algorithm>

#include "config/sections/sections.h"

namespace ccpulse::config {

namespace {

void read_input_topics(load_context& ctx, const value& v, topics_settings& t) {
  const auto items = ctx.in.list(v);
  if (!items) return;
  std::vector<std::string> topics;
  ctx.input_topics.clear();
  for (const auto& item : *items) {
    auto name = read_topic_name(ctx.in, item);
    if (!name) continue;
    if (std::find(topics.begin(), topics.end(), *name) != topics.end()) {
      ctx.in.report(item.mark, item.path, "topic " + quote(*name) + " is listed twice");
      continue;
    }
    topics.push_back(std::move(*name));
    ctx.input_topics.push_back(item);
  }
  if (items->empty()) ctx.in.report(v.mark, v.path, "at least one input topic is needed");
  t.input = std::move(topics);
}

}  // namespace

field_table<topics_settings> topics_fields() {
  using t = topics_settings;
  constexpr auto topic = text_rule::topic;
  static const std::vector<field<t>> table{
      {"input", custom_spec<t>{read_input_topics, "list of topic names", "[cc.events]"},
       "event topics to consume; co-partitioned, keyed by customer; at least one"},
      {"alerts", text_field(&t::alerts, topic, "a topic name", "ccpulse.alerts"), "SLA and queue alerts"},
      {"dead_letter", text_field(&t::dead_letter, topic, "a topic name", "ccpulse.dlq"),
       "undecodable or invalid events, with reason headers"},
      {"state", text_field(&t::state, topic, "a topic name", "ccpulse.state"),
       "compacted changelog of per-partition state"},
      {"snapshots", text_field(&t::snapshots, topic, "a topic name", "ccpulse.snapshots"),
       "compacted per-queue snapshots for the wallboard"},
  };
  return table;
}

}  // namespace ccpulse::config
