#include "sim/profile.h"

#include <cmath>
#include <set>

namespace ccpulse::sim {

std::optional<std::string> validate(const profile& p) {
  if (!(std::isfinite(p.rate_per_second) && p.rate_per_second > 0))
    return "rate_per_second must be > 0, got " + std::to_string(p.rate_per_second);
  if (!(p.survey_probability >= 0 && p.survey_probability <= 1))
    return "survey_probability must be in [0, 1], got " + std::to_string(p.survey_probability);
  if (!(std::isfinite(p.overload) && p.overload > 0 && p.overload <= 10))
    return "overload must be in (0, 10], got " + std::to_string(p.overload);
  if (p.queues.empty()) return std::string{"queues must not be empty"};
  std::set<std::string> names;
  double total_share = 0;
  for (const auto& q : p.queues) {
    std::string where = "queue '" + q.queue + "': ";
    if (q.queue.empty()) return where + "queue id must not be empty";
    if (!names.insert(q.queue).second) return where + "queue id is duplicated";
    if (q.chan == channel::unspecified) return where + "channel must be set";
    if (!(std::isfinite(q.arrival_share) && q.arrival_share >= 0))
      return where + "arrival_share must be >= 0, got " + std::to_string(q.arrival_share);
    if (q.agents < 0) return where + "agents must be >= 0, got " + std::to_string(q.agents);
    if (q.mean_handle <= duration::zero())
      return where + "mean_handle must be > 0, got " + std::to_string(q.mean_handle.count()) + "us";
    if (q.mean_patience <= duration::zero())
      return where + "mean_patience must be > 0, got " + std::to_string(q.mean_patience.count()) + "us";
    if (q.answer_within <= duration::zero())
      return where + "answer_within must be > 0, got " + std::to_string(q.answer_within.count()) + "us";
    if (!(q.answer_target > 0 && q.answer_target <= 1))
      return where + "answer_target must be in (0, 1], got " + std::to_string(q.answer_target);
    if (!(std::isfinite(q.overload) && q.overload > 0 && q.overload <= 10))
      return where + "overload must be in (0, 10], got " + std::to_string(q.overload);
    for (const auto& s : q.surges) {
      if (s.after < duration::zero()) return where + "a surge's after must be >= 0";
      if (s.lasting <= duration::zero()) return where + "a surge's lasting must be > 0";
      if (!(std::isfinite(s.factor) && s.factor > 1 && s.factor <= 20))
        return where + "a surge's factor must be in (1, 20], got " + std::to_string(s.factor);
    }
    total_share += q.arrival_share;
  }
  if (!(total_share > 0)) return std::string{"at least one queue needs arrival_share > 0"};
  return std::nullopt;
}

}  // namespace ccpulse::sim
