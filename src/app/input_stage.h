#pragma once
// A worker's input stage: a thread of its own that takes the worker's input
// messages from the consumer one by one and decodes them, handing them to the
// worker's engine thread in slots through a bounded ring (at most
// `slot_count` slots of `slot_messages` messages in flight: when the engine
// falls behind, the stage waits, and librdkafka's prefetch limits hold the
// rest). Messages keep their order (per partition and overall); each slot is
// handed over whole, the messages alive until the engine is done with it
// (decoded events view their payloads), then destroyed on this thread.
//
// Rebalances: librdkafka calls the rebalance callback on the thread that
// polls, here the stage's. The stage then hands the slot filled so far to
// the engine with the rebalance attached and waits in the callback until the
// engine thread has applied those messages and run the listener (restore,
// commit, revoke), so the listener always runs on the engine thread, after
// every message consumed before the rebalance and before any consumed after
// it: no message of a revoked partition is applied once the partition is
// gone, and none of a partition that came back after a revoke predates its
// restore. Callbacks librdkafka makes on the engine thread itself (consumer
// close) go straight to the listener. Nothing throws through the callbacks.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "codec/event_decoder.h"
#include "kafka/group_consumer.h"
#include "kafka/handles.h"
#include "model/event.h"

namespace ccpulse::app {

struct input_message {
  rd_kafka_message_t* m = nullptr;
  event ev;                      // valid when m->err is 0 and decoded.ok
  codec::decode_result decoded;  // of messages without error only
};

struct input_rebalance {
  bool assigned = false;
  std::vector<kafka::topic_partition> parts;
  bool lost = false;
};

struct input_slot {
  std::vector<input_message> messages;  // [0, size) in use
  std::size_t size = 0;
  // Handed to the listener after the messages (input_stage::finish).
  std::optional<input_rebalance> rebalance;
  // Destroys the messages.
  void clear() noexcept;
};

class input_stage final : public kafka::rebalance_listener {
 public:
  static constexpr std::size_t default_slot_count = 8;
  static constexpr std::size_t default_slot_messages = 1024;

  // `now`: the wall clock for the decoder's clock-skew check (read once a
  // slot). `engine` receives the rebalances, on the engine thread.
  // `thread_name`: the stage thread's name (at most 15 characters kept).
  input_stage(codec::decoder_limits limits, std::function<instant()> now, kafka::rebalance_listener& engine,
              std::string thread_name, std::size_t slot_count = default_slot_count,
              std::size_t slot_messages = default_slot_messages);
  ~input_stage() override;
  input_stage(const input_stage&) = delete;
  input_stage& operator=(const input_stage&) = delete;

  // Engine thread. Starts the stage's thread on `consumer`, whose listener
  // must be this stage; `poll_wait` bounds each wait for input.
  void start(kafka::group_consumer& consumer, std::chrono::milliseconds poll_wait);
  bool running() const { return _thread.joinable(); }
  // Engine thread: the next slot, or null when none came within `timeout`.
  input_slot* next(std::chrono::milliseconds timeout);
  // Engine thread: the slot's messages are handled (or dropped); runs its
  // rebalance through the listener and gives the slot back.
  void finish(input_slot* s) noexcept;
  // Engine thread: stops the stage's thread and drops the messages in
  // flight (not applied, so not committed: read again from the committed
  // offsets). A rebalance the stage is waiting on still goes to the listener
  // first. Must run before the consumer is closed or destroyed.
  void stop() noexcept;

  void on_assigned(const std::vector<kafka::topic_partition>& parts) noexcept override;
  void on_revoked(const std::vector<kafka::topic_partition>& parts, bool lost) noexcept override;

  // Messages handed over and not yet taken by next(), and their slots (tests).
  std::size_t in_flight() const;
  std::size_t ready_slots() const;

 private:
  void run(std::chrono::milliseconds poll_wait) noexcept;
  input_slot* acquire();  // stage thread: a free slot, cleared; null when stopping
  void publish(input_slot* s);
  void hand_over(input_rebalance r) noexcept;  // stage thread, inside the rebalance callback
  bool on_stage_thread() const;

  codec::event_decoder _decoder;
  std::function<instant()> _now;
  kafka::rebalance_listener& _engine;
  std::string _name;
  std::size_t _slot_messages;
  std::vector<std::unique_ptr<input_slot>> _slots;
  kafka::queue_ptr _queue;
  std::thread _thread;
  input_slot* _current = nullptr;  // stage thread only

  mutable std::mutex _mutex;
  std::condition_variable _changed;
  std::deque<input_slot*> _ready;
  std::vector<input_slot*> _free;
  bool _stop = false;
  bool _exited = false;
  std::uint64_t _handed_over = 0;  // rebalances handed to the engine
  std::uint64_t _rebalanced = 0;   // of them, run by the listener
};

}  // namespace ccpulse::app
