#include "kafka/mock_cluster.h"

#include <array>
#include <stdexcept>

#include "kafka/client_config.h"
#include "kafka/kafka_error.h"

namespace ccpulse::kafka {

mock_cluster::mock_cluster(int brokers) {
  auto conf = make_conf({{"client.id", "ccpulse-mock-cluster"}}, {});
  std::array<char, 512> err{};
  _owner.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.release(), err.data(), err.size()));
  if (!_owner) throw std::runtime_error(std::string("mock cluster owner: ") + err.data());
  _cluster = rd_kafka_mock_cluster_new(_owner.get(), brokers);
  if (!_cluster) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
}

mock_cluster::~mock_cluster() {
  if (_cluster) rd_kafka_mock_cluster_destroy(_cluster);
}

std::string mock_cluster::bootstrap_servers() const {
  return rd_kafka_mock_cluster_bootstraps(_cluster);
}

void mock_cluster::create_topic(const std::string& name, int partitions) {
  auto e = rd_kafka_mock_topic_create(_cluster, name.c_str(), partitions, 1);
  if (e) throw std::runtime_error("create topic " + name + ": " + make_error_code(e).message());
}

}  // namespace ccpulse::kafka
