// http: the server of /metrics, /healthz, /readyz, /wallboard and /api/v1.
#include <algorithm>
#include <filesystem>

#include "config/secrets.h"
#include "config/sections/sections.h"
#include "http/tls_credentials.h"

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
                  "-hex 32`), got " +
                      std::to_string(token->size()) + " characters" +
                      (token->size() >= 16 ? " with others among them" : ""));
    return;
  }
  out = std::move(*token);
}

std::string resolved(const load_context& ctx, const std::string& file) {
  std::filesystem::path p(file);
  if (p.is_relative() && !ctx.base_dir.empty()) p = ctx.base_dir / p;
  return p.string();
}

// Both files or neither; then the pair must load as the server will load
// it, so a bad file fails check-config rather than the start.
void read_tls(load_context& ctx, const value& v, http_settings& h) {
  http_tls_settings& t = h.tls;
  read_fields(ctx, v, http_tls_fields(), t);
  const auto cert_at = ctx.accepted_at(v.path + ".cert_file");
  const auto key_at = ctx.accepted_at(v.path + ".key_file");
  const bool cert_given = ctx.key_at(v.path + ".cert_file").has_value();
  const bool key_given = ctx.key_at(v.path + ".key_file").has_value();
  const http_tls_settings written = t;
  t = {};
  if (cert_given != key_given) {
    const auto at = ctx.key_at(v.path);
    ctx.in.report(at ? at->mark : v.mark, v.path,
                  std::string("give both cert_file and key_file, or neither: ") +
                      (cert_given ? "key_file" : "cert_file") + " is missing");
    return;
  }
  if (!cert_at || !key_at) return;  // neither given, or already reported
  const std::string cert = resolved(ctx, written.cert_file), key = resolved(ctx, written.key_file);
  const auto creds = http::load_tls_credentials(cert, key);
  if (!creds.ok()) {
    const auto& at = creds.key_failed ? *key_at : *cert_at;
    ctx.in.report(at.mark, at.path, "cannot use " + quote(creds.failed_file) + ": " + creds.error);
    return;
  }
  t.cert_file = cert;
  t.key_file = key;
}

void read_api_token(load_context& ctx, const value& v, http_settings& h) { read_token(ctx, v, h.api_token); }
void read_metrics_token(load_context& ctx, const value& v, http_settings& h) {
  read_token(ctx, v, h.metrics_token);
}

}  // namespace

field_table<http_tls_settings> http_tls_fields() {
  using t = http_tls_settings;
  static const std::vector<field<t>> table{
      {"cert_file", text_field(&t::cert_file, text_rule::non_empty, "a file path", ""),
       "PEM certificate chain, leaf first; relative to the config file's folder; re-read on SIGHUP"},
      {"key_file", text_field(&t::key_file, text_rule::non_empty, "a file path", ""),
       "PEM private key of the certificate, unencrypted; relative to the config file's folder; re-read on "
       "SIGHUP"},
  };
  return table;
}

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
       "open connections (wallboard streams included); beyond, one 503, then closed without a word at twice "
       "as many"},
      {"max_header_bytes", whole_field(&h::max_header_bytes, 1024, 1 << 20, 8 * 1024),
       "request line and headers; larger get 431"},
      {"max_header_fields", whole_field(&h::max_header_fields, 8, 10000, 100), "header fields; more get 431"},
      {"max_body_bytes", whole_field(&h::max_body_bytes, 0, 16 << 20, 64 * 1024),
       "request body (every route is GET); larger get 413"},
      {"request_timeout",
       duration_field(&h::request_timeout, std::chrono::seconds{1}, std::chrono::hours{1},
                      std::chrono::seconds{30}),
       "longest wait for a whole request (a slow sender is cut off) or a response write; also the keep-alive "
       "idle time"},
      {"tls", custom_spec<h>{read_tls, "mapping", "none (plain HTTP)", [](h& s) { s.tls = {}; }},
       "HTTPS with this certificate and key (TLS 1.2 at least); new connections get a reloaded pair after "
       "SIGHUP"},
  };
  return table;
}

}  // namespace ccpulse::config
