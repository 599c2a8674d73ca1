#include "http/access_policy.h"

#include <doctest/doctest.h>

#include <string>

using ccpulse::http::access_policy;
using ccpulse::http::constant_time_equal;
using ccpulse::http::cookie_value;

namespace {

const std::string floor_token = "floor-token-0123456789";
const std::string metrics_token = "metrics-token-0123456789";
const access_policy both({floor_token, metrics_token});

unsigned status(const access_policy& p, std::string_view path, std::string_view query = "",
                std::string_view authorization = "", std::string_view cookie = "") {
  return p.check(path, query, authorization, cookie, false).status;
}

}  // namespace

TEST_CASE("without tokens every path is open") {
  const access_policy open;
  CHECK_FALSE(open.enabled());
  CHECK(status(open, "/metrics") == 0);
  CHECK(status(open, "/api/v1/snapshot") == 0);
  CHECK(status(open, "/wallboard", "access_token=x") == 0);
}

TEST_CASE("the floor's paths and /metrics need their own token, probes stay open") {
  CHECK(both.enabled());
  for (const char* path : {"/api/v1/snapshot", "/api/v1/stream", "/wallboard", "/wallboard/wallboard.js"}) {
    CAPTURE(path);
    CHECK(status(both, path) == 401);
    CHECK(status(both, path, "", "Bearer " + floor_token) == 0);
    CHECK(status(both, path, "", "bearer  " + floor_token + " ") == 0);
    CHECK(status(both, path, "", "Bearer " + metrics_token) == 401);  // the other scope's token
    CHECK(status(both, path, "", "Bearer " + floor_token + "x") == 401);
    CHECK(status(both, path, "", "Basic " + floor_token) == 401);
    CHECK(status(both, path, "", "", "a=1; ccpulse_access=" + floor_token) == 0);
    CHECK(status(both, path, "", "", "ccpulse_access=" + floor_token.substr(1)) == 401);
  }
  CHECK(status(both, "/metrics") == 401);
  CHECK(status(both, "/metrics", "", "Bearer " + metrics_token) == 0);
  CHECK(status(both, "/metrics", "", "Bearer " + floor_token) == 401);
  CHECK(status(both, "/metrics", "", "", "ccpulse_access=" + metrics_token) == 401);  // header only
  for (const char* path : {"/healthz", "/readyz", "/", "/nope", "/wallboardx"}) {
    CAPTURE(path);
    CHECK(status(both, path) == 0);
  }
  const auto d = both.check("/api/v1/board", "", "Bearer wrong", "", false);
  CHECK(d.authenticate == "Bearer realm=\"ccpulse\"");
  CHECK(d.reason.starts_with("wrong token for the floor's paths"));
  CHECK(d.reason.find(floor_token) == std::string::npos);
}

TEST_CASE("the wallboard's login link sets an HttpOnly cookie and drops the token from the URL") {
  const auto d =
      both.check("/wallboard", "queues=sales&access_token=" + floor_token + "&lang=en", "", "", false);
  CHECK(d.status == 302);
  CHECK(d.location == "/wallboard?queues=sales&lang=en");
  CHECK(d.set_cookie ==
        "ccpulse_access=" + floor_token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000");
  CHECK(
      both.check("/wallboard", "access_token=" + floor_token, "", "", true).set_cookie.ends_with("; Secure"));
  CHECK(both.check("/wallboard/", "access_token=" + floor_token, "", "", false).location == "/wallboard/");
  const auto wrong = both.check("/wallboard", "access_token=nope", "", "", false);
  CHECK(wrong.status == 401);
  CHECK(wrong.set_cookie.empty());
  // Only the page takes a link; the API wants the header or the cookie.
  CHECK(status(both, "/api/v1/board", "access_token=" + floor_token) == 401);
}

TEST_CASE("tokens compare whole, whatever the lengths") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("ab", "abc"));
  CHECK_FALSE(constant_time_equal("abcd", "abc"));
  CHECK_FALSE(constant_time_equal("", "abc"));
  CHECK(constant_time_equal("", ""));
  CHECK_FALSE(constant_time_equal(std::string("ab\0", 3), "ab"));
}

TEST_CASE("a cookie is found by its exact name") {
  CHECK(cookie_value("ccpulse_access=t1", "ccpulse_access") == "t1");
  CHECK(cookie_value("x=1;ccpulse_access=t2 ; y=3", "ccpulse_access") == "t2");
  CHECK(cookie_value("xccpulse_access=t3", "ccpulse_access").empty());
  CHECK(cookie_value("", "ccpulse_access").empty());
  CHECK(cookie_value("ccpulse_access", "ccpulse_access").empty());
}
