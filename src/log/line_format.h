#pragma once
// Renders one log line, logfmt or JSON, without I/O (unit-tested; the
// logger writes what this returns).
//   logfmt: ts=2026-12-03T14:00:00.123Z level=warn msg="a b" worker=2
//   json:   {"ts":"2026-12-03T14:00:00.123Z","level":"warn","msg":"a b","worker":2}
// Values that are not valid UTF-8 are repaired (U+FFFD) and control
// characters escaped, so a line is always one line and always parses.
#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "log/field.h"
#include "log/level.h"

namespace ccpulse::log {

// ts, level: the head of a line.
void append_head(std::string& out, format f, std::chrono::system_clock::time_point ts, level l);
// msg and the fields, each set after the head (a leading separator included).
void append_message(std::string& out, format f, std::string_view msg);
void append_field(std::string& out, format f, const field& x);
// Closes the line (the JSON object's brace), without the newline.
void append_tail(std::string& out, format f);

std::string format_line(format f, std::chrono::system_clock::time_point ts, level l, std::string_view msg,
                        std::span<const field> fields);

}  // namespace ccpulse::log
