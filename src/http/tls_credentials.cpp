#include "http/tls_credentials.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace ccpulse::http {

namespace {

// OpenSSL's queued reasons, oldest first ("PEM routines::no start line").
std::string openssl_reasons() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    const char* lib = ERR_lib_error_string(e);
    const char* reason = ERR_reason_error_string(e);
    std::string one =
        std::string(lib ? lib : "OpenSSL") + ": " + (reason ? reason : "error " + std::to_string(e));
    if (out.find(one) != std::string::npos) continue;
    if (!out.empty()) out += "; ";
    out += one;
  }
  return out.empty() ? "OpenSSL gave no reason" : out;
}

// A plain reason for what OpenSSL reports obscurely: a missing or
// unreadable file, a directory.
std::string unreadable(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return "it is a directory";
  std::ifstream probe(path, std::ios::binary);
  if (!probe) return std::generic_category().message(errno);
  return {};
}

tls_credentials failure(const std::string& file, bool key, std::string why) {
  ERR_clear_error();
  tls_credentials c;
  c.failed_file = file;
  c.key_failed = key;
  c.error = std::move(why);
  return c;
}

std::int64_t not_after_of(const X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string subject_of(const X509* cert) {
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0) return {};
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

// An encrypted key would make OpenSSL prompt on the terminal; fail instead.
int no_passphrase(char*, int, int, void*) { return 0; }

EVP_PKEY* read_key(const std::string& path) {
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), BIO_free);
  return bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr;
}

}  // namespace

tls_credentials load_tls_credentials(const std::string& cert_file, const std::string& key_file) {
  ERR_clear_error();
  if (auto why = unreadable(cert_file); !why.empty()) return failure(cert_file, false, "cannot read: " + why);
  if (auto why = unreadable(key_file); !why.empty()) return failure(key_file, true, "cannot read: " + why);
  std::shared_ptr<ssl_ctx_st> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx) return failure(cert_file, false, "cannot create a TLS context: " + openssl_reasons());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // No renegotiation: an SSE stream's watcher reads the raw socket
  // (server.cpp), so the TLS layer must never need to read mid-stream.
  SSL_CTX_set_options(ctx.get(),
                      SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1)
    return failure(cert_file, false, "not a PEM certificate chain: " + openssl_reasons());
  // Parsed apart from its use, so "not a key" and "not this certificate's
  // key" get different messages.
  const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(read_key(key_file), EVP_PKEY_free);
  if (!key) return failure(key_file, true, "not an unencrypted PEM private key: " + openssl_reasons());
  if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 || SSL_CTX_check_private_key(ctx.get()) != 1)
    return failure(key_file, true,
                   "not the key of the certificate in " + cert_file + ": " + openssl_reasons());
  tls_credentials c;
  const X509* leaf = SSL_CTX_get0_certificate(ctx.get());
  c.not_after = not_after_of(leaf);
  c.subject = subject_of(leaf);
  c.context = std::move(ctx);
  return c;
}

ssl_ctx_st* add_reference(const tls_credentials& creds) {
  SSL_CTX_up_ref(creds.context.get());
  return creds.context.get();
}

}  // namespace ccpulse::http
