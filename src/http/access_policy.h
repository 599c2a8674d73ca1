#pragma once
// Who may read what over HTTP (DESIGN.md §10, README "Security"): optional
// bearer tokens, one for the floor's paths (/api/, /wallboard) and one for
// /metrics; /healthz, /readyz and the / redirect stay open for probes.
// Pure logic, no Beast: the server asks it before any route or stream.
#include <string>
#include <string_view>

namespace ccpulse::http {

// The cookie a TV gets from its login link; HttpOnly, so page scripts never
// see the token.
inline constexpr std::string_view access_cookie = "ccpulse_access";
// The query parameter of that link: /wallboard?access_token=TOKEN.
inline constexpr std::string_view access_query = "access_token";

struct access_tokens {
  std::string api;      // /api/ and /wallboard; empty = open
  std::string metrics;  // /metrics; empty = open
};

// What to do with a request before routing it. status 0: serve it.
struct access_decision {
  unsigned status = 0;       // 302 (login link accepted) or 401
  std::string reason;        // the 401's body
  std::string location;      // 302: the same URL without the token
  std::string set_cookie;    // 302: the session cookie
  std::string authenticate;  // 401: WWW-Authenticate
};

class access_policy {
 public:
  access_policy() = default;
  explicit access_policy(access_tokens t) : _tokens(std::move(t)) {}

  bool enabled() const { return !_tokens.api.empty() || !_tokens.metrics.empty(); }

  // `secure` adds the cookie's Secure flag (the connection is TLS).
  access_decision check(std::string_view path, std::string_view query, std::string_view authorization,
                        std::string_view cookie, bool secure) const;

 private:
  access_tokens _tokens;
};

// Equal contents in time that depends on the lengths only, never on where
// the first difference is.
bool constant_time_equal(std::string_view a, std::string_view b);

// The value of `name` in a Cookie header ("a=1; b=2"), empty if absent.
std::string_view cookie_value(std::string_view header, std::string_view name);

}  // namespace ccpulse::http
