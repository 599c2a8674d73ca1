#pragma once
// If-None-Match against a resource's ETag (RFC 9110 §13.1.2): the weak
// comparison, so a cache that stored W/"x" still revalidates "x".
#include <string_view>

namespace ccpulse::http {

// True when `if_none_match` (the raw header value: "*", or a comma-separated
// list of entity tags) names `etag` (quoted, strong or weak). An empty or
// malformed header matches nothing, so the full response goes out.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace ccpulse::http
