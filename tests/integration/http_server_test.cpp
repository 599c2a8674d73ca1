// ccpulse::http::server over real loopback sockets: routing, framing,
// keep-alive, limits, failures and shutdown. Ports are always 0 (any free).

// Asio's fences under -fsanitize=thread; see src/http/server.cpp.
#if defined(__GNUC__) && !defined(__clang__)  // clang has no -Wtsan
#pragma GCC diagnostic ignored "-Wtsan"
#endif
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

// GCC 12 reports -Wnull-dereference inside Asio's scheduler once inlined; see
// src/http/server.cpp.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop

#include <doctest/doctest.h>

#include "http/http_get.h"
#include "http/server.h"
#include "test_cluster.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using ccpulse::http::http_get;
using ccpulse::http::request;
using ccpulse::http::response;
using ccpulse::http::server;

constexpr const char* loopback = "127.0.0.1";
const std::string metrics_body = "# TYPE up gauge\nup 1\n";

server::options any_port() {
  server::options o;
  o.port = 0;
  return o;
}

// The routes most tests use; `calls` counts handler invocations.
void add_routes(server& s, std::atomic<int>& calls) {
  s.route("/healthz", [&calls](const request&) {
    ++calls;
    return response{200, "text/plain; charset=utf-8", "ok\n"};
  });
  s.route("/metrics", [&calls](const request&) {
    ++calls;
    return response{200, "text/plain; version=0.0.4; charset=utf-8", metrics_body};
  });
}

// A plain Beast client on one connection, so tests control keep-alive,
// methods and headers. Every operation runs on a private io_context under a
// deadline, so a misbehaving server fails the test instead of hanging it.
class raw_client {
 public:
  explicit raw_client(std::uint16_t port) {
    beast::error_code result;
    _stream.expires_after(5s);
    _stream.async_connect(tcp::endpoint(asio::ip::make_address(loopback), port),
                          [&result](beast::error_code ec) { result = ec; });
    run();
    if (result) throw std::system_error(result, "raw_client connect");
  }

  void write(bhttp::request<bhttp::string_body> req) {
    req.prepare_payload();
    beast::error_code result;
    _stream.expires_after(5s);
    bhttp::async_write(_stream, req, [&result](beast::error_code ec, std::size_t) { result = ec; });
    run();
    if (result) throw std::system_error(result, "raw_client write");
  }

