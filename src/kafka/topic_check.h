#pragma once
// Startup check against a real cluster: can we connect and authenticate, and
// do the topics we need exist? Fails fast with a clear message instead of a
// consumer that silently waits forever.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "kafka/client_config.h"

namespace ccpulse::kafka {

struct topic_check_result {
  std::string error;                      // connection/authentication problem; empty when reachable
  std::vector<std::string> missing;       // requested topics the cluster does not have
  std::map<std::string, int> partitions;  // of the topics that exist
};

topic_check_result check_topics(const properties& props, const std::vector<std::string>& topics,
                                std::chrono::milliseconds timeout);

}  // namespace ccpulse::kafka
