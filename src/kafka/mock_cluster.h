#pragma once
// librdkafka's in-process mock cluster: real brokers speaking the Kafka
// protocol over loopback TCP, for the demo and the tests. See STACK-NOTES:
// ~5 MiB retention per partition, no transaction semantics.
#include <cstdint>
#include <string>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "kafka/handles.h"

namespace ccpulse::kafka {

class mock_cluster {
 public:
  explicit mock_cluster(int brokers = 1);
  ~mock_cluster();
  mock_cluster(const mock_cluster&) = delete;
  mock_cluster& operator=(const mock_cluster&) = delete;

  std::string bootstrap_servers() const;
  void create_topic(const std::string& name, int partitions);
  rd_kafka_mock_cluster_t* handle() { return _cluster; }

 private:
  handle_ptr _owner;  // the mock cluster lives inside a client instance
  rd_kafka_mock_cluster_t* _cluster = nullptr;
};

}  // namespace ccpulse::kafka
