#include "kafka/connect_diagnosis.h"

#include <array>

namespace ccpulse::kafka {

namespace {

constexpr auto npos = std::string_view::npos;

struct broker_text {
  std::string_view broker;  // host:port, or empty when the text names none
  std::string_view detail;  // without librdkafka's "(after Nms in state S)"
};

// "sasl_ssl://127.0.0.1:9093/bootstrap: DETAIL (after 5ms in state X, ...)"
broker_text split(std::string_view reason) {
  broker_text out{{}, reason};
  const auto colon = reason.find(": ");
  if (colon != npos) {
    auto name = reason.substr(0, colon);
    if (const auto scheme = name.find("://"); scheme != npos) {
      name.remove_prefix(scheme + 3);
      // The node id or "bootstrap" after the address.
      if (const auto slash = name.rfind('/'); slash != npos) name = name.substr(0, slash);
      out.broker = name;
      out.detail = reason.substr(colon + 2);
    }
  }
  if (const auto after = out.detail.rfind(" (after "); after != npos)
    out.detail = out.detail.substr(0, after);
  return out;
}

std::string_view without_prefix(std::string_view s, std::string_view prefix) {
  if (s.starts_with(prefix)) s.remove_prefix(prefix.size());
  return s;
}

// OpenSSL's "error:0A000086:SSL routines::certificate verify failed" (3.x)
// or "error:1416F086:SSL routines:tls_process_server_certificate:certificate
// verify failed" (1.1) is "certificate verify failed"; librdkafka's own
// advice after the next ": " is replaced by ours.
std::string_view openssl_reason(std::string_view detail) {
  if (!detail.starts_with("error:")) return detail;
  std::size_t pos = 0;
  for (int field = 0; field < 4; ++field) {
    pos = detail.find(':', pos);
    if (pos == npos) return detail;
    ++pos;
  }
  const auto reason = detail.substr(pos);
  return reason.substr(0, reason.find(": "));
}

std::string host_of(std::string_view broker) {
  if (broker.starts_with('[')) return std::string(broker.substr(1, broker.find(']') - 1));  // [::1]:9093
  return std::string(broker.substr(0, broker.rfind(':')));
}

std::string with_broker(std::string_view what, std::string_view broker) {
  return std::string(what) + (broker.empty() ? "" : " with " + std::string(broker)) + " failed: ";
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != npos; }

}  // namespace

connect_diagnosis diagnose_tls_failure(std::string_view reason) {
  const auto [broker, full] = split(reason);
  const auto detail = without_prefix(full, "SSL handshake failed: ");
  const auto what = openssl_reason(detail);
  const auto head = with_broker("TLS handshake", broker);
  if (contains(what, "certificate verify failed")) {
    const auto host = broker.empty() ? std::string("the host in bootstrap.servers") : host_of(broker);
    return {head + std::string(what) +
                " (check ssl.ca.location: the broker's certificate is not signed by a CA " +
                "in it, or does not name " + host + ")",
            true};
  }
  // A TLS client at a port that does not speak TLS.
  static constexpr std::array not_tls{"wrong version number", "PLAINTEXT broker listener",
                                      "packet length too long", "http request"};
  for (const auto* sign : not_tls)
    if (contains(what, sign))
      return {head + std::string(what) +
                  " (the broker's port does not speak TLS: check security.protocol and the port in "
                  "bootstrap.servers)",
              true};
  // The broker hung up mid-handshake: a plaintext listener does that, and
  // so does a broker going down, which a retry may outlive.
  if (contains(what, "unexpected eof") || contains(what, "Disconnected"))
    return {head + std::string(what) +
                " (the broker closed the connection: a listener without TLS? check "
                "security.protocol)",
            false};
  // The broker's alert: it did not accept us (no or unknown client certificate).
  if (contains(what, "alert"))
    return {head + std::string(what) +
                " (the broker refused the handshake: does it require a client certificate? see "
                "ssl.certificate.location and ssl.key.location)",
            true};
  return {head + std::string(detail), true};
}

connect_diagnosis diagnose_authentication_failure(std::string_view reason) {
  const auto [broker, detail] = split(reason);
  return {with_broker("SASL authentication", broker) +
              std::string(without_prefix(detail, "SASL authentication error: ")) +
              " (check sasl.mechanisms, sasl.username and sasl.password)",
          true};
}

}  // namespace ccpulse::kafka
