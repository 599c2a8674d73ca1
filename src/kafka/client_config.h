#pragma once
// librdkafka configuration: user properties pass through in order, then the
// few that ccpulse relies on are forced (ClickHouse's Kafka engine does the
// same), and the effective configuration can be logged once.
#include <string>
#include <utility>
#include <vector>

#include "kafka/handles.h"

namespace ccpulse::kafka {

using properties = std::vector<std::pair<std::string, std::string>>;

// Throws std::runtime_error naming the property and librdkafka's complaint.
conf_ptr make_conf(const properties& user, const properties& forced);

// The same user properties minus consumer-only ones (group.id, ...), so
// producers built from one shared list do not warn about them.
properties for_producer(const properties& user);

// Properties whose values must never be printed.
bool is_secret_property(const std::string& name);
// "k=v, k=v" with secrets masked, for the startup log line.
std::string describe(const properties& props);

// Routes librdkafka's log lines to stderr with a client tag (installed on
// every conf by make_conf).
void install_logger(rd_kafka_conf_t* conf);

}  // namespace ccpulse::kafka
