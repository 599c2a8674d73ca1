#include "app/worker.h"

#include <cmath>
#include <thread>

#include "app/engine_settings_from.h"
#include "app/partition_restore.h"
#include "codec/alert_encoder.h"
#include "engine/resource_census.h"
#include "kafka/client_config.h"
#include "kafka/managed_properties.h"
#include "model/stable_hash.h"
#include "view/queue_metric.h"

namespace ccpulse::app {

namespace {

// /api/v1/at-risk shows at most this many per instance; each worker offers
// its own earliest, so the instance's list is exact up to this limit.
constexpr std::size_t nearest_per_worker = snapshot_publisher::census_limit;
// Messages applied between two passes of the per-iteration work (every
// partition's timers, the producer's poll, commit pacing).
constexpr std::size_t batch_messages = 4096;
// Every partition's snapshot once a round, the round spread over its commits.
constexpr auto snapshot_round = std::chrono::seconds(1);
// Open-clock gauges and the at-risk list: fresh enough for a screen that
// counts down in seconds, at a fifth of the status' cost with 1 M clocks.
constexpr auto census_interval = std::chrono::seconds(1);

std::string_view key(const rd_kafka_message_t* m) {
  return m->key ? std::string_view(static_cast<const char*>(m->key), m->key_len) : std::string_view{};
}

const char* recovery_name(int i) {
  static constexpr std::array names{"abortable", "fatal", "consumer", "restore"};
  return names[static_cast<std::size_t>(i)];
}

// Writes drained changelog records to the state topic, partition = the
// input partition's number, inside the open transaction: encoded into
// `batch` and produced in one call every records_per_call records and at
// finish() (transactional_producer::produce_batch).
class changelog_writer final : public engine::state_sink {
 public:
  // Enough to make the per-call cost vanish; bounds the batch's storage
  // (a drain after a window roll-over can hold every bucket of a partition).
  static constexpr std::size_t records_per_call = 1024;

  changelog_writer(kafka::transactional_producer& p, codec::state_encoder& enc, const std::string& topic,
                   std::int32_t partition, std::string& key, std::string& value, kafka::record_batch& batch)
      : _p(p), _enc(enc), _topic(topic), _partition(partition), _key(key), _value(value), _batch(batch) {
    _batch.clear();
  }

  void put(const engine::interaction_state& s) override { send(s); }
  void put(const engine::queue_state& s) override { send(s); }
  void put(const engine::partition_meta_state& s) override { send(s); }
  void put(const engine::dedup_chunk& s) override { send(s); }
  void put_agent(const engine::agent_record_state& s) override { send(s); }
  void put_repeat(const engine::repeat_chunk& s) override { send(s); }
  void put_queue_rule(const engine::queue_rule_record& s) override { send(s); }
  void put_bucket(const metrics::window_bucket_state& s) override { send(s); }
  void put_clock(const metrics::window_clock_state& s) override { send(s); }
  void erase_bucket(const metrics::window_state_key& k) override {
    if (!_result.ok()) return;
    codec::state_encoder::encode_tombstone(k, _key);
    _batch.put_tombstone(_key);
    added();
  }
  void erase(const engine::state_key& k) override {
    if (!_result.ok()) return;
    codec::state_encoder::encode_tombstone(k, _key);
    _batch.put_tombstone(_key);
    added();
  }

  // Produces what the batch still holds; once, after the drain.
  void finish() { flush(); }
  const kafka::txn_result& result() const { return _result; }
  // Records taken from the drain (all of them produced when result() is ok).
  std::uint64_t written() const { return _written; }

 private:
  template <class Record>
  void send(const Record& r) {
    if (!_result.ok()) return;
    _enc.encode(r, _key, _value);
    _batch.put(_key, _value);
    added();
  }
  void added() {
    ++_written;
    if (_batch.size() >= records_per_call) flush();
  }
  void flush() {
    if (_result.ok() && !_batch.empty()) _result = _p.produce_batch(_topic, _partition, _batch);
  }

