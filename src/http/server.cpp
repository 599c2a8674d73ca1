// Under -fsanitize=thread GCC 12 flags the std::atomic_thread_fence that Asio
// uses (-Wtsan); TSan cannot model fences, and Asio's own synchronisation is
// mutex-based, so the warning says nothing about our code. Must precede every
// include: the fence lives in <atomic>, pulled in by any standard header.
#if defined(__GNUC__) && !defined(__clang__)  // clang has no -Wtsan
#pragma GCC diagnostic ignored "-Wtsan"
#endif
#include "http/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

// GCC 12 reports -Wnull-dereference inside Asio's scheduler once it is inlined
// into our code, even though it is a system header; silence it for Boost only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#pragma GCC diagnostic pop

#include "http/tls_credentials.h"
#include "log/logfmt_fields.h"
#include "log/logger.h"

namespace ccpulse::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;  // `http` is our own namespace
using tcp = asio::ip::tcp;
using beast_request = bhttp::request<bhttp::string_body>;
using beast_response = bhttp::response<bhttp::string_body>;
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// Over-limit connections only get a 503; they need not wait long for it.
constexpr std::chrono::seconds reject_timeout{5};
// Lingering close: after answering a client we are about to drop (bad
// request, over limit, Connection: close), read and discard what it may still
// be sending, for at most this long and this much. Closing with unread input
// makes the kernel send RST, which can destroy our response before the client
// reads it.
constexpr std::chrono::seconds linger_timeout{2};
constexpr std::size_t linger_max_bytes = 1024 * 1024;
// Back-off after a failed accept (EMFILE, ENFILE, ENOBUFS): the listener
// stays readable, so retrying at once would spin and flood the log.
constexpr std::chrono::milliseconds accept_backoff{100};
// Failed TLS handshakes (plain HTTP to the HTTPS port, scanners) are counted
// each; a log line at most this often says how many.
constexpr std::chrono::seconds handshake_log_every{60};

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// Through the process's logger (log/logger.h); `fields` as logfmt text
// (key=quoted(value) ...), read back into structured fields.
void log_line(std::string_view level, std::string_view msg, std::string_view fields) noexcept {
  try {
    static const auto* http_log = new log::logger("http");  // leaked: lines may come during exit
    const auto owned = log::fields_from_logfmt(fields);
    std::vector<log::field> view;
    for (const auto& f : owned) view.push_back(f.view());
    http_log->log_fields(log::level_named(level).value_or(log::level::error), msg, view);
  } catch (...) {
    // a log line never takes a connection down
  }
}

// "[::1]:8080" rather than "::1:8080", so the port is not ambiguous.
std::string endpoint_name(std::string_view host, std::uint16_t port) {
  std::string s;
  if (host.find(':') != std::string_view::npos) {
    s += '[';
    s += host;
    s += ']';
  } else {
    s += host;
  }
  s += ':';
  s += std::to_string(port);
  return s;
}

// A connection of either kind (session<plain_stream> or <tls_stream>), as
// the server's lists hold it.
class connection {
 public:
  connection() = default;
  virtual ~connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  connection(connection&&) = delete;
  connection& operator=(connection&&) = delete;

  virtual void close() = 0;
  virtual void pull() = 0;
  virtual void heartbeat(std::chrono::steady_clock::time_point now) = 0;
  virtual const event_stream* source() const = 0;
};

// Everything the connections share. Only the server thread touches it once
// start() has returned (routes and options are immutable by then), except
// the atomics, which /metrics and reload_tls() read from other threads.
struct server_state {
  server::options opts;
  std::map<std::string, handler, std::less<>> routes;
  std::map<std::string, std::shared_ptr<event_stream>, std::less<>> streams;
  std::unordered_set<connection*> streaming;  // sessions that became SSE streams
  std::string known_paths;                    // "/healthz /metrics", for 404 bodies
  std::unordered_set<connection*> sessions;   // open connections, to close on stop
  bool stopping = false;
  std::atomic<std::uint64_t> handshake_failures{0};
  // Read by /metrics on another thread; written on the server thread.
  std::atomic<std::uint64_t> open_connections{0};
  std::atomic<std::uint64_t> connections_refused{0};  // over max_connections: 503 or shed
  std::uint64_t handshake_failures_logged = 0;
  std::optional<std::chrono::steady_clock::time_point> handshake_logged_at;
};

