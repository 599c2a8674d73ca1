#pragma once
// The additive parts of every KPI of DESIGN.md §5, for one bucket (a window
// bucket, a calendar interval, a day) of one scope (a queue, a channel, the
// overall). Every field merges by addition (histograms bucket-wise, min/max
// by min/max), so window buckets, partitions and instances combine exactly;
// ratios are computed from the merged parts (service_level.h), never stored.
//
// Classification happens at the apply point (the engine), not here: which
// wait is "within T", which abandon is "short", which resolution is
// "first contact" is decided once per contact with that queue's settings.
// Conventions the formulas rely on:
//   - "within T" means wait <= T; a contact is counted in the bucket of the
//     event that ends its wait (answer, abandon, flow-out), except
//     waited_beyond_T, counted in the bucket of the instant it crossed T;
//   - abandoned counts every abandon; short_abandoned ⊆ abandoned, and
//     short_abandoned ⊆ abandoned_within_T (config keeps short_abandon <= T);
//   - abandoned = abandoned_within_T + abandoned_after_T.
//
// MEMORY (asserted by tests/unit/metrics/kpi_parts_test.cpp, x86-64):
//   sizeof(kpi_counters)   =    216 B  (27 × 8 B)
//   sizeof(kpi_histograms) = 20,680 B  (5 × 4,136 B: 1,026 × uint32 + 4 × 8 B)
//   sizeof(kpi_parts)      = 20,896 B
// A full kpi_parts in each 10 s bucket of a 1 h ring would cost 360 × 20.9 KB
// = 7.5 MB per scope, 820 MB for 100 queues + 8 channels + overall (109
// scopes) per input partition: too big. So a scope's windows are two rings
// (sliding_window<T>) and one calendar_window:
//   kpi_counters   every 10 s over 1 h: 360 × 216 B    =  77,760 B
//   kpi_histograms every 5 min over 1 h: 12 × 20,680 B = 248,160 B
//   kpi_parts for current/previous interval and today:  62,688 B
// = 388,824 B per scope with the objects themselves: 38.9 MB for 100 queues,
// 42.4 MB for the 109 scopes, per input partition. Counts, sums and means
// (SL, ASA, AHT, rates) come from the 10 s ring and are exact to 10 s;
// percentiles over "the last 15 min" come from the newest three 5-minute
// histograms (10 to 15 min of data, the head bucket being partial). A finer
// histogram ring is a config choice at wiring time: every 1 min costs
// 60 × 20,680 B = 1.24 MB per scope (135 MB for 109 scopes).
// SUPERSEDED for the per-partition state by partition_metrics.h (issue 7):
// the same windows with lazy scopes, packed counter buckets and sparse
// histograms, 3.0 MB for 100 queues + 8 channels + overall. These structs
// stay the additive parts that views and snapshots carry.
#include <cstdint>

#include "metrics/log_linear_histogram.h"
#include "model/time.h"

namespace ccpulse::metrics {

// The scalar parts: cheap enough to keep at the finest bucket width.
struct kpi_counters {
  // --- queue / service level -------------------------------------------
  std::uint64_t offered = 0;  // entered the queue (in this bucket)
  std::uint64_t answered = 0;
  std::uint64_t answered_within_T = 0;
  std::uint64_t abandoned = 0;           // all abandons, short ones included
  std::uint64_t short_abandoned = 0;     // left within short_abandon
  std::uint64_t abandoned_within_T = 0;  // short ones included
  std::uint64_t abandoned_after_T = 0;
  // Left the queue unanswered without abandoning (transfer out, callback,
  // voicemail): Genesys' "flow-outs", Amazon Connect's "removed from queue".
  std::uint64_t flowed_out = 0;
  std::uint64_t flowed_out_within_T = 0;
  // Crossed T while still waiting, counted when it crossed (the "missed at
  // once" option); the same contact is counted again when its wait ends.
  std::uint64_t waited_beyond_T = 0;
  duration answered_wait_sum{};  // ASA numerator

  // --- handling ----------------------------------------------------------
  std::uint64_t handled = 0;  // contacts whose handling ended (AHT denominator)
  duration talk_sum{};
  duration hold_sum{};
  duration after_contact_work_sum{};
  // Counted per handled contact. By reason is a later step: a small fixed
  // array indexed by an interned reason id (bounded, "other" beyond the cap)
  // will sit beside these totals, which stay the sum over reasons.
  std::uint64_t escalations = 0;
  std::uint64_t transfers = 0;

