#include "kafka/state_reader.h"

#include <array>
#include <exception>
#include <set>

namespace ccpulse::kafka {

state_reader::state_reader(const properties& user, std::string topic) : _topic(std::move(topic)) {
  // Defaults the user may override: a restore reads as fast as it can, and
  // librdkafka 2.0.2 feeds a consumer that works between polls slowly with
  // its default queued.min.messages (see group_consumer.cpp).
  _props = {{"queued.min.messages", "1000000"}, {"max.partition.fetch.bytes", "8388608"},
            {"fetch.max.bytes", "67108864"}};
  static constexpr std::array group_only{"group.id", "group.instance.id", "partition.assignment.strategy",
                                         "session.timeout.ms", "heartbeat.interval.ms"};
  for (const auto& p : user) {
    bool skip = false;
    for (const char* g : group_only) skip |= p.first == g;
    if (!skip) _props.push_back(p);
  }
}

std::string state_reader::read(const std::vector<std::int32_t>& partitions, const record_fn& on_record,
                               const progress_fn& on_progress, std::chrono::milliseconds timeout) noexcept {
  try {
    if (partitions.empty()) return {};
    auto conf = make_conf(_props, {{"group.id", "ccpulse-restore"},
                                   {"enable.auto.commit", "false"},
                                   {"enable.auto.offset.store", "false"},
                                   {"isolation.level", "read_committed"},
                                   {"enable.partition.eof", "true"},
                                   {"auto.offset.reset", "earliest"}});
    std::array<char, 512> err{};
    handle_ptr rk{rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err.data(), err.size())};
    if (!rk) return std::string("restore consumer: ") + err.data();
    conf.release();
    rd_kafka_poll_set_consumer(rk.get());

    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + timeout;
    restore_progress progress;
    std::set<std::int32_t> pending;
    topic_partition_list_ptr list{rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()))};
    for (auto p : partitions) {
      std::int64_t low = 0, high = 0;
      auto e = rd_kafka_query_watermark_offsets(rk.get(), _topic.c_str(), p, &low, &high,
                                                static_cast<int>(std::min<std::int64_t>(timeout.count(), 10000)));
      if (e) {
        rd_kafka_consumer_close(rk.get());
        return "state topic " + _topic + " partition " + std::to_string(p) + ": " + rd_kafka_err2str(e);
      }
      if (high <= low) continue;  // nothing ever written (or all compacted away)
      progress.total_estimate += static_cast<std::uint64_t>(high - low);
      pending.insert(p);
      rd_kafka_topic_partition_list_add(list.get(), _topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    if (pending.empty()) {
      rd_kafka_consumer_close(rk.get());
      return {};
    }
    if (auto e = rd_kafka_assign(rk.get(), list.get())) {
      rd_kafka_consumer_close(rk.get());
      return std::string("restore assign: ") + rd_kafka_err2str(e);
    }
    queue_ptr queue{rd_kafka_queue_get_consumer(rk.get())};
    std::vector<rd_kafka_message_t*> batch(4096);
    auto last_report = start;
    std::string failure;
    progress.setup = std::chrono::steady_clock::now() - start;
    while (!pending.empty()) {
      const auto now = std::chrono::steady_clock::now();
      if (now > deadline) {
        failure = "restore of " + _topic + " did not reach the end within " +
                  std::to_string(timeout.count()) + " ms";
        break;
      }
      const auto n = rd_kafka_consume_batch_queue(queue.get(), 100, batch.data(), batch.size());
      const auto got = std::chrono::steady_clock::now();
      progress.fetch_wait += got - now;
      for (ssize_t i = 0; i < n; ++i) {
        message_ptr m{batch[static_cast<std::size_t>(i)]};
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          pending.erase(m->partition);
        } else if (m->err) {
          if (failure.empty() && rd_kafka_fatal_error(rk.get(), nullptr, 0))
            failure = std::string("restore consumer: ") + rd_kafka_message_errstr(m.get());
        } else if (pending.contains(m->partition)) {
          ++progress.records;
          progress.bytes += m->len;
          on_record(*m);
        }
      }
      progress.handling += std::chrono::steady_clock::now() - got;
      if (!failure.empty()) break;
      if (now - last_report >= std::chrono::seconds(1)) {
        last_report = now;
        progress.elapsed = now - start;
        on_progress(progress);
      }
    }
    const auto closing = std::chrono::steady_clock::now();
    queue.reset();
    rd_kafka_consumer_close(rk.get());
    rk.reset();
    const auto end = std::chrono::steady_clock::now();
    progress.close = end - closing;
    progress.elapsed = end - start;
    on_progress(progress);
    return failure;
  } catch (const std::exception& e) {
    return std::string("restore: ") + e.what();
  } catch (...) {
    return "restore: unknown error";
  }
}

}  // namespace ccpulse::kafka
