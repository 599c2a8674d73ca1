#include "kafka/topic_check.h"

#include <array>
#include <mutex>
#include <optional>

#include "kafka/client_properties.h"
#include "kafka/connect_diagnosis.h"
#include "kafka/handles.h"

namespace ccpulse::kafka {

namespace {
struct error_sink {
  std::mutex mutex;
  std::string first;      // explains a timeout
  std::string permanent;  // a failure no retry mends (wrong CA, wrong password): ends the check
};

void error_cb(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* sink = static_cast<error_sink*>(opaque);
  try {
    std::optional<connect_diagnosis> d;
    if (err == RD_KAFKA_RESP_ERR__SSL) d = diagnose_tls_failure(reason);
    if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION) d = diagnose_authentication_failure(reason);
    std::lock_guard lock(sink->mutex);
    if (d && d->permanent && sink->permanent.empty()) sink->permanent = d->message;
    if (sink->first.empty())
      sink->first = d ? d->message
                      : std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))) + ": " + reason;
  } catch (...) {
    // Nothing may unwind into librdkafka; a lost explanation is the lesser harm.
  }
}
}  // namespace

topic_check_result check_topics(const properties& props, const std::vector<std::string>& topics,
                                std::chrono::milliseconds timeout) {
  topic_check_result result;
  error_sink sink;
  auto conf = make_conf(client_properties(client_kind::admin, props));
  rd_kafka_conf_set_opaque(conf.get(), &sink);
  rd_kafka_conf_set_error_cb(conf.get(), error_cb);
  std::array<char, 512> err{};
  handle_ptr rk{rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err.data(), err.size())};
  if (!rk) {
    result.error = err.data();
    return result;
  }
  conf.release();
  // Ask in short rounds and look at the error callbacks in between, so a
  // wrong password or CA fails in about a second instead of at the full
  // timeout (librdkafka itself would retry them forever).
  const auto end = std::chrono::steady_clock::now() + timeout;
  metadata_ptr md;
  rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR__TIMED_OUT;
  while (std::chrono::steady_clock::now() < end) {
    const rd_kafka_metadata_t* raw = nullptr;
    e = rd_kafka_metadata(rk.get(), 1, nullptr, &raw, 1000);
    if (!e) {
      md.reset(raw);
      break;
    }
    rd_kafka_poll(rk.get(), 0);  // serve error callbacks that explain the failure
    std::lock_guard lock(sink.mutex);
    if (!sink.permanent.empty()) break;
  }
  if (!md) {
    rd_kafka_poll(rk.get(), 0);
    std::lock_guard lock(sink.mutex);
    if (!sink.permanent.empty())
      result.error = sink.permanent;
    else
      result.error = std::string(rd_kafka_err2str(e)) + (sink.first.empty() ? "" : " (" + sink.first + ")");
    return result;
  }
  for (int i = 0; i < md->topic_cnt; ++i)
    if (!md->topics[i].err) result.partitions[md->topics[i].topic] = md->topics[i].partition_cnt;
  for (const auto& t : topics)
    if (!result.partitions.contains(t)) result.missing.push_back(t);
  return result;
}

}  // namespace ccpulse::kafka
