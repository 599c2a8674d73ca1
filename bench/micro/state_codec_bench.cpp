// State codec costs against DESIGN.md §8's restore target (>= 500,000
// records/s): decode of interaction records from changelog bytes into the
// engine's portable structs, and encode for the per-commit drain.
//
// The records: 10,000 distinct interactions with 36-character ids (UUID
// size, beyond the short-string buffer), a queue, a tier, and one or two
// SLA clocks, as an open voice/chat interaction has; decoded round-robin
// so the bytes are not all in L1.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "codec/state_codec.h"
#include "engine/state_record.h"
#include "model/channel.h"
#include "model/time.h"
#include "sla/policy.h"

namespace {

using ccpulse::channel;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using namespace std::chrono_literals;
namespace engine = ccpulse::engine;

const instant t0 = from_unix_micros(1'700'000'000'000'000);
constexpr std::size_t record_count = 10'000;

engine::interaction_state interaction(std::size_t n) {
  engine::interaction_state s;
  char id[48];
  std::snprintf(id, sizeof id, "%08x-4b1f-4c2a-9e3d-%012zx", static_cast<unsigned>(n * 2654435761U), n);
  s.interaction_id = id;
  s.chan = n % 3 == 0 ? channel::chat : channel::voice;
  s.queue = "q" + std::to_string(n % 20);
  s.tier = n % 4 == 0 ? "gold" : "silver";
  s.priority = static_cast<std::uint32_t>(n % 5);
  s.queue_cycle = 1;
  s.state = n % 2 == 0 ? engine::lifecycle::waiting : engine::lifecycle::answered;
  s.created_at = t0 + std::chrono::milliseconds(n * 7);
  s.queued_at = s.created_at + 2s;
  if (s.state == engine::lifecycle::answered) s.answered_at = s.queued_at + 14s;
  engine::clock_state c;
  c.target = ccpulse::sla::target_type::answer;
  c.policy = s.chan == channel::chat ? "chat" : "voice";
  c.cycle = 1;
  c.started_at = s.queued_at;
  c.at_risk_at = s.queued_at + 24s;
  c.deadline = s.queued_at + 30s;
  c.running = s.state == engine::lifecycle::waiting;
  s.clocks.push_back(c);
  if (n % 3 == 0) {
    c.target = ccpulse::sla::target_type::resolution;
    c.policy = "chat";
    c.at_risk_at = s.queued_at + 45min;
    c.deadline = s.queued_at + 1h;
    c.running = true;
    s.clocks.push_back(c);
  }
  return s;
}

struct null_sink final : engine::state_sink {
  std::size_t clocks = 0;
  void put(const engine::interaction_state& s) override { clocks += s.clocks.size(); }
  void put(const engine::queue_state&) override {}
  void put(const engine::partition_meta_state&) override {}
  void put(const engine::dedup_chunk&) override {}
  void put_bucket(const ccpulse::metrics::window_bucket_state&) override {}
  void put_clock(const ccpulse::metrics::window_clock_state&) override {}
  void erase_bucket(const ccpulse::metrics::window_state_key&) override {}
  void erase(const engine::state_key&) override {}
};

struct encoded_set {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  std::size_t bytes = 0;
};

const encoded_set& records() {
  static const encoded_set set = [] {
    encoded_set s;
    ccpulse::codec::state_encoder enc;
    std::string key, value;
    for (std::size_t n = 0; n < record_count; ++n) {
      enc.encode(interaction(n), key, value);
      s.keys.push_back(key);
      s.values.push_back(value);
      s.bytes += key.size() + value.size();
    }
    return s;
  }();
  return set;
}

void bm_state_decode_interaction(benchmark::State& state) {
  const auto& set = records();
  ccpulse::codec::state_decoder dec;
  null_sink sink;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto r = dec.decode(set.keys[i], set.values[i].data(), set.values[i].size(), false, sink);
    if (!r.ok()) state.SkipWithError(r.detail.c_str());
    if (++i == record_count) i = 0;
  }
  benchmark::DoNotOptimize(sink.clocks);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(set.bytes / record_count));
  state.counters["target_ratio"] =
      benchmark::Counter(static_cast<double>(state.iterations()) / 500'000.0, benchmark::Counter::kIsRate);
}
BENCHMARK(bm_state_decode_interaction);

void bm_state_encode_interaction(benchmark::State& state) {
  std::vector<engine::interaction_state> in;
  in.reserve(record_count);
  for (std::size_t n = 0; n < record_count; ++n) in.push_back(interaction(n));
  ccpulse::codec::state_encoder enc;
  std::string key, value;
  std::size_t i = 0;
  for (auto _ : state) {
    enc.encode(in[i], key, value);
    benchmark::DoNotOptimize(value.data());
    if (++i == record_count) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_state_encode_interaction);

}  // namespace
