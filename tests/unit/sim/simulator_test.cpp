#include "sim/simulator.h"

#include "sim/stream_checker.h"
#include "sim_profiles.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ccpulse::channel;
using ccpulse::duration;
using ccpulse::instant;
using ccpulse::sim::profile;
using ccpulse::sim::queue_profile;
using ccpulse::sim::sim_event;
using ccpulse::sim::simulator;
using ccpulse::sim::testing::bytes_of;
namespace v1 = ccpulse::v1;

using ccpulse::sim::testing::t0;

profile mixed_profile(std::uint64_t seed) {
  profile p;
  p.rate_per_second = 0.5;
  p.seed = seed;
  p.queues = {
      {"sales", channel::voice, 2.0, 6, 180s, 90s},
      {"support", channel::chat, 1.0, 3, 240s, 300s},
      {"billing", channel::email, 0.5, 1, 300s, 600s},
  };
  return p;
}

std::int64_t micros_of(const v1::Event& e) {
  return e.occurred_at().seconds() * 1'000'000 + e.occurred_at().nanos() / 1000;
}

// Erlang C: probability that an arrival waits in an M/M/c queue with offered
// load a = lambda / mu Erlangs (a < c).
double erlang_c(int c, double a) {
  double term = 1.0;  // a^k / k!
  double below = 0.0;
  for (int k = 0; k < c; ++k) {
    below += term;
    term *= a / (k + 1);
  }
  double top = term * c / (c - a);
  return top / (below + top);
}

}  // namespace

TEST_CASE("the same seed gives the same stream however time is sliced") {
  simulator whole(mixed_profile(42), t0);
  std::vector<sim_event> a;
  whole.generate_until(t0 + 2h, a);

  simulator sliced(mixed_profile(42), t0);
  std::vector<sim_event> b;
  for (instant t = t0; t < t0 + 2h;) {
    t = std::min(t + 37s, t0 + 2h);
    sliced.generate_until(t, b);
  }

  REQUIRE(a.size() > 1000);
  REQUIRE(a.size() == b.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].key != b[i].key || a[i].at != b[i].at || bytes_of(a[i].message) != bytes_of(b[i].message))
      ++mismatches;
  }
  CHECK(mismatches == 0);

  simulator other(mixed_profile(43), t0);
  std::vector<sim_event> c;
  other.generate_until(t0 + 2h, c);
  bool differs = c.size() != a.size();
  for (std::size_t i = 0; !differs && i < a.size(); ++i)
    differs = bytes_of(a[i].message) != bytes_of(c[i].message);
  CHECK(differs);
}

TEST_CASE("events come out in time order and never past until") {
  simulator sim(mixed_profile(7), t0);
  std::vector<sim_event> out;
  instant previous = t0;
  for (instant until = t0; until < t0 + 1h;) {
    until += 53s;
    std::size_t from = out.size();
    sim.generate_until(until, out);
    for (std::size_t i = from; i < out.size(); ++i) {
      CHECK(out[i].at >= previous);
      CHECK(out[i].at <= until);
      CHECK(micros_of(out[i].message) == ccpulse::to_unix_micros(out[i].at));
      previous = out[i].at;
    }
  }
  CHECK(sim.totals().events == out.size());
}

TEST_CASE("every interaction and every agent follows a well-formed sequence") {
  auto p = mixed_profile(11);
  p.rate_per_second = 2.0;  // overloaded: plenty of waiting and abandons
  simulator sim(p, t0);
  std::vector<sim_event> out;
  sim.generate_until(t0 + 3h, out);

  ccpulse::sim::testing::stream_checker check;
  for (const auto& se : out) check.feed(se);
  CHECK(check.problems() == std::vector<std::string>{});
  CHECK(check.answered_while_not_available == 0);

  const auto& s = sim.totals();
  CHECK(s.arrivals == check.payloads[v1::Event::kInteractionCreated]);
  CHECK(s.abandoned == check.payloads[v1::Event::kAbandoned]);
  CHECK(s.surveys == check.payloads[v1::Event::kSurveyResponse]);
  CHECK(s.abandoned > 0);
  CHECK(s.resolved > 100);
  CHECK(s.surveys > 0);
  CHECK(s.surveys < s.resolved);
  // Repeat callers: some customers have more than one interaction.
  std::set<std::string> customers;
  for (const auto& se : out)
    if (se.message.has_interaction_created()) customers.insert(se.message.customer().hashed_id());
  CHECK(customers.size() < s.arrivals);
}