// On the server thread.
void note_handshake_failure(server_state& state, const beast::error_code& ec) {
  const std::uint64_t total = ++state.handshake_failures;
  const auto now = std::chrono::steady_clock::now();
  if (state.handshake_logged_at && now - *state.handshake_logged_at < handshake_log_every) return;
  log_line("warn", "TLS handshake failed (plain HTTP to the HTTPS port?); connection closed",
           "error=" + quoted(ec.message()) +
               " failures_since_last_log=" + std::to_string(total - state.handshake_failures_logged) +
               " next_log_in_s=" + std::to_string(handshake_log_every.count()));
  state.handshake_failures_logged = total;
  state.handshake_logged_at = now;
}

beast_response plain_response(unsigned status, unsigned version, std::string body) {
  beast_response res;
  res.result(status);
  res.version(version);
  res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  res.body() = std::move(body);
  return res;
}

// Headers every response carries; no-store because every body here is
// computed per request (metrics, health) and must never be served stale.
void set_common_headers(beast_response& res) {
  res.set(bhttp::field::server, "ccpulse");
  res.set(bhttp::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
}

// Framing: HEAD keeps GET's Content-Length without the body; 204 and 304
// carry neither body nor Content-Length (RFC 9110 §8.6, §15.3.5, §15.4.5).
void finish_payload(beast_response& res, bool head) {
  const unsigned status = res.result_int();
  if (status == 204 || status == 304) {
    res.body().clear();
    return;
  }
  if (head) {
    const std::size_t size = res.body().size();
    res.body().clear();
    res.content_length(size);
    return;
  }
  res.prepare_payload();
}

std::string known_paths_of(const server_state& state) {
  std::vector<std::string_view> paths;
  for (const auto& [path, h] : state.routes) paths.push_back(path);
  for (const auto& [path, s] : state.streams) paths.push_back(path);
  std::sort(paths.begin(), paths.end());
  std::string out;
  for (const auto p : paths) {
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

beast_response internal_error(unsigned version) {
  return plain_response(500, version, "internal server error\n");
}

// Turns a parsed request into a response by route. A streaming route (SSE)
// would be looked up here too, and would take over the connection instead of
// returning a response.
beast_response dispatch(const server_state& state, const beast_request& req) {
  const std::string_view target = req.target();
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  if (state.streams.contains(path)) {  // HEAD (a GET became a stream before dispatch)
    auto res = plain_response(200, req.version(), "");
    res.set(bhttp::field::content_type, "text/event-stream");
    return res;
  }
  const auto route = state.routes.find(path);
  if (route == state.routes.end()) {
    return plain_response(404, req.version(), "not found\nknown paths: " + state.known_paths + "\n");
  }
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
    auto res = plain_response(405, req.version(), "method not allowed; use GET or HEAD\n");
    res.set(bhttp::field::allow, "GET, HEAD");
    return res;
  }

  const request view{req.method_string(), path, query, req[bhttp::field::authorization],
                     req[bhttp::field::if_none_match]};
  response out;
  try {
    out = route->second(view);
  } catch (const std::exception& e) {
    log_line("error", "handler threw", "path=" + quoted(path) + " what=" + quoted(e.what()));
    return internal_error(req.version());
  } catch (...) {
    log_line("error", "handler threw", "path=" + quoted(path) + " what=\"non-standard exception\"");
    return internal_error(req.version());
  }
  if (out.status < 200 || out.status > 599) {
    log_line("error", "handler returned an invalid status",
             "path=" + quoted(path) + " status=" + std::to_string(out.status));
    return internal_error(req.version());
  }

  beast_response res;
  res.result(out.status);
  res.version(req.version());
  if (!out.content_type.empty()) res.set(bhttp::field::content_type, out.content_type);
  for (const auto& [name, value] : out.headers) res.set(name, value);
  res.body() = std::move(out.body);
  return res;
}

// The status to answer a malformed request with, or none when the peer is
// gone or silent (timeout, reset, truncated message) and nobody would read it.
std::optional<unsigned> status_for_read_error(const beast::error_code& ec) {
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) return 431;
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::partial_message) return std::nullopt;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) return 400;
  return std::nullopt;
}

