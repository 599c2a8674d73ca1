#include "http/etag_match.h"

#include <doctest/doctest.h>

using ccpulse::http::etag_matches;

TEST_CASE("If-None-Match names the ETag: exact, in a list, weak, or any") {
  const char* tag = "\"3f2a\"";
  CHECK(etag_matches("\"3f2a\"", tag));
  CHECK(etag_matches("\"0000\", \"3f2a\"", tag));
  CHECK(etag_matches("\"0000\",\"3f2a\" ", tag));
  CHECK(etag_matches("W/\"3f2a\"", tag));  // weak comparison
  CHECK(etag_matches("*", tag));
  CHECK(etag_matches(" * ", tag));
}

TEST_CASE("If-None-Match that does not name the ETag sends the full response") {
  const char* tag = "\"3f2a\"";
  CHECK_FALSE(etag_matches("", tag));
  CHECK_FALSE(etag_matches("\"3f2b\"", tag));
  CHECK_FALSE(etag_matches("3f2a", tag));    // unquoted: malformed
  CHECK_FALSE(etag_matches("\"3f2a", tag));  // unterminated
  CHECK_FALSE(etag_matches("\"3f2a\"x", tag));
  CHECK_FALSE(etag_matches(",,", tag));
  CHECK_FALSE(etag_matches("\"\"", tag));
  CHECK_FALSE(etag_matches("\"3f2a\"", ""));  // no ETag of our own
  CHECK_FALSE(etag_matches("\"3f2a\"", "\""));
}
