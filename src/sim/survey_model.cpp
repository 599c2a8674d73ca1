#include "sim/survey_model.h"

#include <algorithm>
#include <cmath>

namespace ccpulse::sim {

namespace {

// 0 with no wait, towards 1 once the wait is several times the goal.
double wait_pain(const experience& e) { return 1.0 - std::exp(-std::max(0.0, e.wait_ratio) / 2.0); }

}  // namespace

double draw_sentiment(const experience& e, rng& r) {
  const double mean = 0.35 - 0.4 * wait_pain(e) - (e.rerouted ? 0.2 : 0.0);
  return std::clamp(mean + 0.35 * r.normal(), -1.0, 1.0);
}

double detractor_probability(const experience& e) {
  double p = 0.12 + 0.30 * wait_pain(e);
  if (e.rerouted) p += 0.12;
  if (e.sentiment && *e.sentiment < negative_sentiment) p += 0.25;
  return std::clamp(p, 0.0, 0.95);
}

double promoter_probability(const experience& e) {
  return (1.0 - detractor_probability(e)) * (0.65 - 0.25 * wait_pain(e));
}

survey_answer draw_survey(const experience& e, rng& r) {
  survey_answer a;
  const double u = r.uniform();
  const double detractor = detractor_probability(e);
  const bool promoter = !(u < detractor) && u < detractor + promoter_probability(e);
  a.detractor = u < detractor;
  // Which questions this survey asked.
  const double form = r.uniform();
  const bool ask_csat = form < 0.9;
  a.has_nps = form >= 0.2;
  if (ask_csat) {
    if (a.detractor)
      a.csat = r.chance(0.4) ? 1 : 2;
    else if (promoter)
      a.csat = r.chance(0.7) ? 5 : 4;
    else
      a.csat = r.chance(0.45) ? 3 : 4;
  }
  if (a.has_nps) {
    if (a.detractor)  // mostly 5s and 6s, a tail down to 0
      a.nps = static_cast<std::uint32_t>(std::max(0.0, 6.0 - std::floor(r.exponential(1.5))));
    else if (promoter)
      a.nps = r.chance(0.6) ? 10 : 9;
    else
      a.nps = r.chance(0.5) ? 8 : 7;
  }
  return a;
}

}  // namespace ccpulse::sim
