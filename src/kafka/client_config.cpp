#include "kafka/client_config.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "log/logger.h"

namespace ccpulse::kafka {

namespace {
// Runs on librdkafka's threads: the logger's sink is thread-safe and
// nothing may escape into C.
void log_cb(const rd_kafka_t* rk, int level, const char* fac, const char* buf) noexcept {
  try {
    // Leaked: librdkafka's threads may log while statics are destroyed.
    static const auto* librdkafka = new log::logger("librdkafka");
    // syslog levels: 0-3 error, 4 warning, 5-6 notice and info, 7 debug.
    const auto l = level <= 3   ? log::level::error
                   : level <= 4 ? log::level::warn
                   : level <= 6 ? log::level::info
                                : log::level::debug;
    librdkafka->log(l, buf ? buf : "",
                    {{"client", rk ? rd_kafka_name(rk) : "-"}, {"facility", fac ? fac : "-"}});
  } catch (...) {
    // a log line is never worth an exception through librdkafka
  }
}

void set(rd_kafka_conf_t* conf, const std::string& k, const std::string& v) {
  std::array<char, 512> err{};
  if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err.data(), err.size()) != RD_KAFKA_CONF_OK)
    throw std::runtime_error("kafka property " + k + ": " + err.data());
}
}  // namespace

void install_logger(rd_kafka_conf_t* conf) { rd_kafka_conf_set_log_cb(conf, log_cb); }

conf_ptr make_conf(const properties& props) {
  conf_ptr conf{rd_kafka_conf_new()};
  for (const auto& [k, v] : props) set(conf.get(), k, v);
  install_logger(conf.get());
  return conf;
}

properties for_producer(const properties& user) {
  static constexpr std::array consumer_only{
      "group.id",           "group.instance.id",    "auto.offset.reset",
      "session.timeout.ms", "max.poll.interval.ms", "heartbeat.interval.ms",
      "isolation.level",    "enable.auto.commit",   "partition.assignment.strategy",
      "fetch.min.bytes",    "fetch.wait.max.ms"};
  properties out;
  for (const auto& p : user)
    if (std::find(consumer_only.begin(), consumer_only.end(), p.first) == consumer_only.end())
      out.push_back(p);
  return out;
}

bool is_secret_property(const std::string& name) {
  return name.find("password") != std::string::npos || name.find("secret") != std::string::npos ||
         name.find("key.pem") != std::string::npos || name.find("token") != std::string::npos;
}

std::string describe(const properties& props) {
  std::string out;
  for (const auto& [k, v] : props) {
    if (!out.empty()) out += ", ";
    out += k + "=" + (is_secret_property(k) ? std::string("*****") : v);
  }
  return out;
}

}  // namespace ccpulse::kafka
