// transactional_producer::produce_batch (kafka/transactional_producer.h):
// what reaches the partition, in which order, through a full local queue,
// and what a record librdkafka refuses does to the transaction. Read back
// with the restore reader (kafka/state_reader.h), which is read_committed:
// these tests leave their transaction open (committing needs a group
// member), which only the mock cluster shows to such a reader, so they run
// on the mock only.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "kafka/record_batch.h"
#include "kafka/state_reader.h"
#include "kafka/transactional_producer.h"
#include "test_cluster.h"

using namespace std::chrono_literals;
namespace k = ccpulse::kafka;
namespace t = ccpulse::testing;

namespace {

struct seen {
  std::string key;
  std::string value;
  bool tombstone = false;
};

bool operator==(const seen& a, const seen& b) {
  return a.key == b.key && a.value == b.value && a.tombstone == b.tombstone;
}

std::map<std::int32_t, std::vector<seen>> read_back(const k::properties& props, const std::string& topic,
                                                    const std::vector<std::int32_t>& partitions) {
  std::map<std::int32_t, std::vector<seen>> out;
  k::state_reader reader(props, topic);
  const auto error = reader.read(
      partitions,
      [&](const rd_kafka_message_t& m) {
        seen s;
        if (m.key) s.key.assign(static_cast<const char*>(m.key), m.key_len);
        s.tombstone = m.payload == nullptr;
        if (m.payload) s.value.assign(static_cast<const char*>(m.payload), m.len);
        out[m.partition].push_back(std::move(s));
      },
      [](const k::restore_progress&) {}, 60s);
  REQUIRE(error.empty());
  return out;
}

k::client_identity identity(const t::test_cluster& cluster, const std::string& name) {
  const auto id = cluster.unique(name);
  return {id, id, {}, {}, {}};
}

// Record i of a test run: every seventh a tombstone, values of varied length.
seen record(std::size_t i) {
  seen s;
  s.key = "i/" + std::to_string(i);
  s.tombstone = i % 7 == 3;
  if (!s.tombstone) s.value = "v" + std::to_string(i) + std::string(i % 50, 'x');
  return s;
}

void fill(k::record_batch& batch, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    const auto r = record(i);
    if (r.tombstone)
      batch.put_tombstone(r.key);
    else
      batch.put(r.key, r.value);
  }
}

bool acknowledged(k::transactional_producer& p) {
  return t::wait_for(
      [&] {
        p.poll();
        return p.unacknowledged() == 0;
      },
      30s);
}

#define SKIP_ON_REAL_BROKER(cluster)                                                                   \
  do {                                                                                                 \
    if ((cluster).real()) {                                                                            \
      MESSAGE("skipped: reads an open transaction, which only the mock cluster shows read_committed"); \
      return;                                                                                          \
    }                                                                                                  \
  } while (false)

}  // namespace

TEST_CASE("produce_batch: every record reaches its partition with key, value and tombstones, in order") {
  t::test_cluster cluster;
  SKIP_ON_REAL_BROKER(cluster);
  const auto topic = cluster.unique("produce-batch");
  cluster.create_topic(topic, 3, true);
  k::transactional_producer p(cluster.client_properties(), identity(cluster, "produce-batch"), 30s);
  k::record_batch batch;
  // Two drains of the same size into one transaction: the second one finds
  // the storage the first one grew, and grows nothing.
  constexpr std::size_t per_drain = 1200;
  fill(batch, 0, per_drain);
  const auto bytes = batch.byte_capacity();
  const auto records = batch.record_capacity();
  auto r = p.produce_batch(topic, 1, batch);
  REQUIRE_MESSAGE(r.ok(), r.message);
  CHECK(p.in_transaction());
  CHECK(batch.empty());
  fill(batch, per_drain, 2 * per_drain);
  CHECK(batch.byte_capacity() == bytes);
  CHECK(batch.record_capacity() == records);
  r = p.produce_batch(topic, 1, batch);
  REQUIRE_MESSAGE(r.ok(), r.message);
  REQUIRE(acknowledged(p));
  CHECK(p.counters().delivered.load() == 2 * per_drain);
  CHECK(p.counters().delivery_failed.load() == 0);

  auto got = read_back(cluster.client_properties(), topic, {0, 1, 2});
  CHECK(got.count(0) == 0);
  CHECK(got.count(2) == 0);
  REQUIRE(got[1].size() == 2 * per_drain);
  std::size_t tombstones = 0;
  for (std::size_t i = 0; i < 2 * per_drain; ++i) {
    CHECK_MESSAGE(got[1][i] == record(i), "record ", i, ": key ", got[1][i].key);
    if (got[1][i].tombstone) ++tombstones;
  }
  CHECK(tombstones == 343);  // i % 7 == 3 below 2400: the reader saw null values
}

