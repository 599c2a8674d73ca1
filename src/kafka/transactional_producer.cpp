#include "kafka/transactional_producer.h"

#include <algorithm>
#include <array>

#include "kafka/client_properties.h"
#include "kafka/group_consumer.h"
#include "kafka/kafka_error.h"
#include "kafka/produce_call.h"
#include "log/logger.h"

namespace ccpulse::kafka {

namespace {
constexpr int call_timeout_ms = 10000;
constexpr int max_retries = 5;
}  // namespace

const char* to_string(txn_outcome o) {
  switch (o) {
    case txn_outcome::ok:
      return "ok";
    case txn_outcome::aborted:
      return "abortable";
    case txn_outcome::fatal:
      return "fatal";
    case txn_outcome::config:
      return "configuration";
  }
  return "unknown";
}

bool is_configuration_error(rd_kafka_resp_err_t e) {
  switch (e) {
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return true;
    default:
      return false;
  }
}

transactional_producer::transactional_producer(const properties& user, const client_identity& id,
                                               std::chrono::milliseconds init_timeout) {
  const std::string& transactional_id = id.transactional_id;
  if (transactional_id.empty())
    throw std::invalid_argument("transactional_producer needs a transactional.id");
  auto conf = make_conf(client_properties(client_kind::alert_producer, user, id));
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &transactional_producer::delivery_cb);
  std::array<char, 512> err{};
  _rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err.data(), err.size()));
  if (!_rk) throw std::runtime_error(std::string("kafka producer: ") + err.data());
  conf.release();
  // Also fences a previous incarnation with this transactional.id and
  // aborts the transaction it left open.
  auto te = take_error(rd_kafka_init_transactions(_rk.get(), static_cast<int>(init_timeout.count())));
  if (!te.message.empty())
    throw std::runtime_error("init_transactions (transactional.id " + transactional_id + "): " + te.message);
}

rd_kafka_topic_t* transactional_producer::topic(std::string_view name) {
  if (auto it = _topics.find(name); it != _topics.end()) return it->second;
  auto* t = rd_kafka_topic_new(_rk.get(), std::string(name).c_str(), nullptr);
  if (t) _topics.emplace(std::string(name), t);
  return t;
}

transactional_producer::~transactional_producer() {
  if (_open) {
    // Nothing committed is lost: the inputs of an open transaction are
    // re-consumed by whoever owns the partitions next.
    take_error(rd_kafka_abort_transaction(_rk.get(), 5000));
  }
  rd_kafka_flush(_rk.get(), 5000);
  for (auto& [name, t] : _topics) rd_kafka_topic_destroy(t);
}

void transactional_producer::delivery_cb(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque) {
  auto* self = static_cast<transactional_producer*>(opaque);
  if (m->err) {
    self->_counters.delivery_failed.fetch_add(1, std::memory_order_relaxed);
    // One per message of a failed batch: counted above, a few logged per
    // topic and error. Leaked: delivery reports may come during exit.
    try {
      static auto* limits = new log::rate_limiter();
      static const auto* kafka_log = new log::logger("kafka");
      const std::string_view topic = m->rkt ? rd_kafka_topic_name(m->rkt) : "";
      const std::string key = std::string(topic) + "/" + rd_kafka_err2name(m->err);
      kafka_log->limited(*limits, key, log::level::warn, "delivery failed",
                         {{"client", rd_kafka_name(rk)},
                          {"topic", topic},
                          {"partition", m->partition},
                          {"code", rd_kafka_err2name(m->err)},
                          {"error", rd_kafka_err2str(m->err)}});
    } catch (...) {
      // nothing escapes into librdkafka
    }
  } else {
    self->_counters.delivered.fetch_add(1, std::memory_order_relaxed);
  }
}

