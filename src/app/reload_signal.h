#pragma once
// SIGHUP sets a flag that `run` and `demo` poll: re-read what can change
// without a restart (http.tls's certificate and key). systemd's ExecReload
// sends it.
#include <atomic>

namespace ccpulse::app {

// Installs the handler once and returns the flag it sets; the poller
// clears it (exchange(false)) before reloading.
std::atomic<bool>& install_reload_signal();

}  // namespace ccpulse::app
