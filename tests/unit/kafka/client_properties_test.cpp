#include "kafka/client_properties.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#ifndef CCPULSE_SOURCE_DIR
#error "CCPULSE_SOURCE_DIR must be defined to the repository root"
#endif

using namespace ccpulse::kafka;

namespace {

constexpr std::array all_kinds{client_kind::input_consumer,
                               client_kind::alert_producer,
                               client_kind::state_reader,
                               client_kind::traffic_producer,
                               client_kind::transactional_traffic_producer,
                               client_kind::mock_cluster,
                               client_kind::admin};

// What librdkafka ends up with: a later pair overrides an earlier one.
std::map<std::string, std::string> effective(const properties& props) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : props) out[k] = v;
  return out;
}

bool applies(const managed_property& p, client_kind k) { return (p.clients & bit(k)) != 0; }

const client_identity worker3 = worker_identity("cc-1", 3);

}  // namespace

TEST_CASE("a worker's clients are named after the instance and the worker's index") {
  CHECK(worker3.client_id == "cc-1-w3");
  CHECK(worker3.transactional_id == "cc-1-3");
  CHECK(worker3.restore_client_id == "cc-1-w3-restore");
}

TEST_CASE(
    "a worker's input consumer gets ccpulse's defaults, then the user's properties, then the forced ones") {
  const properties expected{{"group.id", "ccpulse"},
                            {"queued.min.messages", "1000000"},
                            {"bootstrap.servers", "b:9092"},
                            {"client.id", "cc-1-w3"},
                            {"group.instance.id", "cc-1-w3"},
                            {"enable.auto.commit", "false"},
                            {"enable.auto.offset.store", "false"},
                            {"isolation.level", "read_committed"},
                            {"enable.partition.eof", "true"},
                            {"auto.offset.reset", "earliest"},
                            {"partition.assignment.strategy", "cooperative-sticky"}};
  CHECK(client_properties(client_kind::input_consumer, {{"bootstrap.servers", "b:9092"}}, worker3) ==
        expected);
}

TEST_CASE("a worker's alert producer is transactional, idempotent and named per worker") {
  const properties expected{
      {"bootstrap.servers", "b:9092"}, {"client.id", "cc-1-w3"}, {"transactional.id", "cc-1-3"},
      {"enable.idempotence", "true"},  {"acks", "all"},          {"transaction.timeout.ms", "30000"}};
  CHECK(client_properties(client_kind::alert_producer, {{"bootstrap.servers", "b:9092"}}, worker3) ==
        expected);
}

TEST_CASE("the restore reader reads fast, read_committed, to partition EOF") {
  const properties expected{{"queued.min.messages", "1000000"},
                            {"max.partition.fetch.bytes", "8388608"},
                            {"fetch.max.bytes", "67108864"},
                            {"bootstrap.servers", "b:9092"},
                            {"enable.auto.commit", "false"},
                            {"enable.auto.offset.store", "false"},
                            {"isolation.level", "read_committed"},
                            {"enable.partition.eof", "true"},
                            {"auto.offset.reset", "earliest"},
                            {"fetch.wait.max.ms", "10"},
                            {"fetch.min.bytes", "1"}};
  CHECK(client_properties(client_kind::state_reader, {{"bootstrap.servers", "b:9092"}}) == expected);
}

TEST_CASE("a worker's restore reader is named after the worker, apart from its consumer") {
  const auto props = client_properties(client_kind::state_reader, {{"client.id", "mine"}}, worker3);
  const auto last_client_id =
      std::find_if(props.rbegin(), props.rend(), [](const auto& p) { return p.first == "client.id"; });
  REQUIRE(last_client_id != props.rend());
  CHECK(last_client_id->second == "cc-1-w3-restore");
}

TEST_CASE("every managed property reaches its clients with the table's value, or the user's for a default") {
  // The user writes every managed name; forced ones must still win.
  properties user;
  for (const auto& p : managed_properties()) user.emplace_back(p.name, "user-value");
  for (const auto kind : all_kinds) {
    const auto with_user = effective(client_properties(kind, user, worker3));
    const auto without = effective(client_properties(kind, {}, worker3));
    for (const auto& p : managed_properties()) {
      if (!applies(p, kind)) continue;
      INFO("client kind ", bit(kind), ", property ", std::string(p.name));
      REQUIRE(without.count(std::string(p.name)) == 1);
      if (p.how == management::default_value) {
        CHECK(without.at(std::string(p.name)) == p.value);
        CHECK(with_user.at(std::string(p.name)) == "user-value");
      } else {
        CHECK(without.at(std::string(p.name)) == value_for(p, worker3));
        CHECK(with_user.at(std::string(p.name)) == value_for(p, worker3));
      }
    }
  }
}

TEST_CASE("a default the user set is not added a second time") {
  const auto props =
      client_properties(client_kind::input_consumer, {{"queued.min.messages", "5000"}}, worker3);
  CHECK(std::count_if(props.begin(), props.end(),
                      [](const auto& p) { return p.first == "queued.min.messages"; }) == 1);
  CHECK(effective(props).at("queued.min.messages") == "5000");
}

TEST_CASE("without a worker identity, derived properties are left to librdkafka") {
  const auto props = effective(client_properties(client_kind::input_consumer, {}));
  CHECK(props.count("client.id") == 0);
  CHECK(props.count("group.instance.id") == 0);
  CHECK(props.at("isolation.level") == "read_committed");
}

TEST_CASE("admin clients get the user's properties unchanged") {
  const properties user{{"bootstrap.servers", "b:9092"}, {"client.id", "tool"}};
  CHECK(client_properties(client_kind::admin, user) == user);
}

TEST_CASE("every librdkafka config in src/ is built through client_properties") {
  // So every property ccpulse sets is a row of the managed table: a literal
  // list handed to make_conf, or a direct rd_kafka_conf_set, would bypass it.
  namespace fs = std::filesystem;
  int calls = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(CCPULSE_SOURCE_DIR) / "src")) {
    if (entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    const bool is_client_config = entry.path().filename() == "client_config.cpp";
    INFO(entry.path().string());
    if (!is_client_config) CHECK(s.find("rd_kafka_conf_set(") == std::string::npos);
    for (auto at = s.find("make_conf("); at != std::string::npos; at = s.find("make_conf(", at + 1)) {
      if (is_client_config) continue;  // the definition
      ++calls;
      const auto arg = s.substr(at + 10, 40);
      CHECK_MESSAGE(arg.find("client_properties(") < arg.find_first_of(",)"), "make_conf(" << arg);
    }
  }
  CHECK(calls >= 7);
}
