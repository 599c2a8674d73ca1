#include "kafka/topic_follower.h"

#include <array>
#include <stdexcept>
#include <vector>

#include "kafka/client_properties.h"

namespace ccpulse::kafka {

topic_follower::topic_follower(const properties& user, std::string topic, const client_identity& id)
    : _topic(std::move(topic)) {
  // No group: the group's own properties are the workers'.
  properties props;
  for (const auto& p : user)
    if (p.first != "group.id" && p.first != "group.instance.id") props.push_back(p);
  auto conf = make_conf(client_properties(client_kind::snapshot_reader, props, id));
  std::array<char, 512> err{};
  _rk.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err.data(), err.size()));
  if (!_rk) throw std::runtime_error(std::string("snapshots reader: ") + err.data());
  conf.release();
  _rkt.reset(rd_kafka_topic_new(_rk.get(), _topic.c_str(), nullptr));
  if (!_rkt)
    throw std::runtime_error("snapshots topic " + _topic + ": " + rd_kafka_err2str(rd_kafka_last_error()));
  _queue.reset(rd_kafka_queue_new(_rk.get()));
}

topic_follower::~topic_follower() {
  stop_partitions();
  _queue.reset();
  _rkt.reset();
  _rk.reset();
}

void topic_follower::stop_partitions() {
  for (std::size_t p = 0; p < _started; ++p) rd_kafka_consume_stop(_rkt.get(), static_cast<std::int32_t>(p));
  _started = 0;
  _at_end.clear();
}

int topic_follower::partition_count(const std::string& topic, std::chrono::milliseconds timeout) {
  std::unique_ptr<rd_kafka_topic_t, deleter<rd_kafka_topic_destroy>> t{
      rd_kafka_topic_new(_rk.get(), topic.c_str(), nullptr)};
  if (!t) return -1;
  const rd_kafka_metadata_t* raw = nullptr;
  const auto e = rd_kafka_metadata(_rk.get(), 0, t.get(), &raw, static_cast<int>(timeout.count()));
  metadata_ptr md{raw};
  if (e || md->topic_cnt != 1 || md->topics[0].err) return -1;
  return md->topics[0].partition_cnt;
}

std::string topic_follower::start(std::chrono::milliseconds timeout) {
  stop_partitions();
  const int n = partition_count(_topic, timeout);
  if (n <= 0) return "snapshots topic " + _topic + ": no metadata (missing topic?)";
  for (std::int32_t p = 0; p < n; ++p) {
    if (rd_kafka_consume_start_queue(_rkt.get(), p, RD_KAFKA_OFFSET_BEGINNING, _queue.get()) == -1) {
      const std::string why = rd_kafka_err2str(rd_kafka_last_error());
      stop_partitions();
      return "snapshots topic " + _topic + " partition " + std::to_string(p) + ": " + why;
    }
    _started = static_cast<std::size_t>(p) + 1;
  }
  return {};
}

std::size_t topic_follower::poll(const record_fn& on_record, std::chrono::milliseconds wait) {
  std::array<rd_kafka_message_t*, 512> batch{};
  // As in state_reader: take what is queued without waiting; when nothing
  // is, block on one message (the batch call would wait for a full batch).
  auto n = rd_kafka_consume_batch_queue(_queue.get(), 0, batch.data(), batch.size());
  if (n == 0) {
    if (auto* m = rd_kafka_consume_queue(_queue.get(), static_cast<int>(wait.count()))) {
      batch[0] = m;
      n = 1;
    }
  }
  std::size_t records = 0;
  for (ssize_t i = 0; i < n; ++i) {
    message_ptr m{batch[static_cast<std::size_t>(i)]};
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      _at_end.insert(m->partition);
    } else if (m->err) {
      ++_errors;
      _last_error = rd_kafka_message_errstr(m.get());
    } else {
      ++records;
      on_record(*m);
    }
  }
  return records;
}

}  // namespace ccpulse::kafka
