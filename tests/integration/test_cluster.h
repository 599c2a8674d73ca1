#pragma once
// The broker an integration test talks to: librdkafka's mock cluster by
// default, or a real Apache Kafka when CCPULSE_TEST_KAFKA_BOOTSTRAP is set
// (scripts/kafka-up prints it), with CCPULSE_TEST_KAFKA_SECURITY_PROTOCOL,
// _SSL_CA_FILE and _SASL_* for a --tls / --sasl broker. One test code path
// for both.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kafka/client_config.h"
#include "kafka/mock_cluster.h"

namespace ccpulse::testing {

class test_cluster {
 public:
  test_cluster();
  bool real() const { return !_mock; }
  const std::string& bootstrap() const { return _bootstrap; }
  // bootstrap.servers plus security settings from the environment.
  kafka::properties client_properties() const;
  // client_properties plus, on the mock, its consumer-group timing
  // (mock_cluster::group_timing): for a pipeline's configuration.
  kafka::properties pipeline_properties() const;
  // Unique per test run, so reruns against one broker never collide.
  std::string unique(const std::string& base) const;
  void create_topic(const std::string& name, int partitions, bool compacted = false);

 private:
  std::unique_ptr<kafka::mock_cluster> _mock;
  std::string _bootstrap;
  std::string _suffix;
};

// A pipeline's topics with unique names (prefix "it" -> it.events.N, ...),
// created as the product expects them: state and snapshots compacted.
struct pipeline_topics {
  pipeline_topics(test_cluster& cluster, const std::string& prefix)
      : input(cluster.unique(prefix + ".events")),
        alerts(cluster.unique(prefix + ".alerts")),
        dlq(cluster.unique(prefix + ".dlq")),
        state(cluster.unique(prefix + ".state")) {
    cluster.create_topic(input, 3);
    cluster.create_topic(alerts, 3);
    cluster.create_topic(dlq, 1);
    cluster.create_topic(state, 3, true);
    cluster.create_topic(state + ".snapshots", 2, true);
  }
  std::string input, alerts, dlq, state;
};

struct consumed_record {
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
  std::int32_t partition = 0;
  std::string header(const std::string& name) const;
};

// Reads a topic from the beginning as a read_committed consumer nobody else
// shares, until `done(records)` is true or the deadline passes.
std::vector<consumed_record> read_topic(const kafka::properties& props, const std::string& topic,
                                        const std::function<bool(const std::vector<consumed_record>&)>& done,
                                        std::chrono::milliseconds deadline);

// The same, but returns only once `done(records)` holds and every partition
// has then been read to its end (with read_committed, the last stable offset):
// records beyond the ones `done` waited for are read too, not left unseen.
std::vector<consumed_record> read_topic_to_end(
    const kafka::properties& props, const std::string& topic,
    const std::function<bool(const std::vector<consumed_record>&)>& done, std::chrono::milliseconds deadline);

// Polls cond every few milliseconds until it holds or the deadline passes.
bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds deadline);

}  // namespace ccpulse::testing
