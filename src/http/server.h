#pragma once
// Small HTTP/1.1 server for /metrics, /healthz, /readyz (DESIGN.md §10).
// Beast stays behind a pimpl so including this header costs nothing: only
// server.cpp pays Beast's compile time.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/access_policy.h"
#include "http/connection_figures.h"
#include "http/event_stream.h"
#include "http/tls_figures.h"

namespace ccpulse::http {

// What a handler sees. The views point into the connection's buffers and are
// valid only for the duration of the handler call.
struct request {
  std::string_view method;           // "GET" or "HEAD"
  std::string_view path;             // target up to '?', not percent-decoded
  std::string_view query;            // after '?', without it; empty if none
  std::string_view authorization;    // raw Authorization header value, if any
  std::string_view if_none_match{};  // raw If-None-Match header value, if any
};

struct response {
  unsigned status = 200;  // 200..599; anything else becomes a 500
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Extra headers (Location for a redirect, Cache-Control for assets); they
  // replace the server's own of the same name.
  std::vector<std::pair<std::string, std::string>> headers{};
};

// Runs on the server thread: it must be quick and must not block (the app
// hands it immutable snapshots). An exception becomes a 500 and a log line.
using handler = std::function<response(const request&)>;

class server {
 public:
  struct options {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 8080;  // 0 = any free port; see port()
    // Beyond this many open connections, new ones get one 503 and are closed;
    // beyond twice as many, they are closed without a response.
    // Stream (SSE) clients count too: every screen of the floor holds one.
    std::size_t max_connections = 1024;
    // Longest wait for a whole request (headers and body) or for a response
    // write; also how long an idle keep-alive connection is kept.
    std::chrono::seconds idle_timeout{30};
    // Request limits: larger headers get 431, larger bodies 413.
    std::uint32_t max_header_bytes = 8 * 1024;
    std::size_t max_header_fields = 100;  // more get 431
    std::uint64_t max_body_bytes = 64 * 1024;
    // Tokens for the floor's paths and /metrics (access_policy.h); open by default.
    access_policy access{};
    // HTTPS (TLS 1.2 at least) with this PEM certificate chain and key;
    // both empty: plain HTTP. See reload_tls().
    std::string tls_cert_file{};
    std::string tls_key_file{};
  };

  explicit server(options o);
  ~server();  // stop()s and joins

  server(const server&) = delete;
  server& operator=(const server&) = delete;
  server(server&&) = delete;
  server& operator=(server&&) = delete;

  // Exact path match (no prefix, no trailing-slash folding); GET and HEAD.
  // Must be called before start(): routes are read without a lock.
  void route(std::string path, handler h);

  // A Server-Sent Events route (event_stream.h): a GET becomes a stream that
  // gets the events `source` publishes (resuming after Last-Event-ID, or
  // ?last_event_id=N); HEAD answers the headers. Before start(), like
  // route().
  void stream(std::string path, std::shared_ptr<event_stream> source);

  // Binds and listens, then serves on one thread of its own. Throws
  // std::system_error naming bind:port if the address cannot be used,
  // std::runtime_error naming the file if the TLS pair cannot be loaded, and
  // std::logic_error if called twice.
  void start();

  // HTTPS, while running: re-reads the certificate and key files. Loaded,
  // they serve every connection accepted from then on, while open ones
  // (SSE streams) keep the pair they began with; failed, the current pair
  // stays. Logs either way and returns whether it loaded. Any thread.
  bool reload_tls();

  // Counters and the served certificate's expiry, for /metrics. Any thread.
  tls_figures tls_status() const;
  // Open connections and those refused over max_connections; any thread.
  connection_figures connections() const;

  // The bound port (useful with options::port == 0); 0 before start().
  std::uint16_t port() const;

  // The bytes a connection would be sent for `raw`, read as one connection's
  // whole input (requests in a row, then the client closes): the same
  // parser limits, access check, routes and response framing; a stream
  // answers its preamble only. For tests and fuzzing: not while start()ed.
  std::string answer(std::string_view raw) const;

  // Closes the listener and every connection, then joins the thread; the port
  // is free when it returns. Idempotent; must not be called from a handler.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> _impl;
};

}  // namespace ccpulse::http
