// The restore reader on its own (kafka/state_reader.h): what it reads, where
// it stops, and how fast it gives up on a partition that does not exist.
// Runs against the mock cluster, or a real broker (test_cluster.h).
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "kafka/event_producer.h"
#include "kafka/state_reader.h"
#include "test_cluster.h"

using namespace std::chrono_literals;
namespace t = ccpulse::testing;

namespace {

struct seen {
  std::string key;
  std::string value;
  bool tombstone = false;
  std::int64_t offset = 0;
};

std::map<std::int32_t, std::vector<seen>> read_all(const ccpulse::kafka::properties& props,
                                                   const std::string& topic,
                                                   const std::vector<std::int32_t>& partitions,
                                                   std::string& error,
                                                   ccpulse::kafka::restore_progress& last) {
  std::map<std::int32_t, std::vector<seen>> out;
  ccpulse::kafka::state_reader reader(props, topic);
  error = reader.read(
      partitions,
      [&](const rd_kafka_message_t& m) {
        seen s;
        if (m.key) s.key.assign(static_cast<const char*>(m.key), m.key_len);
        s.tombstone = m.payload == nullptr;
        if (m.payload) s.value.assign(static_cast<const char*>(m.payload), m.len);
        s.offset = m.offset;
        out[m.partition].push_back(std::move(s));
      },
      [&](const ccpulse::kafka::restore_progress& p) { last = p; }, 60s);
  return out;
}

}  // namespace

TEST_CASE(
    "state reader: every record of the asked partitions in log order, tombstones, empty partitions end") {
  t::test_cluster cluster;
  const auto topic = cluster.unique("state-reader");
  cluster.create_topic(topic, 4, true);
  {
    ccpulse::kafka::event_producer prod(cluster.client_properties());
    for (int i = 0; i < 300; ++i) {
      const auto key = "i/" + std::to_string(i);
      const auto value = "v" + std::to_string(i);
      prod.produce({topic, key, value, {}, i % 2});  // partitions 0 and 1; 2 and 3 stay empty
    }
    prod.produce({topic, "i/4", "", {}, 0, true});
    REQUIRE(prod.flush(30s));
    REQUIRE(prod.failed() == 0);
  }
  std::string error;
  ccpulse::kafka::restore_progress last;
  const auto start = std::chrono::steady_clock::now();
  auto got = read_all(cluster.client_properties(), topic, {0, 2, 3}, error, last);
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(error.empty());
  CHECK(got.count(1) == 0);  // not asked for
  CHECK(got.count(2) == 0);
  CHECK(got.count(3) == 0);
  REQUIRE(got[0].size() == 151);
  for (std::size_t i = 0; i < 150; ++i) {
    CHECK(got[0][i].key == "i/" + std::to_string(2 * i));
    CHECK(got[0][i].value == "v" + std::to_string(2 * i));
    CHECK(got[0][i].offset == static_cast<std::int64_t>(i));
  }
  CHECK(got[0][150].key == "i/4");
  CHECK(got[0][150].tombstone);
  CHECK(last.records == 151);
  CHECK(last.total_estimate == 151);
  // The end is seen from the fetches, not waited for: seconds would mean a
  // coordinator, a fetch.wait.max.ms or a batch timeout crept back in.
  CHECK(took < 5s);
}

TEST_CASE("state reader: a partition the topic does not have fails at once, naming it") {
  t::test_cluster cluster;
  const auto topic = cluster.unique("state-reader-missing");
  cluster.create_topic(topic, 2, true);
  std::string error;
  ccpulse::kafka::restore_progress last;
  const auto start = std::chrono::steady_clock::now();
  read_all(cluster.client_properties(), topic, {0, 5}, error, last);
  CHECK(error.find("partition 5") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - start < 30s);  // not the 60 s timeout
}

TEST_CASE("state reader: a log whose start moved past offset 0 is read from its earliest record") {
  t::test_cluster cluster;
  if (cluster.real()) return;  // relies on the mock's fixed ~5 MiB retention
  const auto topic = cluster.unique("state-reader-retention");
  cluster.create_topic(topic, 1, true);
  const std::string value(10000, 'x');
  constexpr int n = 1000;  // ~10 MB: the mock drops the oldest half or so
  {
    ccpulse::kafka::event_producer prod(cluster.client_properties());
    for (int i = 0; i < n; ++i) {
      prod.produce({topic, "i/" + std::to_string(i), value, {}, 0});
      if (i % 100 == 0) prod.poll();
    }
    REQUIRE(prod.flush(30s));
    REQUIRE(prod.failed() == 0);
  }
  std::string error;
  ccpulse::kafka::restore_progress last;
  auto got = read_all(cluster.client_properties(), topic, {0}, error, last);
  REQUIRE(error.empty());
  REQUIRE(!got[0].empty());
  CHECK(got[0].front().offset > 0);
  CHECK(got[0].back().offset == n - 1);
  CHECK(static_cast<std::int64_t>(got[0].size()) == n - got[0].front().offset);
}
