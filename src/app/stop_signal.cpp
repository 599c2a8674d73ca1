#include "app/stop_signal.h"

#include <csignal>

namespace ccpulse::app {

namespace {
std::atomic<bool> stop_requested{false};
extern "C" void on_signal(int) { stop_requested.store(true); }
}  // namespace

std::atomic<bool>& install_stop_signal() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  return stop_requested;
}

}  // namespace ccpulse::app
