#pragma once
// Minimal blocking HTTP/1.1 GET client, for tests and health checks
// (`ccpulse` probing its own /readyz). Not for production traffic: one
// connection per call, no redirects, no TLS.
#include <chrono>
#include <cstdint>
#include <string>

namespace ccpulse::http {

struct fetch_result {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

// GET http://host:port/target. Any status is a result (a 500 is returned, not
// thrown); failing to resolve, connect, send or parse throws std::system_error
// naming host:port and target, and so does exceeding `timeout`, which bounds
// the whole exchange.
fetch_result http_get(const std::string& host, std::uint16_t port, const std::string& target,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace ccpulse::http
