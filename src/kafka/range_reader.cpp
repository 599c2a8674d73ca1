#include "kafka/range_reader.h"

#include <algorithm>
#include <array>
#include <deque>
#include <stdexcept>
#include <tuple>

#include "kafka/client_properties.h"

namespace ccpulse::kafka {

namespace {
using topic_ptr = std::unique_ptr<rd_kafka_topic_t, deleter<rd_kafka_topic_destroy>>;

bool hopeless(rd_kafka_resp_err_t e) {
  return e == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION || e == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
         e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || e == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED;
}

int ms(std::chrono::milliseconds t) { return static_cast<int>(std::min<std::int64_t>(t.count(), 600000)); }
}  // namespace

range_reader::range_reader(const properties& user, const client_identity& id) {
  properties own;
  // No group: the group's own properties are the workers'.
  for (const auto& p : user)
    if (p.first != "group.id" && p.first != "group.instance.id") own.push_back(p);
  auto conf = make_conf(client_properties(client_kind::replay_reader, own, id));
  std::array<char, 512> err{};
  _rk.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err.data(), err.size()));
  if (!_rk) throw std::runtime_error(std::string("replay consumer: ") + err.data());
  conf.release();
}

std::string range_reader::plan(const std::vector<std::string>& topics, std::int64_t from_ms,
                               std::optional<std::int64_t> to_ms, std::chrono::milliseconds timeout,
                               std::vector<range_partition>& out) noexcept {
  try {
    out.clear();
    _from_ms = from_ms;
    _to_ms = to_ms;
    for (std::size_t ti = 0; ti < topics.size(); ++ti) {
      topic_ptr rkt{rd_kafka_topic_new(_rk.get(), topics[ti].c_str(), nullptr)};
      if (!rkt) return "topic " + topics[ti] + ": " + rd_kafka_err2str(rd_kafka_last_error());
      const rd_kafka_metadata_t* raw = nullptr;
      const auto e = rd_kafka_metadata(_rk.get(), 0, rkt.get(), &raw, ms(timeout));
      metadata_ptr md{raw};
      if (e) return "topic " + topics[ti] + " metadata: " + rd_kafka_err2str(e);
      if (md->topic_cnt != 1 || md->topics[0].err)
        return "topic " + topics[ti] + ": " +
               rd_kafka_err2str(md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC);
      for (int p = 0; p < md->topics[0].partition_cnt; ++p) {
        range_partition r;
        r.topic = topics[ti];
        r.topic_index = ti;
        r.partition = p;
        if (const auto w =
                rd_kafka_query_watermark_offsets(_rk.get(), r.topic.c_str(), p, &r.low, &r.high, ms(timeout)))
          return "topic " + r.topic + " partition " + std::to_string(p) +
                 " watermarks: " + rd_kafka_err2str(w);
        out.push_back(std::move(r));
      }
    }
    // offsets_for_times: the earliest offset whose timestamp is >= the time,
    // -1 when there is none (the range starts, or ends, at the high mark).
    auto by_time = [&](std::int64_t t, auto&& take) -> std::string {
      topic_partition_list_ptr list{rd_kafka_topic_partition_list_new(static_cast<int>(out.size()))};
      for (const auto& r : out)
        rd_kafka_topic_partition_list_add(list.get(), r.topic.c_str(), r.partition)->offset = t;
      if (const auto e = rd_kafka_offsets_for_times(_rk.get(), list.get(), ms(timeout)))
        return std::string("offsets by timestamp: ") + rd_kafka_err2str(e);
      for (auto& r : out) {
        const auto* tp = rd_kafka_topic_partition_list_find(list.get(), r.topic.c_str(), r.partition);
        if (!tp || tp->err)
          return "offsets by timestamp, topic " + r.topic + " partition " + std::to_string(r.partition) +
                 ": " + rd_kafka_err2str(tp ? tp->err : RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION);
        take(r, tp->offset);
      }
      return {};
    };
    // No offset for `from` in a non-empty partition: either every record is
    // older, or the broker cannot tell (the mock cluster): scan it.
    auto start_at = [](range_partition& r, std::int64_t o) {
      r.scanned = o < 0 && r.high > r.low;
      r.start = o < 0 ? (r.scanned ? r.low : r.high) : std::min(o, r.high);
    };
    if (auto e = by_time(from_ms, start_at); !e.empty()) return e;
    for (auto& r : out) r.end = r.high;
    if (to_ms)
      if (auto e = by_time(*to_ms, [](range_partition& r,
                                      std::int64_t o) { r.end = o < 0 ? r.high : std::min(o, r.high); });
          !e.empty())
        return e;
    for (auto& r : out) r.end = std::max(r.end, r.start);
    return {};
  } catch (const std::exception& e) {
    return std::string("replay plan: ") + e.what();
  }
}

