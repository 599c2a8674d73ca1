// http: the server of /metrics, /healthz, /readyz, /wallboard and /api/v1.
#include "config/sections/sections.h"

namespace ccpulse::config {

field_table<http_settings> http_fields() {
  using h = http_settings;
  static const std::vector<field<h>> table{
      {"bind", text_field(&h::bind, text_rule::non_empty, "an address such as 127.0.0.1", "127.0.0.1"),
       "address to listen on; 0.0.0.0 for all interfaces"},
      {"port", whole_field(&h::port, 0, 65535, 8080), "port to listen on; 0 picks any free port"},
  };
  return table;
}

}  // namespace ccpulse::config
