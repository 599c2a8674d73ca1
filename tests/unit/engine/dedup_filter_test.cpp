#include "engine/dedup_filter.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>

#include "model/time.h"

namespace {

using ccpulse::from_unix_micros;
using ccpulse::instant;
using ccpulse::engine::dedup_filter;
using namespace std::chrono_literals;

const instant t0 = from_unix_micros(1'700'000'000'000'000);

}  // namespace

TEST_CASE("dedup_filter admits a new id and rejects it again within the horizon") {
  dedup_filter f(10min, 1000000);
  CHECK(f.admit(1, t0));
  CHECK_FALSE(f.admit(1, t0));
  CHECK_FALSE(f.admit(1, t0 + 9min));
  CHECK(f.admit(2, t0 + 9min));
  CHECK(f.size() == 2);
}

TEST_CASE("dedup_filter rejects a duplicate whose event time is earlier than the original") {
  dedup_filter f(10min, 1000000);
  CHECK(f.admit(7, t0 + 5min));
  CHECK_FALSE(f.admit(7, t0));
}

TEST_CASE("dedup_filter still remembers an id one horizon later, across a rotation") {
  dedup_filter f(10min, 1000000);
  CHECK(f.admit(1, t0 + 9min));
  CHECK(f.admit(2, t0 + 10min));  // rotates: 1 moves to the previous generation
  CHECK_FALSE(f.admit(1, t0 + 10min + 1s));
  CHECK_FALSE(f.admit(1, t0 + 19min));
}

TEST_CASE("dedup_filter forgets an id after two rotations") {
  dedup_filter f(10min, 1000000);
  CHECK(f.admit(1, t0));
  CHECK(f.admit(2, t0 + 10min));  // first rotation
  CHECK(f.admit(3, t0 + 20min));  // second rotation: 1 is gone
  CHECK(f.admit(1, t0 + 20min));
  CHECK(f.size() == 3);  // {2} previous, {3, 1} current
}

TEST_CASE("dedup_filter rotates exactly when a horizon has passed, not before") {
  dedup_filter f(10min, 1000000);
  CHECK(f.admit(1, t0));
  CHECK(f.admit(2, t0 + 10min - 1us));  // same generation
  CHECK(f.admit(3, t0 + 10min));        // rotation: {1,2} previous
  CHECK(f.admit(4, t0 + 20min - 1us));  // generation started at t0+10min: no rotation
  CHECK_FALSE(f.admit(1, t0 + 20min - 1us));
  CHECK(f.admit(5, t0 + 20min));  // rotation: {1,2} dropped
  CHECK(f.admit(2, t0 + 20min));
}

TEST_CASE("dedup_filter memory stays bounded by two generations under steady traffic") {
  dedup_filter f(1min, 1000000);
  std::uint64_t id = 0;
  // 100 ids per second for 10 minutes: at most two minutes of ids are kept.
  for (int s = 0; s < 600; ++s)
    for (int i = 0; i < 100; ++i) REQUIRE(f.admit(++id, t0 + std::chrono::seconds(s)));
  CHECK(f.size() <= 2 * 60 * 100);
  CHECK(f.size() >= 60 * 100);
}

// Regression: after a quiet gap longer than two horizons the
// previous generation still holds ids that are many horizons old, so the
// "between one and two horizons" memory bound of the header does not hold.
TEST_CASE("dedup_filter forgets everything after a gap of two horizons") {
  dedup_filter f(10min, 1000000);
  CHECK(f.admit(1, t0));
  CHECK(f.admit(2, t0 + 10h));
  CHECK(f.admit(1, t0 + 10h));
}