txn_result transactional_producer::classify(const std::string& what, rd_kafka_error_t* raw) {
  error_ptr err{raw};
  const auto code = rd_kafka_error_code(err.get());
  const std::string message = what + ": " + rd_kafka_error_string(err.get());
  if (is_configuration_error(code)) return {txn_outcome::config, message};
  // A transaction that merely needs aborting (e.g. after a failed delivery,
  // which also makes later calls report __STATE) is not a dead producer.
  const bool dead = rd_kafka_error_is_fatal(err.get()) ||
                    (!rd_kafka_error_txn_requires_abort(err.get()) &&
                     (code == RD_KAFKA_RESP_ERR__FENCED || code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED)) ||
                    rd_kafka_fatal_error(_rk.get(), nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR;
  if (dead) return {txn_outcome::fatal, message};
  // Abortable, or a timeout after retries: abort; if even that fails, the
  // producer's state is unknown, so treat it as fatal.
  auto a = abort();
  if (!a.ok()) return {txn_outcome::fatal, message + "; " + a.message};
  // ILLEGAL_GENERATION (a rebalance moved the generation on) is not in this
  // list: the member still exists, and rebuilding it would rejoin as the
  // same static member, which the broker answers with the old assignment
  // and no rebalance, stranding partitions revoked in the cooperative
  // protocol's first phase (seen in tests/chaos/rebalance.sh).
  const bool membership_lost =
      code == RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID || code == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID;
  return {txn_outcome::aborted, message, membership_lost};
}

txn_result transactional_producer::ensure_transaction() {
  if (_open) return {};
  if (auto* e = rd_kafka_begin_transaction(_rk.get())) return classify("begin_transaction", e);
  _open = true;
  return {};
}

txn_result transactional_producer::refused(std::string_view topic, rd_kafka_resp_err_t e) {
  const std::string what = std::string("produce to ") + std::string(topic) + ": " + rd_kafka_err2str(e);
  if (is_configuration_error(e)) return {txn_outcome::config, what};
  if (e == RD_KAFKA_RESP_ERR__FATAL || e == RD_KAFKA_RESP_ERR__FENCED ||
      rd_kafka_fatal_error(_rk.get(), nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return {txn_outcome::fatal, what};
  auto a = abort();
  return {a.ok() ? txn_outcome::aborted : txn_outcome::fatal, what};
}

txn_result transactional_producer::produce(const outgoing_record& r) {
  if (auto t = ensure_transaction(); !t.ok()) return t;
  for (;;) {
    auto* t = topic(r.topic);
    auto e = t ? produce_copy(_rk.get(), t, r) : rd_kafka_last_error();
    if (!e) return {};
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) return refused(r.topic, e);
    rd_kafka_poll(_rk.get(), 10);
  }
}

txn_result transactional_producer::produce_batch(std::string_view topic_name, std::int32_t partition,
                                                 record_batch& batch) {
  struct clear_on_exit {
    record_batch& b;
    ~clear_on_exit() { b.clear(); }
  } clear{batch};
  const std::size_t n = batch.size();
  if (n == 0) return {};
  if (auto t = ensure_transaction(); !t.ok()) return t;
  auto* t = topic(topic_name);
  if (!t) return refused(topic_name, rd_kafka_last_error());
  // librdkafka copies key and value (RD_KAFKA_MSG_F_COPY) before the call
  // returns, so the batch's storage is free for reuse right after. A
  // tombstone is a null payload of length 0. No per-message opaque: the
  // delivery callback counts through the handle's opaque, as for produce.
  _batch_messages.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& m = _batch_messages[i];
    m = rd_kafka_message_t{};
    const auto key = batch.key(i);
    m.key = const_cast<char*>(key.data());
    m.key_len = key.size();
    if (!batch.tombstone(i)) {
      const auto value = batch.value(i);
      m.payload = const_cast<char*>(value.data());
      m.len = value.size();
    }
  }
  // rd_kafka_produce_batch (librdkafka 2.0.2, rdkafka_msg.c) sets err on
  // every message and returns how many it enqueued. Once one is refused
  // with QUEUE_FULL it refuses all that follow with QUEUE_FULL, untried, so
  // the enqueued ones are a prefix: the rest is retried from the first
  // refused one after serving delivery reports. Any other error is the
  // transaction's, as in produce (records enqueued before it are aborted
  // with it).
  constexpr std::size_t max_call = 1U << 20U;  // message_cnt is an int
  std::size_t from = 0;
  while (from < n) {
    const std::size_t count = std::min(n - from, max_call);
    auto* first = _batch_messages.data() + from;
    const int enqueued =
        rd_kafka_produce_batch(t, partition, RD_KAFKA_MSG_F_COPY, first, static_cast<int>(count));
    std::size_t prefix = 0;
    while (prefix < count && first[prefix].err == RD_KAFKA_RESP_ERR_NO_ERROR) ++prefix;
    for (std::size_t i = prefix; i < count; ++i)
      if (first[i].err != RD_KAFKA_RESP_ERR_NO_ERROR && first[i].err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
        return refused(topic_name, first[i].err);
    if (static_cast<std::size_t>(enqueued) != prefix) {
      // A record enqueued after one refused: retrying would reorder the
      // partition's changelog. Not what 2.0.2 does; abort rather than guess.
      auto a = abort();
      return {a.ok() ? txn_outcome::aborted : txn_outcome::fatal,
              std::string("produce to ") + std::string(topic_name) +
                  ": rd_kafka_produce_batch enqueued records after a refused one"};
    }
    from += prefix;
    if (prefix < count) rd_kafka_poll(_rk.get(), 10);
  }
  return {};
}

txn_result transactional_producer::commit(const std::vector<offset_to_commit>& offsets,
                                          const group_consumer& consumer) {
  if (!_open) return {};
  if (!offsets.empty()) {
    topic_partition_list_ptr list{rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()))};
    for (const auto& o : offsets)
      rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition)->offset = o.next_offset;
    group_metadata_ptr meta{rd_kafka_consumer_group_metadata(consumer.handle())};
    for (int attempt = 0;; ++attempt) {
      auto* e = rd_kafka_send_offsets_to_transaction(_rk.get(), list.get(), meta.get(), call_timeout_ms);
      if (!e) break;
      if (rd_kafka_error_is_retriable(e) && attempt < max_retries) {
        rd_kafka_error_destroy(e);
        continue;
      }
      return classify("send_offsets_to_transaction", e);
    }
  }
  for (int attempt = 0;; ++attempt) {
    auto* e = rd_kafka_commit_transaction(_rk.get(), call_timeout_ms);
    if (!e) break;
    if (rd_kafka_error_is_retriable(e) && attempt < max_retries) {
      rd_kafka_error_destroy(e);
      continue;
    }
    return classify("commit_transaction", e);
  }
  _open = false;
  ++_committed;
  return {};
}

txn_result transactional_producer::abort() {
  if (!_open) return {};
  // abort_transaction drops records not yet sent; flushing first keeps the
  // mock cluster and real brokers alike in a clean state.
  rd_kafka_flush(_rk.get(), call_timeout_ms);
  for (int attempt = 0;; ++attempt) {
    auto te = take_error(rd_kafka_abort_transaction(_rk.get(), call_timeout_ms));
    if (te.message.empty()) break;
    if (te.retriable && attempt < max_retries) continue;
    return {txn_outcome::fatal, "abort_transaction: " + te.message};
  }
  _open = false;
  ++_aborted;
  return {};
}

}  // namespace ccpulse::kafka
