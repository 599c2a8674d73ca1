// Engine apply on the full event mix (DESIGN.md §12, decode excluded), next
// to engine_bench.cpp's answer-only stream: the simulator's traffic (voice,
// chat, email and ticket queues with sized staffing, so agent state changes,
// holds, replies, statuses, transfers, escalations, surveys and follow-ups),
// the demo's policies (all seven target types), and the worker's loop: the
// partition advances to its watermark before every event (a backlog
// replayed on event time), changes drained every 16 Ki events.
//
// The stream is generated once, decoded once into owned strings, and
// replayed from model events: decode is excluded, as in bm_engine_apply.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/event_decoder.h"
#include "discard_changes.h"
#include "engine/engine.h"
#include "engine/outputs.h"
#include "model/event.h"
#include "model/time.h"
#include "sim/simulator.h"
#include "sla/policy.h"

namespace {

using ccpulse::channel;
using ccpulse::duration;
using ccpulse::event;
using ccpulse::instant;
using namespace std::chrono_literals;

const instant start = ccpulse::from_unix_micros(1'700'000'000'000'000);
constexpr auto warmup = 10min;
constexpr auto measured = 10min;

struct queue_def {
  const char* name;
  channel chan;
  duration sl_threshold;
  double sl_target;
  double share;
  duration handle;
  duration patience;
  double overload;
};

// The demo floor (config/demo.yaml), at a backlog's rate.
const std::array<queue_def, 6> floor_queues{{
    {"billing", channel::voice, 20s, 0.8, 0.30, 40s, 60s, 1.0},
    {"support", channel::voice, 30s, 0.8, 0.25, 60s, 90s, 1.0},
    {"sales", channel::voice, 15s, 0.9, 0.15, 30s, 45s, 1.25},
    {"web-chat", channel::chat, 60s, 0.85, 0.15, 90s, 3min, 1.25},
    {"email", channel::email, 4h, 0.9, 0.10, 2min, 24h, 1.0},
    {"helpdesk", channel::ticket, 8h, 0.9, 0.05, 5min, 24h, 1.0},
}};

ccpulse::engine::engine_settings settings() {
  ccpulse::engine::engine_settings s;
  for (const auto& q : floor_queues) s.queues.emplace_back(q.name, q.sl_threshold);
  return s;
}

ccpulse::sla::target target(ccpulse::sla::target_type type, duration d, double at_risk) {
  ccpulse::sla::target t;
  t.type = type;
  t.default_duration = d;
  t.at_risk.fraction = at_risk;
  return t;
}

ccpulse::sla::policy_set policies() {
  using tt = ccpulse::sla::target_type;
  ccpulse::sla::policy vip;
  vip.name = "vip-voice";
  vip.match.channels = {channel::voice};
  vip.match.tiers = {"gold"};
  vip.targets.push_back(target(tt::answer, 20s, 0.75));
  vip.targets.back().by_priority = {{1, 10s}};
  ccpulse::sla::policy voice;
  voice.name = "standard-voice";
  voice.match.channels = {channel::voice};
  voice.targets.push_back(target(tt::answer, 30s, 0));
  voice.targets.back().at_risk.how = ccpulse::sla::at_risk_threshold::mode::lead;
  voice.targets.back().at_risk.lead = 20s;
  ccpulse::sla::policy chat;
  chat.name = "chat";
  chat.match.channels = {channel::chat};
  chat.targets.push_back(target(tt::answer, 45s, 0.8));
  chat.targets.push_back(target(tt::next_reply, 90s, 0.8));
  chat.targets.push_back(target(tt::escalation_response, 2min, 0.5));
  ccpulse::sla::policy async;
  async.name = "email-and-tickets";
  async.match.channels = {channel::email, channel::ticket};
  async.targets.push_back(target(tt::first_response, 4h, 0.8));
  async.targets.back().by_priority = {{1, 15min}, {2, 1h}};
  async.targets.push_back(target(tt::resolution, 24h, 0.9));
  async.targets.back().by_priority = {{1, 4h}};
  async.targets.push_back(target(tt::periodic_update, 8h, 0.75));
  async.targets.push_back(target(tt::detractor_follow_up, 4h, 0.5));
  return ccpulse::sla::policy_set({vip, voice, chat, async});
}

// Decoded events whose strings live in one arena (views patched once the
// arena stops growing).
struct full_mix_stream {
  std::vector<event> events;
  std::size_t measured_begin = 0;
  std::size_t agent_events = 0;
  std::string arena;
};

const full_mix_stream& shared_full_mix() {
  static const full_mix_stream generated = [] {
    ccpulse::sim::profile prof;
    prof.rate_per_second = 300;
    prof.seed = 7;
    prof.staffing = ccpulse::sim::staffing_mode::sized;
    for (const auto& q : floor_queues) {
      ccpulse::sim::queue_profile qp{q.name, q.chan, q.share, 1, q.handle, q.patience};
      qp.answer_within = q.sl_threshold;
      qp.answer_target = q.sl_target;
      qp.overload = q.overload;
      prof.queues.push_back(qp);
    }
    ccpulse::sim::simulator sim(prof, start);
    full_mix_stream st;
    using span_of = std::pair<std::uint32_t, std::uint32_t>;
    std::vector<std::array<span_of, 9>> spans;
    auto keep = [&](std::string_view s) {
      const span_of r{static_cast<std::uint32_t>(st.arena.size()), static_cast<std::uint32_t>(s.size())};
      st.arena.append(s);
      return r;
    };
    ccpulse::codec::event_decoder decoder;
    const instant end = start + warmup + measured;
    std::vector<ccpulse::sim::sim_event> batch;
    std::string bytes;
    for (instant t = start + 1s; t <= end; t += 1s) {
      batch.clear();
      sim.generate_until(t, batch);
      for (const auto& se : batch) {
        bytes.clear();
        se.message.SerializeToString(&bytes);
        event e;
        const std::span<const std::byte> b(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size());
        if (!decoder.decode(b, end + 1min, e).ok) continue;
        if (e.occurred_at < start + warmup) st.measured_begin = st.events.size() + 1;
        if (e.kind == ccpulse::event_kind::agent_state_changed) ++st.agent_events;
        spans.push_back({keep(e.event_id),
                         keep(e.interaction_id),
                         keep(e.queue_id),
                         keep(e.customer_id),
                         keep(e.customer_tier),
                         keep(e.agent_id),
                         keep(e.to_queue_id),
                         keep(e.reason),
                         {}});
        st.events.push_back(e);
      }
    }
    const std::string_view a(st.arena);
    for (std::size_t k = 0; k < st.events.size(); ++k) {
      auto& e = st.events[k];
      const auto& s = spans[k];
      std::string_view* fields[] = {&e.event_id,      &e.interaction_id, &e.queue_id,    &e.customer_id,
                                    &e.customer_tier, &e.agent_id,       &e.to_queue_id, &e.reason};
      for (std::size_t f = 0; f < std::size(fields); ++f) *fields[f] = a.substr(s[f].first, s[f].second);
    }
    return st;
  }();
  return generated;
}

using ccpulse::bench::discard_changes;

// The worker's per-message engine calls, behind the head (worker.cpp).
std::uint64_t replay(ccpulse::engine::partition& part, ccpulse::engine::outputs& out,
                     const full_mix_stream& s, std::size_t begin, std::size_t end) {
  std::uint64_t alerts = 0;
  for (std::size_t k = begin; k < end; ++k) {
    part.advance(part.watermark(), false, out);
    part.apply(s.events[k], out);
    alerts += out.alerts.size();
    out.clear();
    if ((k & 16383) == 0) {
      discard_changes d;
      part.drain_changes(d);
    }
  }
  return alerts;
}

void bm_engine_apply_full_mix(benchmark::State& state) {
  const full_mix_stream& s = shared_full_mix();
  std::size_t open = 0, clocks = 0, agents = 0;
  std::uint64_t alerts = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto eng = std::make_unique<ccpulse::engine::engine>(settings(), policies());
    auto& part = eng->assign(0, start);
    ccpulse::engine::outputs out;
    out.alerts.reserve(4096);
    replay(part, out, s, 0, s.measured_begin);
    state.ResumeTiming();

    alerts += replay(part, out, s, s.measured_begin, s.events.size());

    state.PauseTiming();
    open = part.open_interactions();
    clocks = part.sla_clocks();
    agents = part.agents();
    eng.reset();
    state.ResumeTiming();
  }
  const auto n = static_cast<std::int64_t>(s.events.size() - s.measured_begin);
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["events"] = static_cast<double>(n);
  state.counters["agent_share"] = static_cast<double>(s.agent_events) / static_cast<double>(s.events.size());
  state.counters["open_at_end"] = static_cast<double>(open);
  state.counters["clocks_at_end"] = static_cast<double>(clocks);
  state.counters["agents_at_end"] = static_cast<double>(agents);
  state.counters["alerts_per_kevent"] =
      static_cast<double>(alerts) * 1000.0 / static_cast<double>(state.iterations() * n);
}
BENCHMARK(bm_engine_apply_full_mix)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
