#pragma once
// One worker: a consumer-group member, a transactional producer and the
// Engine partitions assigned to it (DESIGN.md §2). Shares nothing with other
// workers; publishes immutable status snapshots to the status board.
//
// Exactly once (DESIGN.md §8): every commit interval one transaction holds
// the alerts, dead letters, the partitions' changelog records and the input
// offsets. A commit has two phases so the broker's acknowledgements of the
// changelog overlap with processing: begin_commit drains the changelog and
// fixes the offsets; events go on being applied while the records are
// acknowledged, their outputs held back; finish_commit commits and releases
// them into the next transaction. A partition assigned to this worker is restored from the state
// topic before its input is fetched. A transaction that fails is never
// papered over: the worker drops its partitions' state and membership,
// rebuilds (producer too when it is fenced or dead), restores, and goes on
// from the last commit; only configuration-class errors stop it.
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "app/input_stage.h"
#include "app/snapshot_publisher.h"
#include "codec/event_decoder.h"
#include "codec/invalid_reason.h"
#include "codec/state_codec.h"
#include "config/config.h"
#include "engine/engine.h"
#include "http/pipeline_status.h"
#include "kafka/group_consumer.h"
#include "kafka/record_batch.h"
#include "kafka/transactional_producer.h"
#include "log/logger.h"
#include "log/rate_limiter.h"
#include "view/global_view.h"
#include "view/queue_metric.h"

namespace ccpulse::app {

using clock_fn = std::function<instant()>;

struct worker_options {
  int index = 0;
  // The wall clock for effective time and the clock-skew check; tests pass a
  // manual one. Commit pacing always uses the steady clock.
  clock_fn now;
  // How often the worker publishes its status for /metrics.
  std::chrono::milliseconds status_interval{200};
  // Test hook: abort every Nth transaction instead of committing it, through
  // the same recovery path as a broker-side abort (0 = never).
  std::uint64_t abort_every = 0;
  // Benchmarks only (pipeline_options::changelog).
  bool changelog = true;
  // Benchmarks only: the worker adds each polled batch's size here, so a
  // benchmark sees progress at once without publishing status every few ms
  // (which would make it measure a configuration nobody runs).
  std::atomic<std::uint64_t>* consumed_counter = nullptr;
  // The process's merged global view, for queue-alert rules (null or
  // empty: no rule is evaluated).
  std::function<std::shared_ptr<const view::merged_view>()> view;
};

class worker final : public kafka::rebalance_listener {
 public:
  worker(const config::config& cfg, worker_options opts, http::status_board& board);
  ~worker() override;

  // Runs until stop is set; commits and leaves the group before returning.
  // A configuration-class error ends the worker: published as its failure
  // and rethrown.
  void run(const std::atomic<bool>& stop);

  void on_assigned(const std::vector<kafka::topic_partition>& parts) noexcept override;
  void on_revoked(const std::vector<kafka::topic_partition>& parts, bool lost) noexcept override;

 private:
  struct input_track {
    std::int64_t next_offset = -1;
    bool live = false;
    std::int64_t lag = -1;
    std::int64_t high = -1;  // the high watermark last read
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
  enum class recovery : std::uint8_t { none, abortable, fatal, consumer, restore };

  void connect();
  void handle(const input_message& in, instant now);
  void dead_letter(const rd_kafka_message_t* m, std::string_view reason, std::string_view detail);
  struct held_dead_letter;
  void produce_dead_letter(const held_dead_letter& d);
  void produce_alerts();
  void advance_partitions(instant now);
  // Both phases at once (rebalance callbacks, shutdown).
  void commit();
  void begin_commit();
  void finish_commit();
  // A transaction in its second phase holds records back: alerts in _out,
  // dead letters here.
  bool holding_outputs() const { return _pending_commit.has_value(); }
  void release_held_outputs();
  // Recovery: whatever the failed transaction and its held outputs carried
  // is derived again from the re-read input.
  void drop_uncommitted();
  void write_changelog();
  void publish_snapshots(std::chrono::steady_clock::time_point now);
  // One round of queue-alert rules for the queues this worker's partitions
  // own, produced into the open transaction before the changelog is drained.
  void evaluate_queue_alerts();
  void fail_transaction(const kafka::txn_result& r);
  void need_recovery(recovery what, const std::string& why);
  void recover(const std::atomic<bool>& stop);
  // Publishes the partitions as restoring (snapshot_publisher::publish_restoring).
  void announce_restoring(const std::vector<std::int32_t>& partitions);
  // Abortable recovery keeping producer and membership: drop every
  // partition's state, seek input to the committed offsets, restore from the
  // changelog. False when the seek failed (the caller rebuilds instead).
  bool rewind_in_place();
  void restore(const std::vector<std::int32_t>& partitions);
  void publish();
  void take_census();
  bool partition_live(std::int32_t p) const;