beast_response read_error_response(unsigned status, const beast::error_code& ec) {
  return plain_response(status, 11, "bad request: " + ec.message() + "\n");
}

// A parser reads one message; a fresh one per request resets its limits.
void limit(bhttp::request_parser<bhttp::string_body>& parser, const server::options& o) {
  parser.header_limit(o.max_header_bytes);
  parser.body_limit(o.max_body_bytes);
}

// What a parsed request gets: a response to send, or the stream it becomes.
struct reply {
  std::optional<beast_response> res;
  std::shared_ptr<event_stream> stream;
  bool head = false;
  bool keep_alive = false;
};

// One decision for a connection and for server::answer(): access first (a
// refused request learns nothing else), then streams, the connection limit,
// routes.
reply reply_to(const server_state& state, const beast_request& req, bool reject) {
  reply r;
  r.head = req.method() == bhttp::verb::head;
  r.keep_alive = req.keep_alive() && !state.stopping;
  if (const auto fields = static_cast<std::size_t>(std::distance(req.begin(), req.end()));
      fields > state.opts.max_header_fields) {
    r.res = plain_response(431, req.version(),
                           "bad request: " + std::to_string(fields) + " header fields, at most " +
                               std::to_string(state.opts.max_header_fields) + "\n");
    r.keep_alive = false;
    return r;
  }
  if (state.opts.access.enabled()) {
    const std::string_view target = req.target();
    const auto question = target.find('?');
    auto d = state.opts.access.check(
        target.substr(0, question),
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1),
        req[bhttp::field::authorization], req[bhttp::field::cookie], false);
    if (d.status != 0) {
      r.res = plain_response(d.status, req.version(), std::move(d.reason));
      if (!d.location.empty()) r.res->set(bhttp::field::location, d.location);
      if (!d.set_cookie.empty()) r.res->set(bhttp::field::set_cookie, d.set_cookie);
      if (!d.authenticate.empty()) r.res->set(bhttp::field::www_authenticate, d.authenticate);
      return r;
    }
  }
  if (!reject && req.method() == bhttp::verb::get && !state.stopping) {
    if (auto it = state.streams.find(path_of(req.target())); it != state.streams.end()) {
      r.stream = it->second;
      return r;
    }
  }
  if (reject) {
    r.res = plain_response(503, req.version(), "too many connections\n");
    r.res->set(bhttp::field::retry_after, "1");
    r.keep_alive = false;
    return r;
  }
  r.res = dispatch(state, req);
  return r;
}

void finish_response(beast_response& res, bool head, bool keep_alive) {
  set_common_headers(res);
  res.keep_alive(keep_alive);
  finish_payload(res, head);
}

// Close-delimited body: no Content-Length, no chunking; EventSource reads it
// as it comes.
std::string sse_preamble(const event_stream& source) {
  return "HTTP/1.1 200 OK\r\nServer: ccpulse\r\nContent-Type: text/event-stream\r\nCache-Control: "
         "no-store\r\n"
         "X-Content-Type-Options: nosniff\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\nretry: " +
         std::to_string(source.opts().retry.count()) + "\n\n";
}

