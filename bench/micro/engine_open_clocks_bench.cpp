// A million open tickets with clocks of every target type (issue 8's bench):
// the rate clocks start at, heap per open clock and per open interaction,
// the rate due timers fire at, and the rate clocks stop at.
//
// Each ticket: Created (first_response and resolution start); a third get
// an agent reply (first response met, periodic_update starts) and then a
// customer reply (next_reply starts); a fifth are escalated
// (escalation_response); a tenth answer a detractor survey
// (detractor_follow_up). About 2.6 clocks per ticket. Then the partition's
// time moves past the escalations' at-risk point (200 k AT_RISK fire), and
// every ticket is resolved (every clock stops). The worker's drain runs
// every 16 Ki events, as a commit would.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "discard_changes.h"
#include "engine/clock_census.h"
#include "engine/engine.h"
#include "engine/outputs.h"
#include "metrics/live_gauges.h"
#include "model/event.h"
#include "model/time.h"
#include "sla/policy.h"

namespace {

using ccpulse::channel;
using ccpulse::duration;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::instant;
using namespace std::chrono_literals;

const instant t0 = ccpulse::from_unix_micros(1'700'000'000'000'000);
constexpr std::size_t tickets = 1'000'000;
constexpr std::size_t id_width = 12;

ccpulse::sla::target target(ccpulse::sla::target_type type, duration d) {
  ccpulse::sla::target t;
  t.type = type;
  t.default_duration = d;
  t.at_risk.fraction = 0.8;
  return t;
}

ccpulse::engine::engine_settings settings() {
  ccpulse::engine::engine_settings s;
  s.queues = {{"q01", 1h}, {"q02", 1h}};
  s.max_open_age = 30 * 24h;
  return s;
}

ccpulse::sla::policy_set policies() {
  using ccpulse::sla::target_type;
  ccpulse::sla::policy p;
  p.name = "tickets";
  p.match.channels = {channel::email};
  p.targets = {target(target_type::first_response, 8h),      target(target_type::next_reply, 4h),
               target(target_type::periodic_update, 24h),    target(target_type::resolution, 72h),
               target(target_type::escalation_response, 2h), target(target_type::detractor_follow_up, 24h)};
  return ccpulse::sla::policy_set({p});
}

std::size_t heap_in_use() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void bm_engine_open_clocks_all_targets(benchmark::State& state) {
  std::string ids;
  ids.reserve(tickets * id_width);
  char buf[32];
  for (std::size_t i = 0; i < tickets; ++i) {
    std::snprintf(buf, sizeof buf, "tk-%09zu", i);
    ids.append(buf, id_width);
  }
  std::string event_id;
  std::uint64_t event_seq = 0;
  for (auto _ : state) {
    auto eng = std::make_unique<ccpulse::engine::engine>(settings(), policies());
    auto& part = eng->assign(0, t0);
    ccpulse::engine::outputs out;
    ccpulse::bench::discard_changes sink;
    std::size_t applied = 0;
    auto apply = [&](event e) {
      std::snprintf(buf, sizeof buf, "ev-%012llu", static_cast<unsigned long long>(event_seq++));
      event_id.assign(buf);
      e.event_id = event_id;
      part.advance(part.watermark(), false, out);
      part.apply(e, out);
      out.clear();
      if (++applied % 16384 == 0) part.drain_changes(sink);
    };
    auto ticket = [&](std::size_t i, event_kind k, instant at) {
      event e;
      e.kind = k;
      e.interaction_id = std::string_view(ids).substr(i * id_width, id_width);
      e.occurred_at = at;
      e.chan = channel::email;
      e.queue_id = i % 2 == 0 ? "q01" : "q02";
      e.priority = 3;
      e.customer_tier = "std";
      return e;
    };
    malloc_trim(0);
    const std::size_t before = heap_in_use();
    std::uint64_t clocks = 0;
    const auto started = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < tickets; ++i) {
      const instant t = t0 + std::chrono::microseconds(static_cast<std::int64_t>(i) * 50);
      apply(ticket(i, event_kind::interaction_created, t));
      clocks += 2;
      if (i % 3 == 0) {
        apply(ticket(i, event_kind::agent_replied, t + 1ms));
        apply(ticket(i, event_kind::customer_replied, t + 2ms));
        clocks += 2;  // next_reply and periodic_update; first_response stopped
        --clocks;
      }
      if (i % 5 == 0) {
        apply(ticket(i, event_kind::escalated, t + 3ms));
        ++clocks;
      }
      if (i % 10 == 0) {
        auto s = ticket(i, event_kind::survey_response, t + 4ms);
        s.csat = 1;
        apply(s);
        ++clocks;
      }
    }
    const double build_s = seconds_since(started);
    part.drain_changes(sink);
    const std::size_t after = heap_in_use();
    const std::size_t built_events = applied;
    const std::size_t pending = part.pending_timers();

    // What a snapshot of this partition scans: live gauges and clock census.
    ccpulse::metrics::live_figures live;
    ccpulse::engine::clock_census census;
    const auto scan_from = std::chrono::steady_clock::now();
    part.live(live);
    part.census(census);
    const double scan_s = seconds_since(scan_from);

    // Past every escalation's at-risk point (1.6 h), before any other.
    const auto fire_from = std::chrono::steady_clock::now();
    std::size_t fired = 0;
    const instant end_of_build = t0 + std::chrono::microseconds(static_cast<std::int64_t>(tickets) * 50);
    for (instant at = t0 + 96min; at <= end_of_build + 96min + 1min; at += 1s) {
      part.advance(at, false, out);
      fired += out.alerts.size();
      out.clear();
    }
    const double fire_s = seconds_since(fire_from);

    const auto stop_from = std::chrono::steady_clock::now();
    applied = 0;
    for (std::size_t i = 0; i < tickets; ++i)
      apply(ticket(i, event_kind::resolved,
                   end_of_build + 2h + std::chrono::microseconds(static_cast<std::int64_t>(i))));
    const double stop_s = seconds_since(stop_from);
    state.SetIterationTime(build_s);

    state.counters["tickets"] = static_cast<double>(tickets);
    state.counters["clocks_open"] = static_cast<double>(clocks);
    state.counters["timers_pending"] = static_cast<double>(pending);
    state.counters["clock_starts_per_s"] = static_cast<double>(clocks) / build_s;
    state.counters["build_events_per_s"] = static_cast<double>(built_events) / build_s;
    state.counters["bytes_per_open_clock"] =
        static_cast<double>(after - before) / static_cast<double>(clocks);
    state.counters["bytes_per_open_ticket"] =
        static_cast<double>(after - before) / static_cast<double>(tickets);
    state.counters["snapshot_scan_ms"] = scan_s * 1e3;
    state.counters["at_risk_fired"] = static_cast<double>(fired);
    state.counters["fires_per_s"] = static_cast<double>(fired) / fire_s;
    state.counters["resolves_per_s"] = static_cast<double>(tickets) / stop_s;
    state.counters["clock_stops_per_s"] = static_cast<double>(clocks) / stop_s;
    eng.reset();
  }
}
BENCHMARK(bm_engine_open_clocks_all_targets)->Unit(benchmark::kMillisecond)->Iterations(1)->UseManualTime();

}  // namespace
