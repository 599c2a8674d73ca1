// Fuzz target: bytes a client sends on one connection -> the bytes it gets,
// through the server's real parser limits, access check, router and
// response framing (server::answer) and the floor's routes that read the
// request (wallboard files with ETags, the / redirect, at-risk's query).
// The first byte picks an open server or one guarded by tokens.
// Invariants: every answer is HTTP/1.x framed; no handler fails (500).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "http/floor_routes.h"
#include "http/server.h"

namespace {

std::unique_ptr<ccpulse::http::server> make_server(bool guarded) {
  namespace h = ccpulse::http;
  h::server::options o;
  if (guarded) o.access = h::access_policy({"floor-token-0123456789", "metrics-token-0123456789"});
  auto s = std::make_unique<h::server>(o);
  h::add_wallboard_routes(*s);
  h::add_at_risk_route(*s, [](const h::at_risk_query& q) {
    return std::string(q.scope == h::at_risk_scope::instance ? "instance " : "cluster ") +
           std::to_string(q.limit);
  });
  s->route("/metrics", [](const h::request&) { return h::response{200, "text/plain", "ccpulse_up 1\n"}; });
  s->route("/healthz", [](const h::request&) { return h::response{200, "text/plain", "ok\n"}; });
  s->stream("/api/v1/stream", std::make_shared<h::event_stream>());
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto open = make_server(false);
  static const auto guarded = make_server(true);
  if (size == 0) return 0;
  const auto& s = (data[0] & 1) ? *guarded : *open;
  const std::string out = s.answer(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  if (out.empty()) return 0;
  if (out.rfind("HTTP/1.", 0) != 0) std::abort();
  if (out.find(" 500 Internal Server Error\r\n") != std::string::npos) std::abort();
  return 0;
}