// One TCP connection: read a request, write its response, repeat while the
// client keeps the connection alive. Lives as long as an operation of its own
// is pending (each completion handler holds a shared_ptr). One
// implementation for HTTP and HTTPS: the TLS one handshakes first, and ends
// with close_notify where the plain one half-closes.
template <class Stream>
class session final : public connection, public std::enable_shared_from_this<session<Stream>> {
  static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

 public:
  session(tcp::socket&& socket, server_state& state, bool reject) requires(!is_tls)
      : _stream(std::move(socket)), _state(state), _reject(reject) {
    _state.sessions.insert(this);
    _state.open_connections = _state.sessions.size();
  }
  // Holds its context: a SIGHUP reload replaces the server's, not this one.
  session(tcp::socket&& socket, std::shared_ptr<asio::ssl::context> tls, server_state& state,
          bool reject) requires is_tls : _tls(std::move(tls)),
                                         _stream(std::move(socket), *_tls),
                                         _state(state),
                                         _reject(reject) {
    _state.sessions.insert(this);
    _state.open_connections = _state.sessions.size();
  }
  ~session() override {
    _state.sessions.erase(this);
    _state.open_connections = _state.sessions.size();
    if (_stream_source) {
      _state.streaming.erase(this);
      --_stream_source->clients;
    }
  }

  session(const session&) = delete;
  session& operator=(const session&) = delete;
  session(session&&) = delete;
  session& operator=(session&&) = delete;

