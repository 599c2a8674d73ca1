#include "kafka/topic_admin.h"

#include <array>
#include <stdexcept>

#include "kafka/client_properties.h"
#include "kafka/handles.h"

namespace ccpulse::kafka {

namespace {
using new_topic_ptr = std::unique_ptr<rd_kafka_NewTopic_t, deleter<rd_kafka_NewTopic_destroy>>;
using admin_options_ptr = std::unique_ptr<rd_kafka_AdminOptions_t, deleter<rd_kafka_AdminOptions_destroy>>;
}  // namespace

void create_topics(const properties& props, const std::vector<topic_spec>& topics,
                   std::chrono::milliseconds timeout) {
  if (topics.empty()) return;
  auto conf = make_conf(client_properties(client_kind::admin, props));
  std::array<char, 512> err{};
  handle_ptr rk{rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err.data(), err.size())};
  if (!rk) throw std::runtime_error(std::string("kafka admin client: ") + err.data());
  conf.release();

  std::vector<new_topic_ptr> owned;
  std::vector<rd_kafka_NewTopic_t*> raw;
  for (const auto& t : topics) {
    new_topic_ptr nt{rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, -1, err.data(), err.size())};
    if (!nt) throw std::runtime_error("topic " + t.name + ": " + err.data());
    if (t.compacted) rd_kafka_NewTopic_set_config(nt.get(), "cleanup.policy", "compact");
    raw.push_back(nt.get());
    owned.push_back(std::move(nt));
  }
  admin_options_ptr opts{rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS)};
  rd_kafka_AdminOptions_set_operation_timeout(opts.get(), static_cast<int>(timeout.count()), err.data(),
                                              err.size());
  rd_kafka_AdminOptions_set_request_timeout(opts.get(), static_cast<int>(timeout.count()), err.data(),
                                            err.size());
  queue_ptr q{rd_kafka_queue_new(rk.get())};
  rd_kafka_CreateTopics(rk.get(), raw.data(), raw.size(), opts.get(), q.get());
  event_ptr ev{rd_kafka_queue_poll(q.get(), static_cast<int>(timeout.count()) + 5000)};
  if (!ev) throw std::runtime_error("create topics: no answer from the cluster in time");
  if (rd_kafka_event_error(ev.get()))
    throw std::runtime_error(std::string("create topics: ") + rd_kafka_event_error_string(ev.get()));
  const auto* res = rd_kafka_event_CreateTopics_result(ev.get());
  std::size_t n = 0;
  const auto** results = rd_kafka_CreateTopics_result_topics(res, &n);
  for (std::size_t i = 0; i < n; ++i) {
    auto e = rd_kafka_topic_result_error(results[i]);
    if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
      throw std::runtime_error(std::string("create topic ") + rd_kafka_topic_result_name(results[i]) + ": " +
                               (rd_kafka_topic_result_error_string(results[i])
                                    ? rd_kafka_topic_result_error_string(results[i])
                                    : rd_kafka_err2str(e)));
  }
}

}  // namespace ccpulse::kafka
