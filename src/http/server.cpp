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
#include <deque>
#include <cstdio>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
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
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop

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

class session;

// Everything the connections share. Only the server thread touches it once
// start() has returned (routes and options are immutable by then).
struct server_state {
  server::options opts;
  std::map<std::string, handler, std::less<>> routes;
  std::map<std::string, std::shared_ptr<event_stream>, std::less<>> streams;
  std::unordered_set<session*> streaming;  // sessions that became SSE streams
  std::string known_paths;                // "/healthz /metrics", for 404 bodies
  std::unordered_set<session*> sessions;  // open connections, to close on stop
  bool stopping = false;
};

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
        target.substr(0, question), question == std::string_view::npos ? std::string_view{} : target.substr(question + 1),
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
  return "HTTP/1.1 200 OK\r\nServer: ccpulse\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
         "X-Content-Type-Options: nosniff\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\nretry: " +
         std::to_string(source.opts().retry.count()) + "\n\n";
}

// One TCP connection: read a request, write its response, repeat while the
// client keeps the connection alive. Lives as long as an operation of its own
// is pending (each completion handler holds a shared_ptr).
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket&& socket, server_state& state, bool reject)
      : _stream(std::move(socket)), _state(state), _reject(reject) {
    _state.sessions.insert(this);
  }
  ~session() {
    _state.sessions.erase(this);
    if (_stream_source) {
      _state.streaming.erase(this);
      --_stream_source->clients;
    }
  }

  session(const session&) = delete;
  session& operator=(const session&) = delete;
  session(session&&) = delete;
  session& operator=(session&&) = delete;

  void run() { do_read(); }
  const event_stream* source() const { return _stream_source.get(); }

  // SSE: queues what the stream has after the last event this client got;
  // a client that let more than max_pending_bytes pile up is dropped.
  void pull() {
    for (auto& e : _stream_source->since(_last_event)) {
      _last_event = e.id;
      enqueue(std::move(e.text));
    }
  }

  // SSE: a comment when nothing was written for a heartbeat period.
  void heartbeat(std::chrono::steady_clock::time_point now) {
    if (now - _last_write < _stream_source->opts().heartbeat) return;
    static const auto beat = std::make_shared<const std::string>(": heartbeat\n\n");
    enqueue(beat);
  }

  // Aborts whatever is pending; the completion handlers then release us.
  void close() {
    beast::error_code ignored;
    _stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    _stream.close();
  }

 private:
  std::chrono::seconds timeout() const {
    return _reject ? std::min(_state.opts.idle_timeout, reject_timeout) : _state.opts.idle_timeout;
  }

  void do_read() {
    _parser.emplace();
    limit(*_parser, _state.opts);
    // Bounds the whole request, so a slow sender (slowloris) cannot hold a
    // connection longer than an idle one.
    _stream.expires_after(timeout());
    bhttp::async_read(_stream, _buffer, *_parser,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_read(ec);
                      });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream) {
      shutdown_send();
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
    _stream.expires_after(timeout());
    bhttp::async_write(_stream, _res,
                       [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                         self->on_write(ec, keep_alive);
                       });
  }

  void on_write(beast::error_code ec, bool keep_alive) {
    if (ec) return;
    if (!keep_alive || _state.stopping) {
      shutdown_send();
      if (!_state.stopping) {
        _buffer.consume(_buffer.size());
        _stream.expires_after(std::min<std::chrono::seconds>(timeout(), linger_timeout));
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
    _stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  // Discards input until the client closes, the linger deadline passes or
  // linger_max_bytes have been read.
  void drain() {
    _stream.async_read_some(_buffer.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
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
  // timer bounds writes only.
  void watch_close() {
    _stream.socket().async_read_some(asio::buffer(_discard),
                                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
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
    _stream.expires_after(_state.opts.idle_timeout);
    asio::async_write(_stream, asio::buffer(*_queue.front()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
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

  beast::tcp_stream _stream;
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
    const auto results =
        resolver.resolve(state.opts.bind, std::to_string(state.opts.port),
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
    if (open >= 2 * limit) {
      // Even 503s cost a connection each; past this point, shed silently.
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<session>(std::move(socket), state, open >= limit)->run();
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
    const std::vector<session*> open(state.sessions.begin(), state.sessions.end());
    for (session* s : open) s->close();
  }

  // On the server thread, after a publish: every client of that stream.
  void broadcast(const event_stream* source) {
    const std::vector<session*> open(state.streaming.begin(), state.streaming.end());
    for (session* s : open)
      if (s->source() == source) s->pull();
  }

  void schedule_heartbeat() {
    heartbeat_timer.expires_after(std::chrono::seconds(1));
    heartbeat_timer.async_wait([this](beast::error_code ec) {
      if (ec || state.stopping) return;
      const auto now = std::chrono::steady_clock::now();
      const std::vector<session*> open(state.streaming.begin(), state.streaming.end());
      for (session* s : open) s->heartbeat(now);
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
};

server::server(options o) {
  if (o.max_connections == 0) throw std::invalid_argument("http: max_connections must be at least 1");
  if (o.idle_timeout <= std::chrono::seconds::zero()) {
    throw std::invalid_argument("http: idle_timeout must be positive");
  }
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
  if (_impl->current != impl::phase::idle) throw std::logic_error("http: stream(" + path + ") called after start()");
  if (path.empty() || path.front() != '/') throw std::invalid_argument("http: stream path must start with '/'");
  if (!source) throw std::invalid_argument("http: empty event stream for " + path);
  if (_impl->state.routes.contains(path) || !_impl->state.streams.try_emplace(path, std::move(source)).second)
    throw std::invalid_argument("http: duplicate route " + path);
  _impl->state.known_paths = known_paths_of(_impl->state);
}

void server::start() {
  const std::lock_guard lock(_impl->lifecycle);
  impl& im = *_impl;
  if (im.current != impl::phase::idle) throw std::logic_error("http: server started twice");
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