TEST_CASE("the probability of waiting matches Erlang C when nobody abandons") {
  // M/M/5 at 3.5 Erlangs (utilisation 0.7); patience far beyond any wait.
  constexpr int agents = 5;
  constexpr double load = 3.5;
  const duration handle = 60s;
  profile p;
  p.seed = 2024;
  p.rate_per_second = load / ccpulse::to_seconds(handle);
  p.survey_probability = 0;
  p.queues = {{"q", channel::voice, 1.0, agents, handle, std::chrono::hours(24 * 365 * 10)}};
  simulator sim(p, t0);

  // Per interaction: when it was queued; an answer later than that waited.
  std::map<std::string, std::int64_t> queued_at;
  std::uint64_t answered = 0, waited = 0;
  std::vector<sim_event> out;
  instant t = t0;
  while (answered < 60'000) {
    t += 24h;
    out.clear();
    sim.generate_until(t, out);
    for (const auto& se : out) {
      const auto& e = se.message;
      if (e.has_queued()) {
        queued_at[e.interaction_id()] = ccpulse::to_unix_micros(se.at);
      } else if (e.has_answered()) {
        auto it = queued_at.find(e.interaction_id());
        REQUIRE(it != queued_at.end());
        ++answered;
        if (ccpulse::to_unix_micros(se.at) > it->second) ++waited;
        queued_at.erase(it);
      }
    }
  }
  CHECK(sim.totals().abandoned == 0);

  double measured = static_cast<double>(waited) / static_cast<double>(answered);
  double expected = erlang_c(agents, load);
  MESSAGE("Erlang C " << expected << ", measured " << measured << " over " << answered << " contacts");
  CHECK(std::abs(measured - expected) < 0.03);
}

TEST_CASE("impatient customers abandon when agents are short") {
  profile p;
  p.seed = 5;
  p.rate_per_second = 0.05;  // 9 Erlangs offered to 6 agents
  p.queues = {{"q", channel::voice, 1.0, 6, 180s, 30s}};
  simulator sim(p, t0);
  std::vector<sim_event> out;
  sim.generate_until(t0 + 6h, out);
  const auto& s = sim.totals();
  CHECK(s.abandoned > s.arrivals / 5);
  CHECK(s.answered > s.arrivals / 3);
  CHECK(s.answered + s.abandoned <= s.arrivals);
}

TEST_CASE("finished contacts are forgotten, so memory follows the traffic in flight") {
  profile p;
  p.seed = 9;
  p.rate_per_second = 20;
  p.survey_probability = 0.3;
  p.queues = {{"a", channel::voice, 1.0, 220, 10s, 20s}, {"b", channel::chat, 1.0, 200, 10s, 60s}};
  simulator sim(p, t0);
  std::vector<sim_event> out;
  std::size_t peak = 0;
  for (int minute = 1; minute <= 30; ++minute) {
    out.clear();
    sim.generate_until(t0 + std::chrono::minutes(minute), out);
    if (minute > 5) peak = std::max(peak, sim.tracked_contacts());
  }
  // In flight: ~20/s x (routing + handle + survey delay of ~150 s x 0.3).
  CHECK(sim.totals().arrivals > 30'000);
  CHECK(peak < 3'000);
  CHECK(sim.pending_happenings() < 3'000);
}

TEST_CASE("an unusable profile is refused with the field named") {
  auto p = mixed_profile(1);
  p.queues[1].mean_handle = duration::zero();
  CHECK_THROWS_WITH_AS(simulator(p, t0), doctest::Contains("mean_handle"), std::invalid_argument);
  p = mixed_profile(1);
  p.rate_per_second = 0;
  CHECK_THROWS_WITH_AS(simulator(p, t0), doctest::Contains("rate_per_second"), std::invalid_argument);
}
