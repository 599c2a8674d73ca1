#include "http/etag_match.h"

#include "http/optional_whitespace.h"

namespace ccpulse::http {

namespace {

// The opaque tag, quotes included, without a weak prefix.
std::string_view opaque(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

}  // namespace

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  const auto wanted = opaque(etag);
  if (wanted.size() < 2) return false;
  auto rest = trim_ows(if_none_match);
  if (rest == "*") return true;
  while (!rest.empty()) {
    // Entity tags cannot hold a comma (etagc excludes it), so a split is exact.
    const auto comma = rest.find(',');
    const auto tag = opaque(trim_ows(rest.substr(0, comma)));
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"' && tag == wanted) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace ccpulse::http
