#include "kafka/managed_properties.h"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

using namespace ccpulse::kafka;

TEST_CASE("every managed property says what it is set to and why") {
  for (const auto& p : managed_properties()) {
    INFO(std::string(p.name));
    CHECK(!p.name.empty());
    CHECK(p.clients != 0);
    CHECK(!p.why.empty());
    // A value is either literal or derived, never both nor neither.
    CHECK(p.value.empty() == (p.derived != nullptr));
    CHECK(!documented_value(p).empty());
    // Defaults need a literal: there is nothing to derive before the user.
    if (p.how == management::default_value) CHECK(p.derived == nullptr);
  }
}

TEST_CASE("a property is managed one way on each client") {
  std::set<std::pair<std::string, unsigned>> seen;
  for (const auto& p : managed_properties())
    for (unsigned b = 1; b != 0 && b <= p.clients; b <<= 1U)
      if ((p.clients & b) != 0)
        CHECK_MESSAGE(seen.emplace(std::string(p.name), b).second, std::string(p.name));
}

TEST_CASE("forced_property finds the forced rows only, a worker's row first") {
  REQUIRE(forced_property("client.id") != nullptr);
  CHECK(documented_value(*forced_property("client.id")) == "<instance_id>-w<N>");
  CHECK(forced_property("isolation.level")->value == "read_committed");
  CHECK(forced_property("queued.min.messages") == nullptr);  // a default
  CHECK(forced_property("group.id") == nullptr);             // a default
  CHECK(forced_property("fetch.wait.max.ms") == nullptr);    // the restore reader's only
  CHECK(forced_property("linger.ms") == nullptr);            // not managed
}

TEST_CASE("a derived value comes from the client's identity") {
  const client_identity id{"a-w1", "a-1", "a-w1-restore", "a-snapshots", "a-replay"};
  CHECK(value_for(*forced_property("group.instance.id"), id) == "a-w1");
  CHECK(value_for(*forced_property("transactional.id"), id) == "a-1");
  CHECK(value_for(*forced_property("acks"), id) == "all");
}

TEST_CASE("the snapshots reader reads committed data from the beginning under its own client.id") {
  const auto id = snapshot_reader_identity("a");
  CHECK(id.snapshot_client_id == "a-snapshots");
  std::map<std::string, std::string> set;
  for (const auto& p : managed_properties())
    if ((p.clients & bit(client_kind::snapshot_reader)) != 0)
      set[std::string(p.name)] = std::string(value_for(p, id));
  CHECK(set["client.id"] == "a-snapshots");
  CHECK(set["isolation.level"] == "read_committed");
  CHECK(set["auto.offset.reset"] == "earliest");
  CHECK(set["enable.partition.eof"] == "true");
  CHECK_FALSE(set.contains("queued.min.messages"));
}

TEST_CASE("the replay reader reads committed data, commits nothing and has a client.id of its own") {
  const auto id = replay_reader_identity("a");
  std::map<std::string, std::string> set;
  for (const auto& p : managed_properties())
    if ((p.clients & bit(client_kind::replay_reader)) != 0)
      set[std::string(p.name)] = std::string(value_for(p, id));
  CHECK(set["client.id"] == "a-replay");
  CHECK(set["isolation.level"] == "read_committed");
  CHECK(set["enable.auto.commit"] == "false");
  CHECK(set["enable.partition.eof"] == "true");
  CHECK_FALSE(set.contains("group.instance.id"));
  CHECK_FALSE(set.contains("transactional.id"));
}