  void run() {
    if constexpr (is_tls) {
      // The handshake and the first request share one deadline, so a slow
      // sender gains nothing by stalling the handshake (slowloris over TLS).
      lowest().expires_after(timeout());
      _stream.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) {
                                  self->read_request();
                                } else if (!self->_state.stopping) {
                                  note_handshake_failure(self->_state, ec);
                                }
                              });
    } else {
      do_read();
    }
  }
  const event_stream* source() const override { return _stream_source.get(); }

  // SSE: queues what the stream has after the last event this client got;
  // a client that let more than max_pending_bytes pile up is dropped.
  void pull() override {
    for (auto& e : _stream_source->since(_last_event)) {
      _last_event = e.id;
      enqueue(std::move(e.text));
    }
  }

  // SSE: a comment when nothing was written for a heartbeat period.
  void heartbeat(std::chrono::steady_clock::time_point now) override {
    if (now - _last_write < _stream_source->opts().heartbeat) return;
    static const auto beat = std::make_shared<const std::string>(": heartbeat\n\n");
    enqueue(beat);
  }

  // Aborts whatever is pending; the completion handlers then release us.
  void close() override {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

 private:
  // The TCP stream with the deadline (itself for plain HTTP).
  plain_stream& lowest() { return beast::get_lowest_layer(_stream); }

  std::chrono::seconds timeout() const {
    return _reject ? std::min(_state.opts.idle_timeout, reject_timeout) : _state.opts.idle_timeout;
  }

  void do_read() {
    // Bounds the whole request, so a slow sender (slowloris) cannot hold a
    // connection longer than an idle one.
    lowest().expires_after(timeout());
    read_request();
  }

  // Within the deadline already set.
  void read_request() {
    _parser.emplace();
    limit(*_parser, _state.opts);
    bhttp::async_read(
        _stream, _buffer, *_parser,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream) {  // over TLS: the client's close_notify
      if constexpr (is_tls) {
        lowest().expires_after(linger_timeout);
        _stream.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
      } else {
        shutdown_send();
      }
      return;
    }
    if (ec) {
      if (const auto status = status_for_read_error(ec); status && !_state.stopping)
        send(read_error_response(*status, ec), false, false);
      return;
    }
    const beast_request& req = _parser->get();
    auto r = reply_to(_state, req, _reject);
    if (r.stream) {
      start_stream(r.stream, req);
      return;
    }
    send(std::move(*r.res), r.head, r.keep_alive);
  }

  void send(beast_response&& res, bool head, bool keep_alive) {
    finish_response(res, head, keep_alive);
    _res = std::move(res);
    lowest().expires_after(timeout());
    bhttp::async_write(_stream, _res,
                       [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                         self->on_write(ec, keep_alive);
                       });
  }

  void on_write(beast::error_code ec, bool keep_alive) {
    if (ec) return;
    if (_state.stopping) {
      if constexpr (!is_tls) shutdown_send();
      return;
    }
    if (!keep_alive) {
      _buffer.consume(_buffer.size());
      lowest().expires_after(std::min<std::chrono::seconds>(timeout(), linger_timeout));
      if constexpr (is_tls) {
        // close_notify, then reads until the client's or its close: the
        // lingering close below, in TLS terms.
        _stream.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
      } else {
        shutdown_send();
        drain();
      }
      return;
    }
    do_read();
  }

  // Half-close so the client reads everything we sent before seeing EOF; the
  // socket closes when the last handler releases the session.
  void shutdown_send() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  // Discards input until the client closes, the linger deadline passes or
  // linger_max_bytes have been read.
  void drain() {
    _stream.async_read_some(_buffer.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->_drained += n;
                              if (ec || self->_drained >= linger_max_bytes) return;
                              self->drain();
                            });
  }

  void start_stream(const std::shared_ptr<event_stream>& source, const beast_request& req) {
    _stream_source = source;
    ++source->clients;
    _state.streaming.insert(this);
    const std::string_view target = req.target();
    const auto q = target.find('?');
    _last_event = parse_event_id(req["Last-Event-ID"]);
    if (!_last_event && q != std::string_view::npos) _last_event = query_event_id(target.substr(q + 1));
    enqueue(std::make_shared<const std::string>(sse_preamble(*source)));
    pull();
    watch_close();
  }

  // The client sends nothing more on a stream; a read completes when it
  // closes (or on stop), which ends the session. Raw socket: the stream's
  // timer bounds writes only. Over TLS too: what a client sends after its
  // request is at most close_notify, and with renegotiation off
  // (tls_credentials.cpp) the TLS layer never reads to write.
  void watch_close() {
    lowest().socket().async_read_some(asio::buffer(_discard),
                                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                        if (ec) {
                                          self->close();
                                          return;
                                        }
                                        self->watch_close();
                                      });
  }

  void enqueue(std::shared_ptr<const std::string> text) {
    if (_dropped) return;
    _pending_bytes += text->size();
    if (_pending_bytes > _stream_source->opts().max_pending_bytes) {
      _dropped = true;
      ++_stream_source->clients_dropped_slow;
      close();
      return;
    }
    _queue.push_back(std::move(text));
    if (!_writing) write_next();
  }

  void write_next() {
    if (_queue.empty() || _dropped) {
      _writing = false;
      return;
    }
    _writing = true;
    _last_write = std::chrono::steady_clock::now();
    // A write that stalls this long (client gone, not reading) ends it.
    lowest().expires_after(_state.opts.idle_timeout);
    asio::async_write(_stream, asio::buffer(*_queue.front()),
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->_pending_bytes -= self->_queue.front()->size();
                        self->_queue.pop_front();
                        if (ec) {
                          self->_dropped = true;
                          self->close();
                          return;
                        }
                        self->write_next();
                      });
  }

  std::shared_ptr<asio::ssl::context> _tls;  // HTTPS only; before _stream, which uses it
  Stream _stream;
  beast::flat_buffer _buffer;
  // SSE state (start_stream): the source, the last event queued, what waits
  // to be written.
  std::shared_ptr<event_stream> _stream_source;
  std::optional<std::uint64_t> _last_event;
  std::deque<std::shared_ptr<const std::string>> _queue;
  std::size_t _pending_bytes = 0;
  bool _writing = false;
  bool _dropped = false;
  std::chrono::steady_clock::time_point _last_write{};
  std::array<char, 256> _discard{};
  std::optional<bhttp::request_parser<bhttp::string_body>> _parser;
  beast_response _res;  // kept alive until async_write completes
  server_state& _state;
  bool _reject;  // over max_connections: answer 503 once, then close
  std::size_t _drained = 0;
};

}  // namespace

