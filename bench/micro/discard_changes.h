#pragma once
// What the worker's commit does with a partition's changes, minus encoding
// them: the engine benches drain into this as a commit interval would.
#include "engine/state_record.h"
#include "metrics/window_state.h"

namespace ccpulse::bench {

struct discard_changes final : ccpulse::engine::state_sink {
  void put(const ccpulse::engine::interaction_state&) override {}
  void put(const ccpulse::engine::queue_state&) override {}
  void put(const ccpulse::engine::partition_meta_state&) override {}
  void put(const ccpulse::engine::dedup_chunk&) override {}
  void put_bucket(const ccpulse::metrics::window_bucket_state&) override {}
  void put_clock(const ccpulse::metrics::window_clock_state&) override {}
  void erase_bucket(const ccpulse::metrics::window_state_key&) override {}
  void erase(const ccpulse::engine::state_key&) override {}
};

}  // namespace ccpulse::bench
