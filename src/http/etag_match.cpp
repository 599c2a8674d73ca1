#include "http/etag_match.h"

namespace ccpulse::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The opaque tag, quotes included, without a weak prefix.
std::string_view opaque(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

}  // namespace

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  const auto wanted = opaque(etag);
  if (wanted.size() < 2) return false;
  auto rest = trim(if_none_match);
  if (rest == "*") return true;
  while (!rest.empty()) {
    // Entity tags cannot hold a comma (etagc excludes it), so a split is exact.
    const auto comma = rest.find(',');
    const auto tag = opaque(trim(rest.substr(0, comma)));
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"' && tag == wanted) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace ccpulse::http
