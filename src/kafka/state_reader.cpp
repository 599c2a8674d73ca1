#include "kafka/state_reader.h"

#include <algorithm>
#include <array>
#include <exception>
#include <memory>
#include <set>

#include "kafka/client_properties.h"

namespace ccpulse::kafka {

state_reader::state_reader(const properties& user, std::string topic, client_identity id)
    : _topic(std::move(topic)), _id(std::move(id)) {
  // The group's own properties are the group consumer's, not this reader's.
  static constexpr std::array group_only{"group.id", "group.instance.id", "partition.assignment.strategy",
                                         "session.timeout.ms", "heartbeat.interval.ms"};
  for (const auto& p : user) {
    bool skip = false;
    for (const char* g : group_only) skip |= p.first == g;
    if (!skip) _props.push_back(p);
  }
}

namespace {
using topic_ptr = std::unique_ptr<rd_kafka_topic_t, deleter<rd_kafka_topic_destroy>>;

// Errors after which the partition will never reach its end: waiting for
// the timeout would only delay the failure.
bool hopeless(rd_kafka_resp_err_t e) {
  return e == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION || e == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
         e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || e == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED;
}
}  // namespace

std::string state_reader::read(const std::vector<std::int32_t>& partitions, const record_fn& on_record,
                               const progress_fn& on_progress, std::chrono::milliseconds timeout) noexcept {
  try {
    if (partitions.empty()) return {};
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + timeout;
    // No group.id: with one, librdkafka 2.0.2 starts assigned partitions only
    // once its coordinator state machine is up, a timer tick later (0.4-1 s
    // seen on a real broker), and every rebalance would pay it. The simple
    // consumer API fetches at once. fetch.wait.max.ms bounds how long the
    // broker holds the fetch at the end of the log, which is what partition
    // EOF waits for; the end is also where a user's larger fetch.min.bytes
    // would only add that wait. Both are forced here only (the table's
    // forced_here_only rows), as are the defaults a restore reads fast with.
    auto conf = make_conf(client_properties(client_kind::state_reader, _props, _id));
    std::array<char, 512> err{};
    handle_ptr rk{rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err.data(), err.size())};
    if (!rk) return std::string("restore consumer: ") + err.data();
    conf.release();
    topic_ptr rkt{rd_kafka_topic_new(rk.get(), _topic.c_str(), nullptr)};
    if (!rkt) return "restore topic " + _topic + ": " + rd_kafka_err2str(rd_kafka_last_error());
    queue_ptr queue{rd_kafka_queue_new(rk.get())};
    // Partitions started before their leader is known wait for an offset
    // query retry timer (~0.4 s seen); one metadata round trip first avoids
    // that and tells a missing topic or partition apart from a slow one.
    {
      const rd_kafka_metadata_t* raw = nullptr;
      const auto e = rd_kafka_metadata(rk.get(), 0, rkt.get(), &raw,
                                       static_cast<int>(std::min<std::int64_t>(timeout.count(), 10000)));
      metadata_ptr md{raw};
      if (e) return "state topic " + _topic + " metadata: " + rd_kafka_err2str(e);
      if (md->topic_cnt != 1 || md->topics[0].err)
        return "state topic " + _topic + ": " +
               rd_kafka_err2str(md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC);
      for (auto p : partitions)
        if (p < 0 || p >= md->topics[0].partition_cnt)
          return "state topic " + _topic + " has no partition " + std::to_string(p) + " (it has " +
                 std::to_string(md->topics[0].partition_cnt) + ")";
    }

    restore_progress progress;
    std::set<std::int32_t> pending;
    std::vector<std::int32_t> started;
    auto stop = [&] {
      for (auto p : started) rd_kafka_consume_stop(rkt.get(), p);
      started.clear();
    };
    std::string failure;
    // Empty partitions are not skipped up front: their EOF comes from the
    // first fetch, sooner than two ListOffsets round trips per partition.
    // Offset 0 rather than BEGINNING saves another: compaction leaves the
    // log start at 0, and where retention or DeleteRecords moved it, the
    // out-of-range fetch resets to the earliest offset (auto.offset.reset).
    for (auto p : partitions) {
      if (!pending.insert(p).second) continue;
      if (rd_kafka_consume_start_queue(rkt.get(), p, 0, queue.get()) == -1) {
        failure = "state topic " + _topic + " partition " + std::to_string(p) + ": " +
                  rd_kafka_err2str(rd_kafka_last_error());
        break;
      }
      started.push_back(p);
    }
    // The high watermarks librdkafka caches from fetch responses give the
    // estimate for progress reports, without queries of their own.
    auto estimate = [&] {
      std::uint64_t total = 0;
      for (auto p : partitions) {
        std::int64_t low = 0, high = 0;
        if (rd_kafka_get_watermark_offsets(rk.get(), _topic.c_str(), p, &low, &high) ==
                RD_KAFKA_RESP_ERR_NO_ERROR &&
            high > std::max<std::int64_t>(low, 0))
          total += static_cast<std::uint64_t>(high - std::max<std::int64_t>(low, 0));
      }
      return total;
    };
    std::vector<rd_kafka_message_t*> batch(4096);
    auto last_report = start;
    progress.setup = std::chrono::steady_clock::now() - start;
    while (failure.empty() && !pending.empty()) {
      const auto now = std::chrono::steady_clock::now();
      if (now > deadline) {
        failure = "restore of " + _topic + " did not reach the end within " +
                  std::to_string(timeout.count()) + " ms";
        break;
      }
      // librdkafka 2.0.2's batch call blocks until the batch is full or its
      // timeout ends, EOF events or not; so take what is queued without
      // waiting, and when nothing is, block on one message, which returns
      // as soon as anything arrives.
      auto n = rd_kafka_consume_batch_queue(queue.get(), 0, batch.data(), batch.size());
      if (n == 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        if (auto* m =
                rd_kafka_consume_queue(queue.get(), static_cast<int>(std::clamp<long long>(left, 1, 100)))) {
          batch[0] = m;
          n = 1;
        }
      }
      const auto got = std::chrono::steady_clock::now();
      progress.fetch_wait += got - now;
      for (ssize_t i = 0; i < n; ++i) {
        message_ptr m{batch[static_cast<std::size_t>(i)]};
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          pending.erase(m->partition);
        } else if (m->err) {
          if (failure.empty() && (hopeless(m->err) || rd_kafka_fatal_error(rk.get(), nullptr, 0)))
            failure = "restore of " + _topic + " partition " + std::to_string(m->partition) + ": " +
                      rd_kafka_message_errstr(m.get());
        } else if (pending.contains(m->partition)) {
          ++progress.records;
          progress.bytes += m->len;
          on_record(*m);
        }
      }
      progress.handling += std::chrono::steady_clock::now() - got;
      if (got - last_report >= std::chrono::seconds(1)) {
        last_report = got;
        progress.elapsed = got - start;
        progress.total_estimate = estimate();
        on_progress(progress);
      }
    }
    const auto closing = std::chrono::steady_clock::now();
    progress.total_estimate = estimate();
    stop();
    queue.reset();
    rkt.reset();
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
