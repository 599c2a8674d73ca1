#include "kafka/connect_diagnosis.h"

#include <doctest/doctest.h>

using namespace ccpulse::kafka;

// The texts below are librdkafka 2.0.2's (Debian 12, OpenSSL 3), as its
// error callback reported them against scripts/kafka-up --tls brokers.

TEST_CASE("a certificate signed by another CA names the broker and ssl.ca.location") {
  const auto d = diagnose_tls_failure(
      "sasl_ssl://127.0.0.1:55735/bootstrap: SSL handshake failed: error:0A000086:SSL routines::certificate "
      "verify "
      "failed: broker certificate could not be verified, verify that ssl.ca.location is correctly configured "
      "or "
      "root CA certificates are installed (install ca-certificates package) (after 63ms in state "
      "SSL_HANDSHAKE)");
  CHECK(d.message ==
        "TLS handshake with 127.0.0.1:55735 failed: certificate verify failed (check ssl.ca.location: the "
        "broker's "
        "certificate is not signed by a CA in it, or does not name 127.0.0.1)");
  CHECK(d.permanent);
}

TEST_CASE("OpenSSL 1.1's error text and a suppressed-repeat note read the same") {
  const auto d = diagnose_tls_failure(
      "ssl://kafka-1.example.com:9093/1: SSL handshake failed: error:1416F086:SSL "
      "routines:tls_process_server_certificate:certificate verify failed: broker certificate could not be "
      "verified (after 4ms in state SSL_HANDSHAKE, 1 identical error(s) suppressed)");
  CHECK(d.message ==
        "TLS handshake with kafka-1.example.com:9093 failed: certificate verify failed (check "
        "ssl.ca.location: the "
        "broker's certificate is not signed by a CA in it, or does not name kafka-1.example.com)");
}

TEST_CASE("a TLS client at a port without TLS is told to check security.protocol") {
  const auto d = diagnose_tls_failure(
      "ssl://127.0.0.1:39998/bootstrap: SSL handshake failed: error:0A00010B:SSL routines::wrong version "
      "number "
      "(after 39ms in state SSL_HANDSHAKE)");
  CHECK(d.message ==
        "TLS handshake with 127.0.0.1:39998 failed: wrong version number (the broker's port does not speak "
        "TLS: "
        "check security.protocol and the port in bootstrap.servers)");
  CHECK(d.permanent);
}

TEST_CASE("a hang-up during the handshake is worth retrying until the deadline") {
  const auto d = diagnose_tls_failure(
      "ssl://127.0.0.1:39999/bootstrap: SSL handshake failed: error:0A000126:SSL routines::unexpected eof "
      "while "
      "reading (after 0ms in state SSL_HANDSHAKE)");
  CHECK(d.message.starts_with("TLS handshake with 127.0.0.1:39999 failed: unexpected eof while reading ("));
  CHECK_FALSE(d.permanent);
}

TEST_CASE("a refused handshake points at the client certificate") {
  const auto d = diagnose_tls_failure(
      "ssl://[::1]:9093/bootstrap: SSL handshake failed: error:0A000410:SSL routines::sslv3 alert handshake "
      "failure (after 2ms in state SSL_HANDSHAKE)");
  CHECK(d.message ==
        "TLS handshake with [::1]:9093 failed: sslv3 alert handshake failure (the broker refused the "
        "handshake: "
        "does it require a client certificate? see ssl.certificate.location and ssl.key.location)");
}

TEST_CASE("an unknown TLS failure keeps librdkafka's words") {
  const auto d =
      diagnose_tls_failure("ssl://h:1/bootstrap: SSL handshake failed: something new (after 1ms in state X)");
  CHECK(d.message == "TLS handshake with h:1 failed: something new");
  CHECK(d.permanent);
  CHECK(diagnose_tls_failure("no broker named here").message == "TLS handshake failed: no broker named here");
}

TEST_CASE("a wrong password names the broker and the SASL settings") {
  const auto d = diagnose_authentication_failure(
      "sasl_ssl://127.0.0.1:55735/bootstrap: SASL authentication error: Authentication failed during "
      "authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256 (after 401ms in state "
      "AUTH_REQ)");
  CHECK(d.message ==
        "SASL authentication with 127.0.0.1:55735 failed: Authentication failed during authentication due to "
        "invalid "
        "credentials with SASL mechanism SCRAM-SHA-256 (check sasl.mechanisms, sasl.username and "
        "sasl.password)");
  CHECK(d.permanent);
}
