#pragma once
// librdkafka errors as std::error_code, plus the flags the transactional API
// attaches to an rd_kafka_error_t.
#include <string>
#include <system_error>

#include <librdkafka/rdkafka.h>

namespace ccpulse::kafka {

const std::error_category& kafka_category();

inline std::error_code make_error_code(rd_kafka_resp_err_t e) {
  return {static_cast<int>(e), kafka_category()};
}

struct txn_error {
  std::string message;
  bool fatal = false;
  bool retriable = false;
  bool requires_abort = false;
};

// Consumes (destroys) err.
txn_error take_error(rd_kafka_error_t* err);

}  // namespace ccpulse::kafka
