#include "kafka/produce_call.h"

#include <string>

namespace ccpulse::kafka {

rd_kafka_resp_err_t produce_copy(rd_kafka_t* rk, const outgoing_record& r, std::int64_t timestamp_ms) {
  rd_kafka_headers_t* hs = nullptr;
  if (!r.headers.empty()) {
    hs = rd_kafka_headers_new(r.headers.size());
    for (const auto& h : r.headers)
      rd_kafka_header_add(hs, h.name.data(), static_cast<ssize_t>(h.name.size()), h.value.data(),
                          static_cast<ssize_t>(h.value.size()));
  }
  const std::string topic(r.topic);
  // The RD_KAFKA_V_* macros are C and use C casts.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
  auto e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(r.partition),
                             RD_KAFKA_V_KEY(r.key.data(), r.key.size()),
                             RD_KAFKA_V_VALUE(r.tombstone ? nullptr : const_cast<char*>(r.value.data()),
                                              r.tombstone ? 0 : r.value.size()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
                             RD_KAFKA_V_HEADERS(hs), RD_KAFKA_V_END);
#pragma GCC diagnostic pop
  if (e && hs) rd_kafka_headers_destroy(hs);
  return e;
}

rd_kafka_resp_err_t produce_copy(rd_kafka_t* rk, rd_kafka_topic_t* topic, const outgoing_record& r) {
  rd_kafka_headers_t* hs = nullptr;
  if (!r.headers.empty()) {
    hs = rd_kafka_headers_new(r.headers.size());
    for (const auto& h : r.headers)
      rd_kafka_header_add(hs, h.name.data(), static_cast<ssize_t>(h.name.size()), h.value.data(),
                          static_cast<ssize_t>(h.value.size()));
  }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
  auto e =
      rd_kafka_producev(rk, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_PARTITION(r.partition),
                        RD_KAFKA_V_KEY(r.key.data(), r.key.size()),
                        RD_KAFKA_V_VALUE(r.tombstone ? nullptr : const_cast<char*>(r.value.data()),
                                         r.tombstone ? 0 : r.value.size()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(hs), RD_KAFKA_V_END);
#pragma GCC diagnostic pop
  if (e && hs) rd_kafka_headers_destroy(hs);
  return e;
}

}  // namespace ccpulse::kafka
