#include "test_cluster.h"

#include <array>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <thread>

#include "kafka/handles.h"
#include "kafka/topic_admin.h"

namespace ccpulse::testing {

namespace {
std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}
}  // namespace

test_cluster::test_cluster() {
  std::random_device rd;
  _suffix = std::to_string(rd() % 1000000);
  _bootstrap = env("CCPULSE_TEST_KAFKA_BOOTSTRAP");
  if (_bootstrap.empty()) {
    _mock = std::make_unique<kafka::mock_cluster>(1);
    _bootstrap = _mock->bootstrap_servers();
  }
}

kafka::properties test_cluster::client_properties() const {
  kafka::properties p{{"bootstrap.servers", _bootstrap}};
  // TLS and SASL for the real-broker runs (scripts/kafka-up --tls --sasl).
  auto protocol = env("CCPULSE_TEST_KAFKA_SECURITY_PROTOCOL");
  auto mech = env("CCPULSE_TEST_KAFKA_SASL_MECHANISM");
  if (protocol.empty() && !mech.empty()) protocol = "SASL_PLAINTEXT";
  if (!protocol.empty()) p.emplace_back("security.protocol", protocol);
  if (auto ca = env("CCPULSE_TEST_KAFKA_SSL_CA_FILE"); !ca.empty()) p.emplace_back("ssl.ca.location", ca);
  if (!mech.empty()) {
    p.emplace_back("sasl.mechanisms", mech);
    p.emplace_back("sasl.username", env("CCPULSE_TEST_KAFKA_SASL_USER"));
    p.emplace_back("sasl.password", env("CCPULSE_TEST_KAFKA_SASL_PASSWORD"));
  }
  return p;
}

kafka::properties test_cluster::pipeline_properties() const {
  auto p = client_properties();
  if (_mock)
    for (auto& t : kafka::mock_cluster::group_timing()) p.push_back(std::move(t));
  return p;
}

std::string test_cluster::unique(const std::string& base) const { return base + "-" + _suffix; }

void test_cluster::create_topic(const std::string& name, int partitions, bool compacted) {
  if (_mock)
    _mock->create_topic(name, partitions);
  else
    kafka::create_topics(client_properties(), {{name, partitions, compacted}}, std::chrono::seconds(30));
}

std::string consumed_record::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

namespace {
std::vector<consumed_record> read(const kafka::properties& props, const std::string& topic,
                                  const std::function<bool(const std::vector<consumed_record>&)>& done,
                                  std::chrono::milliseconds deadline, bool to_end) {
  auto all = props;
  all.insert(all.end(), {{"group.id", "ccpulse-test-reader-" + topic},
                         {"enable.auto.commit", "false"},
                         {"isolation.level", "read_committed"},
                         {"enable.partition.eof", to_end ? "true" : "false"},
                         {"auto.offset.reset", "earliest"}});
  auto conf = kafka::make_conf(all);
  std::array<char, 512> err{};
  kafka::handle_ptr rk{rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err.data(), err.size())};
  if (!rk) throw std::runtime_error(err.data());
  conf.release();
  // Assign every partition explicitly: no group join to wait for.
  const rd_kafka_metadata_t* raw = nullptr;
  kafka::handle_ptr::pointer h = rk.get();
  std::vector<consumed_record> out;
  const auto end = std::chrono::steady_clock::now() + deadline;
  int partitions = 0;
  while (partitions == 0 && std::chrono::steady_clock::now() < end) {
    rd_kafka_topic_t* t = rd_kafka_topic_new(h, topic.c_str(), nullptr);
    if (!rd_kafka_metadata(h, 0, t, &raw, 5000)) {
      kafka::metadata_ptr md{raw};
      if (md->topic_cnt == 1 && !md->topics[0].err) partitions = md->topics[0].partition_cnt;
    }
    rd_kafka_topic_destroy(t);
  }
  if (partitions == 0) throw std::runtime_error("no metadata for topic " + topic);
  kafka::topic_partition_list_ptr list{rd_kafka_topic_partition_list_new(partitions)};
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(h, list.get());
  // at_end[p]: partition p reported its end and nothing was read from it since.
  std::vector<bool> at_end(static_cast<std::size_t>(partitions), !to_end);
  auto all_at_end = [&at_end] {
    for (bool e : at_end)
      if (!e) return false;
    return true;
  };
  while (!(done(out) && all_at_end()) && std::chrono::steady_clock::now() < end) {
    kafka::message_ptr m{rd_kafka_consumer_poll(h, 100)};
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF && m->partition >= 0 && m->partition < partitions)
      at_end[static_cast<std::size_t>(m->partition)] = true;
    if (m->err) continue;
    if (to_end) at_end[static_cast<std::size_t>(m->partition)] = false;
    consumed_record r;
    if (m->key) r.key.assign(static_cast<const char*>(m->key), m->key_len);
    if (m->payload) r.value.assign(static_cast<const char*>(m->payload), m->len);
    r.partition = m->partition;
    rd_kafka_headers_t* hs = nullptr;
    if (!rd_kafka_message_headers(m.get(), &hs)) {
      const char* name = nullptr;
      const void* val = nullptr;
      std::size_t size = 0;
      for (std::size_t i = 0; !rd_kafka_header_get_all(hs, i, &name, &val, &size); ++i)
        r.headers.emplace_back(name, std::string(static_cast<const char*>(val), size));
    }
    out.push_back(std::move(r));
  }
  rd_kafka_consumer_close(h);
  return out;
}
}  // namespace

std::vector<consumed_record> read_topic(const kafka::properties& props, const std::string& topic,
                                        const std::function<bool(const std::vector<consumed_record>&)>& done,
                                        std::chrono::milliseconds deadline) {
  return read(props, topic, done, deadline, false);
}

std::vector<consumed_record> read_topic_to_end(
    const kafka::properties& props, const std::string& topic,
    const std::function<bool(const std::vector<consumed_record>&)>& done,
    std::chrono::milliseconds deadline) {
  return read(props, topic, done, deadline, true);
}

bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    // The one polling pause of the integration tests: a short interval
    // between checks of a condition, always bounded by the deadline.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

}  // namespace ccpulse::testing
