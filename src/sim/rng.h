#pragma once
// Random draws built on std::mt19937_64 alone. The standard fixes the
// engine's output sequence but not the algorithms behind std::*_distribution,
// so drawing through these keeps a seed's stream the same across standard
// libraries.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace ccpulse::sim {

class rng {
 public:
  explicit rng(std::uint64_t seed) : _engine(seed) {}

  std::uint64_t bits() { return _engine(); }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(_engine() >> 11) * 0x1.0p-53; }

  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  bool chance(double p) { return uniform() < p; }

  // Uniform in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n) {
    auto k = static_cast<std::uint64_t>(uniform() * static_cast<double>(n));
    return k < n ? k : n - 1;
  }

  // Exponential with the given mean; log1p(-u) is finite because u < 1.
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }

  // Standard normal (Box-Muller; one of the pair is dropped for simplicity).
  double normal() {
    double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
    double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::mt19937_64 _engine;
};

}  // namespace ccpulse::sim
