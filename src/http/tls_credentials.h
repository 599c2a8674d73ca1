#pragma once
// A PEM certificate chain and its private key, loaded into an OpenSSL
// server context (TLS 1.2 at least). Shared by the config check (so
// check-config rejects a pair the server could not use) and the server's
// start and SIGHUP reload. No Asio here: the config adapter links it alone.
#include <cstdint>
#include <memory>
#include <string>

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace ccpulse::http {

struct tls_credentials {
  // Set when both files loaded and the key matches the certificate; owns
  // one reference to the context.
  std::shared_ptr<ssl_ctx_st> context;
  // Otherwise: the file at fault, which one it is, and why, in OpenSSL's
  // words.
  std::string failed_file;
  bool key_failed = false;
  std::string error;
  // The leaf certificate's notAfter (Unix seconds) and subject (RFC 2253).
  std::int64_t not_after = 0;
  std::string subject;

  bool ok() const { return context != nullptr; }
};

tls_credentials load_tls_credentials(const std::string& cert_file, const std::string& key_file);

// Hands the caller one new reference to creds.context (for an owner such
// as asio::ssl::context that frees it).
ssl_ctx_st* add_reference(const tls_credentials& creds);

}  // namespace ccpulse::http
