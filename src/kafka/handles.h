#pragma once
// Every librdkafka handle is owned by a unique_ptr with its deleter, so no
// error path leaks one (modern-cpp-kafka style).
#include <memory>

#include <librdkafka/rdkafka.h>

namespace ccpulse::kafka {

template <auto Fn>
struct deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p) Fn(p);
  }
};

using conf_ptr = std::unique_ptr<rd_kafka_conf_t, deleter<rd_kafka_conf_destroy>>;
using topic_partition_list_ptr =
    std::unique_ptr<rd_kafka_topic_partition_list_t, deleter<rd_kafka_topic_partition_list_destroy>>;
using error_ptr = std::unique_ptr<rd_kafka_error_t, deleter<rd_kafka_error_destroy>>;
using message_ptr = std::unique_ptr<rd_kafka_message_t, deleter<rd_kafka_message_destroy>>;
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, deleter<rd_kafka_queue_destroy>>;
using group_metadata_ptr =
    std::unique_ptr<rd_kafka_consumer_group_metadata_t, deleter<rd_kafka_consumer_group_metadata_destroy>>;
using headers_ptr = std::unique_ptr<rd_kafka_headers_t, deleter<rd_kafka_headers_destroy>>;
using metadata_ptr = std::unique_ptr<const rd_kafka_metadata_t, deleter<rd_kafka_metadata_destroy>>;
using event_ptr = std::unique_ptr<rd_kafka_event_t, deleter<rd_kafka_event_destroy>>;

// rd_kafka_t needs its own deleter: a consumer must be closed first, which
// the owning classes do explicitly.
using handle_ptr = std::unique_ptr<rd_kafka_t, deleter<rd_kafka_destroy>>;

}  // namespace ccpulse::kafka
