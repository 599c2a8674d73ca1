#include "app/global_view_service.h"

#include "log/logger.h"

#include "codec/snapshot_codec.h"
#include "kafka/topic_follower.h"

namespace ccpulse::app {

global_view_service::global_view_service(const config::config& cfg, clock_fn now, view::view_settings s)
    : _cfg(cfg), _now(std::move(now)), _settings(s), _latest(std::make_shared<view::merged_view>()) {}

global_view_service::~global_view_service() { stop(); }

void global_view_service::start() {
  if (_thread.joinable()) return;
  _stop.store(false);
  _thread = std::thread([this] { run(); });
}

void global_view_service::stop() {
  _stop.store(true);
  if (_thread.joinable()) _thread.join();
}

std::shared_ptr<const view::merged_view> global_view_service::latest() const {
  std::lock_guard lock(_mutex);
  return _latest;
}

global_view_status global_view_service::status() const {
  std::lock_guard lock(_mutex);
  return _status;
}

void global_view_service::publish(std::shared_ptr<const view::merged_view> v) {
  std::lock_guard lock(_mutex);
  _latest = std::move(v);
}

void global_view_service::run() {
  auto set_error = [this](const std::string& e) {
    std::lock_guard lock(_mutex);
    if (e != _status.error && !e.empty())
      log::logger("global_view")
          .warn("snapshots unavailable", {{"topic", _cfg.topics.snapshots}, {"error", e}});
    _status.error = e;
  };
  view::global_view view(_settings);
  codec::snapshot_decoder decoder;
  view::scope_snapshot scratch;
  std::uint64_t records = 0, undecodable = 0, errors_before = 0;
  while (!_stop.load()) {
    try {
      kafka::topic_follower follower(_cfg.kafka.properties, _cfg.topics.snapshots,
                                     kafka::snapshot_reader_identity(_cfg.instance_id));
      for (auto e = follower.start(std::chrono::seconds(5)); !e.empty();
           e = follower.start(std::chrono::seconds(5))) {
        set_error(e);
        for (int i = 0; i < 20 && !_stop.load(); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (_stop.load()) return;
      }
      set_error({});
      if (!_cfg.topics.input.empty()) {
        const int n = follower.partition_count(_cfg.topics.input.front(), std::chrono::seconds(5));
        if (n > 0) view.expect_partitions(n);
      }
      auto on_record = [&](const rd_kafka_message_t& m) {
        ++records;
        const std::string_view key(static_cast<const char*>(m.key), m.key ? m.key_len : 0);
        if (!m.payload) {
          codec::snapshot_key k;
          if (codec::parse_snapshot_key(key, k)) view.erase(k.scope, k.partition);
          return;
        }
        if (!decoder.decode(key, m.payload, m.len, scratch).ok) {
          ++undecodable;
          return;
        }
        view.put(std::move(scratch));
        scratch = {};
      };
      auto next_build = std::chrono::steady_clock::now();
      while (!_stop.load()) {
        follower.poll(on_record, std::chrono::milliseconds(100));
        const auto t = std::chrono::steady_clock::now();
        if (t < next_build) continue;
        next_build = t + std::chrono::milliseconds(500);
        auto built = std::make_shared<view::merged_view>(view.build(_now()));
        built->fresh.catching_up = !follower.caught_up();
        if (_listener) _listener(*built, follower.caught_up());
        publish(std::move(built));
        std::lock_guard lock(_mutex);
        _status.caught_up = follower.caught_up();
        _status.records = records;
        _status.undecodable = undecodable;
        _status.consumer_errors = errors_before + follower.errors();
      }
    } catch (const std::exception& e) {
      {
        std::lock_guard lock(_mutex);
        errors_before = _status.consumer_errors;
      }
      set_error(std::string("snapshots reader: ") + e.what());
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
}

}  // namespace ccpulse::app
