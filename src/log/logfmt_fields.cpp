#include "log/logfmt_fields.h"

#include <charconv>
#include <string>

namespace ccpulse::log {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

// The quoted value at text[i] (at the opening quote); i ends past the
// closing one. False when it never closes.
bool read_quoted(std::string_view text, std::size_t& i, std::string& out) {
  for (++i; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      ++i;
      return true;
    }
    if (c == '\\' && i + 1 < text.size()) {
      const char e = text[++i];
      out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
    } else {
      out += c;
    }
  }
  return false;
}

}  // namespace

std::vector<owned_field> fields_from_logfmt(std::string_view text) {
  std::vector<owned_field> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    if (i == text.size()) break;
    const auto eq = text.find('=', i);
    const auto space = text.find_first_of(" \t", i);
    if (eq == std::string_view::npos || (space != std::string_view::npos && space < eq)) {
      return {owned_field("fields", text)};
    }
    const auto key = text.substr(i, eq - i);
    i = eq + 1;
    if (i < text.size() && text[i] == '"') {
      std::string v;
      if (!read_quoted(text, i, v)) return {owned_field("fields", text)};
      out.emplace_back(key, v);
      continue;
    }
    const auto end = std::min(text.find_first_of(" \t", i), text.size());
    const auto v = text.substr(i, end - i);
    std::int64_t n = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (!v.empty() && r.ec == std::errc{} && r.ptr == v.data() + v.size())
      out.emplace_back(key, n);
    else
      out.emplace_back(key, v);
    i = end;
  }
  return out;
}

}  // namespace ccpulse::log
