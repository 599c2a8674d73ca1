// The worker's input stage on its own (app/input_stage.h): it polls and
// decodes on its own thread, yet rebalances reach the listener on the thread
// that takes the slots, after every message polled before them; stop()
// drops what is in flight and leaves the consumer to the engine thread.
// Runs against the mock cluster, or a real broker (test_cluster.h).
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "app/input_stage.h"
#include "ccpulse/v1/events.pb.h"
#include "kafka/event_producer.h"
#include "kafka/group_consumer.h"
#include "test_cluster.h"

using namespace std::chrono_literals;
namespace t = ccpulse::testing;

namespace {

// The engine side: records where and when each rebalance ran.
struct engine_listener final : ccpulse::kafka::rebalance_listener {
  std::thread::id engine = std::this_thread::get_id();
  std::size_t messages = 0;  // taken by the engine so far
  std::vector<std::string> calls;
  bool off_thread = false;
  std::map<std::int32_t, std::size_t> owned;  // partition -> messages seen when assigned
  void on_assigned(const std::vector<ccpulse::kafka::topic_partition>& parts) noexcept override {
    off_thread |= std::this_thread::get_id() != engine;
    calls.push_back("assigned " + std::to_string(parts.size()) + " after " + std::to_string(messages));
    for (const auto& p : parts) owned[p.partition] = messages;
  }
  void on_revoked(const std::vector<ccpulse::kafka::topic_partition>& parts, bool lost) noexcept override {
    off_thread |= std::this_thread::get_id() != engine;
    calls.push_back("revoked " + std::to_string(parts.size()) + (lost ? " lost" : ""));
    for (const auto& p : parts) owned.erase(p.partition);
  }
};

std::string event_bytes(int i) {
  ccpulse::v1::Event e;
  e.set_event_id("e" + std::to_string(i));
  e.set_interaction_id("i" + std::to_string(i));
  e.set_channel(ccpulse::v1::CHANNEL_VOICE);
  e.set_queue_id("billing");
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  e.mutable_occurred_at()->set_seconds(now.count());
  e.mutable_queued();
  return e.SerializeAsString();
}

ccpulse::instant wall() {
  return std::chrono::time_point_cast<ccpulse::duration>(std::chrono::system_clock::now());
}

}  // namespace

TEST_CASE(
    "input stage: decoded messages in partition order, rebalances on the engine thread after the messages "
    "before them") {
  t::test_cluster cluster;
  const auto topic = cluster.unique("input-stage");
  cluster.create_topic(topic, 4);
  constexpr int n = 5000;
  {
    ccpulse::kafka::event_producer prod(cluster.client_properties());
    for (int i = 0; i < n; ++i) prod.produce({topic, "k" + std::to_string(i), event_bytes(i), {}, i % 4});
    REQUIRE(prod.flush(30s));
  }
  engine_listener engine;
  // Small slots: the 5,000 messages take many hand-overs.
  ccpulse::app::input_stage stage({}, wall, engine, "test-input", 3, 64);
  auto props = cluster.pipeline_properties();
  props.push_back({"group.id", cluster.unique("input-stage-group")});
  props.push_back({"auto.offset.reset", "earliest"});
  auto consumer =
      std::make_unique<ccpulse::kafka::group_consumer>(props, std::vector<std::string>{topic}, stage);
  stage.start(*consumer, 10ms);

  std::map<std::int32_t, std::int64_t> next;  // partition -> next offset expected
  std::size_t decoded = 0, outside = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (engine.messages < static_cast<std::size_t>(n) && std::chrono::steady_clock::now() < deadline) {
    auto* slot = stage.next(50ms);
    if (!slot) continue;
    for (std::size_t i = 0; i < slot->size; ++i) {
      const auto& in = slot->messages[i];
      if (in.m->err) continue;  // partition EOF
      if (!engine.owned.count(in.m->partition)) ++outside;
      auto& expected = next[in.m->partition];
      CHECK(in.m->offset == expected);
      expected = in.m->offset + 1;
      if (in.decoded.ok && in.ev.kind == ccpulse::event_kind::queued && in.ev.queue_id == "billing")
        ++decoded;
      ++engine.messages;
    }
    stage.finish(slot);
  }
  CHECK(engine.messages == static_cast<std::size_t>(n));
  CHECK(decoded == static_cast<std::size_t>(n));
  CHECK(outside == 0);  // no message before its partition's assignment ran
  REQUIRE_FALSE(engine.calls.empty());
  CHECK(engine.calls.front() == "assigned 4 after 0");
  CHECK_FALSE(engine.off_thread);

  // stop(): the thread is out, the consumer is the engine thread's again:
  // closing it revokes on this thread, straight through the stage.
  stage.stop();
  CHECK_FALSE(stage.running());
  CHECK(stage.in_flight() == 0);
  const auto before = engine.calls.size();
  CHECK(consumer->close().empty());
  REQUIRE(engine.calls.size() == before + 1);
  CHECK(engine.calls.back() == "revoked 4");
  CHECK_FALSE(engine.off_thread);
}

TEST_CASE("input stage: stop() with slots in flight drops their messages and can start again") {
  t::test_cluster cluster;
  const auto topic = cluster.unique("input-stage-stop");
  cluster.create_topic(topic, 2);
  constexpr int n = 2000;
  {
    ccpulse::kafka::event_producer prod(cluster.client_properties());
    for (int i = 0; i < n; ++i) prod.produce({topic, "k" + std::to_string(i), event_bytes(i), {}, i % 2});
    REQUIRE(prod.flush(30s));
  }
  engine_listener engine;
  ccpulse::app::input_stage stage({}, wall, engine, "test-input", 2, 100);
  auto props = cluster.pipeline_properties();
  props.push_back({"group.id", cluster.unique("input-stage-stop-group")});
  props.push_back({"auto.offset.reset", "earliest"});
  ccpulse::kafka::group_consumer consumer(props, {topic}, stage);
  stage.start(consumer, 10ms);
  // Take a slot, then let the ring fill: the stage waits for a free slot
  // (bounded: two slots of 100 in flight at most).
  std::size_t taken = 0;
  REQUIRE(t::wait_for(
      [&] {
        if (taken == 0) {
          if (auto* s = stage.next(10ms)) {
            for (std::size_t i = 0; i < s->size; ++i)
              if (!s->messages[i].m->err) ++taken;
            stage.finish(s);
          }
        }
        return taken > 0 && stage.ready_slots() == 2;
      },
      30s));
  const auto dropped = stage.in_flight();
  CHECK(dropped > 0);
  CHECK(dropped <= 200);
  stage.stop();
  CHECK(stage.in_flight() == 0);
  // Started again on the same consumer, it goes on from librdkafka's
  // position: the dropped messages are not read again in this membership
  // (a worker commits only what it applied; the next owner reads them).
  stage.start(consumer, 10ms);
  std::size_t more = 0, eofs = 0;
  REQUIRE(t::wait_for(
      [&] {
        if (auto* s = stage.next(10ms)) {
          for (std::size_t i = 0; i < s->size; ++i) {
            if (s->messages[i].m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) ++eofs;
            if (!s->messages[i].m->err) ++more;
          }
          stage.finish(s);
        }
        return eofs >= 2;
      },
      30s));
  CHECK(taken + more < static_cast<std::size_t>(n));
  CHECK(taken + more + dropped >= static_cast<std::size_t>(n));
  CHECK(taken + more + dropped <= static_cast<std::size_t>(n) + 2);  // an end-of-partition dropped
  stage.stop();
  CHECK(consumer.close().empty());
  CHECK_FALSE(engine.off_thread);
}