std::string range_reader::read(std::vector<range_partition>& ranges, const record_fn& on_record,
                               std::chrono::milliseconds stall, const std::atomic<bool>* stop) noexcept {
  try {
    _interrupted = false;
    auto stopping = [&] {
      if (stop && stop->load()) _interrupted = true;
      return _interrupted;
    };
    struct stream {
      range_partition* range;
      rd_kafka_topic_t* rkt;
      queue_ptr queue;
      std::deque<message_ptr> buffered;
      std::int64_t next;
      bool at_end = false;  // nothing more to fetch; done once buffered is drained
      bool begun = false;   // a record stamped at or after `from` was handed out
      bool done = false;
      bool started = false;
    };
    std::vector<topic_ptr> topics;
    std::vector<stream> streams;
    streams.reserve(ranges.size());
    for (auto& r : ranges) {
      if (r.topic_index >= topics.size()) topics.resize(r.topic_index + 1);
      auto& t = topics[r.topic_index];
      if (!t) t.reset(rd_kafka_topic_new(_rk.get(), r.topic.c_str(), nullptr));
      if (!t) return "topic " + r.topic + ": " + rd_kafka_err2str(rd_kafka_last_error());
      streams.push_back(stream{&r, t.get(), queue_ptr{rd_kafka_queue_new(_rk.get())}, {}, r.start});
      auto& s = streams.back();
      if (r.start >= r.end) {
        s.done = true;
        continue;
      }
      if (rd_kafka_consume_start_queue(s.rkt, r.partition, r.start, s.queue.get()) == -1)
        return "topic " + r.topic + " partition " + std::to_string(r.partition) + ": " +
               rd_kafka_err2str(rd_kafka_last_error());
      s.started = true;
    }
    auto stop_all = [&] {
      for (auto& s : streams)
        if (s.started) rd_kafka_consume_stop(s.rkt, s.range->partition);
    };
    std::string failure;
    std::vector<rd_kafka_message_t*> batch(1024);
    // Makes s's next record available (or marks s done). False on failure.
    auto fill = [&](stream& s) {
      auto idle_since = std::chrono::steady_clock::now();
      while (!s.done && s.buffered.empty()) {
        if (stopping()) return true;
        if (s.at_end) {
          s.done = true;
          break;
        }
        auto n = rd_kafka_consume_batch_queue(s.queue.get(), 0, batch.data(), batch.size());
        if (n == 0)
          if (auto* m = rd_kafka_consume_queue(s.queue.get(), 100)) {
            batch[0] = m;
            n = 1;
          }
        if (n == 0 && std::chrono::steady_clock::now() - idle_since > stall) {
          failure = "topic " + s.range->topic + " partition " + std::to_string(s.range->partition) +
                    ": no record for " + std::to_string(stall.count()) + " ms at offset " +
                    std::to_string(s.next) + " (range ends at " + std::to_string(s.range->end) + ")";
          return false;
        }
        for (ssize_t i = 0; i < n; ++i) {
          message_ptr m{batch[static_cast<std::size_t>(i)]};
          if (s.at_end) continue;
          if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            // The end of what is stable (read_committed): markers or
            // aborted records may fill the rest of the range.
            s.at_end = true;
            continue;
          }
          if (m->err) {
            if (hopeless(m->err) || rd_kafka_fatal_error(_rk.get(), nullptr, 0)) {
              failure = "topic " + s.range->topic + " partition " + std::to_string(s.range->partition) +
                        ": " + rd_kafka_message_errstr(m.get());
              return false;
            }
            continue;
          }
          if (m->offset >= s.range->end) {
            s.at_end = true;
            continue;
          }
          idle_since = std::chrono::steady_clock::now();
          s.buffered.push_back(std::move(m));
        }
      }
      return true;
    };
    auto timestamp = [](const rd_kafka_message_t& m) {
      rd_kafka_timestamp_type_t type{};
      const auto t = rd_kafka_message_timestamp(&m, &type);
      return type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? std::int64_t{-1} : t;
    };
    for (;;) {
      stream* best = nullptr;
      std::tuple<std::int64_t, std::size_t, std::int32_t> best_key{};
      for (auto& s : streams) {
        if (!fill(s)) {
          stop_all();
          return failure;
        }
        if (s.done || s.buffered.empty()) continue;  // empty: stopping
        const auto& m = *s.buffered.front();
        const std::tuple key{timestamp(m), s.range->topic_index, s.range->partition};
        if (!best || key < best_key) {
          best = &s;
          best_key = key;
        }
      }
      if (!best || stopping()) break;
      auto m = std::move(best->buffered.front());
      best->buffered.pop_front();
      auto& r = *best->range;
      if (m->offset > best->next) r.skipped_offsets += static_cast<std::uint64_t>(m->offset - best->next);
      best->next = m->offset + 1;
      const auto ts = std::get<0>(best_key);
      if (_to_ms && ts >= *_to_ms) {
        best->at_end = true;
        best->buffered.clear();
        continue;
      }
      if (!best->begun && ts >= 0 && ts < _from_ms) {
        ++r.before_from;
        if (best->next >= r.end) best->at_end = true;
        continue;
      }
      best->begun = true;
      if (ts < 0) ++r.without_timestamp;
      if (r.read == 0) r.first_timestamp_ms = ts;
      ++r.read;
      on_record(*m, r, ts);
      if (best->next >= r.end) best->at_end = true;
    }
    stop_all();
    return {};
  } catch (const std::exception& e) {
    return std::string("replay read: ") + e.what();
  }
}

}  // namespace ccpulse::kafka
