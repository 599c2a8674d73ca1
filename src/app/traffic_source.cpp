#include "app/traffic_source.h"

#include <array>
#include <stdexcept>
#include <thread>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "ccpulse/v1/events.pb.h"
#include "kafka/client_properties.h"
#include "kafka/event_producer.h"
#include "kafka/kafka_error.h"
#include "kafka/produce_call.h"

namespace ccpulse::app {

namespace {
instant wall_now() { return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()); }

// Deterministic serialization: map fields (attributes) in a stable order, so
// a seed always yields the same bytes.
void serialize(const v1::Event& e, std::string& out) {
  out.clear();
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  e.SerializeToCodedStream(&coded);
}

// A transactional producer for input traffic (`simulate --transactional`):
// records are buffered per transaction so that one can be aborted on purpose
// and produced again.
class txn_input_producer {
 public:
  struct record {
    std::string key;
    std::string value;
    std::int64_t timestamp_ms;
  };

  txn_input_producer(const kafka::properties& props, const std::string& transactional_id) {
    auto conf = kafka::make_conf(kafka::client_properties(kafka::client_kind::transactional_traffic_producer,
                                                          props, {{}, transactional_id, {}, {}, {}}));
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &txn_input_producer::delivery_cb);
    std::array<char, 512> err{};
    _rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err.data(), err.size()));
    if (!_rk) throw std::runtime_error(std::string("kafka producer: ") + err.data());
    conf.release();
    check("init_transactions (transactional.id " + transactional_id + ")",
          rd_kafka_init_transactions(_rk.get(), 60000));
  }
  ~txn_input_producer() {
    if (_open) kafka::take_error(rd_kafka_abort_transaction(_rk.get(), 5000));
  }
  txn_input_producer(const txn_input_producer&) = delete;
  txn_input_producer& operator=(const txn_input_producer&) = delete;

  // One transaction holding `records`, in order; aborted (after every record
  // reached the broker) instead of committed when `abort` is set.
  void transaction(const std::string& topic, const std::vector<record>& records, bool abort) {
    check("begin_transaction", rd_kafka_begin_transaction(_rk.get()));
    _open = true;
    for (const auto& r : records) {
      for (;;) {
        auto e = kafka::produce_copy(_rk.get(), {topic, r.key, r.value, {}}, r.timestamp_ms);
        if (!e) break;
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
          throw std::runtime_error("produce to " + topic + ": " + rd_kafka_err2str(e));
        rd_kafka_poll(_rk.get(), 10);
      }
    }
    if (abort) {
      // abort_transaction drops what is not sent yet: flush first, so the
      // aborted records really are in the log (skipped by read_committed).
      rd_kafka_flush(_rk.get(), 60000);
      check("abort_transaction", rd_kafka_abort_transaction(_rk.get(), 60000));
    } else {
      check("commit_transaction", rd_kafka_commit_transaction(_rk.get(), 60000));
    }
    _open = false;
  }
  std::uint64_t failed() const { return _failed.load(); }

 private:
  static void delivery_cb(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err) static_cast<txn_input_producer*>(opaque)->_failed.fetch_add(1);
  }
  void check(const std::string& what, rd_kafka_error_t* e) {
    auto te = kafka::take_error(e);
    if (!te.message.empty()) throw std::runtime_error(what + ": " + te.message);
  }

  kafka::handle_ptr _rk;
  bool _open = false;
  std::atomic<std::uint64_t> _failed{0};
};
}  // namespace

traffic_source::traffic_source(traffic_options o) : _opts(std::move(o)) {}

std::string traffic_source::error() const {
  std::lock_guard lock(_error_mutex);
  return _error;
}

void traffic_source::set_error(std::string e) {
  std::lock_guard lock(_error_mutex);
  if (_error.empty()) _error = std::move(e);
}

void traffic_source::run(const std::atomic<bool>& stop, std::chrono::steady_clock::time_point until) {
  try {
    produce_until(stop, until);
  } catch (const std::exception& e) {
    set_error(e.what());
  }
}

void traffic_source::run_backlog(const std::atomic<bool>& stop, instant from, instant to) {
  try {
    if (_txn.transactional_id.empty())
      produce_backlog(stop, from, to);
    else
      produce_backlog_transactional(stop, from, to);
  } catch (const std::exception& e) {
    set_error(e.what());
  }
}

