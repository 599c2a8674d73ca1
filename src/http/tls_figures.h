#pragma once
// The HTTPS server's figures for /metrics (server::tls_status()).
#include <cstdint>

namespace ccpulse::http {

struct tls_figures {
  bool enabled = false;  // http.tls set; nothing is exported otherwise
  std::uint64_t reloads_ok = 0;
  std::uint64_t reloads_failed = 0;
  std::uint64_t handshake_failures = 0;
  std::int64_t certificate_not_after = 0;  // Unix seconds, of the certificate new connections get
};

}  // namespace ccpulse::http