struct server::impl {
  explicit impl(options o) { state.opts = std::move(o); }

  // Binds the first address `bind` resolves to that accepts us.
  void listen() {
    const std::string where = endpoint_name(state.opts.bind, state.opts.port);
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto results = resolver.resolve(state.opts.bind, std::to_string(state.opts.port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec) throw std::system_error(ec, "http: cannot listen on " + where + ": bad bind address");
    for (const auto& entry : results) {
      ec = try_listen(entry.endpoint());
      if (!ec) {
        port.store(acceptor.local_endpoint().port());
        return;
      }
    }
    if (!ec) ec = asio::error::host_not_found;
    throw std::system_error(ec, "http: cannot listen on " + where);
  }

  beast::error_code try_listen(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    // Lets a restarted process rebind while old connections sit in TIME_WAIT
    // (on Linux it does not let two listeners share the port).
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      beast::error_code ignored;
      acceptor.close(ignored);
    }
    return ec;
  }

  bool tls_enabled() const { return !state.opts.tls_cert_file.empty(); }

  std::shared_ptr<asio::ssl::context> current_tls() {
    const std::lock_guard lock(tls_mutex);
    return tls;
  }

  // Off the server thread (start, reload): file reads never stall serving.
  bool load_tls(bool reload) {
    const std::string why = reload ? "TLS reload" : "start";
    const auto creds = load_tls_credentials(state.opts.tls_cert_file, state.opts.tls_key_file);
    if (!creds.ok()) {
      log_line("error",
               why + (reload ? ": cannot use the TLS certificate and key; keeping the current ones"
                             : ": cannot use the TLS certificate and key"),
               "file=" + quoted(creds.failed_file) + " error=" + quoted(creds.error));
      last_tls_error = creds.failed_file + ": " + creds.error;
      return false;
    }
    auto next = std::make_shared<asio::ssl::context>(add_reference(creds));
    {
      const std::lock_guard lock(tls_mutex);
      tls = std::move(next);
    }
    tls_not_after.store(creds.not_after);
    log_line("info", why + ": serving HTTPS",
             "cert_file=" + quoted(state.opts.tls_cert_file) + " subject=" + quoted(creds.subject) +
                 " not_after=" + std::to_string(creds.not_after));
    return true;
  }

