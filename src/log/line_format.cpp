#include "log/line_format.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <type_traits>

namespace ccpulse::log {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i], 0 when it is not one
// (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t rune_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(k) < 0x80 || b(k) > 0xBF) return 0;
  return n;
}

void append_u_escape(std::string& out, unsigned char c) {
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "\\u%04x", c);
  out += buf.data();
}

// The string's text with quotes, backslashes and control characters
// escaped (as JSON does; logfmt readers take the same escapes).
void append_escaped(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const auto n = rune_length(s, i);
      if (n == 0) {
        out += replacement;
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          append_u_escape(out, c);
        else
          out += static_cast<char>(c);
    }
    ++i;
  }
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  append_escaped(out, s);
  out += '"';
}

// logfmt quotes what would otherwise end the value or the pair early, and
// the empty string (as go-logfmt does).
bool logfmt_needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c <= ' ' || c == '=' || c == '"' || c == 0x7f) return true;
    if (c >= 0x80) {
      const auto n = rune_length(s, i);
      if (n == 0) return true;
      i += n - 1;
    }
  }
  return false;
}

void append_logfmt_string(std::string& out, std::string_view s) {
  if (!logfmt_needs_quotes(s)) {
    out.append(s);
    return;
  }
  out += '"';
  append_escaped(out, s);
  out += '"';
}

// Keys are ours, not input; still, one that would break the line becomes
// readable rather than ambiguous.
void append_key(std::string& out, std::string_view k) {
  if (k.empty()) {
    out += '_';
    return;
  }
  for (char c : k) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
    out += ok ? c : '_';
  }
}

template <class N>
void append_number(std::string& out, N n) {
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), n);
  out.append(buf.data(), r.ptr);
}

void append_value(std::string& out, format f, const value& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          if (f == format::json)
            append_json_string(out, x);
          else
            append_logfmt_string(out, x);
        } else if constexpr (std::is_same_v<T, bool>) {
          out += x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          if (std::isfinite(x))
            append_number(out, x);
          else if (f == format::json)
            out += "null";
          else
            out += std::isnan(x) ? "NaN" : (x > 0 ? "+Inf" : "-Inf");
        } else {
          append_number(out, x);
        }
      },
      v.get());
}

void append_timestamp(std::string& out, std::chrono::system_clock::time_point ts) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(ts);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> t{ms - day};
  std::array<char, 40> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                              static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                              static_cast<unsigned>(ymd.day()), static_cast<int>(t.hours().count()),
                              static_cast<int>(t.minutes().count()), static_cast<int>(t.seconds().count()),
                              static_cast<int>(t.subseconds().count()));
  out.append(buf.data(), static_cast<std::size_t>(n > 0 ? n : 0));
}

void append_pair_start(std::string& out, format f, std::string_view key) {
  if (f == format::json) {
    out += ",\"";
    append_key(out, key);
    out += "\":";
  } else {
    out += ' ';
    append_key(out, key);
    out += '=';
  }
}

}  // namespace

void append_head(std::string& out, format f, std::chrono::system_clock::time_point ts, level l) {
  if (f == format::json) {
    out += "{\"ts\":\"";
    append_timestamp(out, ts);
    out += "\",\"level\":\"";
    out += to_string(l);
    out += '"';
  } else {
    out += "ts=";
    append_timestamp(out, ts);
    out += " level=";
    out += to_string(l);
  }
}

void append_message(std::string& out, format f, std::string_view msg) { append_field(out, f, {"msg", msg}); }

void append_field(std::string& out, format f, const field& x) {
  append_pair_start(out, f, x.key);
  append_value(out, f, x.val);
}

void append_tail(std::string& out, format f) {
  if (f == format::json) out += '}';
}

std::string format_line(format f, std::chrono::system_clock::time_point ts, level l, std::string_view msg,
                        std::span<const field> fields) {
  std::string out;
  append_head(out, f, ts, l);
  append_message(out, f, msg);
  for (const auto& x : fields) append_field(out, f, x);
  append_tail(out, f);
  return out;
}

}  // namespace ccpulse::log
