#include "kafka/event_producer.h"

#include "kafka/client_properties.h"
#include "kafka/produce_call.h"

#include <array>
#include <stdexcept>
#include <string>

namespace ccpulse::kafka {

event_producer::event_producer(const properties& user) {
  auto conf = make_conf(client_properties(client_kind::traffic_producer, user));
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &event_producer::delivery_cb);
  std::array<char, 512> err{};
  _rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err.data(), err.size()));
  if (!_rk) throw std::runtime_error(std::string("kafka producer: ") + err.data());
  conf.release();
}

event_producer::~event_producer() { rd_kafka_flush(_rk.get(), 5000); }

void event_producer::delivery_cb(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* self = static_cast<event_producer*>(opaque);
  if (m->err) {
    self->_failed.fetch_add(1);
    self->_last_error.store(m->err);
  } else {
    self->_delivered.fetch_add(1);
  }
}

std::string event_producer::last_error() const {
  return rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(_last_error.load()));
}

void event_producer::produce(const outgoing_record& r, std::int64_t timestamp_ms) {
  for (;;) {
    auto e = produce_copy(_rk.get(), r, timestamp_ms);
    if (!e) return;
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      throw std::runtime_error("produce to " + std::string(r.topic) + ": " + rd_kafka_err2str(e));
    rd_kafka_poll(_rk.get(), 10);
  }
}

bool event_producer::flush(std::chrono::milliseconds timeout) {
  return rd_kafka_flush(_rk.get(), static_cast<int>(timeout.count())) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

}  // namespace ccpulse::kafka
