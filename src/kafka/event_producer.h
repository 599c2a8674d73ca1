#pragma once
// A plain idempotent producer for input traffic (`ccpulse simulate`, tests).
#include <atomic>
#include <chrono>
#include <cstdint>

#include "kafka/client_config.h"
#include "kafka/handles.h"
#include "kafka/record.h"

namespace ccpulse::kafka {

class event_producer {
 public:
  explicit event_producer(const properties& user);
  ~event_producer();
  event_producer(const event_producer&) = delete;
  event_producer& operator=(const event_producer&) = delete;

  void produce(const outgoing_record& r, std::int64_t timestamp_ms = 0);
  // Waits for all outstanding deliveries; false on timeout.
  bool flush(std::chrono::milliseconds timeout);
  void poll() { rd_kafka_poll(_rk.get(), 0); }
  std::uint64_t delivered() const { return _delivered.load(); }
  std::uint64_t failed() const { return _failed.load(); }
  std::string last_error() const;

 private:
  static void delivery_cb(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque);
  handle_ptr _rk;
  std::atomic<std::uint64_t> _delivered{0};
  std::atomic<std::uint64_t> _failed{0};
  std::atomic<int> _last_error{0};
};

}  // namespace ccpulse::kafka
