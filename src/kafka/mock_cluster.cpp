#include "kafka/mock_cluster.h"

#include <array>
#include <stdexcept>

#include "kafka/client_config.h"
#include "kafka/client_properties.h"
#include "kafka/kafka_error.h"

namespace ccpulse::kafka {

mock_cluster::mock_cluster(int brokers, const properties& owner_properties) {
  auto conf = make_conf(client_properties(client_kind::mock_cluster, owner_properties));
  std::array<char, 512> err{};
  _owner.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.release(), err.data(), err.size()));
  if (!_owner) throw std::runtime_error(std::string("mock cluster owner: ") + err.data());
  _cluster = rd_kafka_mock_cluster_new(_owner.get(), brokers);
  if (!_cluster) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
}

mock_cluster::~mock_cluster() {
  if (_cluster) rd_kafka_mock_cluster_destroy(_cluster);
}

properties mock_cluster::group_timing() {
  return {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "1000"}};
}

std::string mock_cluster::bootstrap_servers() const { return rd_kafka_mock_cluster_bootstraps(_cluster); }

void mock_cluster::create_topic(const std::string& name, int partitions) {
  auto e = rd_kafka_mock_topic_create(_cluster, name.c_str(), partitions, 1);
  if (e) throw std::runtime_error("create topic " + name + ": " + make_error_code(e).message());
}

namespace {
void check(rd_kafka_resp_err_t e, const char* what) {
  if (e) throw std::runtime_error(std::string("mock cluster ") + what + ": " + rd_kafka_err2str(e));
}
}  // namespace

void mock_cluster::set_broker_down(std::int32_t broker) {
  check(rd_kafka_mock_broker_set_down(_cluster, broker), "set_down");
}

void mock_cluster::set_broker_up(std::int32_t broker) {
  check(rd_kafka_mock_broker_set_up(_cluster, broker), "set_up");
}

void mock_cluster::set_rtt(std::chrono::milliseconds rtt, std::int32_t broker) {
  check(rd_kafka_mock_broker_set_rtt(_cluster, broker, static_cast<int>(rtt.count())), "set_rtt");
}

void mock_cluster::push_request_errors(std::int32_t broker, std::int16_t api_key,
                                       const std::vector<rd_kafka_resp_err_t>& errors) {
  // One push per error: the broker's stack is FIFO, so order is kept.
  for (auto e : errors)
    check(rd_kafka_mock_broker_push_request_error_rtts(_cluster, broker, api_key, 1, e, 0),
          "push_request_errors");
}

std::size_t mock_cluster::pending_request_errors(std::int32_t broker, std::int16_t api_key) const {
  std::size_t n = 0;
  check(rd_kafka_mock_broker_error_stack_cnt(_cluster, broker, api_key, &n), "error_stack_cnt");
  return n;
}

}  // namespace ccpulse::kafka