  void do_accept() {
    acceptor.async_accept(
        [this](beast::error_code ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (state.stopping || ec == asio::error::operation_aborted) return;
    if (ec) {
      log_line("warn", "accept failed; backing off", "error=" + quoted(ec.message()));
      accept_retry.expires_after(accept_backoff);
      accept_retry.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && !state.stopping) do_accept();
      });
      return;
    }
    const std::size_t open = state.sessions.size();
    const std::size_t limit = state.opts.max_connections;
    if (open >= limit) ++state.connections_refused;
    if (open >= 2 * limit) {
      // Even 503s cost a connection each; past this point, shed silently.
      beast::error_code ignored;
      socket.close(ignored);
    } else if (auto context = current_tls()) {
      std::make_shared<session<tls_stream>>(std::move(socket), std::move(context), state, open >= limit)
          ->run();
    } else {
      std::make_shared<session<plain_stream>>(std::move(socket), state, open >= limit)->run();
    }
    do_accept();
  }

  // On the server thread: after this, every pending operation completes with
  // an error and nothing new starts, so ioc.run() returns.
  void close_all() {
    state.stopping = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
    heartbeat_timer.cancel();
    // Copy: closing only queues completions, but stay safe if that changes.
    const std::vector<connection*> open(state.sessions.begin(), state.sessions.end());
    for (connection* s : open) s->close();
  }

  // On the server thread, after a publish: every client of that stream.
  void broadcast(const event_stream* source) {
    const std::vector<connection*> open(state.streaming.begin(), state.streaming.end());
    for (connection* s : open)
      if (s->source() == source) s->pull();
  }

  void schedule_heartbeat() {
    heartbeat_timer.expires_after(std::chrono::seconds(1));
    heartbeat_timer.async_wait([this](beast::error_code ec) {
      if (ec || state.stopping) return;
      const auto now = std::chrono::steady_clock::now();
      const std::vector<connection*> open(state.streaming.begin(), state.streaming.end());
      for (connection* s : open) s->heartbeat(now);
      schedule_heartbeat();
    });
  }

  // A throwing completion handler must not take the server down.
  void run() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        log_line("error", "server loop threw; continuing", "what=" + quoted(e.what()));
      } catch (...) {
        log_line("error", "server loop threw; continuing", "what=\"non-standard exception\"");
      }
    }
  }

  enum class phase : std::uint8_t { idle, running, stopped };

  // Declared before the io_context: handlers still queued when it is destroyed
  // release sessions, whose destructors touch `state`.
  server_state state;
  std::mutex lifecycle;  // serialises route/start/stop
  phase current = phase::idle;
  std::atomic<std::uint16_t> port{0};
  asio::io_context ioc{1};  // one thread: lets Asio skip internal locking
  tcp::acceptor acceptor{ioc};
  asio::steady_timer accept_retry{ioc};
  asio::steady_timer heartbeat_timer{ioc};
  std::thread thread;
  // HTTPS: the context new connections get; each session holds its own.
  std::mutex tls_mutex;
  std::shared_ptr<asio::ssl::context> tls;
  std::atomic<std::int64_t> tls_not_after{0};
  std::atomic<std::uint64_t> tls_reloads_ok{0};
  std::atomic<std::uint64_t> tls_reloads_failed{0};
  std::string last_tls_error;  // under `lifecycle`
};

server::server(options o) {
  if (o.max_connections == 0) throw std::invalid_argument("http: max_connections must be at least 1");
  if (o.idle_timeout <= std::chrono::seconds::zero()) {
    throw std::invalid_argument("http: idle_timeout must be positive");
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty())
    throw std::invalid_argument("http: give both a TLS certificate and key file, or neither");
  _impl = std::make_unique<impl>(std::move(o));
}

server::~server() { stop(); }

void server::route(std::string path, handler h) {
  const std::lock_guard lock(_impl->lifecycle);
  if (_impl->current != impl::phase::idle) {
    throw std::logic_error("http: route(" + path + ") called after start()");
  }
  if (path.empty() || path.front() != '/') {
    throw std::invalid_argument("http: route path must start with '/': " + quoted(path));
  }
  if (!h) throw std::invalid_argument("http: empty handler for route " + path);
  if (_impl->state.streams.contains(path)) throw std::invalid_argument("http: duplicate route " + path);
  const auto [it, inserted] = _impl->state.routes.try_emplace(path, std::move(h));
  if (!inserted) throw std::invalid_argument("http: duplicate route " + path);
  _impl->state.known_paths = known_paths_of(_impl->state);
}

void server::stream(std::string path, std::shared_ptr<event_stream> source) {
  const std::lock_guard lock(_impl->lifecycle);
  if (_impl->current != impl::phase::idle)
    throw std::logic_error("http: stream(" + path + ") called after start()");
  if (path.empty() || path.front() != '/')
    throw std::invalid_argument("http: stream path must start with '/'");
  if (!source) throw std::invalid_argument("http: empty event stream for " + path);
  if (_impl->state.routes.contains(path) || !_impl->state.streams.try_emplace(path, std::move(source)).second)
    throw std::invalid_argument("http: duplicate route " + path);
  _impl->state.known_paths = known_paths_of(_impl->state);
}

