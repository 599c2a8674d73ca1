#pragma once
// How a customer's experience turns into sentiment and survey answers. The
// probabilities are public so tests can state what the stream should hold.
#include <cstdint>
#include <optional>

#include "sim/rng.h"

namespace ccpulse::sim {

// What the customer went through, as far as the event stream shows it.
struct experience {
  // Total time waiting in queues over the contact's legs, divided by the
  // queue's answer_within: 1 means "waited as long as the goal allows".
  double wait_ratio = 0;
  bool rerouted = false;  // transferred or escalated
  // The last SentimentObserved score, if one was sent.
  std::optional<double> sentiment;
};

// Below this a sentiment score counts as negative in the survey model.
inline constexpr double negative_sentiment = -0.2;

// Speech/text analytics score in [-1, 1] for a contact after `e` (its
// sentiment is ignored): mostly positive, lower after long waits and reroutes.
double draw_sentiment(const experience& e, rng& r);

// Probability that a survey after `e` comes from a detractor (NPS 0..6,
// CSAT 1..2), and that it comes from a promoter (NPS 9..10, CSAT 4..5).
double detractor_probability(const experience& e);
double promoter_probability(const experience& e);

struct survey_answer {
  std::uint32_t csat = 0;  // 1..5; 0 when not asked
  std::uint32_t nps = 0;   // 0..10 when has_nps
  bool has_nps = false;
  bool detractor = false;
};

// One survey: most ask both questions, some only CSAT or only NPS.
survey_answer draw_survey(const experience& e, rng& r);

}  // namespace ccpulse::sim
