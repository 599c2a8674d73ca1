#pragma once
// The process's one logger (spdlog underneath, one thread-safe stderr
// sink): every module writes through a log::logger named after it, with
// structured fields, in the format the config's logging: section chose.
//   log::logger log("worker");
//   log.with("worker", 2).info("assigned partitions", {{"partitions", 6}});
//   -> ts=... level=info msg="assigned partitions" component=worker instance=ccpulse-1 worker=2 partitions=6
// Nothing here throws: lines are written from C callbacks (librdkafka,
// protobuf) and destructors; a line that cannot be written is dropped.
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "log/field.h"
#include "log/level.h"
#include "log/rate_limiter.h"

namespace ccpulse::log {

struct settings {
  format fmt = format::logfmt;
  level min = level::info;
  std::string instance;  // instance=... on every line; empty = none
};

// Before the config is read: logfmt, info, no instance.
void configure(const settings& s);

class logger {
 public:
  explicit logger(std::string_view component);

  // The same logger with one more field on each line (worker, topic, ...).
  logger with(std::string_view key, const value& v) const;

  bool enabled(level l) const noexcept;
  void log(level l, std::string_view msg, std::initializer_list<field> fields = {}) const noexcept;
  void debug(std::string_view msg, std::initializer_list<field> fields = {}) const noexcept {
    log(level::debug, msg, fields);
  }
  void info(std::string_view msg, std::initializer_list<field> fields = {}) const noexcept {
    log(level::info, msg, fields);
  }
  void warn(std::string_view msg, std::initializer_list<field> fields = {}) const noexcept {
    log(level::warn, msg, fields);
  }
  void error(std::string_view msg, std::initializer_list<field> fields = {}) const noexcept {
    log(level::error, msg, fields);
  }
  // Fields gathered at run time.
  void log_fields(level l, std::string_view msg, std::span<const field> fields) const noexcept;

  // A line that may come once per event: written while `key` has budget in
  // `limits`, with suppressed=K when lines of that key were held back.
  void limited(rate_limiter& limits, std::string_view key, level l, std::string_view msg,
               std::initializer_list<field> fields = {}) const noexcept;
  // One line per key whose held-back lines no later line reported; call it
  // now and then (a worker does on each status round).
  void report_suppressed(rate_limiter& limits, level l) const noexcept;

 private:
  void write(level l, std::string_view msg, std::span<const field> fields, const field* extra) const noexcept;

  std::string _component;
  std::vector<owned_field> _context;
};

// Tests: lines go to this buffer instead of stderr while it lives.
class capture {
 public:
  capture();
  ~capture();
  capture(const capture&) = delete;
  capture& operator=(const capture&) = delete;
  std::vector<std::string> lines() const;

 private:
  struct impl;
  std::unique_ptr<impl> _impl;
};

}  // namespace ccpulse::log