void traffic_source::produce_until(const std::atomic<bool>& stop,
                                   std::chrono::steady_clock::time_point until) {
  kafka::event_producer producer(_opts.kafka);
  sim::simulator sim(_opts.profile, wall_now() - _opts.history);
  std::vector<sim::sim_event> batch;
  std::string bytes;
  std::uint64_t n = 0;
  const auto every = _opts.malformed_fraction > 0 ? static_cast<std::uint64_t>(1.0 / _opts.malformed_fraction)
                                                  : std::uint64_t{0};
  while (!stop.load() && std::chrono::steady_clock::now() < until) {
    batch.clear();
    sim.generate_until(wall_now(), batch);
    for (const auto& e : batch) {
      serialize(e.message, bytes);
      if (every && ++n % every == 0) {
        // Truncated: a real failure mode of broken producers.
        bytes.resize(bytes.size() / 2);
        _malformed.fetch_add(1);
      }
      producer.produce({_opts.topic, e.key, bytes, {}}, to_unix_micros(e.at) / 1000);
      _produced.fetch_add(1);
    }
    producer.poll();
    _failed.store(producer.failed());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  producer.flush(std::chrono::seconds(10));
  _failed.store(producer.failed());
}

void traffic_source::produce_backlog(const std::atomic<bool>& stop, instant from, instant to) {
  kafka::event_producer producer(_opts.kafka);
  sim::simulator sim(_opts.profile, from);
  _simulated_us.store(to_unix_micros(from));
  // Simulated time is cut into slices only to bound memory; the simulator's
  // output does not depend on the slicing. generate_until is inclusive, so
  // the last slice ends one tick before `to`: the interval is [from, to).
  constexpr duration slice = std::chrono::seconds(10);
  std::vector<sim::sim_event> batch;
  std::string bytes;
  for (instant t = from; t < to && !stop.load();) {
    const instant next = to - t > slice ? t + slice : to;
    batch.clear();
    sim.generate_until(next - duration{1}, batch);
    for (const auto& e : batch) {
      serialize(e.message, bytes);
      producer.produce({_opts.topic, e.key, bytes, {}}, to_unix_micros(e.at) / 1000);
      _produced.fetch_add(1);
    }
    producer.poll();
    _failed.store(producer.failed());
    _delivered.store(producer.delivered());
    _simulated_us.store(to_unix_micros(next));
    t = next;
  }
  // Wait for every delivery report, however long the broker takes, unless
  // told to stop or nothing moves for a minute.
  auto last_progress = std::chrono::steady_clock::now();
  std::uint64_t settled = producer.delivered() + producer.failed();
  while (!producer.flush(std::chrono::seconds(1))) {
    const std::uint64_t now_settled = producer.delivered() + producer.failed();
    _delivered.store(producer.delivered());
    if (now_settled != settled) {
      settled = now_settled;
      last_progress = std::chrono::steady_clock::now();
    }
    if (stop.load() || std::chrono::steady_clock::now() - last_progress > std::chrono::seconds(60)) break;
  }
  _failed.store(producer.failed());
  _delivered.store(producer.delivered());
  if (stop.load()) {
    set_error("interrupted before the end of the span");
  } else if (producer.delivered() + producer.failed() != _produced.load()) {
    set_error(
        "flush timed out: " + std::to_string(_produced.load() - producer.delivered() - producer.failed()) +
        " of " + std::to_string(_produced.load()) + " records unconfirmed");
  } else if (producer.failed() > 0) {
    set_error(std::to_string(producer.failed()) + " deliveries failed, last error: " + producer.last_error());
  }
}

void traffic_source::produce_backlog_transactional(const std::atomic<bool>& stop, instant from, instant to) {
  if (_txn.records_per_transaction == 0)
    throw std::invalid_argument("records_per_transaction must be at least 1");
  txn_input_producer producer(_opts.kafka, _txn.transactional_id);
  sim::simulator sim(_opts.profile, from);
  _simulated_us.store(to_unix_micros(from));
  // The same slicing and serialization as produce_backlog: the same events
  // in the same order, only cut into transactions.
  constexpr duration slice = std::chrono::seconds(10);
  std::vector<sim::sim_event> batch;
  std::vector<txn_input_producer::record> pending;
  std::string bytes;
  std::uint64_t transactions = 0;
  const auto flush_pending = [&] {
    if (pending.empty()) return;
    ++transactions;
    if (_txn.abort_every && transactions % _txn.abort_every == 0) {
      producer.transaction(_opts.topic, pending, true);
      _txn_aborted.fetch_add(1);
    }
    producer.transaction(_opts.topic, pending, false);
    _txn_committed.fetch_add(1);
    _delivered.fetch_add(pending.size());
    _failed.store(producer.failed());
    pending.clear();
  };
  for (instant t = from; t < to && !stop.load();) {
    const instant next = to - t > slice ? t + slice : to;
    batch.clear();
    sim.generate_until(next - duration{1}, batch);
    for (const auto& e : batch) {
      serialize(e.message, bytes);
      pending.push_back({e.key, bytes, to_unix_micros(e.at) / 1000});
      _produced.fetch_add(1);
      if (pending.size() >= _txn.records_per_transaction) flush_pending();
    }
    _simulated_us.store(to_unix_micros(next));
    t = next;
  }
  if (!stop.load()) flush_pending();
  _failed.store(producer.failed());
  if (stop.load()) {
    set_error("interrupted before the end of the span");
  } else if (producer.failed() > 0) {
    set_error(std::to_string(producer.failed()) + " deliveries failed");
  }
}

}  // namespace ccpulse::app
