#pragma once
// Reads fields written as logfmt text ("path=\"/x y\" status=500") back
// into fields: for code that builds its fields as text (http/server.cpp),
// so its lines come out structured in either format. Unquoted whole
// numbers become integers; anything unreadable is kept as one text field.
#include <string_view>
#include <vector>

#include "log/field.h"

namespace ccpulse::log {

std::vector<owned_field> fields_from_logfmt(std::string_view text);

}  // namespace ccpulse::log
