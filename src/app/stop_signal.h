#pragma once
// SIGINT/SIGTERM set a flag that the long-running commands poll.
#include <atomic>

namespace ccpulse::app {

// Installs the handlers once and returns the flag they set.
std::atomic<bool>& install_stop_signal();

}  // namespace ccpulse::app
