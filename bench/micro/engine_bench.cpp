// Engine costs against DESIGN.md §12: apply throughput with decode excluded
// (target >= 2 M events/s), decode + validate + apply from protobuf bytes
// (>= 1 M events/s), and heap bytes per open interaction (<= 256).
//
// The stream: 300 contacts/s over 20 queues and three channels, each one
// Created, Queued, then Answered (85 %, wait ~ Exp(15 s)) or Abandoned, then
// Resolved after ~ 5 min of talk, and a survey for 10 %. That keeps about
// 100 k interactions in flight (plus the lingering closed ones). The first
// 10 minutes warm the state up untimed; the next 10 minutes are measured.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ccpulse/v1/events.pb.h"
#include "codec/event_decoder.h"
#include "discard_changes.h"
#include "engine/engine.h"
#include "engine/interaction_record.h"
#include "engine/outputs.h"
#include "model/event.h"
#include "model/time.h"
#include "sla/policy.h"

namespace {

using ccpulse::channel;
using ccpulse::duration;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using namespace std::chrono_literals;

const instant t0 = from_unix_micros(1'700'000'000'000'000);
constexpr double arrivals_per_s = 300;
constexpr int warmup_s = 600;
constexpr int measured_s = 600;
constexpr int queue_count = 20;
constexpr std::size_t id_width = 12;

struct xorshift {
  std::uint64_t s = 0x9e3779b97f4a7c15ULL;
  std::uint64_t operator()() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }
};

std::string queue_name(int q) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "q%02d", q);
  return buf;
}

ccpulse::engine::engine_settings settings() {
  ccpulse::engine::engine_settings s;
  for (int q = 0; q < queue_count; ++q) s.queues.push_back({queue_name(q), 20s});
  return s;
}

ccpulse::sla::target answer(duration d) {
  ccpulse::sla::target t;
  t.type = ccpulse::sla::target_type::answer;
  t.default_duration = d;
  return t;
}

ccpulse::sla::policy_set policies() {
  ccpulse::sla::policy voice;
  voice.name = "voice";
  voice.match.channels = {channel::voice};
  voice.targets.push_back(answer(30s));
  voice.targets.back().by_priority = {{1, 20s}};
  ccpulse::sla::policy chat;
  chat.name = "chat";
  chat.match.channels = {channel::chat};
  chat.targets.push_back(answer(60s));
  ccpulse::sla::policy email;
  email.name = "email";
  email.targets.push_back(answer(1h));
  email.targets.back().at_risk.how = ccpulse::sla::at_risk_threshold::mode::lead;
  email.targets.back().at_risk.lead = 15min;
  return ccpulse::sla::policy_set({voice, chat, email});
}

// Pre-generated, time-ordered events in a compact form; the model event is
// assembled from views into the id arenas when applied (a few stores).
struct step {
  std::int64_t at_us;
  std::uint32_t who;
  event_kind kind;
};

struct contact {
  channel chan;
  std::uint8_t queue;
  std::uint8_t priority;
  std::uint8_t tier;
};

struct stream {
  std::vector<step> steps;
  std::size_t measured_begin = 0;
  std::vector<contact> contacts;
  std::string interaction_ids;  // id_width chars each
  std::string event_ids;        // id_width chars each
  std::vector<std::string> queues;
  std::vector<std::string> tiers{"gold", "silver", "bronze"};

  std::string_view interaction_id(std::uint32_t who) const {
    return std::string_view(interaction_ids).substr(std::size_t{who} * id_width, id_width);
  }
  std::string_view event_id(std::size_t k) const {
    return std::string_view(event_ids).substr(k * id_width, id_width);
  }
  instant at(std::size_t k) const { return from_unix_micros(steps[k].at_us); }

