#include "http/access_policy.h"

#include <cstddef>
#include <cstdint>

#include "http/optional_whitespace.h"

namespace ccpulse::http {

namespace {

// Which token guards `path`, or null when it is open.
const std::string* guard_of(const access_tokens& t, std::string_view path) {
  if (path == "/metrics") return &t.metrics;
  if (path.starts_with("/api/") || path == "/wallboard" || path.starts_with("/wallboard/")) return &t.api;
  return nullptr;
}

// "Bearer TOKEN" (the scheme is case-insensitive, RFC 9110 §11.1).
std::string_view bearer_of(std::string_view authorization) {
  authorization = trim_ows(authorization);
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return {};
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) return {};
  }
  return trim_ows(authorization.substr(scheme.size()));
}

// The query's parameters other than access_token, in order; and that token.
struct split_query {
  std::string rest;
  std::string_view token;
  bool has_token = false;
};

split_query split(std::string_view query) {
  split_query out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto param = query.substr(0, amp);
    const auto eq = param.find('=');
    if (param.substr(0, eq) == access_query) {
      out.has_token = true;
      out.token = eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
    } else if (!param.empty()) {
      if (!out.rest.empty()) out.rest += '&';
      out.rest += param;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace

bool constant_time_equal(std::string_view a, std::string_view b) {
  std::uint8_t diff = a.size() == b.size() ? 0 : 1;
  // Walks the expected side's length whatever the offered one is.
  for (std::size_t i = 0; i < b.size(); ++i) {
    const auto x = static_cast<std::uint8_t>(i < a.size() ? a[i] : 0);
    diff = static_cast<std::uint8_t>(diff | (x ^ static_cast<std::uint8_t>(b[i])));
  }
  return diff == 0;
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    const auto pair = trim_ows(header.substr(0, semi));
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

access_decision access_policy::check(std::string_view path, std::string_view query,
                                     std::string_view authorization, std::string_view cookie,
                                     bool secure) const {
  const std::string* token = guard_of(_tokens, path);
  if (token == nullptr || token->empty()) return {};
  const bool floor = token == &_tokens.api;

  // The TV's login link: the token once in the URL, then a cookie, and the
  // same page without the token (out of the address bar and the history).
  if (floor && path.starts_with("/wallboard")) {
    const auto q = split(query);
    if (q.has_token) {
      if (!constant_time_equal(q.token, *token))
        return {401, "the access_token in this link is not the wallboard's token\n", "", "",
                "Bearer realm=\"ccpulse\""};
      access_decision d{302, "", std::string(path), "", ""};
      if (!q.rest.empty()) d.location += "?" + q.rest;
      d.set_cookie = std::string(access_cookie) + "=" + *token +
                     "; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000" + (secure ? "; Secure" : "");
      return d;
    }
  }
  const auto offered = bearer_of(authorization);
  if (!offered.empty() && constant_time_equal(offered, *token)) return {};
  if (floor) {
    const auto from_cookie = cookie_value(cookie, access_cookie);
    if (!from_cookie.empty() && constant_time_equal(from_cookie, *token)) return {};
  }
  const std::string_view what = floor ? "the floor's paths (/api/, /wallboard)" : "/metrics";
  std::string reason = std::string(offered.empty() ? "a token is needed for " : "wrong token for ") +
                       std::string(what) + ": send Authorization: Bearer TOKEN" +
                       (floor ? ", or open /wallboard?access_token=TOKEN once on this screen\n" : "\n");
  return {401, std::move(reason), "", "", "Bearer realm=\"ccpulse\""};
}

}  // namespace ccpulse::http
