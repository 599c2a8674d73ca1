#pragma once
#include <cstdint>

#include <librdkafka/rdkafka.h>

#include "kafka/record.h"

namespace ccpulse::kafka {

// rd_kafka_producev with copied key/value/headers. The headers are freed here
// when librdkafka refuses the record. timestamp_ms 0 = now.
rd_kafka_resp_err_t produce_copy(rd_kafka_t* rk, const outgoing_record& r, std::int64_t timestamp_ms = 0);
// The same to a topic handle the caller keeps (no topic-name lookup or copy
// per record); r.topic is ignored.
rd_kafka_resp_err_t produce_copy(rd_kafka_t* rk, rd_kafka_topic_t* topic, const outgoing_record& r);

}  // namespace ccpulse::kafka
