#pragma once
#include <string_view>

namespace ccpulse::app {

// config/demo.yaml, compiled into the binary so `ccpulse demo` needs nothing
// but the binary.
std::string_view builtin_demo_config();

}  // namespace ccpulse::app
