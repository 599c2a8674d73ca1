// Server-Sent Events (http::event_stream through http::server::stream) over
// real loopback sockets: the latest state at connect, resume by
// Last-Event-ID, heartbeats, a slow client dropped without delaying anyone,
// many clients at once, and the extra response headers. Ports are 0.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/event_stream.h"
#include "http/http_get.h"
#include "http/server.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::http::event_stream;
using ccpulse::http::server;
using clock_type = std::chrono::steady_clock;

// A blocking client on one socket; every read waits with a deadline.
class sse_client {
 public:
  sse_client(std::uint16_t port, const std::string& target, const std::string& extra_headers = {},
             int receive_buffer = 0) {
    _fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (_fd < 0) throw std::runtime_error("socket");
    if (receive_buffer > 0) ::setsockopt(_fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect");
    const std::string req =
        "GET " + target + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n" + extra_headers + "\r\n";
    if (::send(_fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
      throw std::runtime_error("send");
  }
  ~sse_client() { ::close(_fd); }
  sse_client(const sse_client&) = delete;
  sse_client& operator=(const sse_client&) = delete;

  // Reads until `needle` is in what was received (true) or the deadline.
  bool wait_for(const std::string& needle, std::chrono::milliseconds within = 5s) {
    const auto until = clock_type::now() + within;
    while (_seen.find(needle) == std::string::npos) {
      if (!read_some(until)) return false;
    }
    return true;
  }
  // True once the server closed the connection (EOF or reset) by the deadline.
  bool wait_closed(std::chrono::milliseconds within = 5s) {
    const auto until = clock_type::now() + within;
    while (!_closed)
      if (!read_some(until) && !_closed) return false;
    return true;
  }
  const std::string& seen() const { return _seen; }

 private:
  bool read_some(clock_type::time_point until) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_type::now()).count();
    if (left <= 0 || _closed) return false;
    pollfd p{_fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char buf[65536];
    const auto n = ::recv(_fd, buf, sizeof buf, 0);
    if (n <= 0) {
      _closed = true;
      return false;
    }
    _seen.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  int _fd = -1;
  std::string _seen;
  bool _closed = false;
};

struct fixture {
  explicit fixture(event_stream::options o = {}) : events(std::make_shared<event_stream>(o)) {
    server::options so;
    so.port = 0;
    http = std::make_unique<server>(so);
    http->stream("/api/v1/stream", events);
    http->route("/metrics", [](const ccpulse::http::request&) {
      return ccpulse::http::response{200, "text/plain", "up 1\n"};
    });
    http->route("/", [](const ccpulse::http::request&) {
      ccpulse::http::response r{302, "text/plain", "see /wallboard\n"};
      r.headers = {{"Location", "/wallboard"}};
      return r;
    });
    http->start();
  }
  std::shared_ptr<event_stream> events;
  std::unique_ptr<server> http;
  std::uint16_t port() const { return http->port(); }
};

bool eventually(const std::function<bool()>& f, std::chrono::milliseconds within = 5s) {
  const auto until = clock_type::now() + within;
  while (!f()) {
    if (clock_type::now() > until) return false;
    std::this_thread::sleep_for(5ms);  // polling a condition, with a deadline
  }
  return true;
}

}  // namespace

TEST_CASE("sse: a client gets the retry delay and the latest state at once, then every new event in order") {
  fixture f;
  f.events->publish("board", "{\"n\":1}");
  f.events->publish("board", "{\"n\":2}");
  sse_client c(f.port(), "/api/v1/stream");
  REQUIRE(c.wait_for("data: {\"n\":2}\n\n"));
  CHECK(c.seen().find("HTTP/1.1 200 OK") == 0);
  CHECK(c.seen().find("Content-Type: text/event-stream") != std::string::npos);
  CHECK(c.seen().find("retry: 2000\n") != std::string::npos);
  CHECK(c.seen().find("id: 2\nevent: board\n") != std::string::npos);
  CHECK(c.seen().find("{\"n\":1}") == std::string::npos);  // a whole state each: the latest only
  REQUIRE(eventually([&] { return f.events->clients.load() == 1; }));
  f.events->publish("board", "line one\nline two");
  REQUIRE(c.wait_for("id: 3\nevent: board\ndata: line one\ndata: line two\n\n"));
  f.events->publish("board", "{\"n\":4}");
  REQUIRE(c.wait_for("id: 4\n"));
  CHECK(c.seen().find("id: 3") < c.seen().find("id: 4"));
}

TEST_CASE("sse: a reconnect with Last-Event-ID gets exactly what it missed, an unknown id the latest") {
  event_stream::options o;
  o.history = 4;
  fixture f(o);
  for (int i = 1; i <= 6; ++i) f.events->publish("board", "e" + std::to_string(i));  // ids 3..6 kept
  sse_client resume(f.port(), "/api/v1/stream", "Last-Event-ID: 4\r\n");
  REQUIRE(resume.wait_for("data: e6\n\n"));
  CHECK(resume.seen().find("data: e5\n") != std::string::npos);
  CHECK(resume.seen().find("data: e4\n") == std::string::npos);
  sse_client query(f.port(), "/api/v1/stream?last_event_id=3");
  REQUIRE(query.wait_for("data: e6\n\n"));
  CHECK(query.seen().find("data: e4\n") != std::string::npos);
  CHECK(query.seen().find("data: e3\n") == std::string::npos);
  sse_client too_old(f.port(), "/api/v1/stream", "Last-Event-ID: 1\r\n");
  REQUIRE(too_old.wait_for("data: e6\n\n"));
  CHECK(too_old.seen().find("data: e5") == std::string::npos);
  sse_client from_elsewhere(f.port(), "/api/v1/stream", "Last-Event-ID: 999\r\n");  // an earlier process's id
  REQUIRE(from_elsewhere.wait_for("data: e6\n\n"));
  sse_client current(f.port(), "/api/v1/stream",
                     "Last-Event-ID: 6\r\n");  // up to date: nothing until the next
  f.events->publish("board", "e7");
  REQUIRE(current.wait_for("data: e7\n\n"));
  CHECK(current.seen().find("data: e6") == std::string::npos);
}

TEST_CASE("sse: a heartbeat comment arrives when nothing is published") {
  event_stream::options o;
  o.heartbeat = 1s;
  fixture f(o);
  sse_client c(f.port(), "/api/v1/stream");
  CHECK(c.wait_for(": heartbeat\n\n", 4s));
}

TEST_CASE(
    "sse: a client that does not read is dropped past its limit, and neither the others nor /metrics are "
    "delayed") {
  event_stream::options o;
  o.max_pending_bytes = 256 * 1024;
  fixture f(o);
  sse_client slow(f.port(), "/api/v1/stream", {}, 4096);  // never reads
  sse_client fast(f.port(), "/api/v1/stream");
  REQUIRE(eventually([&] { return f.events->clients.load() == 2; }));
  const std::string big(64 * 1024, 'x');
  for (int i = 1; i <= 200 && f.events->clients_dropped_slow.load() == 0; ++i) {
    f.events->publish("board", big + std::to_string(i));
    REQUIRE_MESSAGE(fast.wait_for(std::to_string(i) + "\n\n", 2s), "the fast client lagged at event " << i);
  }
  CHECK(f.events->clients_dropped_slow.load() == 1);
  const auto t = clock_type::now();
  CHECK(ccpulse::http::http_get("127.0.0.1", f.port(), "/metrics", 2s).status == 200);
  CHECK(clock_type::now() - t < 1s);
  CHECK(eventually([&] { return f.events->clients.load() == 1; }));
}

TEST_CASE("sse: 200 clients at once all get a published event") {
  fixture f;
  std::vector<std::unique_ptr<sse_client>> clients;
  for (int i = 0; i < 200; ++i) clients.push_back(std::make_unique<sse_client>(f.port(), "/api/v1/stream"));
  REQUIRE(eventually([&] { return f.events->clients.load() == 200; }, 10s));
  f.events->publish("board", "to-everyone");
  for (auto& c : clients) REQUIRE(c->wait_for("data: to-everyone\n\n"));
  CHECK(ccpulse::http::http_get("127.0.0.1", f.port(), "/metrics", 2s).status == 200);
}

TEST_CASE("sse: stop closes open streams promptly, and a handler's extra headers reach the client") {
  fixture f;
  sse_client redirect(f.port(), "/");
  REQUIRE(redirect.wait_for("\r\n\r\n"));
  CHECK(redirect.seen().find("HTTP/1.1 302") == 0);
  CHECK(redirect.seen().find("Location: /wallboard\r\n") != std::string::npos);
  sse_client c(f.port(), "/api/v1/stream");
  REQUIRE(c.wait_for("retry:"));
  const auto t = clock_type::now();
  f.http->stop();
  CHECK(clock_type::now() - t < 2s);
  CHECK(c.wait_closed(2s));
}
