#pragma once
// The fields of kpi_counters as a list, for code that treats them alike
// (packing, the changelog codec, tests) instead of naming each one again.
// The order is the declaration order and is part of the packed format
// (packed_counters.h): append new fields at the end only.
#include <cstddef>
#include <type_traits>

#include "metrics/kpi_parts.h"

namespace ccpulse::metrics {

inline constexpr std::size_t kpi_counter_fields = 27;

// f(field&) for each field, in order; a field is std::uint64_t or duration.
// C is kpi_counters or const kpi_counters.
template <class C, class F>
requires std::is_same_v<std::remove_const_t<C>, kpi_counters>
void visit_fields(C& c, F&& f) {
  f(c.offered);
  f(c.answered);
  f(c.answered_within_T);
  f(c.abandoned);
  f(c.short_abandoned);
  f(c.abandoned_within_T);
  f(c.abandoned_after_T);
  f(c.flowed_out);
  f(c.flowed_out_within_T);
  f(c.waited_beyond_T);
  f(c.answered_wait_sum);
  f(c.handled);
  f(c.talk_sum);
  f(c.hold_sum);
  f(c.after_contact_work_sum);
  f(c.escalations);
  f(c.transfers);
  f(c.resolved);
  f(c.resolved_first_contact);
  f(c.csat_responses);
  f(c.csat_satisfied);
  f(c.csat_score_sum);
  f(c.nps_responses);
  f(c.nps_promoters);
  f(c.nps_detractors);
  f(c.agent_on_contact);
  f(c.agent_available);
}

}  // namespace ccpulse::metrics
