#pragma once
// One worker: a consumer-group member, a transactional producer and the
// Engine partitions assigned to it (DESIGN.md §2). Shares nothing with other
// workers; publishes immutable status snapshots to the status board.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "codec/event_decoder.h"
#include "codec/invalid_reason.h"
#include "config/config.h"
#include "engine/engine.h"
#include "http/pipeline_status.h"
#include "kafka/group_consumer.h"
#include "kafka/transactional_producer.h"

namespace ccpulse::app {

using clock_fn = std::function<instant()>;

struct worker_options {
  int index = 0;
  // The wall clock for effective time and the clock-skew check; tests pass a
  // manual one. Commit pacing always uses the steady clock.
  clock_fn now;
  std::string group_id;
  std::string transactional_id;
  // How often the worker publishes its status for /metrics.
  std::chrono::milliseconds status_interval{200};
};

class worker final : public kafka::rebalance_listener {
 public:
  worker(const config::config& cfg, worker_options opts, http::status_board& board);
  ~worker() override;

  // Runs until stop is set; commits and leaves the group before returning.
  // Errors that end the worker are published as its failure and rethrown.
  void run(const std::atomic<bool>& stop);

  void on_assigned(const std::vector<kafka::topic_partition>& parts) override;
  void on_revoked(const std::vector<kafka::topic_partition>& parts) override;

 private:
  struct input_track {
    std::int64_t next_offset = -1;
    bool live = false;
    std::int64_t lag = -1;
  };
  using track_key = std::pair<std::string, std::int32_t>;
  // Lookups by (string_view, partition), so the per-message path builds no
  // std::string from the topic name.
  struct track_less {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      const std::string_view at = a.first, bt = b.first;
      return at != bt ? at < bt : a.second < b.second;
    }
  };

  void handle(const rd_kafka_message_t* m);
  void dead_letter(const rd_kafka_message_t* m, std::string_view reason, std::string_view detail);
  void produce_alerts();
  void advance_partitions();
  void commit();
  void publish();
  bool partition_live(std::int32_t p) const;

  const config::config& _cfg;
  worker_options _opts;
  http::status_board& _board;
  engine::engine _engine;
  codec::event_decoder _decoder;
  std::unique_ptr<kafka::transactional_producer> _producer;
  std::unique_ptr<kafka::group_consumer> _consumer;
  std::map<track_key, input_track, track_less> _inputs;
  engine::outputs _out;
  std::string _encoded;
  std::vector<metrics::queue_counters> _queue_scratch;

  bool _joined = false;
  std::uint64_t _consumed = 0;
  std::uint64_t _dead_lettered = 0;
  std::uint64_t _gaps = 0;
  std::uint64_t _consumer_errors = 0;
  std::array<std::uint64_t, codec::invalid_reason_count> _invalid{};
  // (policy, target, kind) -> produced
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> _alerts;
  bool _dirty = false;  // offsets advanced since the last commit
};

}  // namespace ccpulse::app