  // Reads one response; `head` tells the parser not to expect a body.
  bhttp::response<bhttp::string_body> read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    const beast::error_code ec = read_into(parser);
    if (ec) throw std::system_error(ec, "raw_client read");
    return parser.release();
  }

  bhttp::response<bhttp::string_body> exchange(bhttp::verb verb, const std::string& target) {
    write(make_request(verb, target));
    return read(verb == bhttp::verb::head);
  }

  // Waits up to `limit` for the next response and returns how reading ended:
  // end_of_stream once the server has closed the connection.
  beast::error_code read_error(std::chrono::seconds limit = 5s) {
    bhttp::response_parser<bhttp::string_body> parser;
    return read_into(parser, limit);
  }

  // Sends bytes as they are; false once the server has closed (EPIPE/RST).
  bool send_raw(const std::string& bytes) {
    beast::error_code ec;
    asio::write(_stream.socket(), asio::buffer(bytes), ec);
    return !ec;
  }

  // Whether the server closes the connection within `limit` (its input
  // reads as end of file); bytes it sends first are discarded.
  bool closed_within(std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{_stream.socket().native_handle(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[512];
      const auto n = ::recv(p.fd, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
  }

  static bhttp::request<bhttp::string_body> make_request(bhttp::verb verb, const std::string& target) {
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, loopback);
    return req;
  }

 private:
  beast::error_code read_into(bhttp::response_parser<bhttp::string_body>& parser,
                              std::chrono::seconds limit = 5s) {
    beast::error_code result;
    _stream.expires_after(limit);
    bhttp::async_read(_stream, _buffer, parser,
                      [&result](beast::error_code ec, std::size_t) { result = ec; });
    run();
    return result;
  }

  void run() {
    _ioc.restart();
    _ioc.run();
  }

  asio::io_context _ioc;
  beast::tcp_stream _stream{_ioc};
  beast::flat_buffer _buffer;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("a server started on port 0 binds a free port and serves its routes") {
  std::atomic<int> calls{0};
  server s(any_port());
  add_routes(s, calls);
  CHECK(s.port() == 0);
  s.start();
  REQUIRE(s.port() != 0);

  const auto health = http_get(loopback, s.port(), "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == "ok\n");
  const auto metrics = http_get(loopback, s.port(), "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(metrics.body == metrics_body);
  CHECK(calls == 2);
}

TEST_CASE("responses carry the Server and Cache-Control headers") {
  std::atomic<int> calls{0};
  server s(any_port());
  add_routes(s, calls);
  s.start();

  raw_client c(s.port());
  const auto res = c.exchange(bhttp::verb::get, "/metrics");
  CHECK(res.result_int() == 200);
  CHECK(res[bhttp::field::server] == "ccpulse");
  CHECK(res[bhttp::field::cache_control] == "no-store");
  CHECK(res[bhttp::field::content_length] == std::to_string(metrics_body.size()));
}

TEST_CASE("the handler sees the method, the path without the query, the query and Authorization") {
  server s(any_port());
  s.route("/echo", [](const request& r) {
    return response{200, "text/plain",
                    std::string(r.method) + "|" + std::string(r.path) + "|" + std::string(r.query) + "|" +
                        std::string(r.authorization)};
  });
  s.start();

  raw_client c(s.port());
  auto req = raw_client::make_request(bhttp::verb::get, "/echo?a=1&b=2");
  req.set(bhttp::field::authorization, "Bearer t0k");
  c.write(req);
  CHECK(c.read().body() == "GET|/echo|a=1&b=2|Bearer t0k");
  CHECK(c.exchange(bhttp::verb::get, "/echo").body() == "GET|/echo||");
}

TEST_CASE("an unknown path gets 404 whose body names the known paths") {
  std::atomic<int> calls{0};
  server s(any_port());
  add_routes(s, calls);
  s.start();

  const auto res = http_get(loopback, s.port(), "/nope");
  CHECK(res.status == 404);
  CHECK(contains(res.body, "/healthz /metrics"));
  // Matching is exact: no prefix or trailing-slash match.
  CHECK(http_get(loopback, s.port(), "/healthz/").status == 404);
  CHECK(calls == 0);
}

TEST_CASE("methods other than GET and HEAD get 405 with Allow and do not reach the handler") {
  std::atomic<int> calls{0};
  server s(any_port());
  add_routes(s, calls);
  s.start();

  raw_client c(s.port());
  for (const auto verb : {bhttp::verb::post, bhttp::verb::put, bhttp::verb::delete_}) {
    const auto res = c.exchange(verb, "/healthz");
    CHECK(res.result_int() == 405);
    CHECK(res[bhttp::field::allow] == "GET, HEAD");
  }
  CHECK(calls == 0);
}

TEST_CASE("HEAD returns GET's status and Content-Length without a body") {
  std::atomic<int> calls{0};
  server s(any_port());
  add_routes(s, calls);
  s.start();

  raw_client c(s.port());
  const auto head = c.exchange(bhttp::verb::head, "/metrics");
  CHECK(head.result_int() == 200);
  CHECK(head[bhttp::field::content_length] == std::to_string(metrics_body.size()));
  CHECK(head.body().empty());
  // Had the server sent a body, it would be misread as the next response.
  const auto get = c.exchange(bhttp::verb::get, "/metrics");
  CHECK(get.result_int() == 200);
  CHECK(get.body() == metrics_body);
}

TEST_CASE("keep-alive serves two requests over one connection") {
  std::atomic<int> calls{0};
  server s(any_port());
  add_routes(s, calls);
  s.start();

  raw_client c(s.port());
  const auto first = c.exchange(bhttp::verb::get, "/healthz");
  CHECK(first.result_int() == 200);
  CHECK(first.keep_alive());
  const auto second = c.exchange(bhttp::verb::get, "/metrics");
  CHECK(second.result_int() == 200);
  CHECK(second.body() == metrics_body);
  CHECK(calls == 2);
}

TEST_CASE("Connection: close gets its response and then the server closes") {
  std::atomic<int> calls{0};
  server s(any_port());
  add_routes(s, calls);
  s.start();

  raw_client c(s.port());
  auto req = raw_client::make_request(bhttp::verb::get, "/healthz");
  req.keep_alive(false);
  c.write(req);
  const auto res = c.read();
  CHECK(res.result_int() == 200);
  CHECK_FALSE(res.keep_alive());
  CHECK(c.read_error() == bhttp::error::end_of_stream);
}

TEST_CASE("a throwing handler yields 500 and the server keeps serving") {
  std::atomic<int> calls{0};
  server s(any_port());
  add_routes(s, calls);
  s.route("/boom", [](const request&) -> response { throw std::runtime_error("snapshot missing"); });
  s.route("/weird", [](const request&) -> response { throw 42; });
  s.start();

  raw_client c(s.port());
  CHECK(c.exchange(bhttp::verb::get, "/boom").result_int() == 500);
  CHECK(c.exchange(bhttp::verb::get, "/weird").result_int() == 500);
  // Same connection, still usable.
  CHECK(c.exchange(bhttp::verb::get, "/healthz").result_int() == 200);
  CHECK(http_get(loopback, s.port(), "/boom").status == 500);
  CHECK(http_get(loopback, s.port(), "/healthz").status == 200);
}

TEST_CASE("a handler returning a status outside 200..599 yields 500") {
  server s(any_port());
  s.route("/bad", [](const request&) { return response{42, "text/plain", "?"}; });
  s.start();
  CHECK(http_get(loopback, s.port(), "/bad").status == 500);
}

TEST_CASE("oversized request headers get 431 and the connection is closed") {
  std::atomic<int> calls{0};
  auto o = any_port();
  o.max_header_bytes = 1024;
  server s(o);
  add_routes(s, calls);
  s.start();

  raw_client c(s.port());
  auto req = raw_client::make_request(bhttp::verb::get, "/healthz");
  req.set("X-Padding", std::string(4096, 'a'));
  c.write(req);
  const auto res = c.read();
  CHECK(res.result_int() == 431);
  CHECK(c.read_error() == bhttp::error::end_of_stream);
  CHECK(calls == 0);
}

TEST_CASE("an oversized request body gets 413") {
  std::atomic<int> calls{0};
  auto o = any_port();
  o.max_body_bytes = 16;
  server s(o);
  add_routes(s, calls);
  s.start();

  raw_client c(s.port());
  auto req = raw_client::make_request(bhttp::verb::get, "/healthz");
  req.body() = std::string(1000, 'x');
  c.write(req);
  CHECK(c.read().result_int() == 413);
  CHECK(calls == 0);
}

TEST_CASE("an idle keep-alive connection is closed after idle_timeout") {
  std::atomic<int> calls{0};
  auto o = any_port();
  o.idle_timeout = 1s;
  server s(o);
  add_routes(s, calls);
  s.start();

  raw_client c(s.port());
  CHECK(c.exchange(bhttp::verb::get, "/healthz").result_int() == 200);
  const auto before = std::chrono::steady_clock::now();
  CHECK(c.read_error(5s) == bhttp::error::end_of_stream);
  const auto waited = std::chrono::steady_clock::now() - before;
  CHECK(waited >= 900ms);
  CHECK(waited < 4s);
}

TEST_CASE("a slow sender (slowloris) is cut off after idle_timeout, however steadily it trickles") {
  std::atomic<int> calls{0};
  auto o = any_port();
  o.idle_timeout = 1s;
  server s(o);
  add_routes(s, calls);
  s.start();

  raw_client c(s.port());
  const auto before = std::chrono::steady_clock::now();
  REQUIRE(c.send_raw("GET /healthz HTTP/1.1\r\n"));
  int lines = 0;
  bool closed = false;
  // A header line every 200 ms keeps the connection busy but never ends the
  // request; a per-read timeout would never fire.
  while (!closed && std::chrono::steady_clock::now() - before < 5s) {
    if (!c.send_raw("X-Slow-" + std::to_string(lines++) + ": 1\r\n")) break;
    closed = c.closed_within(200ms);
  }
  const auto waited = std::chrono::steady_clock::now() - before;
  CHECK(lines >= 3);
  CHECK(waited >= 900ms);
  CHECK(waited < 3s);
  CHECK(calls.load() == 0);
}

TEST_CASE("connections beyond max_connections get 503 until one closes") {
  std::atomic<int> calls{0};
  auto o = any_port();
  o.max_connections = 1;
  server s(o);
  add_routes(s, calls);
  s.start();

  {
    raw_client holder(s.port());
    // A completed exchange proves the server has accepted this connection.
    REQUIRE(holder.exchange(bhttp::verb::get, "/healthz").result_int() == 200);
    CHECK(s.connections().refused == 0);
    const auto rejected = http_get(loopback, s.port(), "/healthz");
    CHECK(rejected.status == 503);
    CHECK(s.connections().refused == 1);
    CHECK(s.connections().open >= 1);
  }
  // The server notices the close asynchronously; wait for it with a deadline.
  unsigned status = 0;
  ccpulse::testing::wait_for(
      [&] { return (status = http_get(loopback, s.port(), "/healthz").status) == 200; }, 5s);
  CHECK(status == 200);
}

TEST_CASE("stop is idempotent, closes open connections and frees the port") {
  std::atomic<int> calls{0};
  server s(any_port());
  add_routes(s, calls);
  s.start();
  const std::uint16_t port = s.port();

  raw_client c(port);
  CHECK(c.exchange(bhttp::verb::get, "/healthz").result_int() == 200);
  s.stop();
  s.stop();
  CHECK(c.read_error() == bhttp::error::end_of_stream);
  CHECK_THROWS_AS(http_get(loopback, port, "/healthz", 1s), std::system_error);

  auto o = any_port();
  o.port = port;
  server again(o);
  add_routes(again, calls);
  CHECK_NOTHROW(again.start());
  CHECK(http_get(loopback, port, "/healthz").status == 200);
}

TEST_CASE("start throws system_error naming bind:port when the port is taken") {
  std::atomic<int> calls{0};
  server first(any_port());
  add_routes(first, calls);
  first.start();

  auto o = any_port();
  o.port = first.port();
  server second(o);
  const std::string expected = std::string(loopback) + ":" + std::to_string(first.port());
  try {
    second.start();
    FAIL("start() should have thrown");
  } catch (const std::system_error& e) {
    CHECK(contains(e.what(), expected));
  }
  // The first server is unaffected.
  CHECK(http_get(loopback, first.port(), "/healthz").status == 200);
}

TEST_CASE("routes cannot be added after start and starting twice is an error") {
  std::atomic<int> calls{0};
  server s(any_port());
  add_routes(s, calls);
  CHECK_THROWS_AS(s.route("/healthz", [](const request&) { return response{}; }), std::invalid_argument);
  CHECK_THROWS_AS(s.route("no-slash", [](const request&) { return response{}; }), std::invalid_argument);
  s.start();
  CHECK_THROWS_AS(s.route("/late", [](const request&) { return response{}; }), std::logic_error);
  CHECK_THROWS_AS(s.start(), std::logic_error);
}

TEST_CASE("http_get throws when the server accepts but never answers") {
  asio::io_context ioc;
  // A listening socket whose connections are never accepted: the kernel
  // completes the handshake, so only the read can time out.
  tcp::acceptor silent(ioc, tcp::endpoint(asio::ip::make_address(loopback), 0));
  const std::uint16_t port = silent.local_endpoint().port();

  const auto before = std::chrono::steady_clock::now();
  try {
    (void)http_get(loopback, port, "/healthz", 300ms);
    FAIL("http_get should have timed out");
  } catch (const std::system_error& e) {
    CHECK(e.code() == std::errc::timed_out);
    CHECK(contains(e.what(), "300 ms"));
  }
  CHECK(std::chrono::steady_clock::now() - before < 3s);
}
