#pragma once
// The config file's sections: each one's field table and the readers of
// what a table cannot say (lists, data mappings, names with rules).
#include "config/config.h"
#include "config/field_table.h"
#include "config/load_context.h"
#include "sla/policy.h"

namespace ccpulse::config {

field_table<config> root_fields();  // root.cpp
field_table<topics_settings> topics_fields();
field_table<processing_settings> processing_fields();
field_table<metrics_settings> metrics_fields();
// The root's metrics: row: its table, then the checks within the section.
custom_spec<config> metrics_section();
field_table<http_settings> http_fields();
field_table<http_tls_settings> http_tls_fields();  // http.tls
field_table<queue_settings> queue_fields();        // one item of queues:
field_table<metrics::genesys_switches> genesys_fields();
field_table<sla::policy> policy_fields();  // one item of policies:
field_table<sla::policy_match> match_fields();
field_table<sla::escalation_rule> escalation_fields();    // one item of policies[].escalate
field_table<sla::target> target_fields();                 // one entry of targets:
field_table<sla::queue_rule> queue_rule_fields();         // one item of queue_alerts:
field_table<sla::calendar_definition> calendar_fields();  // one item of calendars:
field_table<sla::calendar_holiday> holiday_fields();      // one map item of calendars[].holidays:
field_table<logging_settings> logging_fields();
field_table<simulator_settings> simulator_fields();
field_table<simulator_queue> simulator_queue_fields();  // one item of simulator.queues:
field_table<simulator_surge> simulator_surge_fields();  // one item of simulator.queues[].surges:

// The whole document; `top` is its root node. False when it is not a
// mapping of settings (reported), so there is nothing to check further.
bool read_root(load_context& ctx, const value& top);

void read_kafka(load_context& ctx, const value& v, config& cfg);
void read_queues(load_context& ctx, const value& v, config& cfg);
void read_calendars(load_context& ctx, const value& v, config& cfg);
void read_policies(load_context& ctx, const value& v, config& cfg);
void read_queue_alerts(load_context& ctx, const value& v, config& cfg);
void read_targets(load_context& ctx, const value& v, sla::policy& p);

}  // namespace ccpulse::config