  // --- async channels: means come from the histograms' sums -------------
  std::uint64_t resolved = 0;
  std::uint64_t resolved_first_contact = 0;  // no repeat contact within repeat_window, no reopen

  // --- surveys -----------------------------------------------------------
  std::uint64_t csat_responses = 0;
  std::uint64_t csat_satisfied = 0;  // answers 4–5
  std::uint64_t csat_score_sum = 0;  // Σ answers (1–5), for the mean
  std::uint64_t nps_responses = 0;
  std::uint64_t nps_promoters = 0;   // 9–10
  std::uint64_t nps_detractors = 0;  // 0–6

  // --- agents ------------------------------------------------------------
  duration agent_on_contact{};  // occupancy numerator
  duration agent_available{};   // occupancy = on / (on + available)

  kpi_counters& operator+=(const kpi_counters& o) {
    offered += o.offered;
    answered += o.answered;
    answered_within_T += o.answered_within_T;
    abandoned += o.abandoned;
    short_abandoned += o.short_abandoned;
    abandoned_within_T += o.abandoned_within_T;
    abandoned_after_T += o.abandoned_after_T;
    flowed_out += o.flowed_out;
    flowed_out_within_T += o.flowed_out_within_T;
    waited_beyond_T += o.waited_beyond_T;
    answered_wait_sum += o.answered_wait_sum;
    handled += o.handled;
    talk_sum += o.talk_sum;
    hold_sum += o.hold_sum;
    after_contact_work_sum += o.after_contact_work_sum;
    escalations += o.escalations;
    transfers += o.transfers;
    resolved += o.resolved;
    resolved_first_contact += o.resolved_first_contact;
    csat_responses += o.csat_responses;
    csat_satisfied += o.csat_satisfied;
    csat_score_sum += o.csat_score_sum;
    nps_responses += o.nps_responses;
    nps_promoters += o.nps_promoters;
    nps_detractors += o.nps_detractors;
    agent_on_contact += o.agent_on_contact;
    agent_available += o.agent_available;
    return *this;
  }
  friend bool operator==(const kpi_counters&, const kpi_counters&) = default;
  bool empty() const { return *this == kpi_counters{}; }

  // Records one CSAT answer (1–5) or NPS answer (0–10); out-of-range answers
  // are the decoder's to reject, and are ignored here (returns false).
  bool add_csat(int score) {
    if (score < 1 || score > 5) return false;
    ++csat_responses;
    csat_score_sum += static_cast<std::uint64_t>(score);
    if (score >= 4) ++csat_satisfied;
    return true;
  }
  bool add_nps(int score) {
    if (score < 0 || score > 10) return false;
    ++nps_responses;
    if (score >= 9) ++nps_promoters;
    if (score <= 6) ++nps_detractors;
    return true;
  }
};

// The distributions: the big part (see MEMORY above).
struct kpi_histograms {
  log_linear_histogram wait;    // answered contacts: p50/p90/p99 wait
  log_linear_histogram handle;  // talk + hold + after-contact work per handled contact
  log_linear_histogram first_response;
  log_linear_histogram next_reply;
  log_linear_histogram resolution;  // created -> resolved

  kpi_histograms& operator+=(const kpi_histograms& o) {
    wait += o.wait;
    handle += o.handle;
    first_response += o.first_response;
    next_reply += o.next_reply;
    resolution += o.resolution;
    return *this;
  }
  friend bool operator==(const kpi_histograms&, const kpi_histograms&) = default;
  bool empty() const {
    return wait.empty() && handle.empty() && first_response.empty() && next_reply.empty() &&
           resolution.empty();
  }
};

// One bucket's complete parts: what calendar intervals and snapshots hold.
struct kpi_parts {
  kpi_counters counts;
  kpi_histograms hist;

  kpi_parts& operator+=(const kpi_parts& o) {
    counts += o.counts;
    hist += o.hist;
    return *this;
  }
  friend bool operator==(const kpi_parts&, const kpi_parts&) = default;
  bool empty() const { return counts.empty() && hist.empty(); }
};

}  // namespace ccpulse::metrics
