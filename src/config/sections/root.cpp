// The top level of the file: identity, time zone and the sections.
#include <unistd.h>

#include <array>

#include "config/sections/sections.h"

namespace ccpulse::config {

namespace {

std::string default_instance_id() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0 || host[0] == '\0') return "ccpulse";
  return host.data();
}

}  // namespace

field_table<config> root_fields() {
  static const std::vector<field<config>> table{
      {"instance_id", text_field(&config::instance_id, text_rule::non_empty, "a string", ""),
       "identifies this process in logs, metrics and Kafka; unique per instance, stable across restarts; "
       "empty = the host name"},
      {"site_timezone",
       text_field(&config::site_timezone, text_rule::time_zone,
                  "an IANA time zone name such as Europe/Berlin", "UTC"),
       "IANA time zone in which calendar intervals and \"today\" are cut"},
      {"kafka", custom_spec<config>{read_kafka, "mapping of librdkafka properties", ""},
       "librdkafka properties, passed through in file order; secrets as { file: PATH } or { env: NAME }"},
      {"topics", section_field<&config::topics, topics_fields>(), "topic names, one per role"},
      {"processing", section_field<&config::processing, processing_fields>(),
       "workers, transactions, event-time bounds and limits"},
      {"metrics", metrics_section(), "windows, buckets and bounds of the windowed metrics engine"},
      {"queues", custom_spec<config>{read_queues, "list of queues", "none"},
       "queues shown on the wallboard and labelled in metrics"},
      {"calendars", custom_spec<config>{read_calendars, "list of business-hours calendars", "none"},
       "business-hours calendars that SLA targets may count their durations in"},
      {"policies", custom_spec<config>{read_policies, "list of SLA policies", "none"},
       "SLA policies, in order (DESIGN.md §6)"},
      {"queue_alerts", custom_spec<config>{read_queue_alerts, "list of queue-alert rules", "none"},
       "threshold rules on queues' merged figures, with hysteresis"},
      {"http", section_field<&config::http, http_fields>(), "the HTTP server"},
      {"logging", section_field<&config::logging, logging_fields>(), "format and level of the log lines"},
      {"simulator", section_field<&config::simulator, simulator_fields>(),
       "traffic generator for `ccpulse demo` and `ccpulse simulate`"},
  };
  return table;
}

bool read_root(load_context& ctx, const value& top) {
  if (!top.node.IsMap()) {
    ctx.in.report(top.mark, std::string(yaml_field),
                  is_empty(top.node)
                      ? "the file is empty; expected a mapping of settings such as `queues:`"
                      : "expected a mapping of settings at the top level, got " + got(top.node));
    return false;
  }
  apply_defaults(root_fields(), ctx.cfg);
  read_fields(ctx, top, root_fields(), ctx.cfg);
  if (ctx.cfg.instance_id.empty()) ctx.cfg.instance_id = default_instance_id();
  return true;
}

}  // namespace ccpulse::config
