#include "app/reload_signal.h"

#include <csignal>

namespace ccpulse::app {

namespace {
std::atomic<bool> reload_requested{false};
extern "C" void on_hangup(int) { reload_requested.store(true); }
}  // namespace

std::atomic<bool>& install_reload_signal() {
  std::signal(SIGHUP, on_hangup);
  return reload_requested;
}

}  // namespace ccpulse::app
