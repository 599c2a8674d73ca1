#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "sim/simulator.h"
#include "sim/stream_checker.h"
#include "sim/survey_model.h"
#include "sim_profiles.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::instant;
using ccpulse::sim::simulator;
using ccpulse::sim::testing::floor_profile;
using ccpulse::sim::testing::t0;
namespace v1 = ccpulse::v1;

struct repeats {
  std::uint64_t within_week = 0, same_day = 0, resolutions = 0, repeat_arrivals = 0;
  std::size_t planned = 0;
};

}  // namespace

TEST_CASE("the detractor share of surveys is what the survey model says for what customers went through") {
  auto p = floor_profile(41, 2.0);
  p.queues.resize(4);  // live queues: surveys come back within minutes
  p.survey_probability = 0.5;
  p.overload = 1.15;  // some waits, so the model's wait term matters too
  std::map<std::string, double> answer_within;
  for (const auto& q : p.queues) answer_within[q.queue] = ccpulse::to_seconds(q.answer_within);
  simulator sim(p, t0);
  std::vector<ccpulse::sim::sim_event> out;
  sim.generate_until(t0 + 6h, out);

  // Rebuild each contact's experience from the stream, as a consumer could.
  struct story {
    ccpulse::sim::experience seen;
    instant queued_at{};
    std::string queue;
  };
  std::map<std::string, story> stories;
  ccpulse::sim::testing::stream_checker check;
  double expected = 0, variance = 0, negative = 0, sentiments = 0;
  // Detractor surveys at least 3 h before the end (follow-ups come within
  // about an hour), and how many of them got their follow-up.
  std::map<std::string, bool> early_detractors;
  std::uint64_t surveys = 0, detractors = 0;
  for (const auto& se : out) {
    check.feed(se);
    const auto& e = se.message;
    if (e.has_agent_state_changed()) continue;
    auto& s = stories[e.interaction_id()];
    if (e.has_queued()) {
      s.queued_at = se.at;
      s.queue = e.queue_id();
    } else if (e.has_answered()) {
      s.seen.wait_ratio += ccpulse::to_seconds(se.at - s.queued_at) / answer_within[s.queue];
    } else if (e.has_transferred() || e.has_escalated()) {
      s.seen.rerouted = true;
    } else if (e.has_sentiment_observed()) {
      s.seen.sentiment = e.sentiment_observed().score();
      sentiments += 1;
      negative += e.sentiment_observed().score() < 0;
    } else if (e.has_survey_response()) {
      const double q = ccpulse::sim::detractor_probability(s.seen);
      expected += q;
      variance += q * (1 - q);
      ++surveys;
      const auto& r = e.survey_response();
      const bool detractor = (r.csat() > 0 && r.csat() <= 2) || (r.has_nps() && r.nps() <= 6);
      detractors += detractor;
      if (detractor && se.at < t0 + 3h) early_detractors[e.interaction_id()] = false;
    } else if (e.has_follow_up_completed()) {
      auto it = early_detractors.find(e.interaction_id());
      if (it != early_detractors.end()) it->second = true;
    }
  }
  CHECK(check.problems() == std::vector<std::string>{});
  const double share = static_cast<double>(detractors) / static_cast<double>(surveys);
  MESSAGE(surveys << " surveys, " << detractors << " detractors (" << share << "), model expects " << expected
                  << " +- " << std::sqrt(variance) << "; sentiment negative in " << negative / sentiments);
  REQUIRE(surveys > 5000);
  // A sum of independent Bernoulli draws: within 4 standard deviations
  // (fails by chance with probability ~6e-5).
  CHECK(std::abs(static_cast<double>(detractors) - expected) < 4 * std::sqrt(variance));
  // A realistic share: between 10 % and 40 % detractors, some negative sentiment.
  CHECK(share > 0.10);
  CHECK(share < 0.40);
  CHECK(negative / sentiments > 0.05);
  CHECK(negative / sentiments < 0.5);
  // Some detractors get a follow-up call, about 60 % of them.
  double followed = 0;
  for (const auto& [id, done] : early_detractors) followed += done;
  const auto n = static_cast<double>(early_detractors.size());
  REQUIRE(n > 300);
  CHECK(std::abs(followed / n - 0.6) < 4 * std::sqrt(0.6 * 0.4 / n));
  CHECK(check.follow_ups <= check.detractor_surveys);
}

TEST_CASE("some customers contact again within days, so first-contact resolution is measurable") {
  auto p = floor_profile(43, 0.1);
  p.queues.resize(2);
  p.survey_probability = 0;
  const auto measure = [&](const ccpulse::sim::profile& prof) {
    simulator sim(prof, t0);
    std::vector<ccpulse::sim::sim_event> out;
    std::map<std::string, instant> last_resolved;  // customer -> when their last contact resolved
    repeats r;
    for (int day = 1; day <= 8; ++day) {
      out.clear();
      sim.generate_until(t0 + std::chrono::days(day), out);
      for (const auto& se : out) {
        const auto& e = se.message;
        const auto& who = e.customer().hashed_id();
        if (e.has_resolved()) {
          last_resolved[who] = se.at;
          ++r.resolutions;
        } else if (e.has_interaction_created()) {
          auto it = last_resolved.find(who);
          if (it == last_resolved.end() || se.at - it->second > std::chrono::days(7)) continue;
          ++r.within_week;
          r.same_day += se.at - it->second < 24h;
        }
      }
    }
    r.planned = sim.planned_repeats();
    r.repeat_arrivals = sim.totals().repeat_arrivals;
    return r;
  };
  const auto with_plans = measure(p);
  p.max_planned_repeats = 0;
  const auto without = measure(p);
  MESSAGE(with_plans.within_week << " repeat contacts within 7 days of a resolution (" << with_plans.same_day
                                 << " within a day) of " << with_plans.resolutions << " resolutions; "
                                 << without.within_week << " from short-term repeat callers alone");
  // About 14 % of resolutions bring the customer back (7 %, plus 45 % of the
  // 15 % "follow_up_needed"), minus those still planned at the end.
  const double extra = static_cast<double>(with_plans.within_week - without.within_week);
  CHECK(extra > 0.08 * static_cast<double>(with_plans.resolutions));
  CHECK(extra < 0.16 * static_cast<double>(with_plans.resolutions));
  CHECK(with_plans.same_day > without.same_day);
  CHECK(with_plans.within_week - with_plans.same_day > without.within_week - without.same_day);
  CHECK(with_plans.planned > 0);
  CHECK(with_plans.planned <= ccpulse::sim::profile{}.max_planned_repeats);
  CHECK(without.repeat_arrivals == 0);
  CHECK(without.planned == 0);
}