  event make(std::size_t k) const {
    const step& s = steps[k];
    const contact& c = contacts[s.who];
    event e;
    e.event_id = event_id(k);
    e.occurred_at = from_unix_micros(s.at_us);
    e.interaction_id = interaction_id(s.who);
    e.chan = c.chan;
    e.queue_id = queues[c.queue];
    e.priority = c.priority;
    e.customer_tier = tiers[c.tier];
    e.kind = s.kind;
    if (s.kind == event_kind::survey_response) e.csat = 4;
    return e;
  }
};

const stream& shared_stream() {
  static const stream generated = [] {
    stream st;
    for (int q = 0; q < queue_count; ++q) st.queues.push_back(queue_name(q));
    xorshift rng;
    const auto n = static_cast<std::uint32_t>(arrivals_per_s * (warmup_s + measured_s));
    const std::int64_t end_us = std::int64_t{warmup_s + measured_s} * 1'000'000;
    st.contacts.reserve(n);
    st.steps.reserve(std::size_t{n} * 4);
    char buf[32];
    for (std::uint32_t i = 0; i < n; ++i) {
      std::snprintf(buf, sizeof buf, "ia-%09u", i);
      st.interaction_ids.append(buf, id_width);
      const double r = rng.uniform();
      const channel chan = r < 0.6 ? channel::voice : r < 0.85 ? channel::chat : channel::email;
      st.contacts.push_back({chan, static_cast<std::uint8_t>(rng() % queue_count),
                             static_cast<std::uint8_t>(1 + rng() % 3), static_cast<std::uint8_t>(rng() % 3)});
      auto at = [&](double s) { return static_cast<std::int64_t>(s * 1e6); };
      const double arrival = i / arrivals_per_s;
      const double wait = rng.exponential(15.0);
      const bool abandons = rng.uniform() < 0.15;
      const double talk = 120.0 + rng.exponential(180.0);
      const bool survey = rng.uniform() < 0.1;
      auto push = [&](double s, event_kind k) {
        const std::int64_t us = at(s);
        if (us < end_us) st.steps.push_back({us, i, k});
      };
      push(arrival, event_kind::interaction_created);
      push(arrival, event_kind::queued);
      if (abandons) {
        push(arrival + wait, event_kind::abandoned);
      } else {
        push(arrival + wait, event_kind::answered);
        push(arrival + wait + talk, event_kind::resolved);
        if (survey) push(arrival + wait + talk + 60.0, event_kind::survey_response);
      }
    }
    std::stable_sort(st.steps.begin(), st.steps.end(),
                     [](const step& a, const step& b) { return a.at_us < b.at_us; });
    const std::int64_t base = ccpulse::to_unix_micros(t0);
    for (auto& s : st.steps) s.at_us += base;
    st.event_ids.reserve(st.steps.size() * id_width);
    for (std::size_t k = 0; k < st.steps.size(); ++k) {
      std::snprintf(buf, sizeof buf, "ev-%09zu", k);
      st.event_ids.append(buf, id_width);
    }
    const std::int64_t warm_end = base + std::int64_t{warmup_s} * 1'000'000;
    st.measured_begin =
        static_cast<std::size_t>(std::lower_bound(st.steps.begin(), st.steps.end(), warm_end,
                                                  [](const step& a, std::int64_t t) { return a.at_us < t; }) -
                                 st.steps.begin());
    return st;
  }();
  return generated;
}

// The worker's loop without I/O: apply, hand the alerts on, and advance the
// partition's clock every 256 events.
using ccpulse::bench::discard_changes;

struct applier {
  ccpulse::engine::partition& part;
  ccpulse::engine::outputs out;
  std::uint64_t alerts = 0;

