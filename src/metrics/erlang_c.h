#pragma once
// Erlang C (M/M/N queue): the share of contacts answered within a threshold
// and the time the current queue takes to drain, from an arrival rate, a
// mean handle time and a number of agents (DESIGN.md §6 "Forecast"). Pure:
// plain numbers in, numbers out.
//
//   traffic          A = λ · AHT                      (erlangs)
//   Erlang B         B(0) = 1,  B(k) = A·B(k−1) / (k + A·B(k−1))
//   Erlang C         C = N·B(N) / (N − A·(1 − B(N)))   (probability of waiting)
//   service level    SL(T) = 1 − C · exp(−(N − A) · T / AHT)
//   drain time       waiting / (N / AHT − λ)           (when N / AHT > λ)
//
// B is computed by its recursion, never through factorials or powers, so it
// is stable for hundreds of agents and any traffic.
#include <cstdint>
#include <optional>

namespace ccpulse::metrics {

// Erlang B blocking probability for `traffic` erlangs offered to `agents`
// servers; 1 for no agents. traffic >= 0.
double erlang_b(double traffic, std::int64_t agents);

// Erlang C probability that an arriving contact waits; 1 when agents <=
// traffic (the queue grows without bound), 0 when traffic is 0 and agents > 0.
double erlang_c(double traffic, std::int64_t agents);

struct erlang_c_input {
  double arrival_per_second = 0;      // λ, >= 0
  std::optional<double> aht_seconds;  // mean handle time, > 0; nullopt: unknown
  std::int64_t agents = 0;            // N, servers staffed for the queue
  double threshold_seconds = 20;      // T, >= 0
  std::int64_t waiting = 0;           // contacts waiting now (for the drain time)
};

struct erlang_c_result {
  // Expected share of arriving contacts answered within T, in [0, 1].
  // No arrivals: 1 (nobody arriving waits). Arrivals but agents <= A (no
  // agents included): 0. nullopt when the input is invalid or the handle
  // time is unknown while there are arrivals.
  std::optional<double> service_level;
  // Seconds until the contacts waiting now are served, at the capacity left
  // after new arrivals (N / AHT − λ): 0 with none waiting; +infinity when it
  // never drains (capacity <= arrivals, or no agents); nullopt when the
  // input is invalid or the handle time is unknown while contacts wait.
  std::optional<double> drain_seconds;
};

erlang_c_result erlang_c_forecast(const erlang_c_input& in);

}  // namespace ccpulse::metrics
