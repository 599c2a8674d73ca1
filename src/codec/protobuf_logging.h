#pragma once

namespace ccpulse::codec {

// libprotobuf logs an ERROR line for each input string field with invalid
// UTF-8: one per bad event, which the dead-letter topic and
// ccpulse_events_invalid_total already report. Route its log through a
// rate limit (at most one line per 10 s, the next one saying how many were
// suppressed).
void install_protobuf_log_limit();

// Lines held back since start (for tests and self-metrics).
unsigned long long protobuf_log_lines_suppressed_total();

}  // namespace ccpulse::codec
