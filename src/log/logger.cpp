#include "log/logger.h"

#include <atomic>
#include <chrono>
#include <sstream>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "log/line_format.h"

namespace ccpulse::log {

namespace {

struct process_state {
  format fmt = format::logfmt;
  std::string instance;
};

// Leaked on purpose: lines may still be written from static destructors
// and librdkafka threads while the process exits.
std::atomic<std::shared_ptr<const process_state>>& state() {
  static auto* s = new std::atomic<std::shared_ptr<const process_state>>(std::make_shared<process_state>());
  return *s;
}

// The line is rendered whole by logger::write (format_line's parts); spdlog
// adds the newline and writes it through its locked sink.
class line_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& m, spdlog::memory_buf_t& dest) override {
    dest.append(m.payload.begin(), m.payload.end());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<line_formatter>(); }
};

spdlog::logger& sink() {
  static auto* l = [] {
    auto* out = new spdlog::logger("ccpulse", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    out->set_formatter(std::make_unique<line_formatter>());
    out->set_level(spdlog::level::info);
    return out;
  }();
  return *l;
}

spdlog::level::level_enum to_spdlog(level l) {
  switch (l) {
    case level::debug:
      return spdlog::level::debug;
    case level::info:
      return spdlog::level::info;
    case level::warn:
      return spdlog::level::warn;
    case level::error:
      return spdlog::level::err;
  }
  return spdlog::level::err;
}

}  // namespace

void configure(const settings& s) {
  auto st = std::make_shared<process_state>();
  st->fmt = s.fmt;
  st->instance = s.instance;
  state().store(std::move(st));
  sink().set_level(to_spdlog(s.min));
}

logger::logger(std::string_view component) : _component(component) {}

logger logger::with(std::string_view key, const value& v) const {
  logger out = *this;
  out._context.emplace_back(key, v);
  return out;
}

bool logger::enabled(level l) const noexcept { return sink().should_log(to_spdlog(l)); }

void logger::log(level l, std::string_view msg, std::initializer_list<field> fields) const noexcept {
  write(l, msg, fields, nullptr);
}

void logger::log_fields(level l, std::string_view msg, std::span<const field> fields) const noexcept {
  write(l, msg, fields, nullptr);
}

void logger::limited(rate_limiter& limits, std::string_view key, level l, std::string_view msg,
                     std::initializer_list<field> fields) const noexcept {
  try {
    if (!enabled(l)) return;
    const auto v = limits.admit(key);
    if (!v.emit) return;
    const field suppressed{"suppressed", v.suppressed};
    write(l, msg, fields, v.suppressed > 0 ? &suppressed : nullptr);
  } catch (...) {
    // a log line never takes its caller down
  }
}

void logger::report_suppressed(rate_limiter& limits, level l) const noexcept {
  try {
    for (const auto& [key, n] : limits.take_expired())
      log(l, "repeated lines suppressed", {{"key", key}, {"suppressed", n}});
  } catch (...) {
  }
}

void logger::write(level l, std::string_view msg, std::span<const field> fields,
                   const field* extra) const noexcept {
  try {
    auto& out = sink();
    const auto lvl = to_spdlog(l);
    if (!out.should_log(lvl)) return;
    const auto st = state().load();
    const auto f = st->fmt;
    thread_local std::string line;
    line.clear();
    append_head(line, f, std::chrono::system_clock::now(), l);
    append_message(line, f, msg);
    if (!st->instance.empty()) append_field(line, f, {"instance", st->instance});
    append_field(line, f, {"component", _component});
    for (const auto& c : _context) append_field(line, f, c.view());
    for (const auto& x : fields) append_field(line, f, x);
    if (extra) append_field(line, f, *extra);
    append_tail(line, f);
    out.log(lvl, spdlog::string_view_t(line.data(), line.size()));
  } catch (...) {
  }
}

struct capture::impl {
  std::ostringstream text;
  std::vector<spdlog::sink_ptr> before;
};

capture::capture() : _impl(std::make_unique<impl>()) {
  auto& l = sink();
  _impl->before = l.sinks();
  auto s = std::make_shared<spdlog::sinks::ostream_sink_mt>(_impl->text, true);
  s->set_formatter(std::make_unique<line_formatter>());
  l.sinks() = {std::move(s)};
}

capture::~capture() { sink().sinks() = _impl->before; }

std::vector<std::string> capture::lines() const {
  std::vector<std::string> out;
  std::istringstream in(_impl->text.str());
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace ccpulse::log
