#include "app/partition_restore.h"

#include "log/logger.h"

namespace ccpulse::app {

restore_outcome restore_partitions(engine::engine& eng, const std::vector<std::int32_t>& partitions,
                                   const kafka::properties& props, const std::string& topic,
                                   codec::state_decoder& decoder, std::chrono::milliseconds timeout,
                                   const kafka::state_reader::progress_fn& on_progress, int worker,
                                   const kafka::client_identity& id) {
  restore_outcome out;
  const auto start = std::chrono::steady_clock::now();
  kafka::state_reader reader(props, topic, id);
  auto on_record = [&](const rd_kafka_message_t& m) {
    auto* part = eng.find(m.partition);
    if (!part) return;
    ++out.records;
    const std::string_view k = m.key ? std::string_view(static_cast<const char*>(m.key), m.key_len) : "";
    auto r = decoder.decode(k, m.payload, m.len, m.payload == nullptr, part->restorer());
    if (!r.ok() && out.undecodable++ < 10)
      log::logger("restore")
          .with("worker", worker)
          .warn("skipped an undecodable state record", {{"topic", topic},
                                                        {"partition", m.partition},
                                                        {"offset", m.offset},
                                                        {"reason", codec::to_string(r.error)},
                                                        {"detail", r.detail}});
  };
  auto keep_progress = [&](const kafka::restore_progress& p) {
    out.read = p;
    on_progress(p);
  };
  out.error = reader.read(partitions, on_record, keep_progress, timeout);
  const auto finishing = std::chrono::steady_clock::now();
  if (out.error.empty())
    for (auto p : partitions)
      if (auto* part = eng.find(p)) part->finish_restore();
  const auto end = std::chrono::steady_clock::now();
  out.finish_seconds = std::chrono::duration<double>(end - finishing).count();
  out.seconds = std::chrono::duration<double>(end - start).count();
  return out;
}

}  // namespace ccpulse::app
