#include "app/traffic_source.h"

#include <thread>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "ccpulse/v1/events.pb.h"
#include "kafka/event_producer.h"

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
    produce_backlog(stop, from, to);
  } catch (const std::exception& e) {
    set_error(e.what());
  }
}

void traffic_source::produce_until(const std::atomic<bool>& stop,
                                   std::chrono::steady_clock::time_point until) {
  kafka::event_producer producer(_opts.kafka);
  sim::simulator sim(_opts.profile, wall_now());
  std::vector<sim::sim_event> batch;
  std::string bytes;
  std::uint64_t n = 0;
  const auto every = _opts.malformed_fraction > 0
                         ? static_cast<std::uint64_t>(1.0 / _opts.malformed_fraction)
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
    set_error("flush timed out: " + std::to_string(_produced.load() - producer.delivered() - producer.failed()) +
              " of " + std::to_string(_produced.load()) + " records unconfirmed");
  } else if (producer.failed() > 0) {
    set_error(std::to_string(producer.failed()) + " deliveries failed, last error: " + producer.last_error());
  }
}

}  // namespace ccpulse::app
