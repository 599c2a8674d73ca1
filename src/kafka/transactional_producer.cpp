#include "kafka/transactional_producer.h"

#include <array>
#include <cstdio>
#include <thread>

#include "kafka/group_consumer.h"
#include "kafka/kafka_error.h"
#include "kafka/produce_call.h"

namespace ccpulse::kafka {

namespace {
constexpr int txn_timeout_ms = 30000;

}  // namespace

transactional_producer::transactional_producer(const properties& user,
                                               const std::string& transactional_id,
                                               std::chrono::milliseconds init_timeout) {
  auto conf = make_conf(user, {{"transactional.id", transactional_id},
                               {"enable.idempotence", "true"},
                               {"acks", "all"},
                               {"transaction.timeout.ms", std::to_string(txn_timeout_ms)}});
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &transactional_producer::delivery_cb);
  std::array<char, 512> err{};
  _rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err.data(), err.size()));
  if (!_rk) throw std::runtime_error(std::string("kafka producer: ") + err.data());
  conf.release();
  auto te = take_error(rd_kafka_init_transactions(_rk.get(), static_cast<int>(init_timeout.count())));
  if (!te.message.empty())
    throw std::runtime_error("init_transactions (transactional.id " + transactional_id +
                             "): " + te.message);
}

transactional_producer::~transactional_producer() {
  if (_open) {
    // Nothing committed is lost: the inputs of an open transaction are
    // re-consumed by whoever owns the partitions next.
    take_error(rd_kafka_abort_transaction(_rk.get(), 5000));
  }
  rd_kafka_flush(_rk.get(), 5000);
}

void transactional_producer::delivery_cb(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* self = static_cast<transactional_producer*>(opaque);
  if (m->err) {
    self->_counters.delivery_failed.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "level=warn component=kafka msg=\"delivery failed: %s\"\n",
                 rd_kafka_err2str(m->err));
  } else {
    self->_counters.delivered.fetch_add(1, std::memory_order_relaxed);
  }
}

void transactional_producer::ensure_transaction() {
  if (_open) return;
  auto te = take_error(rd_kafka_begin_transaction(_rk.get()));
  if (!te.message.empty()) throw transaction_failed("begin_transaction: " + te.message);
  _open = true;
}

void transactional_producer::produce(const outgoing_record& r) {
  ensure_transaction();
  for (;;) {
    auto e = produce_copy(_rk.get(), r);
    if (!e) return;
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      abort_and_throw(std::string("produce to ") + std::string(r.topic) + ": " + rd_kafka_err2str(e));
    rd_kafka_poll(_rk.get(), 10);
  }
}

void transactional_producer::commit(const std::vector<offset_to_commit>& offsets,
                                    const group_consumer& consumer) {
  if (!_open) return;
  if (!offsets.empty()) {
    topic_partition_list_ptr list{rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()))};
    for (const auto& o : offsets)
      rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition)->offset = o.next_offset;
    group_metadata_ptr meta{rd_kafka_consumer_group_metadata(consumer.handle())};
    for (int attempt = 0;; ++attempt) {
      auto te = take_error(rd_kafka_send_offsets_to_transaction(_rk.get(), list.get(), meta.get(), 10000));
      if (te.message.empty()) break;
      if (te.retriable && attempt < 5) continue;
      abort_and_throw("send_offsets_to_transaction: " + te.message);
    }
  }
  for (int attempt = 0;; ++attempt) {
    auto te = take_error(rd_kafka_commit_transaction(_rk.get(), 10000));
    if (te.message.empty()) break;
    if (te.retriable && attempt < 5) continue;
    abort_and_throw("commit_transaction: " + te.message);
  }
  _open = false;
  ++_committed;
}

void transactional_producer::abort_and_throw(const std::string& what) {
  if (_open) {
    auto te = take_error(rd_kafka_abort_transaction(_rk.get(), 10000));
    _open = false;
    if (!te.message.empty())
      throw transaction_failed(what + "; abort_transaction also failed: " + te.message);
  }
  throw transaction_failed(what);
}

}  // namespace ccpulse::kafka