  kafka::transactional_producer& _p;
  codec::state_encoder& _enc;
  const std::string& _topic;
  std::int32_t _partition;
  std::string& _key;
  std::string& _value;
  kafka::record_batch& _batch;
  kafka::txn_result _result;
  std::uint64_t _written = 0;
};

}  // namespace

worker::worker(const config::config& cfg, worker_options opts, http::status_board& board)
    : _cfg(cfg),
      _opts(std::move(opts)),
      _log(log::logger("worker").with("worker", _opts.index)),
      _restore_log(log::logger("restore").with("worker", _opts.index)),
      _queue_log(log::logger("queue_alerts").with("worker", _opts.index)),
      _board(board),
      _engine(engine_settings_from(cfg), cfg.policies),
      _snapshots(cfg.topics.snapshots, cfg.instance_id, _engine.context().settings.windows.sliding,
                 snapshot_round,
                 static_cast<std::size_t>(std::max<std::int64_t>(
                     1, snapshot_round / std::max(cfg.processing.commit_interval, duration{1})))),
      _input(decoder_limits_from(cfg), _opts.now, *this, "ccp-input-" + std::to_string(_opts.index)) {
  for (const auto& q : cfg.queues) _declared_queues.push_back(q.name);
  for (const auto& q : _engine.context().settings.queues)
    _queue_reading.emplace(q.name, view::queue_reading_context{q.sl, q.sl_threshold, {}});
  connect();
}

worker::~worker() {
  // Members go in reverse order; make sure no rebalance callback can run
  // over a half-destroyed worker: leave the group first, without committing.
  _recovering = true;
  _input.stop();
  _consumer.reset();
  _producer.reset();
}

void worker::connect() {
  const auto& props = _cfg.kafka.properties;
  // client.id, group.instance.id (static membership keeps rolling restarts
  // from stopping the world) and transactional.id, per worker.
  const auto id = kafka::worker_identity(_cfg.instance_id, _opts.index);
  if (!_producer)
    _producer = std::make_unique<kafka::transactional_producer>(kafka::for_producer(props), id,
                                                                std::chrono::seconds(60));
  // Its rebalance callbacks run on the input stage's thread, which hands
  // them to this one (input_stage.h).
  _consumer = std::make_unique<kafka::group_consumer>(props, _cfg.topics.input, _input, id);
}

void worker::need_recovery(recovery what, const std::string& why) {
  // Every recovery rebuilds the membership; only a fatal producer error also
  // needs a new producer. That need is kept apart from the class, so a fatal
  // error after (say) a lost assignment still gets its producer rebuilt.
  if (what == recovery::fatal) _rebuild_producer = true;
  if (static_cast<int>(what) <= static_cast<int>(_recovery)) return;
  if (_recovery == recovery::fatal) return;  // counted and logged as the first cause
  _recovery = what;
  _recovery_reason = why;
}

void worker::fail_transaction(const kafka::txn_result& r) {
  if (r.ok()) return;
  if (r.outcome == kafka::txn_outcome::config) {
    _config_error = r.message;
    return;
  }
  // Offsets refused for a fenced or evicted member: against a real broker,
  // with commits every 100 ms, this is how a worker usually learns first
  // that its membership is gone (before a heartbeat or the lost callback).
  need_recovery(r.outcome == kafka::txn_outcome::fatal ? recovery::fatal
                : r.membership_lost                    ? recovery::consumer
                                                       : recovery::abortable,
                r.message);
}

void worker::on_assigned(const std::vector<kafka::topic_partition>& parts) noexcept {
  try {
    _joined = true;
    // Close the open transaction first: a long restore must not outlive it.
    if (_recovery == recovery::none && !_recovering) commit();
    std::vector<std::int32_t> fresh;
    _last = {};
    _last_census.reset();
    for (const auto& tp : parts) {
      _inputs[{tp.topic, tp.partition}] = input_track{};
      if (!_engine.find(tp.partition) && std::find(fresh.begin(), fresh.end(), tp.partition) == fresh.end())
        fresh.push_back(tp.partition);
    }
    _log.info("assigned partitions", {{"partitions", parts.size()}, {"restoring", fresh.size()}});
    restore(fresh);
  } catch (const std::exception& e) {
    need_recovery(recovery::restore, std::string("on_assigned: ") + e.what());
  } catch (...) {
    need_recovery(recovery::restore, "on_assigned: unknown error");
  }
}

void worker::on_revoked(const std::vector<kafka::topic_partition>& parts, bool lost) noexcept {
  try {
    if (lost && !_recovering) {
      // Someone else may own them already: the open transaction holds their
      // outputs and must not commit.
      need_recovery(recovery::consumer, "partition assignment lost");
    } else if (!_recovering && _recovery == recovery::none) {
      // Commit what was processed while we still own these partitions.
      commit();
    }
    _last = {};
    _last_census.reset();
    for (const auto& tp : parts) {
      _inputs.erase(track_key{tp.topic, tp.partition});
      bool other_topic = false;
      for (const auto& [k, t] : _inputs) other_topic |= k.second == tp.partition;
      if (!other_topic) _engine.revoke(tp.partition);
    }
    // Their figures leave /metrics now, not at the next snapshot publish.
    _snapshots.keep_only(_engine);
    publish();
    _log.info("revoked partitions", {{"partitions", parts.size()}, {"lost", lost}});
  } catch (const std::exception& e) {
    need_recovery(recovery::consumer, std::string("on_revoked: ") + e.what());
  } catch (...) {
    need_recovery(recovery::consumer, "on_revoked: unknown error");
  }
}

void worker::announce_restoring(const std::vector<std::int32_t>& partitions) {
  // Its own transaction, committed before the restore starts (a long
  // restore must not hold a transaction open); no offsets move.
  if (_recovery != recovery::none || !_producer || !_consumer) return;
  if (auto r = _producer->ensure_transaction(); !r.ok()) return fail_transaction(r);
  fail_transaction(_snapshots.publish_restoring(partitions, _opts.now(), *_producer));
  if (_recovery != recovery::none) return;
  if (auto r = _producer->commit({}, *_consumer); !r.ok()) fail_transaction(r);
}

void worker::restore(const std::vector<std::int32_t>& partitions) {
  if (partitions.empty()) return;
  _restoring = true;
  _restore_started = std::chrono::steady_clock::now();
  publish();
  announce_restoring(partitions);
  for (auto p : partitions) _engine.assign(p, instant{});
  auto on_progress = [&](const kafka::restore_progress& p) {
    const double secs = std::chrono::duration<double>(p.elapsed).count();
    const double rate = secs > 0 ? static_cast<double>(p.records) / secs : 0;
    const double eta = rate > 0 && p.total_estimate > p.records
                           ? static_cast<double>(p.total_estimate - p.records) / rate
                           : 0;
    _restore_log.info("restoring", {{"records", p.records},
                                    {"of_at_most", p.total_estimate},
                                    {"records_per_s", std::round(rate)},
                                    {"eta_s", std::round(eta * 10) / 10}});
    publish();
  };
  const auto r = restore_partitions(
      _engine, partitions, _cfg.kafka.properties, _cfg.topics.state, _state_decoder,
      std::chrono::duration_cast<std::chrono::milliseconds>(_cfg.processing.restore_timeout), on_progress,
      _opts.index, kafka::worker_identity(_cfg.instance_id, _opts.index));
  if (!r.error.empty()) {
    _last = {};
    _last_census.reset();
    for (auto p : partitions) _engine.revoke(p);
    need_recovery(recovery::restore, r.error);
  }
  ++_restores;
  _restored_records += r.records;
  _last_restore_seconds = r.seconds;
  _restore_seconds_total += r.seconds;
  _restoring = false;
  const double per_s = r.seconds > 0 ? static_cast<double>(r.records) / r.seconds : 0.0;
  if (r.error.empty())
    _restore_log.info("restored", {{"partitions", partitions.size()},
                                   {"records", r.records},
                                   {"seconds", std::round(r.seconds * 1000) / 1000},
                                   {"records_per_s", std::round(per_s)},
                                   {"undecodable", r.undecodable}});
  else
    _restore_log.warn("restore failed",
                      {{"partitions", partitions.size()}, {"records", r.records}, {"error", r.error}});
  publish();
}

void worker::run(const std::atomic<bool>& stop) {
  const auto commit_every =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(_cfg.processing.commit_interval);
  const auto poll_wait = std::chrono::duration_cast<std::chrono::milliseconds>(_cfg.processing.poll_interval);
  auto last_commit = std::chrono::steady_clock::now();
  auto last_publish = last_commit;
  try {
    while (!stop.load(std::memory_order_relaxed)) {
      if (!_config_error.empty()) throw std::runtime_error(_config_error);
      if (_recovery != recovery::none) {
        recover(stop);
        continue;
      }
      if (!_input.running() && _consumer) _input.start(*_consumer, poll_wait);
      // Up to a batch of messages between the per-iteration work below
      // (timers of every partition, producer poll, commit pacing).
      std::size_t taken = 0;
      for (auto wait = poll_wait; taken < batch_messages && _recovery == recovery::none;
           wait = std::chrono::milliseconds(0)) {
        auto* slot = _input.next(wait);
        if (!slot) break;
        const instant now = _opts.now();
        const auto consumed_before = _consumed;
        for (std::size_t i = 0; i < slot->size && _recovery == recovery::none; ++i)
          handle(slot->messages[i], now);
        if (_opts.consumed_counter)
          _opts.consumed_counter->fetch_add(_consumed - consumed_before, std::memory_order_relaxed);
        taken += slot->size;
        // Its rebalance, if any, runs here, after its messages.
        _input.finish(slot);
      }
      if (_recovery != recovery::none) continue;
      const instant now = _opts.now();
      advance_partitions(now);
      _producer->poll();
      const auto t = std::chrono::steady_clock::now();
      if (_pending_commit) {
        // Waiting longer than an interval would only delay every output.
        if (_producer->unacknowledged() == 0 || t - _pending_commit->since >= commit_every) finish_commit();
      } else if (t - last_commit >= commit_every) {
        begin_commit();
        last_commit = t;
      }
      if (t - last_publish >= _opts.status_interval) {
        publish();
        last_publish = t;
      }
    }
    // Messages in flight are dropped: the next owner reads them again.
    _input.stop();
    if (_recovery == recovery::none) commit();
    if (_consumer) {
      if (auto e = _consumer->close(); !e.empty()) _log.warn("consumer close failed", {{"error", e}});
    }
    publish();
  } catch (const std::exception& e) {
    auto s = std::make_shared<http::worker_status>();
    s->worker = _opts.index;
    s->running = false;
    s->failure = e.what();
    _board.publish(static_cast<std::size_t>(_opts.index), s);
    throw;
  }
}

void worker::recover(const std::atomic<bool>& stop) {
  const int cls = static_cast<int>(_recovery) - 1;
  ++_recoveries[static_cast<std::size_t>(cls)];
  _log.warn("recovering", {{"class", recovery_name(cls)}, {"reason", _recovery_reason}});
  const bool rebuild_producer = _rebuild_producer || _recovery == recovery::fatal;
  _rebuild_producer = false;
  _recovering = true;
  // Before the consumer is closed, rewound or rebuilt; what it handed over
  // and was not applied is read again from the committed offsets.
  _input.stop();
  if (_producer && _producer->in_transaction()) {
    _producer->abort();  // counted by the producer; a failure is rebuilt below or on the next error
  }
  // An abortable error leaves producer and membership intact: rewind in
  // place (DESIGN.md §8). Rejoining instead would come back as the same
  // static member mid-rebalance and strand partitions (see
  // transactional_producer.cpp); rebuilding is the fallback.
  if (cls == static_cast<int>(recovery::abortable) - 1 && !rebuild_producer && _producer && _consumer) {
    _recovering = false;
    if (rewind_in_place()) return;
    _recovering = true;
  }
  if (_producer && rebuild_producer) {
    _produced_committed += _producer->transactions_committed();
    _produced_aborted += _producer->transactions_aborted();
    _produce_failures += _producer->counters().delivery_failed.load();
    _producer.reset();
  }
  // Rewind: drop the membership and every partition's in-memory state; the
  // new membership restores them from the last committed changelog and
  // re-reads input from the committed offsets.
  if (_consumer) {
    if (auto e = _consumer->close(); !e.empty()) _log.warn("consumer close failed", {{"error", e}});
    _consumer.reset();
  }
  std::vector<std::int32_t> ids;
  for (const auto& [id, p] : _engine.partitions()) ids.push_back(id);
  for (auto id : ids) _engine.revoke(id);
  _inputs.clear();
  _last = {};
  _last_census.reset();
  drop_uncommitted();
  _recovering = false;
  _recovery = recovery::none;
  _joined = false;
  publish();
  // A broker outage can outlast many attempts: keep trying (reporting, so
  // /healthz sees a live worker and /readyz a recovering one) until it works
  // or the process stops.
  for (int attempt = 0; !stop.load(std::memory_order_relaxed); ++attempt) {
    try {
      connect();
      _log.info("recovered: rejoining the group");
      return;
    } catch (const std::exception& e) {
      _log.warn("reconnect failed", {{"attempt", attempt + 1}, {"error", e.what()}});
      if (_producer) {
        _produce_failures += _producer->counters().delivery_failed.load();
        _produced_aborted += _producer->transactions_aborted();
        _produced_committed += _producer->transactions_committed();
      }
      _producer.reset();
      _consumer.reset();
      _recovery = recovery::fatal;
      publish();
      _recovery = recovery::none;
      const auto pause = std::chrono::milliseconds(std::min(5000, 250 << std::min(attempt, 5)));
      for (auto until = std::chrono::steady_clock::now() + pause;
           std::chrono::steady_clock::now() < until && !stop.load(std::memory_order_relaxed);)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

bool worker::rewind_in_place() {
  std::vector<kafka::topic_partition> owned;
  for (auto& [k, t] : _inputs) {
    owned.push_back({k.first, k.second});
    t = input_track{};
  }
  std::vector<std::int32_t> ids;
  for (const auto& [id, p] : _engine.partitions()) ids.push_back(id);
  for (auto id : ids) _engine.revoke(id);
  _last = {};
  _last_census.reset();
  drop_uncommitted();
  if (auto e = _consumer->rewind_to_committed(owned, std::chrono::seconds(30)); !e.empty()) {
    _log.warn("rewind in place failed, rejoining", {{"error", e}});
    return false;
  }
  _recovery = recovery::none;
  // A failed restore asks for a recovery of class restore: a full rebuild.
  restore(ids);
  if (_recovery == recovery::none) _log.info("rewound partitions in place", {{"partitions", ids.size()}});
  return true;
}

void worker::handle(const input_message& in, instant now) {
  const rd_kafka_message_t* m = in.m;
  const std::string_view topic = m->rkt ? rd_kafka_topic_name(m->rkt) : "";
  using lookup = std::pair<std::string_view, std::int32_t>;
  if (m->err) {
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (auto it = _inputs.find(lookup{topic, m->partition}); it != _inputs.end()) {
        it->second.live = true;
        it->second.lag = 0;
      }
      return;
    }
    ++_consumer_errors;
    _log.limited(_limits, rd_kafka_err2name(m->err), log::level::warn, "consumer error",
                 {{"topic", topic},
                  {"partition", m->partition},
                  {"code", rd_kafka_err2name(m->err)},
                  {"error", rd_kafka_message_errstr(m)}});
    if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
      const auto why = _consumer->fatal_error();
      if (kafka::is_configuration_error(m->err)) _config_error = why;
      need_recovery(recovery::consumer, "fatal consumer error: " + why);
    }
    return;
  }
  if (m->rkt != _last.rkt || m->partition != _last.partition) {
    auto it = _inputs.find(lookup{topic, m->partition});
    auto* found = _engine.find(m->partition);
    if (it == _inputs.end() || !found) return;  // revoked while in flight: the new owner re-reads it
    _last = {m->rkt, m->partition, &it->second, found};
  }
  auto& track = *_last.track;
  auto* part = _last.part;
  // With one input topic the partition is live when its only input is.
  const bool was_live = track.live && (_cfg.topics.input.size() == 1 || partition_live(m->partition));
  // The watermarks cost a lock in librdkafka: while far behind, a known high
  // mark refreshed every 1,024 messages says enough (lag a lower bound).
  const bool skipped = track.next_offset >= 0 && m->offset > track.next_offset;
  kafka::watermarks w;
  if (skipped || m->offset + 1 >= track.high || (m->offset & 1023) == 0) {
    w = _consumer->cached_watermarks(topic.data(), m->partition);
    track.high = w.high;
  }
  if (skipped) {
    // Offsets skipped between records are transaction markers or aborted
    // records of a transactional producer, unless retention deleted them
    // under our feet (below the log start offset): only that is lost input.
    const std::int64_t lost = w.low > track.next_offset ? std::min(m->offset, w.low) - track.next_offset : 0;
    _gaps += static_cast<std::uint64_t>(lost);
    _skipped_offsets += static_cast<std::uint64_t>(m->offset - track.next_offset - lost);
  }
  track.next_offset = m->offset + 1;
  if (track.high >= 0) {
    track.lag = std::max<std::int64_t>(0, track.high - track.next_offset);
    track.live = track.lag == 0;
  }
  ++_consumed;
  _dirty = true;

  const auto& ev = in.ev;
  const auto& r = in.decoded;
  if (!r.ok) {
    ++_invalid[static_cast<std::size_t>(r.reason)];
    dead_letter(m, codec::to_string(r.reason), r.detail);
    return;
  }
  // Whatever the partition's effective time has passed fires before the
  // event applies, so outputs do not depend on batch boundaries (§6).
  part->advance(was_live ? now : part->watermark(), was_live, _out);
  auto res = part->apply(ev, _out);
  if (res.status == engine::apply_status::rejected) {
    ++_invalid[static_cast<std::size_t>(codec::invalid_reason::engine_rejected)];
    dead_letter(m, res.reason, "rejected by the engine");
  }
  produce_alerts();
}

void worker::dead_letter(const rd_kafka_message_t* m, std::string_view reason, std::string_view detail) {
  ++_dead_lettered;
  held_dead_letter d{std::string(key(m)),
                     std::string(static_cast<const char*>(m->payload), m->len),
                     std::string(reason),
                     std::string(detail),
                     rd_kafka_topic_name(m->rkt),
                     m->partition,
                     m->offset};
  // The dead-letter topic has each one; the log names the first few per
  // reason, so a bad producer is found without reading that topic.
  _log.limited(_limits, reason, log::level::warn, "dead-lettered event",
               {{"topic", d.topic},
                {"partition", d.partition},
                {"offset", d.offset},
                {"reason", reason},
                {"detail", detail}});
  if (holding_outputs()) {
    _held_dead_letters.push_back(std::move(d));
    return;
  }
  produce_dead_letter(d);
}

void worker::produce_dead_letter(const held_dead_letter& d) {
  const std::string partition = std::to_string(d.partition);
  const std::string offset = std::to_string(d.offset);
  fail_transaction(_producer->produce({_cfg.topics.dead_letter,
                                       d.key,
                                       d.value,
                                       {{"ccpulse-reason", d.reason},
                                        {"ccpulse-detail", d.detail},
                                        {"ccpulse-source-topic", d.topic},
                                        {"ccpulse-source-partition", partition},
                                        {"ccpulse-source-offset", offset}}}));
}

void worker::produce_alerts() {
  if (_out.empty() || holding_outputs()) return;
  const auto raised = std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
  // The clock that made the timers due (a test's manual clock included).
  const instant handed = _opts.now();
  for (const auto& a : _out.alerts) {
    if (a.due != instant{} && !a.late) {
      // Live timer alerts only: a late one's latency is the outage's.
      const double s = std::max(0.0, std::chrono::duration<double>(handed - a.due).count());
      const auto b =
          std::lower_bound(http::alert_latency_bounds.begin(), http::alert_latency_bounds.end(), s);
      ++_alert_latency[static_cast<std::size_t>(b - http::alert_latency_bounds.begin())];
      _alert_latency_sum += s;
    }
    codec::encode_alert(a, raised, _encoded);
    fail_transaction(
        _producer->produce({_cfg.topics.alerts, a.interaction_id, _encoded, {{"ccpulse-type", "sla"}}}));
    // An ESCALATION has no target (as on the wire).
    const bool escalation = a.kind == sla::alert_kind::escalation;
    ++_alerts[{std::string(a.policy), escalation ? std::string() : std::string(sla::to_string(a.target)),
               std::string(sla::to_string(a.kind))}];
  }
  _out.clear();
}

bool worker::partition_live(std::int32_t p) const {
  bool any = false;
  for (const auto& [k, t] : _inputs) {
    if (k.second != p) continue;
    if (!t.live) return false;
    any = true;
  }
  return any;
}

void worker::advance_partitions(instant now) {
  for (const auto& [id, part] : _engine.partitions()) {
    const bool live = partition_live(id);
    part->advance(live ? now : part->watermark(), live, _out);
  }
  produce_alerts();
}

void worker::write_changelog() {
  struct discard final : engine::state_sink {
    void put(const engine::interaction_state&) override {}
    void put(const engine::queue_state&) override {}
    void put(const engine::partition_meta_state&) override {}
    void put(const engine::dedup_chunk&) override {}
    void put_bucket(const metrics::window_bucket_state&) override {}
    void put_clock(const metrics::window_clock_state&) override {}
    void erase_bucket(const metrics::window_state_key&) override {}
    void erase(const engine::state_key&) override {}
  };
  for (const auto& [id, part] : _engine.partitions()) {
    if (!part->has_changes()) continue;
    if (!_opts.changelog) {
      discard d;
      part->drain_changes(d);
      continue;
    }
    changelog_writer w(*_producer, _state_encoder, _cfg.topics.state, id, _state_key, _state_value,
                       _state_batch);
    part->drain_changes(w);
    w.finish();
    _state_records += w.written();
    if (!w.result().ok()) {
      fail_transaction(w.result());
      return;
    }
  }
}

void worker::publish_snapshots(std::chrono::steady_clock::time_point now) {
  auto input = [this](std::int32_t p) {
    partition_input in;
    in.live = partition_live(p);
    for (const auto& [k, t] : _inputs) {
      if (k.second != p || t.lag < 0) continue;
      in.lag = in.lag.value_or(0) + t.lag;
    }
    return in;
  };
  fail_transaction(_snapshots.publish(_engine, input, _opts.now(), *_producer, now));
}

void worker::evaluate_queue_alerts() {
  if (!_opts.view || _engine.partitions().empty()) return;
  // Without rules, only states restored from an older config need a round
  // (to resolve what was firing).
  if (_cfg.queue_alerts.empty() &&
      std::all_of(_engine.partitions().begin(), _engine.partitions().end(),
                  [](const auto& p) { return p.second->queue_alerts().size() == 0; }))
    return;
  const auto v = _opts.view();
  if (!v) return;
  const auto& fresh = v->fresh;
  const std::int32_t n = fresh.expected_partitions;
  if (n <= 0) return;  // the input's partition count is not known yet: nobody owns a queue
  const instant now = _opts.now();
  // Judged only when every partition's figures are in and recent: a queue's
  // figures without a partition, from a partition restoring, or read before
  // the snapshots topic was read to its end, are wrong.
  const bool complete = view::complete_for_judging(fresh, now, std::chrono::seconds(10));
  ++_queue_rounds;
  if (!complete) ++_queue_rounds_held;
  engine::queue_rule_round round{now, complete, now};
  if (const auto* overall = v->find({metrics::scope_kind::overall, {}}); overall && !overall->windows.empty())
    round.event_time = overall->windows.front().to;
  const engine::queue_alert_book::value_fn value = [&](const sla::queue_rule& r, std::string_view queue) {
    const auto* scope = v->find({metrics::scope_kind::queue, std::string(queue)});
    if (!scope) return std::optional<double>{};
    const auto it = _queue_reading.find(queue);
    auto q = it == _queue_reading.end() ? view::queue_reading_context{} : it->second;
    q.now = v->built_at == instant{} ? now : v->built_at;
    return view::read_queue_metric(*scope, r, q).value;
  };
  for (const auto& [id, part] : _engine.partitions()) {
    const auto owner = id;
    const engine::queue_alert_book::owns_fn owns = [&](std::string_view queue) {
      return static_cast<std::int32_t>(stable_hash(queue) % static_cast<std::uint64_t>(n)) == owner;
    };
    part->queue_alerts().evaluate(_cfg.queue_alerts, _declared_queues, owns, value, round, _queue_out);
  }
  const auto raised = std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
  for (const auto& a : _queue_out) {
    codec::encode_alert(a, raised, _encoded);
    fail_transaction(
        _producer->produce({_cfg.topics.alerts, a.queue, _encoded, {{"ccpulse-type", "queue"}}}));
    ++_queue_alerts[{a.rule, std::string(sla::to_string(a.state))}];
    const log::value reading = a.value ? log::value(*a.value) : log::value("none");
    _queue_log.info(a.state == sla::queue_alert_state::firing ? "firing" : "resolved",
                    {{"rule", a.rule},
                     {"queue", a.queue},
                     {"metric", sla::to_string(a.metric)},
                     {"value", reading},
                     {"threshold", a.threshold},
                     {"episode", a.episode}});
  }
  _queue_out.clear();
}

void worker::commit() {
  if (_pending_commit) finish_commit();
  begin_commit();
  if (_pending_commit) finish_commit();
}

void worker::begin_commit() {
  if (_recovery != recovery::none || !_producer || !_consumer || _pending_commit) return;
  // Snapshots are due even when nothing changed: readers tell a quiet
  // partition from a dead owner by their age.
  const auto began = std::chrono::steady_clock::now();
  bool changes = _dirty || _producer->in_transaction();
  for (const auto& [id, part] : _engine.partitions()) changes = changes || part->has_changes();
  const bool snapshots = !_engine.partitions().empty() && _snapshots.due(began, changes);
  if (!changes && !snapshots) return;
  if (auto r = _producer->ensure_transaction(); !r.ok()) return fail_transaction(r);
  // The rules' state changes go into this transaction's changelog, with
  // the alerts they raised.
  if (snapshots) evaluate_queue_alerts();
  if (_recovery != recovery::none) return;
  write_changelog();
  if (_recovery != recovery::none) return;
  if (snapshots) publish_snapshots(began);
  if (_recovery != recovery::none) return;
  pending_commit p{{}, std::chrono::steady_clock::now()};
  for (const auto& [k, t] : _inputs)
    if (t.next_offset >= 0) p.offsets.push_back({k.first, k.second, t.next_offset});
  _pending_commit = std::move(p);
  _dirty = false;
}

void worker::finish_commit() {
  if (!_pending_commit) return;
  const auto offsets = std::move(_pending_commit->offsets);
  _pending_commit.reset();
  if (_recovery != recovery::none) return;
  ++_commits_attempted;
  if (_opts.abort_every && _commits_attempted % _opts.abort_every == 0) {
    auto a = _producer->abort();
    return fail_transaction(a.ok() ? kafka::txn_result{kafka::txn_outcome::aborted, "test hook: forced abort"}
                                   : a);
  }
  if (auto r = _producer->commit(offsets, *_consumer); !r.ok()) return fail_transaction(r);
  release_held_outputs();
}

void worker::release_held_outputs() {
  produce_alerts();
  for (const auto& d : _held_dead_letters) produce_dead_letter(d);
  _held_dead_letters.clear();
}

void worker::drop_uncommitted() {
  _snapshots.reset();
  _out.clear();
  _held_dead_letters.clear();
  _pending_commit.reset();
  _dirty = false;
}

void worker::take_census() {
  const auto now = std::chrono::steady_clock::now();
  if (_last_census && now - *_last_census < census_interval) return;
  _last_census = now;
  _open_clocks.clear();
  _nearest.clear();
  // From each partition's census as of its last snapshot: a scan of every
  // clock here as well held the worker as long again.
  engine::clock_census census;
  census.limit = nearest_per_worker;
  for (const auto& [id, c] : _snapshots.census()) {
    for (std::size_t t = 0; t < census.running.size(); ++t)
      for (std::size_t k = 0; k < census.running[t].size(); ++k) census.running[t][k] += c.running[t][k];
    for (const auto& n : c.nearest)
      if (census.wants(n.deadline)) census.offer(n);
  }
  census.sort();
  for (int t = 0; t < sla::target_type_count; ++t)
    for (int c = 0; c < engine::clock_condition_count; ++c)
      _open_clocks.push_back(
          {{{"target", std::string(sla::to_string(static_cast<sla::target_type>(t)))},
            {"state", std::string(engine::to_string(static_cast<engine::clock_condition>(c)))}},
           census.running[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)]});
  for (const auto& n : census.nearest)
    _nearest.push_back({n.interaction_id, std::string(n.queue), std::string(n.policy),
                        std::string(sla::to_string(n.target)), n.cycle, n.started_at, n.deadline, n.at_risk});
}

void worker::publish() {
  _log.report_suppressed(_limits, log::level::warn);
  auto s = std::make_shared<http::worker_status>();
  s->worker = _opts.index;
  s->joined = _joined;
  s->restoring = _restoring;
  s->recovering = _recovery != recovery::none;
  s->heartbeat = std::chrono::steady_clock::now();
  s->consumed = _consumed;
  s->dead_lettered = _dead_lettered;
  s->input_gap_messages = _gaps;
  s->input_skipped_offsets = _skipped_offsets;
  s->consumer_errors = _consumer_errors;
  s->transactions_committed = _produced_committed + (_producer ? _producer->transactions_committed() : 0);
  s->transactions_aborted = _produced_aborted + (_producer ? _producer->transactions_aborted() : 0);
  s->produce_failures = _produce_failures + (_producer ? _producer->counters().delivery_failed.load() : 0);
  s->state_records_written = _state_records;
  s->snapshots_written = _snapshots.produced();
  s->snapshots = _snapshots.latest();
  s->restored_records = _restored_records;
  s->restores = _restores;
  s->restore_seconds_total = _restore_seconds_total;
  s->restore_seconds =
      _restoring ? std::chrono::duration<double>(std::chrono::steady_clock::now() - _restore_started).count()
                 : _last_restore_seconds;
  for (std::size_t i = 0; i < _recoveries.size(); ++i)
    s->recoveries.push_back({{{"class", recovery_name(static_cast<int>(i))}}, _recoveries[i]});
  const auto probe = _engine.probe();
  s->duplicates = probe.duplicates;
  s->late = probe.late;
  s->out_of_order = probe.out_of_order;
  s->future_outliers = probe.future_outliers;
  s->expired_interactions = probe.expired_interactions;
  s->refused_interactions = probe.refused_interactions;
  s->expired_waits = probe.expired_waits;
  s->dedup_forced_rotations = probe.dedup_forced_rotations;
  s->window_late = probe.window_late;
  s->agents_refused = probe.agents_refused;
  s->agent_out_of_order = probe.agent_out_of_order;
  s->repeat_forced_rotations = probe.repeat_forced_rotations;
  s->attribute_values_unkept = _engine.context().attributes.unkept();
  s->open_interactions = _engine.open_interactions();
  engine::resource_census(_engine, s->resources);
  for (const auto& [id, p] : _engine.partitions()) {
    s->pending_timers += p->pending_timers();
    s->dedup_ids += p->dedup_size();
    s->agents += p->agents();
    s->repeat_customers += p->repeat_customers();
  }
  for (int r = 0; r < codec::invalid_reason_count; ++r) {
    auto reason = static_cast<codec::invalid_reason>(r);
    s->invalid.push_back(
        {{{"reason", std::string(codec::to_string(reason))}}, _invalid[static_cast<std::size_t>(r)]});
  }
  for (const auto& [k, n] : _alerts)
    s->alerts.push_back(
        {{{"policy", std::get<0>(k)}, {"target", std::get<1>(k)}, {"kind", std::get<2>(k)}}, n});
  for (const auto& [k, n] : _queue_alerts)
    s->queue_alerts.push_back({{{"rule", k.first}, {"state", k.second}}, n});
  for (const auto& [id, p] : _engine.partitions())
    for (const auto& [rule, queue] : p->queue_alerts().firing())
      s->queue_alerts_firing.push_back({{{"rule", rule}, {"queue", queue}}, 1});
  s->queue_alert_rounds = _queue_rounds;
  s->queue_alert_rounds_held = _queue_rounds_held;
  s->alert_latency_buckets.assign(_alert_latency.begin(), _alert_latency.end());
  s->alert_latency_sum = _alert_latency_sum;
  take_census();
  s->open_clocks = _open_clocks;
  s->nearest = _nearest;
  for (const auto& [k, t] : _inputs) {
    auto* part = _engine.find(k.second);
    s->partitions.push_back({k.first, k.second, t.lag, t.live, part ? part->watermark() : instant_min});
  }
  _engine.collect(_queue_scratch);
  const auto& reg = _engine.context().queues;
  for (std::size_t q = 0; q < _queue_scratch.size(); ++q) {
    if (reg.label(static_cast<metrics::queue_index>(q)) != q) continue;  // not a label of its own
    s->queues.push_back({std::string(reg.name(static_cast<metrics::queue_index>(q))), _queue_scratch[q]});
  }
  _board.publish(static_cast<std::size_t>(_opts.index), std::move(s));
}

}  // namespace ccpulse::app
