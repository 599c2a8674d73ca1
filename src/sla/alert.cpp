#include "sla/alert.h"

#include <array>

#include "model/stable_hash.h"

namespace ccpulse::sla {

std::string_view to_string(alert_kind k) {
  switch (k) {
    case alert_kind::at_risk:
      return "at_risk";
    case alert_kind::breached:
      return "breached";
    case alert_kind::recovered:
      return "recovered";
    case alert_kind::cancelled:
      return "cancelled";
    case alert_kind::retracted:
      return "retracted";
    case alert_kind::escalation:
      return "escalation";
  }
  return "unknown";
}

std::string_view to_string(severity s) {
  switch (s) {
    case severity::info:
      return "info";
    case severity::warning:
      return "warning";
    case severity::critical:
      return "critical";
  }
  return "unknown";
}

severity severity_of(alert_kind k) {
  switch (k) {
    case alert_kind::at_risk:
      return severity::warning;
    case alert_kind::breached:
      return severity::critical;
    case alert_kind::recovered:
    case alert_kind::cancelled:
    case alert_kind::retracted:
      return severity::info;
    case alert_kind::escalation:
      return severity::warning;  // the rule's own, set by the engine
  }
  return severity::info;
}

namespace {
// Each part is followed by a separator, so ("ab","c") and ("a","bc") differ.
std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
  h = fnv1a_append(h, s);
  h ^= 0xff;
  h *= fnv1a_prime;
  return h;
}
}  // namespace

std::string make_escalation_id(std::string_view interaction_id, std::string_view policy,
                               std::string_view rule) {
  return alert_id_of({interaction_id, policy, "escalation", rule});
}

std::string alert_id_of(std::initializer_list<std::string_view> parts) {
  std::uint64_t h = fnv1a_offset;
  for (auto p : parts) h = fnv1a(h, p);
  static constexpr std::array<char, 16> hex{'0', '1', '2', '3', '4', '5', '6', '7',
                                            '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = hex[h & 0xf];
    h >>= 4;
  }
  return out;
}

std::string make_alert_id(std::string_view interaction_id, std::string_view policy, target_type target,
                          std::uint32_t cycle, alert_kind kind) {
  return alert_id_of({interaction_id, policy, to_string(target), std::to_string(cycle), to_string(kind)});
}

}  // namespace ccpulse::sla
