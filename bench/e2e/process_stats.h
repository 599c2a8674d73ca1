#pragma once
// What the end-to-end benches read about their own process.
#include <cstdlib>
#include <fstream>
#include <string>

namespace ccpulse::bench {

// Resident set size now, KiB (VmRSS of /proc/self/status; 0 if unreadable).
inline long rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return 0;
}

}  // namespace ccpulse::bench
