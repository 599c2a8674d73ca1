#include "kafka/record_batch.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/allocation_counter.h"

using ccpulse::kafka::record_batch;

namespace {
// Records of one drain, built before any counting starts.
struct drain {
  std::vector<std::string> keys;
  std::vector<std::string> values;  // empty where the record is a tombstone
  explicit drain(int n) {
    for (int i = 0; i < n; ++i) {
      keys.push_back("i/" + std::to_string(i));
      values.push_back(i % 5 == 0 ? std::string() : std::string(static_cast<std::size_t>(i % 40) + 1, 'v'));
    }
  }
  void into(record_batch& b) const {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (values[i].empty())
        b.put_tombstone(keys[i]);
      else
        b.put(keys[i], values[i]);
    }
  }
};
}  // namespace

TEST_CASE("record_batch keeps keys, values and tombstones in the order they were put") {
  record_batch b;
  b.put("q/billing", "state-1");
  b.put_tombstone("i/42");
  b.put("m", "");
  b.put("", "no key");
  REQUIRE(b.size() == 4);
  CHECK(b.key(0) == "q/billing");
  CHECK(b.value(0) == "state-1");
  CHECK_FALSE(b.tombstone(0));
  CHECK(b.key(1) == "i/42");
  CHECK(b.tombstone(1));
  CHECK(b.value(1).empty());
  CHECK(b.key(2) == "m");
  CHECK(b.value(2).empty());
  CHECK_FALSE(b.tombstone(2));  // an empty value is a value, not a delete
  CHECK(b.key(3).empty());
  CHECK(b.value(3) == "no key");
  b.clear();
  CHECK(b.empty());
}

TEST_CASE("record_batch refilled to the size of an earlier fill allocates nothing") {
  const drain d(1024);
  record_batch b;
  d.into(b);
  b.clear();
  {
    ccpulse::test::allocation_scope scope;
    d.into(b);
    CHECK(scope.count() == 0);
  }
  REQUIRE(b.size() == 1024);
  CHECK(b.key(1023) == "i/1023");
  CHECK(b.value(1023) == std::string(1023 % 40 + 1, 'v'));
  CHECK(b.tombstone(1020));
}
