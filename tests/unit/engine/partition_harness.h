#pragma once
// One engine with partition 0 assigned at `start`, and scripted events into
// it: the shared setup of the engine's KPI and live-gauge tests.
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/partition.h"
#include "engine/state_record.h"
#include "metrics/partition_metrics.h"
#include "model/event.h"
#include "model/time.h"
#include "sla/policy.h"

namespace ccpulse::test {

struct partition_harness {
  partition_harness(engine::engine_settings s, sla::policy_set p, instant start)
      : eng(std::move(s), std::move(p)), part(eng.assign(0, start)) {}

  engine::engine eng;
  engine::partition& part;
  engine::outputs out;
  std::deque<std::string> ids;

  // An event with a fresh event id; more(e) sets what else it needs.
  template <class More>
  void apply(event_kind k, std::string_view ia, instant at, channel c, std::string_view queue, More&& more) {
    event e;
    ids.push_back("ev-" + std::to_string(ids.size()));
    e.event_id = ids.back();
    e.kind = k;
    e.interaction_id = ia;
    e.occurred_at = at;
    e.chan = c;
    e.queue_id = queue;
    more(e);
    part.apply(e, out);
  }
  void apply(event_kind k, std::string_view ia, instant at, channel c = channel::voice,
             std::string_view queue = "sales") {
    apply(k, ia, at, c, queue, [](event&) {});
  }
  metrics::scope_id queue(std::string_view name) {
    auto& ctx = const_cast<engine::engine_context&>(eng.context());
    return metrics::scope_id::queue(*ctx.find_queue(name));
  }
};

// A state sink that keeps the interaction records drained into it.
struct interaction_capture final : engine::state_sink {
  std::vector<engine::interaction_state> interactions;
  void put(const engine::interaction_state& s) override { interactions.push_back(s); }
  void put(const engine::queue_state&) override {}
  void put(const engine::partition_meta_state&) override {}
  void put(const engine::dedup_chunk&) override {}
  void erase(const engine::state_key&) override {}
};

}  // namespace ccpulse::test
