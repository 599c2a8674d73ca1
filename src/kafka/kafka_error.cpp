#include "kafka/kafka_error.h"

#include "kafka/handles.h"

namespace ccpulse::kafka {

namespace {
class category : public std::error_category {
 public:
  const char* name() const noexcept override { return "librdkafka"; }
  std::string message(int ev) const override {
    return rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(ev));
  }
};
}  // namespace

const std::error_category& kafka_category() {
  static const category c;
  return c;
}

txn_error take_error(rd_kafka_error_t* raw) {
  error_ptr err{raw};
  if (!err) return {};
  return {rd_kafka_error_string(err.get()), rd_kafka_error_is_fatal(err.get()) != 0,
          rd_kafka_error_is_retriable(err.get()) != 0, rd_kafka_error_txn_requires_abort(err.get()) != 0};
}

}  // namespace ccpulse::kafka
