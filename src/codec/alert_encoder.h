#pragma once
// Model alert -> ccpulse.v1.Alert bytes for the alerts topic.
#include <string>

#include "model/time.h"
#include "sla/alert.h"
#include "sla/queue_rule.h"

namespace ccpulse::codec {

// raised_at is processing time, stamped by the caller when producing.
void encode_alert(const sla::sla_alert& a, instant raised_at, std::string& out);
void encode_alert(const sla::queue_alert& a, instant raised_at, std::string& out);

}  // namespace ccpulse::codec
