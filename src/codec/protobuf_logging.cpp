#include "codec/protobuf_logging.h"

#include <string>

#include <google/protobuf/stubs/logging.h>

#include "log/logger.h"
#include "log/rate_limiter.h"

namespace ccpulse::codec {

namespace {

// Leaked: protobuf may log while statics are destroyed.
log::rate_limiter& limits() {
  static auto* l = new log::rate_limiter(1, std::chrono::seconds(10));
  return *l;
}

void handler(google::protobuf::LogLevel level, const char* file, int line, const std::string& msg) {
  try {
    static const auto* protobuf_log = new log::logger("protobuf");
    const auto l = level >= google::protobuf::LOGLEVEL_ERROR ? log::level::error : log::level::warn;
    const std::initializer_list<log::field> where{{"file", file ? file : "-"}, {"line", line}};
    if (level >= google::protobuf::LOGLEVEL_FATAL)
      protobuf_log->log(l, msg, where);
    else
      protobuf_log->limited(limits(), "protobuf", l, msg, where);
  } catch (...) {
    // protobuf's logging must never throw at its caller
  }
}

}  // namespace

void install_protobuf_log_limit() { google::protobuf::SetLogHandler(handler); }

unsigned long long protobuf_log_lines_suppressed_total() { return limits().suppressed_total(); }

}  // namespace ccpulse::codec
