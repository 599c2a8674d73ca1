#pragma once
// RFC 9110 §5.6.3: optional whitespace (spaces and tabs) around header
// list items and parameters.
#include <string_view>

namespace ccpulse::http {

inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace ccpulse::http