  void after_apply(std::size_t k, instant at) {
    alerts += out.alerts.size();
    out.clear();
    if ((k & 255) == 0) {
      part.advance(at, true, out);
      alerts += out.alerts.size();
      out.clear();
    }
    // The changes drained as a commit interval would (16 Ki events, about
    // 100 ms of a catch-up); without it the dirty set grows to every
    // interaction ever touched, which no worker sees.
    if ((k & 16383) == 0) {
      discard_changes d;
      part.drain_changes(d);
    }
  }
  void run(const stream& s, std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end; ++k) {
      const event e = s.make(k);
      part.apply(e, out);
      after_apply(k, e.occurred_at);
    }
  }
};

void report(benchmark::State& state, const stream& s, std::size_t open, std::uint64_t alerts) {
  const auto measured = static_cast<std::int64_t>(s.steps.size() - s.measured_begin);
  state.SetItemsProcessed(state.iterations() * measured);
  state.counters["events"] = static_cast<double>(measured);
  state.counters["open_at_end"] = static_cast<double>(open);
  state.counters["alerts_per_kevent"] =
      static_cast<double>(alerts) * 1000.0 / static_cast<double>(state.iterations() * measured);
}

// (a) Engine apply, decode excluded.
void bm_engine_apply(benchmark::State& state) {
  const stream& s = shared_stream();
  std::size_t open = 0;
  std::uint64_t alerts = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto eng = std::make_unique<ccpulse::engine::engine>(settings(), policies());
    applier a{eng->assign(0, t0), {}, 0};
    a.out.alerts.reserve(4096);
    a.run(s, 0, s.measured_begin);
    a.alerts = 0;
    state.ResumeTiming();

    a.run(s, s.measured_begin, s.steps.size());

    state.PauseTiming();
    open = a.part.open_interactions();
    alerts += a.alerts;
    eng.reset();
    state.ResumeTiming();
  }
  report(state, s, open, alerts);
}
BENCHMARK(bm_engine_apply)->Unit(benchmark::kMillisecond)->Iterations(5);

// The measured part of the stream as the producer would send it.
struct serialized {
  std::string bytes;
  std::vector<std::size_t> offsets;  // offsets[k - measured_begin], plus the end
};

const serialized& shared_bytes() {
  static const serialized out = [] {
    const stream& s = shared_stream();
    serialized r;
    ccpulse::v1::Event m;
    std::string one;
    for (std::size_t k = s.measured_begin; k < s.steps.size(); ++k) {
      const event e = s.make(k);
      m.Clear();
      m.set_event_id(std::string(e.event_id));
      const auto us = ccpulse::to_unix_micros(e.occurred_at);
      m.mutable_occurred_at()->set_seconds(us / 1'000'000);
      m.mutable_occurred_at()->set_nanos(static_cast<std::int32_t>(us % 1'000'000) * 1000);
      m.set_interaction_id(std::string(e.interaction_id));
      m.set_channel(static_cast<ccpulse::v1::Channel>(e.chan));
      m.set_queue_id(std::string(e.queue_id));
      m.set_priority(e.priority);
      m.mutable_customer()->set_hashed_id("c" + std::string(e.interaction_id.substr(3)));
      m.mutable_customer()->set_tier(std::string(e.customer_tier));
      switch (e.kind) {
        case event_kind::interaction_created:
          m.mutable_interaction_created();
          break;
        case event_kind::queued:
          m.mutable_queued();
          break;
        case event_kind::answered:
          m.set_agent_id("agent-0042");
          m.mutable_answered();
          break;
        case event_kind::abandoned:
          m.mutable_abandoned();
          break;
        case event_kind::resolved:
          m.set_agent_id("agent-0042");
          m.mutable_resolved()->set_disposition("resolved");
          break;
        case event_kind::survey_response:
          m.mutable_survey_response()->set_csat(4);
          break;
        default:
          break;
      }
      r.offsets.push_back(r.bytes.size());
      m.SerializeToString(&one);
      r.bytes += one;
    }
    r.offsets.push_back(r.bytes.size());
    return r;
  }();
  return out;
}

