// http: the server of /metrics, /healthz, /readyz, /wallboard and /api/v1.
#include <algorithm>

#include "config/secrets.h"
#include "config/sections/sections.h"

namespace ccpulse::config {

namespace {

// Cookie-safe (the wallboard's login link stores it in one) and long
// enough not to be guessed.
bool usable_token(const std::string& t) {
  return t.size() >= 16 && t.size() <= 4096 && std::all_of(t.begin(), t.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '~' || c == '+' || c == '/' || c == '=' || c == '-';
         });
}

void read_token(load_context& ctx, const value& v, std::string& out) {
  if (!v.node.IsMap()) {
    ctx.in.report(v.mark, v.path,
                  "a token is never written in the config file: use { file: PATH } or { env: NAME }");
    return;
  }
  auto token = read_secret(ctx.in, v, ctx.base_dir);
  if (!token) return;
  if (!usable_token(*token)) {
    ctx.in.report(v.mark, v.path,
                  "the token must be 16 to 4096 characters of A-Z a-z 0-9 . _ ~ + / = - (e.g. `openssl rand "
                  "-hex 32`), got " + std::to_string(token->size()) + " characters" +
                      (token->size() >= 16 ? " with others among them" : ""));
    return;
  }
  out = std::move(*token);
}

void read_api_token(load_context& ctx, const value& v, http_settings& h) { read_token(ctx, v, h.api_token); }
void read_metrics_token(load_context& ctx, const value& v, http_settings& h) { read_token(ctx, v, h.metrics_token); }

}  // namespace

field_table<http_settings> http_fields() {
  using h = http_settings;
  static const std::vector<field<h>> table{
      {"bind", text_field(&h::bind, text_rule::non_empty, "an address such as 127.0.0.1", "127.0.0.1"),
       "address to listen on; 0.0.0.0 for all interfaces"},
      {"port", whole_field(&h::port, 0, 65535, 8080), "port to listen on; 0 picks any free port"},
      {"api_token", custom_spec<h>{read_api_token, "{ file: PATH } or { env: NAME }", "none (open)"},
       "bearer token for /api/ and /wallboard (a TV logs in once with /wallboard?access_token=TOKEN)"},
      {"metrics_token", custom_spec<h>{read_metrics_token, "{ file: PATH } or { env: NAME }", "none (open)"},
       "bearer token for /metrics (Prometheus: authorization.credentials_file)"},
      {"max_connections", whole_field(&h::max_connections, 1, 100000, 1024),
       "open connections (wallboard streams included); beyond, one 503, then closed without a word at twice as many"},
      {"max_header_bytes", whole_field(&h::max_header_bytes, 1024, 1 << 20, 8 * 1024),
       "request line and headers; larger get 431"},
      {"max_header_fields", whole_field(&h::max_header_fields, 8, 10000, 100), "header fields; more get 431"},
      {"max_body_bytes", whole_field(&h::max_body_bytes, 0, 16 << 20, 64 * 1024),
       "request body (every route is GET); larger get 413"},
      {"request_timeout", duration_field(&h::request_timeout, std::chrono::seconds{1}, std::chrono::hours{1},
                                         std::chrono::seconds{30}),
       "longest wait for a whole request (a slow sender is cut off) or a response write; also the keep-alive idle time"},
  };
  return table;
}

}  // namespace ccpulse::config
