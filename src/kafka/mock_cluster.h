#pragma once
// librdkafka's in-process mock cluster: real brokers speaking the Kafka
// protocol over loopback TCP, for the demo and the tests. See STACK-NOTES:
// ~5 MiB retention per partition, no transaction semantics.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "kafka/client_config.h"
#include "kafka/handles.h"

namespace ccpulse::kafka {

// Kafka protocol API keys, for push_request_errors.
namespace mock_api {
inline constexpr std::int16_t produce = 0;
inline constexpr std::int16_t fetch = 1;
inline constexpr std::int16_t offset_commit = 8;
inline constexpr std::int16_t init_producer_id = 22;
inline constexpr std::int16_t add_partitions_to_txn = 24;
inline constexpr std::int16_t add_offsets_to_txn = 25;
inline constexpr std::int16_t end_txn = 26;
inline constexpr std::int16_t txn_offset_commit = 28;
}  // namespace mock_api

class mock_cluster {
 public:
  // owner_properties configure the client instance that hosts the brokers,
  // e.g. {"debug", "mock,cgrp"} to log what the brokers do.
  explicit mock_cluster(int brokers = 1, const properties& owner_properties = {});
  ~mock_cluster();
  mock_cluster(const mock_cluster&) = delete;
  mock_cluster& operator=(const mock_cluster&) = delete;

  std::string bootstrap_servers() const;
  // Consumer-group timing for members of this cluster's groups. The 2.0.2
  // mock elects a leader only when its rebalance timer runs out, and for
  // every rebalance after the first that timer is session.timeout.ms - 1 s:
  // with the 45 s default, one member joining late stalls the whole group
  // for ~44 s per round (a cooperative rebalance takes two).
  static properties group_timing();
  void create_topic(const std::string& name, int partitions);
  rd_kafka_mock_cluster_t* handle() { return _cluster; }

  // Fault injection (tests). Broker ids are 1..N; -1 means every broker.
  // Down: connections are closed and refused; leadership does not move.
  void set_broker_down(std::int32_t broker = -1);
  void set_broker_up(std::int32_t broker = -1);
  // Delays every response of the broker by rtt (0 restores).
  void set_rtt(std::chrono::milliseconds rtt, std::int32_t broker = -1);
  // The next requests with this API key (see mock_api) that reach `broker`
  // fail with these errors, in order, one per request, from any client.
  void push_request_errors(std::int32_t broker, std::int16_t api_key,
                           const std::vector<rd_kafka_resp_err_t>& errors);
  // Errors pushed on `broker` for api_key that no request has taken yet.
  std::size_t pending_request_errors(std::int32_t broker, std::int16_t api_key) const;

 private:
  handle_ptr _owner;  // the mock cluster lives inside a client instance
  rd_kafka_mock_cluster_t* _cluster = nullptr;
};

}  // namespace ccpulse::kafka
