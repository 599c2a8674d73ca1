#pragma once
// Test helper: profiles shared by the simulator tests.
#include <chrono>
#include <cstdint>
#include <string>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "sim/profile.h"
#include "sim/sim_event.h"

namespace ccpulse::sim::testing {

using namespace std::chrono_literals;

inline const instant t0 = from_unix_micros(1'700'000'000'000'000);  // 2023-11-14T22:13:20Z

// The demo's floor (config/demo.yaml): four live queues and two written
// ones, with their answer goals, agents sized from the load.
inline profile floor_profile(std::uint64_t seed, double rate) {
  profile p;
  p.rate_per_second = rate;
  p.seed = seed;
  p.staffing = staffing_mode::sized;
  p.queues = {
      {"billing", channel::voice, 0.30, 0, 40s, 60s, 20s, 0.8},
      {"support", channel::voice, 0.25, 0, 60s, 90s, 30s, 0.8},
      {"sales", channel::voice, 0.15, 0, 30s, 45s, 15s, 0.9},
      {"web-chat", channel::chat, 0.15, 0, 90s, 3min, 60s, 0.85},
      {"email", channel::email, 0.10, 0, 2min, 24h, 4h, 0.9},
      {"helpdesk", channel::ticket, 0.05, 0, 5min, 24h, 8h, 0.9},
  };
  return p;
}

// Protobuf writes map entries in unspecified order unless asked not to, so
// equal messages are compared through deterministic serialization.
inline std::string bytes_of(const v1::Event& e) {
  std::string s;
  {
    google::protobuf::io::StringOutputStream raw(&s);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);
    e.SerializeToCodedStream(&coded);
  }
  return s;
}

}  // namespace ccpulse::sim::testing