// (b) decode + validate + apply, from pre-serialized ccpulse.v1.Event bytes.
void bm_engine_decode_apply(benchmark::State& state) {
  const stream& s = shared_stream();
  const serialized& b = shared_bytes();
  const instant wall = from_unix_micros(s.steps.back().at_us) + 1min;
  std::size_t open = 0;
  std::uint64_t alerts = 0;
  std::uint64_t invalid = 0;
  ccpulse::codec::event_decoder decoder;
  for (auto _ : state) {
    state.PauseTiming();
    auto eng = std::make_unique<ccpulse::engine::engine>(settings(), policies());
    applier a{eng->assign(0, t0), {}, 0};
    a.out.alerts.reserve(4096);
    a.run(s, 0, s.measured_begin);
    a.alerts = 0;
    state.ResumeTiming();

    const auto* base = reinterpret_cast<const std::byte*>(b.bytes.data());
    event e;
    for (std::size_t k = s.measured_begin; k < s.steps.size(); ++k) {
      const std::size_t i = k - s.measured_begin;
      const std::span<const std::byte> bytes(base + b.offsets[i], b.offsets[i + 1] - b.offsets[i]);
      if (!decoder.decode(bytes, wall, e).ok) {
        ++invalid;
        continue;
      }
      a.part.apply(e, a.out);
      a.after_apply(k, e.occurred_at);
    }

    state.PauseTiming();
    open = a.part.open_interactions();
    alerts += a.alerts;
    eng.reset();
    state.ResumeTiming();
  }
  report(state, s, open, alerts);
  state.counters["invalid"] = static_cast<double>(invalid);
  state.counters["bytes_per_event"] =
      static_cast<double>(b.bytes.size()) / static_cast<double>(b.offsets.size() - 1);
}
BENCHMARK(bm_engine_decode_apply)->Unit(benchmark::kMillisecond)->Iterations(5);

std::size_t heap_in_use() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;  // small blocks + mmapped (large tables)
}

// (c) Heap per open interaction: a million contacts queued and waiting, each
// with its record, its SLA timer, its waiting-heap entry and its event id in
// the dedup memory.
void bm_engine_memory_per_open_interaction(benchmark::State& state) {
  constexpr std::size_t n = 1'000'000;
  std::string ids;
  ids.reserve(n * 2 * id_width);
  char buf[32];
  for (std::size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "ia-%09zu", i);
    ids.append(buf, id_width);
    std::snprintf(buf, sizeof buf, "ev-%09zu", i);
    ids.append(buf, id_width);
  }
  const std::string_view all(ids);
  double per_interaction = 0;
  std::size_t open = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto eng = std::make_unique<ccpulse::engine::engine>(settings(), policies());
    auto& part = eng->assign(0, t0);
    ccpulse::engine::outputs out;
    malloc_trim(0);
    const std::size_t before = heap_in_use();
    state.ResumeTiming();

    for (std::size_t i = 0; i < n; ++i) {
      event e;
      e.interaction_id = all.substr(i * 2 * id_width, id_width);
      e.event_id = all.substr(i * 2 * id_width + id_width, id_width);
      e.occurred_at = t0 + std::chrono::microseconds(static_cast<std::int64_t>(i) * 100);
      e.chan = i % 4 == 0 ? channel::chat : channel::voice;
      e.queue_id = i % 2 == 0 ? "q01" : "q02";
      e.priority = 2;
      e.customer_tier = "gold";
      e.kind = event_kind::queued;
      part.apply(e, out);
    }

    state.PauseTiming();
    const std::size_t after = heap_in_use();
    open = part.open_interactions();
    per_interaction = static_cast<double>(after - before) / static_cast<double>(open);
    eng.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["open"] = static_cast<double>(open);
  state.counters["bytes_per_open_interaction"] = per_interaction;
  state.counters["sizeof_record"] = static_cast<double>(sizeof(ccpulse::engine::interaction_record));
}
BENCHMARK(bm_engine_memory_per_open_interaction)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
