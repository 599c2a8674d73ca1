#pragma once
// The names every exposition gives the fields of metrics::kpi_counters, in
// visit_fields order (metrics/kpi_fields.h): the JSON key of
// /api/v1/snapshot and the Prometheus metric stem of /metrics, in base
// units (durations in seconds, with the `_seconds` suffix). One table, so
// the two cannot drift apart.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "metrics/kpi_fields.h"

namespace ccpulse::view {

struct counter_name {
  std::string_view key;   // JSON key and metric stem
  std::string_view help;  // what it counts
};

inline constexpr std::array<counter_name, metrics::kpi_counter_fields> counter_names{{
    {"offered_contacts", "Contacts that entered the queue."},
    {"answered_contacts", "Contacts answered."},
    {"answered_within_threshold_contacts", "Contacts answered within the queue's service-level threshold T."},
    {"abandoned_contacts", "Contacts that abandoned, short abandons included."},
    {"short_abandoned_contacts", "Contacts that abandoned within short_abandon."},
    {"abandoned_within_threshold_contacts", "Contacts that abandoned within T, short abandons included."},
    {"abandoned_after_threshold_contacts", "Contacts that abandoned after T."},
    {"flowed_out_contacts",
     "Contacts that left the queue unanswered without abandoning (transfer out, callback)."},
    {"flowed_out_within_threshold_contacts", "Contacts that flowed out within T."},
    {"waited_beyond_threshold_contacts",
     "Contacts that crossed T while still waiting (counted when they crossed)."},
    {"answered_wait_seconds", "Sum of the waits of answered contacts (ASA numerator)."},
    {"handled_contacts", "Contacts whose handling ended (AHT denominator)."},
    {"talk_seconds", "Sum of talk time of handled contacts."},
    {"hold_seconds", "Sum of hold time of handled contacts."},
    {"after_contact_work_seconds", "Sum of after-contact work of handled contacts."},
    {"escalations", "Escalations."},
    {"transfers", "Transfers."},
    {"resolved_contacts", "Interactions resolved."},
    {"resolved_first_contact_contacts",
     "Interactions resolved at first contact (no reopen, no repeat contact)."},
    {"csat_responses", "CSAT survey answers (1-5)."},
    {"csat_satisfied_responses", "CSAT answers of 4 or 5."},
    {"csat_score_points", "Sum of CSAT answers (for the mean)."},
    {"nps_responses", "NPS survey answers (0-10)."},
    {"nps_promoter_responses", "NPS answers of 9 or 10."},
    {"nps_detractor_responses", "NPS answers of 0 to 6."},
    {"agent_on_contact_seconds", "Agent time on contact or in after-contact work (occupancy numerator)."},
    {"agent_available_seconds", "Agent time available."},
}};

// f(name, value) for each field in order: counts as std::uint64_t,
// durations as double seconds.
template <class F>
void for_each_counter(const metrics::kpi_counters& c, F&& f) {
  std::size_t i = 0;
  metrics::visit_fields(c, [&](const auto& field) {
    if constexpr (std::is_same_v<std::decay_t<decltype(field)>, duration>)
      f(counter_names[i], to_seconds(field));
    else
      f(counter_names[i], field);
    ++i;
  });
}

}  // namespace ccpulse::view
