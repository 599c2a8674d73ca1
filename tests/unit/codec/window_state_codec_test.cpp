// partition_metrics through the real changelog format: A's drains are
// encoded to state.proto bytes into a compacted topic (key -> bytes), B
// restores by decoding every value, and both continue with the same events:
// every read equal. Model -> bytes -> model for every record A writes.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>

#include "codec/state_codec.h"
#include "engine/state_record.h"
#include "metrics/metrics_test_traffic.h"

namespace {

namespace engine = ccpulse::engine;
namespace metrics = ccpulse::metrics;
using ccpulse::codec::state_decoder;
using ccpulse::codec::state_encoder;

// The state topic: bytes by key, tombstones delete. Only window records
// reach it here.
struct byte_topic final : engine::state_sink {
  std::map<std::string, std::string> records;
  state_encoder enc;
  std::string key, value;

  void put(const engine::interaction_state&) override { FAIL("not a window record"); }
  void put(const engine::queue_state&) override { FAIL("not a window record"); }
  void put(const engine::partition_meta_state&) override { FAIL("not a window record"); }
  void put(const engine::dedup_chunk&) override { FAIL("not a window record"); }
  void erase(const engine::state_key&) override { FAIL("not a window record"); }
  void put_bucket(const metrics::window_bucket_state& s) override {
    enc.encode(s, key, value);
    records[key] = value;
  }
  void put_clock(const metrics::window_clock_state& s) override {
    enc.encode(s, key, value);
    records[key] = value;
  }
  void erase_bucket(const metrics::window_state_key& k) override {
    state_encoder::encode_tombstone(k, key);
    records.erase(key);
  }
};

// Decoded records go to a partition_metrics restore.
struct restorer final : engine::state_sink {
  explicit restorer(metrics::partition_metrics& m) : _m(m) {}
  void put(const engine::interaction_state&) override {}
  void put(const engine::queue_state&) override {}
  void put(const engine::partition_meta_state&) override {}
  void put(const engine::dedup_chunk&) override {}
  void erase(const engine::state_key&) override {}
  void put_bucket(const metrics::window_bucket_state& s) override { _m.restore(s); }
  void put_clock(const metrics::window_clock_state& s) override { _m.restore(s); }
  void erase_bucket(const metrics::window_state_key& k) override { _m.restore_erase(k); }

 private:
  metrics::partition_metrics& _m;
};

}  // namespace

TEST_CASE(
    "window state through state.proto bytes: restored at a random point, a copy reads the same ever after") {
  for (std::uint32_t seed = 11; seed <= 13; ++seed) {
    CAPTURE(seed);
    const auto evs = ccpulse::test::traffic(seed, 6000);
    std::mt19937 rng(seed);
    const std::size_t cut = std::uniform_int_distribution<std::size_t>(500, evs.size() - 500)(rng);
    ccpulse::test::metrics_test_names names_a(6, 4), names_b(6, 4);
    auto a = ccpulse::test::make_metrics(names_a);
    byte_topic topic;
    for (std::size_t i = 0; i < cut; ++i) {
      ccpulse::test::apply(a, evs[i]);
      if (i % 25 == 0) a.drain(topic);
    }
    a.drain(topic);
    REQUIRE(topic.records.size() > 50);

    auto b = ccpulse::test::make_metrics(names_b);
    restorer into(b);
    state_decoder dec;
    for (const auto& [k, v] : topic.records) REQUIRE(dec.decode(k, v.data(), v.size(), false, into).ok());
    b.finish_restore();
    CHECK(b.probe().restore_skipped == 0);
    CHECK(ccpulse::test::check_equal(a, b) > 20);
    for (std::size_t i = cut; i < evs.size(); ++i) {
      ccpulse::test::apply(a, evs[i]);
      ccpulse::test::apply(b, evs[i]);
    }
    CHECK(ccpulse::test::check_equal(a, b) > 20);
  }
}
