#include <doctest/doctest.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "codec/event_decoder.h"
#include "model/event.h"
#include "sim/simulator.h"
#include "sim_profiles.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::sim::simulator;
using ccpulse::sim::testing::bytes_of;
using ccpulse::sim::testing::floor_profile;
using ccpulse::sim::testing::t0;
namespace v1 = ccpulse::v1;

ccpulse::sim::profile everything_profile(std::uint64_t seed, double rate) {
  auto p = floor_profile(seed, rate);
  p.curve = ccpulse::sim::arrival_curve::intraday;
  p.utc_offset = -5h;
  p.overload = 1.1;
  return p;
}

}  // namespace

TEST_CASE("two days of simulated traffic pass the event decoder and use every payload kind") {
  simulator sim(everything_profile(77, 0.5), t0);
  ccpulse::codec::event_decoder decoder;
  std::map<int, std::uint64_t> kinds;
  std::map<std::string, std::uint64_t> rejects;
  std::uint64_t decoded = 0;
  std::vector<ccpulse::sim::sim_event> out;
  for (int h = 1; h <= 48; ++h) {
    out.clear();
    sim.generate_until(t0 + std::chrono::hours(h), out);
    for (const auto& se : out) {
      const std::string bytes = bytes_of(se.message);
      ccpulse::event e;
      // The wall clock of a live producer: the event's own time.
      const auto r = decoder.decode(std::as_bytes(std::span(bytes.data(), bytes.size())), se.at, e);
      if (!r.ok) {
        ++rejects[r.detail];
        continue;
      }
      ++decoded;
      ++kinds[se.message.payload_case()];
    }
  }
  CHECK(rejects == std::map<std::string, std::uint64_t>{});
  MESSAGE(decoded << " events decoded");
  CHECK(decoded > 100'000);
  const auto* oneof = v1::Event::descriptor()->FindOneofByName("payload");
  REQUIRE(oneof != nullptr);
  for (int i = 0; i < oneof->field_count(); ++i) {
    CAPTURE(oneof->field(i)->name());
    CHECK(kinds[oneof->field(i)->number()] > 0);
  }
}

TEST_CASE("the same seed gives a byte-identical stream with every feature on, however time is sliced") {
  const auto run = [](std::uint64_t seed, std::chrono::seconds slice) {
    simulator sim(everything_profile(seed, 0.25), t0);
    std::vector<ccpulse::sim::sim_event> out;
    for (auto t = t0; t < t0 + 30h;) {
      t = std::min(t + slice, t0 + 30h);
      sim.generate_until(t, out);
    }
    std::vector<std::string> lines;
    lines.reserve(out.size());
    for (const auto& se : out) lines.push_back(se.key + '|' + bytes_of(se.message));
    return lines;
  };
  const auto whole = run(5, std::chrono::seconds(30 * 3600));
  const auto sliced = run(5, 641s);
  REQUIRE(whole.size() > 50'000);
  CHECK(whole == sliced);
  CHECK(run(6, 641s) != whole);
}