void server::start() {
  const std::lock_guard lock(_impl->lifecycle);
  impl& im = *_impl;
  if (im.current != impl::phase::idle) throw std::logic_error("http: server started twice");
  if (im.tls_enabled() && !im.load_tls(false))
    throw std::runtime_error("http: cannot serve HTTPS: " + im.last_tls_error);
  im.listen();
  im.do_accept();
  for (const auto& [path, source] : im.state.streams) {
    source->on_publish([&im, raw = source.get()] { asio::post(im.ioc, [&im, raw] { im.broadcast(raw); }); });
  }
  if (!im.state.streams.empty()) im.schedule_heartbeat();
  im.thread = std::thread([&im] { im.run(); });
  im.current = impl::phase::running;
}

std::uint16_t server::port() const { return _impl->port.load(); }

bool server::reload_tls() {
  const std::lock_guard lock(_impl->lifecycle);
  impl& im = *_impl;
  if (!im.tls_enabled() || im.current != impl::phase::running) return false;
  const bool ok = im.load_tls(true);
  ++(ok ? im.tls_reloads_ok : im.tls_reloads_failed);
  return ok;
}

connection_figures server::connections() const {
  const server_state& state = _impl->state;
  return {state.open_connections.load(), state.connections_refused.load(), state.opts.max_connections};
}

tls_figures server::tls_status() const {
  const impl& im = *_impl;
  return {im.tls_enabled(), im.tls_reloads_ok.load(), im.tls_reloads_failed.load(),
          im.state.handshake_failures.load(), im.tls_not_after.load()};
}

std::string server::answer(std::string_view raw) const {
  const server_state& state = _impl->state;
  beast::flat_buffer buffer;
  buffer.commit(asio::buffer_copy(buffer.prepare(raw.size()), asio::buffer(raw.data(), raw.size())));
  std::string out;
  auto write = [&out](beast_response& res) {
    std::ostringstream text;
    text << res;
    out += text.str();
  };
  while (buffer.size() > 0) {  // an empty rest: the client closed
    bhttp::request_parser<bhttp::string_body> parser;
    limit(parser, state.opts);
    beast::error_code ec;
    // Each pass consumes input or ends: a parser that takes nothing more of
    // what is there (or there is nothing) has seen all this client sends.
    while (!parser.is_done()) {
      std::size_t n = 0;
      if (buffer.size() > 0) {
        n = parser.put(buffer.data(), ec);
        buffer.consume(n);
        if (ec == bhttp::error::need_more) ec = {};
        if (ec) break;
      }
      if (n == 0 && !parser.is_done()) {
        parser.put_eof(ec);
        if (!ec && !parser.is_done()) ec = bhttp::error::partial_message;
        break;
      }
    }
    if (ec) {
      if (const auto status = status_for_read_error(ec)) {
        auto res = read_error_response(*status, ec);
        finish_response(res, false, false);
        write(res);
      }
      return out;
    }
    auto r = reply_to(state, parser.get(), false);
    if (r.stream) return out + sse_preamble(*r.stream);
    finish_response(*r.res, r.head, r.keep_alive);
    write(*r.res);
    if (!r.keep_alive) return out;
  }
  return out;
}

void server::stop() {
  const std::lock_guard lock(_impl->lifecycle);
  impl& im = *_impl;
  if (im.current != impl::phase::running) {
    im.current = impl::phase::stopped;
    return;
  }
  if (std::this_thread::get_id() == im.thread.get_id()) {
    // Joining ourselves would deadlock.
    throw std::logic_error("http: server::stop() called from a handler");
  }
  for (const auto& [path, source] : im.state.streams) source->on_publish({});
  asio::post(im.ioc, [&im] { im.close_all(); });
  im.thread.join();
  // If the loop ever ran out of work before close_all ran, still free the port.
  beast::error_code ignored;
  im.acceptor.close(ignored);
  im.current = impl::phase::stopped;
}

}  // namespace ccpulse::http
