#pragma once
// The HTTP server's connections for /metrics (server::connections()).
#include <cstdint>

namespace ccpulse::http {

struct connection_figures {
  std::uint64_t open = 0;
  // Connections accepted at or over max_connections: answered 503, or
  // closed unanswered past twice the limit. A process counter.
  std::uint64_t refused = 0;
  std::uint64_t max_connections = 0;  // 0: no server; nothing is exported
};

}  // namespace ccpulse::http
