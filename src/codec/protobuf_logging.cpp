#include "codec/protobuf_logging.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>

#include <google/protobuf/stubs/logging.h>

namespace ccpulse::codec {

namespace {
std::atomic<std::int64_t> next_allowed_ns{0};
std::atomic<std::uint64_t> suppressed{0};
std::atomic<std::uint64_t> suppressed_total{0};

void handler(google::protobuf::LogLevel level, const char* file, int line, const std::string& msg) {
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  auto allowed = next_allowed_ns.load();
  if (level < google::protobuf::LOGLEVEL_FATAL &&
      (now < allowed || !next_allowed_ns.compare_exchange_strong(
                            allowed, now + std::chrono::nanoseconds(std::chrono::seconds(10)).count()))) {
    suppressed.fetch_add(1);
    suppressed_total.fetch_add(1);
    return;
  }
  std::fprintf(stderr, "level=%s component=protobuf file=%s:%d suppressed_before=%llu msg=\"%s\"\n",
               level >= google::protobuf::LOGLEVEL_ERROR ? "error" : "warn", file, line,
               static_cast<unsigned long long>(suppressed.exchange(0)), msg.c_str());
}
}  // namespace

void install_protobuf_log_limit() { google::protobuf::SetLogHandler(handler); }

unsigned long long protobuf_log_lines_suppressed_total() { return suppressed_total.load(); }

}  // namespace ccpulse::codec
