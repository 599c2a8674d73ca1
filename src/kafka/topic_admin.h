#pragma once
// Topic creation through the Admin API (real clusters; librdkafka's mock
// cluster has no CreateTopics and uses mock_cluster::create_topic instead).
#include <chrono>
#include <string>
#include <vector>

#include "kafka/client_config.h"

namespace ccpulse::kafka {

struct topic_spec {
  std::string name;
  int partitions = 1;
  bool compacted = false;
};

// Creates the topics that do not exist yet; throws std::runtime_error naming
// the topic and the broker's reason for any other failure.
void create_topics(const properties& props, const std::vector<topic_spec>& topics,
                   std::chrono::milliseconds timeout);

}  // namespace ccpulse::kafka