  const config::config& _cfg;
  worker_options _opts;
  log::logger _log, _restore_log, _queue_log;
  // Lines that could come once per input message: dead letters, consumer errors.
  log::rate_limiter _limits;
  http::status_board& _board;
  engine::engine _engine;
  snapshot_publisher _snapshots;
  // Polls and decodes on its own thread; rebalances come back to this one.
  input_stage _input;
  codec::state_encoder _state_encoder;
  codec::state_decoder _state_decoder;
  std::unique_ptr<kafka::transactional_producer> _producer;
  std::unique_ptr<kafka::group_consumer> _consumer;
  std::map<track_key, input_track, track_less> _inputs;
  // The input partition of the previous message: messages come in runs of
  // one partition, so most lookups skip the map. Reset wherever _inputs or
  // the engine's partitions lose an entry.
  struct last_input {
    const rd_kafka_topic_t* rkt = nullptr;
    std::int32_t partition = -1;
    input_track* track = nullptr;
    engine::partition* part = nullptr;
  } _last;
  engine::outputs _out;
  std::string _encoded;
  std::string _state_key;
  std::string _state_value;
  kafka::record_batch _state_batch;  // the changelog of one partition's drain
  std::vector<metrics::queue_counters> _queue_scratch;
  // The clock census (open clocks by state, nearest deadlines) scans every
  // running clock: it runs on its own, slower cadence than the status, and
  // again at once after the partitions change.
  std::vector<http::labelled_count> _open_clocks;
  std::vector<http::nearest_deadline> _nearest;
  std::optional<std::chrono::steady_clock::time_point> _last_census;

  recovery _recovery = recovery::none;
  bool _rebuild_producer = false;  // a fatal producer error came with (or after) another cause
  std::string _recovery_reason;
  bool _recovering = false;   // tearing down: revoke drops without committing
  std::string _config_error;  // set when only a restart with a fixed config helps

  bool _joined = false;
  std::uint64_t _consumed = 0;
  std::uint64_t _dead_lettered = 0;
  std::uint64_t _gaps = 0;
  std::uint64_t _skipped_offsets = 0;
  std::uint64_t _consumer_errors = 0;
  std::uint64_t _state_records = 0;
  std::uint64_t _commits_attempted = 0;
  std::array<std::uint64_t, 4> _recoveries{};  // abortable, fatal, consumer, restore
  std::uint64_t _restored_records = 0;
  std::uint64_t _restores = 0;
  double _restore_seconds_total = 0;
  double _last_restore_seconds = 0;
  std::chrono::steady_clock::time_point _restore_started{};
  bool _restoring = false;
  std::array<std::uint64_t, codec::invalid_reason_count> _invalid{};
  // (policy, target, kind) -> produced
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> _alerts;
  std::array<std::uint64_t, http::alert_latency_bounds.size() + 1> _alert_latency{};
  double _alert_latency_sum = 0;
  std::vector<sla::queue_alert> _queue_out;
  std::map<std::pair<std::string, std::string>, std::uint64_t> _queue_alerts;  // (rule, state) -> produced
  std::uint64_t _queue_rounds = 0;
  std::uint64_t _queue_rounds_held = 0;
  std::vector<std::string> _declared_queues;
  std::map<std::string, view::queue_reading_context, std::less<>> _queue_reading;
  bool _dirty = false;  // offsets advanced since the last commit began
  struct pending_commit {
    std::vector<kafka::offset_to_commit> offsets;
    std::chrono::steady_clock::time_point since;
  };
  std::optional<pending_commit> _pending_commit;
  struct held_dead_letter {
    std::string key, value, reason, detail, topic;
    std::int32_t partition;
    std::int64_t offset;
  };
  std::vector<held_dead_letter> _held_dead_letters;
  std::uint64_t _produced_aborted = 0;  // transactions_* of producers replaced by recovery
  std::uint64_t _produced_committed = 0;
  std::uint64_t _produce_failures = 0;  // of producers replaced by recovery
};

}  // namespace ccpulse::app
