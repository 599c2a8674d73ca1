#pragma once
// librdkafka configuration: a client's property list (client_properties.h:
// user properties in order, then the few ccpulse relies on forced, as
// ClickHouse's Kafka engine does) set on a new conf; the effective
// configuration can be logged once.
#include <string>

#include "kafka/handles.h"
#include "kafka/properties.h"

namespace ccpulse::kafka {

// Sets `props` in order. Throws std::runtime_error naming the property and
// librdkafka's complaint.
conf_ptr make_conf(const properties& props);

// The same user properties minus consumer-only ones (group.id, ...), so
// producers built from one shared list do not warn about them.
properties for_producer(const properties& user);

// Properties whose values must never be printed.
bool is_secret_property(const std::string& name);
// "k=v, k=v" with secrets masked, for the startup log line.
std::string describe(const properties& props);

// Routes librdkafka's log lines through the process's logger (log/logger.h),
// with client and facility fields (installed on every conf by make_conf).
void install_logger(rd_kafka_conf_t* conf);

}  // namespace ccpulse::kafka
