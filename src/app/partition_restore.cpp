#include "app/partition_restore.h"

#include <cstdio>

namespace ccpulse::app {

restore_outcome restore_partitions(engine::engine& eng, const std::vector<std::int32_t>& partitions,
                                   const kafka::properties& props, const std::string& topic,
                                   codec::state_decoder& decoder, std::chrono::milliseconds timeout,
                                   const kafka::state_reader::progress_fn& on_progress, int worker) {
  restore_outcome out;
  const auto start = std::chrono::steady_clock::now();
  kafka::state_reader reader(props, topic);
  auto on_record = [&](const rd_kafka_message_t& m) {
    auto* part = eng.find(m.partition);
    if (!part) return;
    ++out.records;
    const std::string_view k = m.key ? std::string_view(static_cast<const char*>(m.key), m.key_len) : "";
    auto r = decoder.decode(k, m.payload, m.len, m.payload == nullptr, part->restorer());
    if (!r.ok() && out.undecodable++ < 10)
      std::fprintf(stderr,
                   "level=warn component=restore worker=%d partition=%d offset=%lld msg=\"skipped: %s %s\"\n",
                   worker, m.partition, static_cast<long long>(m.offset),
                   std::string(codec::to_string(r.error)).c_str(), r.detail.c_str());
  };
  out.error = reader.read(partitions, on_record, on_progress, timeout);
  if (out.error.empty())
    for (auto p : partitions)
      if (auto* part = eng.find(p)) part->finish_restore();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace ccpulse::app