TEST_CASE("produce_batch: an empty batch begins no transaction and produces nothing") {
  t::test_cluster cluster;
  const auto topic = cluster.unique("produce-batch-empty");
  cluster.create_topic(topic, 1, true);
  k::transactional_producer p(cluster.client_properties(), identity(cluster, "produce-batch-empty"), 30s);
  k::record_batch batch;
  CHECK(p.produce_batch(topic, 0, batch).ok());
  CHECK_FALSE(p.in_transaction());
}

TEST_CASE(
    "produce_batch: through a local queue smaller than the batch, every record is delivered once, in order") {
  t::test_cluster cluster;
  SKIP_ON_REAL_BROKER(cluster);
  const auto topic = cluster.unique("produce-batch-full");
  cluster.create_topic(topic, 2, true);
  auto props = cluster.client_properties();
  // 10 records in librdkafka's queue at most (until their delivery reports
  // are served): a batch of 500 meets QUEUE_FULL at its 11th record.
  props.emplace_back("queue.buffering.max.messages", "10");
  k::transactional_producer p(props, identity(cluster, "produce-batch-full"), 30s);
  k::record_batch batch;
  constexpr std::size_t n = 500;
  fill(batch, 0, n);
  const auto r = p.produce_batch(topic, 0, batch);
  REQUIRE_MESSAGE(r.ok(), r.message);
  REQUIRE(acknowledged(p));
  CHECK(p.counters().delivered.load() == n);
  CHECK(p.counters().delivery_failed.load() == 0);
  auto got = read_back(cluster.client_properties(), topic, {0, 1});
  CHECK(got.count(1) == 0);
  REQUIRE(got[0].size() == n);
  for (std::size_t i = 0; i < n; ++i)
    CHECK_MESSAGE(got[0][i] == record(i), "record ", i, ": key ", got[0][i].key);
}

TEST_CASE(
    "produce_batch: a record librdkafka refuses aborts the transaction, and the next batch begins a new "
    "one") {
  t::test_cluster cluster;
  SKIP_ON_REAL_BROKER(cluster);
  const auto topic = cluster.unique("produce-batch-refused");
  cluster.create_topic(topic, 1, true);
  k::transactional_producer p(cluster.client_properties(), identity(cluster, "produce-batch-refused"), 30s);
  k::record_batch batch;
  fill(batch, 0, 10);
  // Over message.max.bytes (1,000,000 by default): MSG_SIZE_TOO_LARGE, in
  // the call itself.
  batch.put("too-large", std::string(1'100'000, 'x'));
  fill(batch, 10, 20);
  const auto r = p.produce_batch(topic, 0, batch);
  CHECK(r.outcome == k::txn_outcome::aborted);
  CHECK(r.message.find(topic) != std::string::npos);
  CHECK(r.message.find("too large") != std::string::npos);
  CHECK(batch.empty());
  CHECK_FALSE(p.in_transaction());
  CHECK(p.transactions_aborted() == 1);

  fill(batch, 20, 30);
  const auto again = p.produce_batch(topic, 0, batch);
  REQUIRE_MESSAGE(again.ok(), again.message);
  CHECK(p.in_transaction());
  REQUIRE(acknowledged(p));
  // The mock shows aborted records to read_committed readers too: the
  // first batch's 20 acceptable records (flushed before the abort), then
  // the second batch's 10.
  auto got = read_back(cluster.client_properties(), topic, {0});
  REQUIRE(got[0].size() == 30);
  for (std::size_t i = 0; i < 30; ++i) CHECK(got[0][i] == record(i));
}
