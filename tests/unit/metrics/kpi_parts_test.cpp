#include "metrics/kpi_parts.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "metrics/calendar_window.h"
#include "metrics/sliding_window.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::duration;
using ccpulse::metrics::kpi_counters;
using ccpulse::metrics::kpi_histograms;
using ccpulse::metrics::kpi_parts;

// A new field must be added to operator+=, to this fill and to the header's
// MEMORY figures; this assert fails until it is.
static_assert(sizeof(kpi_counters) == 27 * 8,
              "kpi_counters changed: update operator+=, fill() and kpi_parts.h");

// Field i (1-based, declaration order) gets k·i, so a field that operator+=
// forgets or mixes up shows as a wrong multiple.
kpi_counters fill(std::uint64_t k) {
  kpi_counters c;
  std::uint64_t i = 0;
  auto n = [&] { return k * ++i; };
  auto t = [&] { return duration{static_cast<std::int64_t>(k * ++i)}; };
  c.offered = n();
  c.answered = n();
  c.answered_within_T = n();
  c.abandoned = n();
  c.short_abandoned = n();
  c.abandoned_within_T = n();
  c.abandoned_after_T = n();
  c.flowed_out = n();
  c.flowed_out_within_T = n();
  c.waited_beyond_T = n();
  c.answered_wait_sum = t();
  c.handled = n();
  c.talk_sum = t();
  c.hold_sum = t();
  c.after_contact_work_sum = t();
  c.escalations = n();
  c.transfers = n();
  c.resolved = n();
  c.resolved_first_contact = n();
  c.csat_responses = n();
  c.csat_satisfied = n();
  c.csat_score_sum = n();
  c.nps_responses = n();
  c.nps_promoters = n();
  c.nps_detractors = n();
  c.agent_on_contact = t();
  c.agent_available = t();
  REQUIRE(i == 27);
  return c;
}

}  // namespace

TEST_CASE("kpi_counters merge adds every field") {
  kpi_counters a = fill(1);
  a += fill(100);
  CHECK(a == fill(101));
  kpi_counters empty;
  CHECK(empty.empty());
  empty += fill(3);
  CHECK(empty == fill(3));
  CHECK_FALSE(empty.empty());
}

TEST_CASE("kpi_counters classify survey answers: CSAT 4-5 satisfied, NPS 9-10 promoters and 0-6 detractors") {
  kpi_counters c;
  for (int s : {5, 4, 3, 5, 1}) CHECK(c.add_csat(s));
  CHECK_FALSE(c.add_csat(0));
  CHECK_FALSE(c.add_csat(6));
  CHECK(c.csat_responses == 5);
  CHECK(c.csat_satisfied == 3);
  CHECK(c.csat_score_sum == 18);
  for (int s : {10, 9, 8, 7, 6, 0, 9, 10, 3, 10}) CHECK(c.add_nps(s));
  CHECK_FALSE(c.add_nps(-1));
  CHECK_FALSE(c.add_nps(11));
  CHECK(c.nps_responses == 10);
  CHECK(c.nps_promoters == 5);   // 10, 9, 9, 10, 10
  CHECK(c.nps_detractors == 3);  // 6, 0, 3
}

TEST_CASE("kpi_parts of two halves of a log merge into the parts of the whole") {
  // A small log: (wait, answered?) pairs applied as the engine would.
  struct contact {
    duration wait;
    bool answered;
    duration handle;
  };
  const std::vector<contact> log = {{3s, true, 300s}, {25s, true, 420s}, {4s, false, 0s}, {40s, false, 0s},
                                    {19s, true, 95s}, {61s, true, 610s}, {0s, true, 30s}, {2s, false, 0s}};
  const duration T = 20s, short_abandon = 5s;
  auto apply = [&](kpi_parts& p, const contact& c) {
    ++p.counts.offered;
    if (c.answered) {
      ++p.counts.answered;
      if (c.wait <= T) ++p.counts.answered_within_T;
      p.counts.answered_wait_sum += c.wait;
      p.hist.wait.record(c.wait);
      ++p.counts.handled;
      p.counts.talk_sum += c.handle;
      p.hist.handle.record(c.handle);
    } else {
      ++p.counts.abandoned;
      if (c.wait <= short_abandon) ++p.counts.short_abandoned;
      ++(c.wait <= T ? p.counts.abandoned_within_T : p.counts.abandoned_after_T);
    }
  };
  kpi_parts whole, first, second;
  for (std::size_t i = 0; i < log.size(); ++i) {
    apply(whole, log[i]);
    apply(i < 3 ? first : second, log[i]);
  }
  kpi_parts merged = first;
  merged += second;
  CHECK(merged == whole);
  // Hand-counted from the log.
  CHECK(whole.counts.offered == 8);
  CHECK(whole.counts.answered == 5);
  CHECK(whole.counts.answered_within_T == 3);  // 3 s, 19 s, 0 s
  CHECK(whole.counts.abandoned == 3);
  CHECK(whole.counts.short_abandoned == 2);  // 4 s, 2 s
  CHECK(whole.counts.abandoned_within_T == 2);
  CHECK(whole.counts.abandoned_after_T == 1);
  CHECK(whole.counts.answered_wait_sum == 108s);
  CHECK(whole.hist.wait.count() == 5);
  CHECK(whole.hist.handle.sum() == 1455s);
  CHECK(*whole.hist.wait.max() == 61s);
}

TEST_CASE("kpi_parts sizes and the memory of 100 queues' windows, as kpi_parts.h states them") {
  using ccpulse::metrics::log_linear_histogram;
  CHECK(sizeof(log_linear_histogram) == 4136);
  CHECK(sizeof(kpi_counters) == 216);
  CHECK(sizeof(kpi_histograms) == 20680);
  CHECK(sizeof(kpi_parts) == 20896);
  // Per scope: counters every 10 s over 1 h, histograms every 5 min over
  // 1 h, and the calendar's current/previous interval and today.
  ccpulse::metrics::sliding_window<kpi_counters> counters(10s, 360);
  ccpulse::metrics::sliding_window<kpi_histograms> hists(5min, 12);
  const std::size_t per_scope = counters.bucket_count() * sizeof(kpi_counters) +
                                hists.bucket_count() * sizeof(kpi_histograms) + 3 * sizeof(kpi_parts) +
                                sizeof(counters) + sizeof(hists) +
                                sizeof(ccpulse::metrics::calendar_window<kpi_parts>) - 3 * sizeof(kpi_parts);
  const std::size_t scopes = 100 + 8 + 1;  // queues, channels (unspecified included), overall
  MESSAGE("per scope: ", per_scope, " B; 100 queues: ", 100 * per_scope,
          " B; with channels and overall: ", scopes * per_scope, " B");
  CHECK(per_scope < 400'000);
  CHECK(scopes * per_scope < 43'000'000);
}
