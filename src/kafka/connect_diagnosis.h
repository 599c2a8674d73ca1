#pragma once
// librdkafka's text for a failed broker connection, e.g.
//   sasl_ssl://127.0.0.1:9093/bootstrap: SSL handshake failed:
//   error:0A000086:SSL routines::certificate verify failed: broker
//   certificate could not be verified, ... (after 63ms in state SSL_HANDSHAKE)
// turned into the one line an operator acts on, and whether waiting could
// mend it. Text in, text out: unit tests need neither broker nor librdkafka.
#include <string>
#include <string_view>

namespace ccpulse::kafka {

struct connect_diagnosis {
  std::string message;
  // The same configuration fails the same way on every retry (wrong CA,
  // wrong password), so a start-up check may stop at once.
  bool permanent = true;
};

// For RD_KAFKA_RESP_ERR__SSL: "TLS handshake with 127.0.0.1:9093 failed:
// certificate verify failed (check ssl.ca.location: ...)".
connect_diagnosis diagnose_tls_failure(std::string_view reason);

// For RD_KAFKA_RESP_ERR__AUTHENTICATION: "SASL authentication with
// 127.0.0.1:9093 failed: ... (check sasl.username, ...)".
connect_diagnosis diagnose_authentication_failure(std::string_view reason);

}  // namespace ccpulse::kafka
