// server::answer: the bytes a connection gets, without a socket. The same
// decisions as a served connection (tests/integration/http_server_test.cpp
// covers those over TCP); here the framing of whole exchanges, pipelined
// requests and malformed input, through the floor's real routes.
#include <doctest/doctest.h>

#include <string>

#include "http/floor_routes.h"
#include "http/server.h"

namespace h = ccpulse::http;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

h::server floor_server(h::server::options o = {}) {
  o.max_header_bytes = 1024;
  o.max_body_bytes = 64;
  return h::server(o);
}

void add_routes(h::server& s) {
  h::add_wallboard_routes(s);
  h::add_at_risk_route(
      s, [](const h::at_risk_query& q) { return "{\"limit\":" + std::to_string(q.limit) + "}"; });
  s.route("/healthz", [](const h::request&) { return h::response{200, "text/plain", "ok\n"}; });
  s.stream("/api/v1/stream", std::make_shared<h::event_stream>());
}

}  // namespace

TEST_CASE("answer: a GET gets the route's response with the server's headers and framing") {
  auto s = floor_server();
  add_routes(s);
  const auto out = s.answer("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(out.find("Server: ccpulse\r\n") != std::string::npos);
  CHECK(out.find("Content-Length: 3\r\n") != std::string::npos);
  CHECK(out.ends_with("\r\n\r\nok\n"));
}

TEST_CASE("answer: pipelined keep-alive requests get one response each, in order, until Connection: close") {
  auto s = floor_server();
  add_routes(s);
  const auto out = s.answer(
      "GET /api/v1/at-risk?limit=7 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/at-risk?limit=zero HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(count(out, "HTTP/1.1 ") == 3);  // nothing after the close
  const auto first = out.find("{\"limit\":7}");
  const auto second = out.find("HTTP/1.1 404 Not Found");
  const auto third = out.find("HTTP/1.1 400 Bad Request");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  REQUIRE(third != std::string::npos);
  CHECK(first < second);
  CHECK(second < third);
  CHECK(out.find("known paths: / /api/v1/at-risk /api/v1/stream /healthz /wallboard") != std::string::npos);
}

TEST_CASE("answer: malformed, oversized and truncated requests get a 4xx or nothing, never more") {
  auto s = floor_server();
  add_routes(s);
  CHECK(s.answer("GARBAGE\r\n\r\n").rfind("HTTP/1.1 400 ", 0) == 0);
  CHECK(s.answer("GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n").rfind("HTTP/1.1 431 ", 0) ==
        0);
  const auto big = s.answer("GET /healthz HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'b'));
  CHECK(big.rfind("HTTP/1.1 413 ", 0) == 0);
  CHECK(big.find("Connection: close") != std::string::npos);
  // The peer went away mid-request: nobody would read an answer.
  CHECK(s.answer("GET /healthz HTTP/1.1\r\nHost:").empty());
  CHECK(s.answer("").empty());
  // A good request, then a bad one: the good one is answered first.
  const auto mixed = s.answer("GET /healthz HTTP/1.1\r\n\r\nBAD\x01\r\n\r\n");
  CHECK(mixed.rfind("HTTP/1.1 200 ", 0) == 0);
  CHECK(mixed.find("HTTP/1.1 400 ") != std::string::npos);
}

TEST_CASE("answer: HEAD keeps GET's length without a body, and a matching ETag gets 304 without one") {
  auto s = floor_server();
  add_routes(s);
  const auto get = s.answer("GET /wallboard HTTP/1.1\r\nConnection: close\r\n\r\n");
  const auto tag_at = get.find("ETag: ");
  REQUIRE(tag_at != std::string::npos);
  const auto tag = get.substr(tag_at + 6, get.find("\r\n", tag_at) - tag_at - 6);
  const auto head = s.answer("HEAD /wallboard HTTP/1.1\r\nConnection: close\r\n\r\n");
  const auto length = [](const std::string& r) {
    const auto at = r.find("Content-Length: ");
    return at == std::string::npos ? std::string() : r.substr(at + 16, r.find("\r\n", at) - at - 16);
  };
  CHECK(!length(get).empty());
  CHECK(length(head) == length(get));
  CHECK(head.ends_with("\r\n\r\n"));
  const auto again =
      s.answer("GET /wallboard HTTP/1.1\r\nIf-None-Match: " + tag + "\r\nConnection: close\r\n\r\n");
  CHECK(again.rfind("HTTP/1.1 304 ", 0) == 0);
  CHECK(again.ends_with("\r\n\r\n"));
}

TEST_CASE(
    "answer: a stream answers its preamble, and with tokens a request without one learns nothing else") {
  auto open = floor_server();
  add_routes(open);
  const auto sse = open.answer("GET /api/v1/stream HTTP/1.1\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n");
  CHECK(sse.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(sse.find("Content-Type: text/event-stream") != std::string::npos);
  CHECK(count(sse, "HTTP/1.1 ") == 1);  // the connection is the stream's now

  h::server::options o;
  o.access = h::access_policy({"floor-token-0123456789", "metrics-token-0123456789"});
  auto guarded = floor_server(o);
  add_routes(guarded);
  const auto refused = guarded.answer("GET /api/v1/at-risk HTTP/1.1\r\nConnection: close\r\n\r\n");
  CHECK(refused.rfind("HTTP/1.1 401 ", 0) == 0);
  CHECK(refused.find("WWW-Authenticate: Bearer") != std::string::npos);
  CHECK(refused.find("limit") == std::string::npos);
  const auto allowed = guarded.answer(
      "GET /api/v1/at-risk HTTP/1.1\r\nAuthorization: Bearer floor-token-0123456789\r\nConnection: "
      "close\r\n\r\n");
  CHECK(allowed.rfind("HTTP/1.1 200 ", 0) == 0);
  CHECK(guarded.answer("GET /healthz HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200 ", 0) == 0);  // probes stay open
}

TEST_CASE("answer: more header fields than allowed get 431 naming the limit, and the connection closes") {
  h::server::options o;
  o.max_header_fields = 8;
  auto s = floor_server(o);
  add_routes(s);
  std::string many = "GET /healthz HTTP/1.1\r\n";
  for (int i = 0; i < 9; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  const auto out = s.answer(many + "\r\nGET /healthz HTTP/1.1\r\n\r\n");
  CHECK(out.rfind("HTTP/1.1 431 ", 0) == 0);
  CHECK(out.find("9 header fields, at most 8") != std::string::npos);
  CHECK(count(out, "HTTP/1.1 ") == 1);
  std::string eight = "GET /healthz HTTP/1.1\r\n";
  for (int i = 0; i < 8; ++i) eight += "X-" + std::to_string(i) + ": v\r\n";
  CHECK(s.answer(eight + "\r\n").rfind("HTTP/1.1 200 ", 0) == 0);
}

TEST_CASE(
    "answer: a body cut short of its Content-Length ends the exchange without an answer (fuzz regression)") {
  // The loop that fed the parser spun when a body part was taken and
  // nothing was left (tests/fuzz/regressions/http_request).
  auto s = floor_server();
  add_routes(s);
  CHECK(s.answer("POST /api/v1/at-risk HTTP/1.1\r\nContent-Length: 5\r\n\r\n\r\n").empty());
  CHECK(s.answer("POST /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab").empty());
  CHECK(s.answer("GET /healthz HTTP/1.1\r\nContent-Length: 2\r\n\r\nab").rfind("HTTP/1.1 200 ", 0) == 0);
}
