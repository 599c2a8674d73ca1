#include "app/worker.h"

#include <cstdio>

#include "codec/alert_encoder.h"
#include "kafka/client_config.h"

namespace ccpulse::app {

namespace {

engine::engine_settings engine_settings_from(const config::config& c) {
  engine::engine_settings s;
  s.max_out_of_orderness = c.processing.max_out_of_orderness;
  s.short_abandon = c.processing.short_abandon;
  s.linger = c.processing.linger;
  s.dedup_horizon = c.processing.dedup_horizon;
  s.max_queues = c.processing.max_queues;
  for (const auto& q : c.queues) s.queues.push_back({q.name, q.sl_threshold});
  return s;
}

codec::decoder_limits limits_from(const config::config& c) {
  codec::decoder_limits l;
  l.max_event_bytes = c.processing.max_event_bytes;
  l.max_clock_skew = c.processing.max_clock_skew;
  return l;
}

std::span<const std::byte> payload(const rd_kafka_message_t* m) {
  return {static_cast<const std::byte*>(m->payload), m->len};
}

std::string_view key(const rd_kafka_message_t* m) {
  return m->key ? std::string_view(static_cast<const char*>(m->key), m->key_len) : std::string_view{};
}

kafka::properties with(kafka::properties p, std::initializer_list<std::pair<std::string, std::string>> extra) {
  for (const auto& e : extra) p.push_back(e);
  return p;
}

}  // namespace

worker::worker(const config::config& cfg, worker_options opts, http::status_board& board)
    : _cfg(cfg),
      _opts(std::move(opts)),
      _board(board),
      _engine(engine_settings_from(cfg), cfg.policies),
      _decoder(limits_from(cfg)) {
  const auto& props = cfg.kafka.properties;
  const std::string client = cfg.instance_id + "-w" + std::to_string(_opts.index);
  _producer = std::make_unique<kafka::transactional_producer>(
      with(kafka::for_producer(props), {{"client.id", client}}), _opts.transactional_id, std::chrono::seconds(60));
  // Static membership keeps rolling restarts from stopping the world.
  _consumer = std::make_unique<kafka::group_consumer>(
      with(props, {{"group.id", _opts.group_id},
                   {"client.id", client},
                   {"group.instance.id", client},
                   {"auto.offset.reset", "earliest"}}),
      cfg.topics.input, *this);
}

worker::~worker() = default;

void worker::on_assigned(const std::vector<kafka::topic_partition>& parts) {
  _joined = true;
  for (const auto& tp : parts) {
    _inputs[{tp.topic, tp.partition}] = input_track{};
    // State starts empty: restore from the changelog comes with DESIGN.md §8.
    // The wheel starts at the epoch so replayed deadlines fire on event time.
    _engine.assign(tp.partition, instant{});
  }
  std::fprintf(stderr, "level=info component=worker worker=%d msg=\"assigned %zu partitions\"\n",
               _opts.index, parts.size());
}

void worker::on_revoked(const std::vector<kafka::topic_partition>& parts) {
  // Commit what was processed while we still own these partitions.
  commit();
  for (const auto& tp : parts) {
    _inputs.erase(track_key{tp.topic, tp.partition});
    bool other_topic = false;
    for (const auto& [k, t] : _inputs) other_topic |= k.second == tp.partition;
    if (!other_topic) _engine.revoke(tp.partition);
  }
  std::fprintf(stderr, "level=info component=worker worker=%d msg=\"revoked %zu partitions\"\n",
               _opts.index, parts.size());
}

void worker::run(const std::atomic<bool>& stop) {
  kafka::message_batch batch(4096);
  const auto commit_every = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      _cfg.processing.commit_interval);
  const auto poll_wait = std::chrono::duration_cast<std::chrono::milliseconds>(_cfg.processing.poll_interval);
  auto last_commit = std::chrono::steady_clock::now();
  auto last_publish = last_commit;
  try {
    while (!stop.load(std::memory_order_relaxed)) {
      _consumer->poll(batch, poll_wait);
      for (std::size_t i = 0; i < batch.size(); ++i) handle(batch[i]);
      batch.clear();
      advance_partitions();
      _producer->poll();
      const auto t = std::chrono::steady_clock::now();
      if (t - last_commit >= commit_every) {
        commit();
        last_commit = t;
      }
      if (t - last_publish >= _opts.status_interval) {
        publish();
        last_publish = t;
      }
    }
    commit();
    _consumer->close();
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

void worker::handle(const rd_kafka_message_t* m) {
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
    std::fprintf(stderr, "level=warn component=worker worker=%d msg=\"consumer: %s\"\n", _opts.index,
                 rd_kafka_message_errstr(m));
    return;
  }
  auto it = _inputs.find(lookup{topic, m->partition});
  auto* part = _engine.find(m->partition);
  if (it == _inputs.end() || !part) return;  // revoked while in flight: the new owner re-reads it
  auto& track = it->second;
  if (track.next_offset >= 0 && m->offset > track.next_offset) _gaps += static_cast<std::uint64_t>(m->offset - track.next_offset);
  track.next_offset = m->offset + 1;
  const auto w = _consumer->cached_watermarks(rd_kafka_topic_name(m->rkt), m->partition);
  if (w.high >= 0) {
    track.lag = std::max<std::int64_t>(0, w.high - track.next_offset);
    track.live = track.lag == 0;
  }
  ++_consumed;
  _dirty = true;

  ccpulse::event ev;
  auto r = _decoder.decode(payload(m), _opts.now(), ev);
  if (!r.ok) {
    ++_invalid[static_cast<std::size_t>(r.reason)];
    dead_letter(m, codec::to_string(r.reason), r.detail);
    return;
  }
  auto res = part->apply(ev, _out);
  if (res.status == engine::apply_status::rejected) {
    ++_invalid[static_cast<std::size_t>(codec::invalid_reason::engine_rejected)];
    dead_letter(m, res.reason, "rejected by the engine");
  }
  produce_alerts();
}

void worker::dead_letter(const rd_kafka_message_t* m, std::string_view reason, std::string_view detail) {
  const std::string topic = rd_kafka_topic_name(m->rkt);
  const std::string partition = std::to_string(m->partition);
  const std::string offset = std::to_string(m->offset);
  _producer->produce({_cfg.topics.dead_letter,
                      key(m),
                      {static_cast<const char*>(m->payload), m->len},
                      {{"ccpulse-reason", reason},
                       {"ccpulse-detail", detail},
                       {"ccpulse-source-topic", topic},
                       {"ccpulse-source-partition", partition},
                       {"ccpulse-source-offset", offset}}});
  ++_dead_lettered;
}

void worker::produce_alerts() {
  if (_out.empty()) return;
  const auto raised = std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
  for (const auto& a : _out.alerts) {
    codec::encode_alert(a, raised, _encoded);
    _producer->produce({_cfg.topics.alerts, a.interaction_id, _encoded, {{"ccpulse-type", "sla"}}});
    ++_alerts[{std::string(a.policy), std::string(sla::to_string(a.target)),
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

void worker::advance_partitions() {
  const instant now = _opts.now();
  for (const auto& [id, part] : _engine.partitions()) {
    const bool live = partition_live(id);
    part->advance(live ? now : part->watermark(), live, _out);
  }
  produce_alerts();
}

void worker::commit() {
  if (!_dirty && !_producer->in_transaction()) return;
  std::vector<kafka::offset_to_commit> offsets;
  for (const auto& [k, t] : _inputs)
    if (t.next_offset >= 0) offsets.push_back({k.first, k.second, t.next_offset});
  _producer->ensure_transaction();
  _producer->commit(offsets, *_consumer);
  _dirty = false;
}

void worker::publish() {
  auto s = std::make_shared<http::worker_status>();
  s->worker = _opts.index;
  s->joined = _joined;
  s->heartbeat = std::chrono::steady_clock::now();
  s->consumed = _consumed;
  s->dead_lettered = _dead_lettered;
  s->input_gap_messages = _gaps;
  s->consumer_errors = _consumer_errors;
  s->transactions_committed = _producer->transactions_committed();
  s->produce_failures = _producer->counters().delivery_failed.load();
  const auto probe = _engine.probe();
  s->duplicates = probe.duplicates;
  s->late = probe.late;
  s->out_of_order = probe.out_of_order;
  s->open_interactions = _engine.open_interactions();
  for (const auto& [id, p] : _engine.partitions()) s->pending_timers += p->pending_timers();
  for (int r = 0; r < codec::invalid_reason_count; ++r) {
    auto reason = static_cast<codec::invalid_reason>(r);
    s->invalid.push_back({{{"reason", std::string(codec::to_string(reason))}}, _invalid[static_cast<std::size_t>(r)]});
  }
  for (const auto& [k, n] : _alerts)
    s->alerts.push_back({{{"policy", std::get<0>(k)}, {"target", std::get<1>(k)}, {"kind", std::get<2>(k)}}, n});
  for (const auto& [k, t] : _inputs) {
    auto* part = _engine.find(k.second);
    s->partitions.push_back({k.first, k.second, t.lag, t.live, part ? part->watermark() : instant_min});
  }
  _engine.collect(_queue_scratch);
  const auto& reg = _engine.context().queues;
  for (std::size_t q = 0; q < _queue_scratch.size(); ++q)
    s->queues.push_back({std::string(reg.name(static_cast<metrics::queue_index>(q))), _queue_scratch[q]});
  _board.publish(static_cast<std::size_t>(_opts.index), std::move(s));
}

}  // namespace ccpulse::app
