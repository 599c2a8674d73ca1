// Every table of the config file, by where it sits (field_doc.h).
#include "config/describe_fields.h"
#include "config/secrets.h"
#include "config/sections/sections.h"

namespace ccpulse::config {

const config_schema& schema() {
  static const config_schema s{
      {
          describe("", root_fields()),
          describe_secret_keys("kafka.*"),
          describe("topics", topics_fields()),
          describe("processing", processing_fields()),
          describe("metrics", metrics_fields()),
          describe("queues[]", queue_fields()),
          describe("queues[].genesys", genesys_fields()),
          describe("calendars[]", calendar_fields()),
          describe("calendars[].holidays[]", holiday_fields()),
          describe("policies[]", policy_fields()),
          describe("policies[].match", match_fields()),
          describe("policies[].targets.*", target_fields()),
          describe("policies[].escalate[]", escalation_fields()),
          describe("queue_alerts[]", queue_rule_fields()),
          describe("http", http_fields()),
          describe("logging", logging_fields()),
          describe("http.tls", http_tls_fields()),
          describe("simulator", simulator_fields()),
          describe("simulator.queues[]", simulator_queue_fields()),
          describe("simulator.queues[].surges[]", simulator_surge_fields()),
      },
      {"kafka", "calendars[].hours", "policies[].targets", "policies[].targets.*.by_priority",
       "policies[].match.attributes"},
  };
  return s;
}

}  // namespace ccpulse::config
