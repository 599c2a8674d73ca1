// The changelog contract of a partition (DESIGN.md §8): what drain_changes
// hands out, restored into a fresh partition of a fresh engine, continues
// exactly as if nothing had stopped. Exercised without protobuf here; the
// codec's own round trip is in tests/unit/codec/state_codec_test.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "engine/engine.h"
#include "engine/partition.h"
#include "engine/state_record.h"
#include "metrics/queue_counters.h"
#include "model/event.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::channel;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using namespace ccpulse::engine;
using ccpulse::sla::alert_kind;

const instant t0 = from_unix_micros(1'800'000'000'000'000);

engine_settings settings() {
  engine_settings s;
  s.queues = {{"sales", 20s}, {"billing", 10s}};
  s.linger = 2min;
  s.dedup_horizon = 1min;
  return s;
}

ccpulse::sla::policy_set policies() {
  ccpulse::sla::target answer;
  answer.type = ccpulse::sla::target_type::answer;
  answer.default_duration = 30s;
  answer.by_priority = {{1, 12s}};
  ccpulse::sla::policy voice{"voice", {}, {answer}};
  voice.match.channels = {channel::voice};
  // German voice contacts (the attribute may arrive after the Queued): a
  // shorter answer target, and escalation rules, so restores carry
  // attributes and emitted escalation marks.
  ccpulse::sla::target quick = answer;
  quick.default_duration = 15s;
  ccpulse::sla::policy voice_de{"voice-de", {}, {quick}};
  voice_de.match.channels = {channel::voice};
  voice_de.match.attributes = {{"language", {"de"}, 0}};
  ccpulse::sla::escalation_rule repeat;
  repeat.name = "repeat";
  repeat.repeat_contact = true;
  ccpulse::sla::escalation_rule angry;
  angry.name = "angry";
  angry.sentiment_below = -0.5;
  voice_de.escalate = {repeat, angry};
  ccpulse::sla::target slow = answer;
  slow.default_duration = 2min;
  ccpulse::sla::policy chat{"chat", {}, {slow}};
  // Chat has every other target type too, so restores carry them all.
  auto target_of = [](ccpulse::sla::target_type type, ccpulse::duration d) {
    ccpulse::sla::target t;
    t.type = type;
    t.default_duration = d;
    return t;
  };
  using tt = ccpulse::sla::target_type;
  ccpulse::sla::policy chat_sla{
      "chat-sla",
      {},
      {target_of(tt::first_response, 20s), target_of(tt::next_reply, 8s), target_of(tt::periodic_update, 30s),
       target_of(tt::resolution, 60s), target_of(tt::escalation_response, 10s),
       target_of(tt::detractor_follow_up, 40s)}};
  chat_sla.match.channels = {channel::chat};
  return ccpulse::sla::policy_set({voice_de, voice, chat_sla, chat});
}

// The state topic in memory: the latest value per key, as compaction keeps.
struct store final : state_sink {
  using value = std::variant<interaction_state, queue_state, partition_meta_state, dedup_chunk,
                             ccpulse::engine::agent_record_state, ccpulse::engine::repeat_chunk,
                             ccpulse::metrics::window_bucket_state, ccpulse::metrics::window_clock_state,
                             ccpulse::engine::queue_rule_record>;
  std::map<std::string, value> records;
  std::size_t puts = 0, tombstones = 0;

  static std::string key(const state_key& k) {
    switch (k.kind) {
      case state_kind::interaction:
        return "i/" + std::string(k.name);
      case state_kind::queue:
        return "q/" + std::string(k.name);
      case state_kind::agent:
        return "a/" + std::string(k.name);
      case state_kind::queue_rule:
        return "qr/" + std::string(k.name);
      case state_kind::meta:
        return "m";
      case state_kind::dedup:
      case state_kind::repeat:
        return (k.kind == state_kind::dedup ? "d/" : "r/") +
               std::to_string(ccpulse::to_unix_micros(k.generation)) + "/" + std::to_string(k.sequence);
    }
    return {};
  }
  void put(const interaction_state& s) override { ++puts, records["i/" + s.interaction_id] = s; }
  void put(const queue_state& s) override { ++puts, records["q/" + s.queue] = s; }
  void put(const partition_meta_state& s) override { ++puts, records["m"] = s; }
  void put(const dedup_chunk& s) override {
    ++puts;
    records[key({state_kind::dedup, {}, s.generation, s.sequence})] = s;
  }
  void erase(const state_key& k) override { ++tombstones, records.erase(key(k)); }
  static std::string key(const ccpulse::metrics::window_state_key& k) {
    return "w/" + std::to_string(static_cast<int>(k.kind)) + "/" + std::to_string(static_cast<int>(k.scope)) +
           "/" + std::string(k.scope_name) + "/" + std::to_string(ccpulse::to_unix_micros(k.start));
  }
  void put_bucket(const ccpulse::metrics::window_bucket_state& s) override {
    ++puts;
    records[key({s.kind, s.scope, s.scope_name, s.start})] = s;
  }
  void put_clock(const ccpulse::metrics::window_clock_state& s) override { ++puts, records["wh"] = s; }
  void put_agent(const ccpulse::engine::agent_record_state& s) override {
    ++puts, records["a/" + s.agent_id] = s;
  }
  void put_repeat(const ccpulse::engine::repeat_chunk& s) override {
    ++puts;
    records[key({state_kind::repeat, {}, s.generation, s.sequence})] = s;
  }
  void put_queue_rule(const ccpulse::engine::queue_rule_record& s) override {
    ++puts, records["qr/" + s.rule + "/" + s.queue] = s;
  }
  void erase_bucket(const ccpulse::metrics::window_state_key& k) override {
    ++tombstones, records.erase(key(k));
  }

  void replay(state_sink& into) const {
    for (const auto& [k, v] : records)
      std::visit(
          [&](const auto& r) {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, ccpulse::metrics::window_bucket_state>)
              into.put_bucket(r);
            else if constexpr (std::is_same_v<T, ccpulse::metrics::window_clock_state>)
              into.put_clock(r);
            else if constexpr (std::is_same_v<T, ccpulse::engine::agent_record_state>)
              into.put_agent(r);
            else if constexpr (std::is_same_v<T, ccpulse::engine::repeat_chunk>)
              into.put_repeat(r);
            else if constexpr (std::is_same_v<T, ccpulse::engine::queue_rule_record>)
              into.put_queue_rule(r);
            else
              into.put(r);
          },
          v);
  }
};

struct scripted_event {
  std::string event_id, interaction_id, queue;
  event_kind kind;
  instant at;
  channel chan = channel::voice;
  std::uint32_t priority = 2;
  ccpulse::agent_state agent =
      ccpulse::agent_state::unspecified;  // agent events: interaction_id is the agent
  ccpulse::ticket_status status = ccpulse::ticket_status::unspecified;
  std::uint8_t csat = 0;
  std::string language{};  // attributes: language ("" not sent)
  double sentiment = 0;
};

// Seeded traffic with the awkward parts: duplicates, answers before queue
// entries, re-queues, abandons, slow answers that breach, resolutions.
std::vector<scripted_event> traffic(std::uint32_t seed, int contacts) {
  std::mt19937 rng(seed);
  std::mt19937 more(seed + 1000);
  std::uniform_int_distribution<int> pct(0, 99);
  std::vector<scripted_event> out;
  instant t = t0;
  int eid = 0;
  auto add = [&](const std::string& ia, const std::string& q, event_kind k, instant at, channel c,
                 std::uint32_t pri) {
    out.push_back({"e" + std::to_string(eid++), ia, q, k, at, c, pri});
  };
  for (int i = 0; i < contacts; ++i) {
    t += std::chrono::milliseconds(200 + pct(rng) * 30);
    const std::string ia = "ia-" + std::to_string(i);
    const std::string q = pct(rng) < 60   ? "sales"
                          : pct(rng) < 80 ? "billing"
                                          : "q-" + std::to_string(pct(rng) % 7);
    const channel c = pct(rng) < 80 ? channel::voice : channel::chat;
    const std::uint32_t pri = pct(rng) < 20 ? 1 : 2;
    const auto wait = std::chrono::seconds(pct(rng) % 45);
    const int shape = pct(rng);
    if (shape < 10) {  // answered delivered before its queued
      add(ia, q, event_kind::answered, t + wait, c, pri);
      add(ia, q, event_kind::queued, t, c, pri);
    } else if (shape < 25) {
      add(ia, q, event_kind::queued, t, c, pri);
      add(ia, q, event_kind::abandoned, t + wait, c, pri);
    } else if (shape < 35) {  // transferred and queued again
      add(ia, q, event_kind::queued, t, c, pri);
      add(ia, q, event_kind::transferred, t + wait / 2, c, pri);
      add(ia, "billing", event_kind::queued, t + wait / 2 + 1s, c, pri);
      add(ia, "billing", event_kind::answered, t + wait, c, pri);
    } else if (shape < 40) {  // abandoned delivered before its queued
      add(ia, q, event_kind::abandoned, t + wait, c, pri);
      add(ia, q, event_kind::queued, t, c, pri);
    } else {
      add(ia, q, event_kind::interaction_created, t, c, pri);
      add(ia, q, event_kind::queued, t, c, pri);
      add(ia, q, event_kind::answered, t + wait, c, pri);
      // The KPI bookkeeping a record carries across a move: hold, wrap-up,
      // a customer message waiting for a reply, a crossing of T.
      if (c == channel::voice && pct(rng) < 60) {
        add(ia, q, event_kind::held, t + wait + 5s, c, pri);
        add(ia, q, event_kind::resumed, t + wait + 15s, c, pri);
        add(ia, q, event_kind::wrap_up_started, t + wait + 20s, c, pri);
        add(ia, q, event_kind::wrap_up_ended, t + wait + 28s, c, pri);
      } else if (c == channel::chat) {
        add(ia, q, event_kind::customer_replied, t + wait + 3s, c, pri);
        add(ia, q, event_kind::agent_replied, t + wait + 9s, c, pri);
        // Every SLA target type: a pause, an escalation, a reopen, a
        // detractor survey and its follow-up.
        if (pct(rng) < 50) {
          add(ia, q, event_kind::status_changed, t + wait + 10s, c, pri);
          out.back().status = ccpulse::ticket_status::pending;
          add(ia, q, event_kind::status_changed, t + wait + 10s + std::chrono::seconds(pct(rng) % 40), c,
              pri);
          out.back().status = ccpulse::ticket_status::open;
        }
        if (pct(rng) < 40) add(ia, q, event_kind::escalated, t + wait + 12s, c, pri);
        if (pct(rng) < 50) add(ia, q, event_kind::customer_replied, t + wait + 14s, c, pri);
        if (pct(rng) < 30)
          add(ia, q, event_kind::agent_replied, t + wait + 14s + std::chrono::seconds(pct(rng) % 20), c, pri);
      }
      if (pct(rng) < 50) {
        add(ia, q, event_kind::resolved, t + wait + 30s, c, pri);
        if (c == channel::chat && pct(rng) < 30) add(ia, q, event_kind::reopened, t + wait + 50s, c, pri);
      }
      if (c == channel::chat && pct(rng) < 30) {
        add(ia, q, event_kind::survey_response, t + wait + 40s + std::chrono::seconds(pct(rng) % 600), c,
            pri);
        out.back().csat = static_cast<std::uint8_t>(1 + pct(rng) % 5);
        if (pct(rng) < 50)
          add(ia, q, event_kind::follow_up_completed, out.back().at + std::chrono::seconds(pct(rng) % 60), c,
              pri);
      }
    }
    // Drawn apart, so the rest of the traffic is what it was before.
    if (c == channel::voice && pct(more) < 40) {
      // The language on the first event, or on a later one of the contact.
      const std::size_t last = out.size() - 1;
      std::size_t first = last;
      while (first > 0 && out[first - 1].interaction_id == ia) --first;
      out[pct(more) < 50 ? first : last].language = "de";
      if (pct(more) < 50) {
        add(ia, q, event_kind::sentiment_observed, out[last].at + 2s, c, pri);
        out.back().sentiment = -0.01 * pct(more);
      }
    }
    if (pct(rng) < 5)
      out.push_back(out[out.size() - 1 - static_cast<std::size_t>(pct(rng) % 2)]);  // duplicate
    if (pct(rng) < 25) {  // an agent changes state (logs out now and then)
      static constexpr ccpulse::agent_state states[] = {
          ccpulse::agent_state::available, ccpulse::agent_state::on_contact,
          ccpulse::agent_state::after_contact_work, ccpulse::agent_state::away,
          ccpulse::agent_state::logged_out};
      out.push_back({"e" + std::to_string(eid++), "ag-" + std::to_string(pct(rng) % 6), q,
                     event_kind::agent_state_changed, t, c, 0, states[pct(rng) % 5]});
    }
  }
  // Delivery is in order per interaction but events of neighbours interleave
  // by a few seconds: sort by time with a seeded jitter.
  std::vector<std::pair<instant, std::size_t>> order;
  for (std::size_t i = 0; i < out.size(); ++i)
    order.emplace_back(out[i].at + std::chrono::milliseconds(pct(rng) * 20), i);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Keep each interaction's own order (stable by first appearance).
  std::map<std::string, std::vector<std::size_t>> per;
  for (std::size_t i = 0; i < out.size(); ++i) per[out[i].interaction_id].push_back(i);
  std::map<std::string, std::size_t> next;
  std::vector<scripted_event> result;
  for (const auto& [at, i] : order) {
    const auto& ia = out[i].interaction_id;
    result.push_back(out[per[ia][next[ia]++]]);
  }
  return result;
}

using alert_fact = std::tuple<std::string, alert_kind, instant, std::string>;

// Drives a partition the way a worker does while behind: advance to the
// watermark before each event.
struct driver {
  std::unique_ptr<engine> eng = std::make_unique<engine>(settings(), policies());
  partition* part = &eng->assign(3, instant{});
  outputs out;
  std::set<ccpulse::sla::target_type> targets_seen;
  // Live: caught up, the wall clock at each event's own time (no delivery
  // delay), as a worker does with a caught-up partition.
  bool live_clock = false;
  instant wall = ccpulse::instant_min;

  void feed(const scripted_event& s) {
    event e;
    e.event_id = s.event_id;
    e.interaction_id = s.interaction_id;
    e.queue_id = s.queue;
    e.kind = s.kind;
    e.occurred_at = s.at;
    e.chan = s.chan;
    e.priority = s.priority;
    e.customer_tier = "gold";
    // Few customers, so repeat contacts are common.
    const std::string customer = "cust-" + std::to_string(std::hash<std::string>{}(s.interaction_id) % 40);
    e.customer_id = customer;
    e.status = s.status;
    e.csat = s.csat;
    e.attributes[0] = s.language;
    e.sentiment = s.sentiment;
    if (s.kind == event_kind::agent_state_changed) {
      e.interaction_id = {};
      e.agent_id = s.interaction_id;
      e.agent = s.agent;
    }
    if (live_clock) {
      wall = std::max(wall, s.at);
      part->advance(wall, true, out);
    } else {
      part->advance(part->watermark(), false, out);
    }
    part->apply(e, out);
  }
  std::vector<alert_fact> take() {
    std::vector<alert_fact> facts;
    for (const auto& a : out.alerts) {
      facts.emplace_back(a.alert_id, a.kind, a.deadline, std::string(a.queue));
      targets_seen.insert(a.target);
    }
    out.clear();
    return facts;
  }
  ccpulse::metrics::queue_counters queue(std::string_view name) {
    std::vector<ccpulse::metrics::queue_counters> all;
    eng->collect(all);
    auto& reg = eng->context().queues;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (reg.name(static_cast<ccpulse::metrics::queue_index>(i)) == name) return all[i];
    return {};
  }
};

void check_same_windows(driver& a, driver& b) {
  using ccpulse::metrics::calendar_part;
  const auto& wa = a.part->windows();
  const auto& wb = b.part->windows();
  REQUIRE(wa.head() == wb.head());
  auto scopes = wa.scopes();
  CHECK(scopes.size() == wb.scopes().size());
  REQUIRE(scopes.size() >= 3);
  auto& names_a = const_cast<ccpulse::engine::engine_context&>(a.eng->context());
  auto& names_b = const_cast<ccpulse::engine::engine_context&>(b.eng->context());
  for (const auto s : scopes) {
    // Queue indices are per engine (interning order): match scopes by name.
    auto t = s;
    if (s.kind == ccpulse::metrics::scope_kind::queue) {
      CAPTURE(names_a.queue_name(s.index));
      t.index = *names_b.find_queue(names_a.queue_name(s.index));
    }
    CAPTURE(static_cast<int>(s.kind));
    CHECK(wa.read_sliding(s, 15min).value().counts == wb.read_sliding(t, 15min).value().counts);
    CHECK(wa.read_sliding(s, 1h).value().counts == wb.read_sliding(t, 1h).value().counts);
    {
      const auto x = wa.read_calendar(s, calendar_part::today).counts,
                 y = wb.read_calendar(t, calendar_part::today).counts;
      CHECK(x.offered == y.offered);
      CHECK(x.answered == y.answered);
      CHECK(x.answered_within_T == y.answered_within_T);
      CHECK(x.abandoned == y.abandoned);
      CHECK(x.short_abandoned == y.short_abandoned);
      CHECK(x.abandoned_within_T == y.abandoned_within_T);
      CHECK(x.abandoned_after_T == y.abandoned_after_T);
      CHECK(x.flowed_out == y.flowed_out);
      CHECK(x.flowed_out_within_T == y.flowed_out_within_T);
      CHECK(x.waited_beyond_T == y.waited_beyond_T);
      CHECK(x.handled == y.handled);
      CHECK(x.escalations == y.escalations);
      CHECK(x.transfers == y.transfers);
      CHECK(x.resolved == y.resolved);
      CHECK(x.resolved_first_contact == y.resolved_first_contact);
      CHECK(x.talk_sum == y.talk_sum);
      CHECK(x.answered_wait_sum == y.answered_wait_sum);
    }
    CHECK(wa.read_calendar(s, calendar_part::previous_interval).counts ==
          wb.read_calendar(t, calendar_part::previous_interval).counts);
    // Reasons are indices too: compare the histograms only.
    const auto da = wa.read_calendar(s, calendar_part::today).dist,
               db = wb.read_calendar(t, calendar_part::today).dist;
    CHECK(da.histograms == db.histograms);
    CHECK(da.transfers_by_reason.size() == db.transfers_by_reason.size());
  }
}

void check_same_figures(driver& a, driver& b) {
  for (const char* q : {"sales", "billing", "q-3", "other"}) {
    CAPTURE(q);
    const auto x = a.queue(q), y = b.queue(q);
    CHECK(x.offered == y.offered);
    CHECK(x.answered == y.answered);
    CHECK(x.abandoned == y.abandoned);
    CHECK(x.short_abandoned == y.short_abandoned);
    CHECK(x.answered_within_threshold == y.answered_within_threshold);
    CHECK(x.answered_wait_sum == y.answered_wait_sum);
    CHECK(x.waiting == y.waiting);
    CHECK(x.oldest_waiting_since == y.oldest_waiting_since);
  }
}

}  // namespace

TEST_CASE("a partition restored from its changelog at any commit continues with the same outputs") {
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    CAPTURE(seed);
    const auto input = traffic(seed, 400);
    const instant end = input.back().at + 1h;

    driver ref;
    std::vector<alert_fact> expected;
    for (const auto& e : input) ref.feed(e);
    ref.part->advance(end, true, ref.out);
    expected = ref.take();
    REQUIRE(expected.size() > 50);
    // Escalations (repeat and sentiment) are among them.
    CHECK(std::count_if(expected.begin(), expected.end(),
                        [](const alert_fact& f) { return std::get<1>(f) == alert_kind::escalation; }) > 5);
    CHECK(ref.targets_seen.size() == ccpulse::sla::target_type_count);  // every target type raised alerts

    // Commit every few events; "crash" at seeded moments: outputs since the
    // last commit are lost, state comes back from the store, input resumes
    // at the committed position.
    std::mt19937 rng(seed * 7919);
    store topic;
    auto live = std::make_unique<driver>();
    std::vector<alert_fact> committed, pending;
    std::size_t committed_pos = 0;
    int crashes = 0;
    for (std::size_t i = 0; i < input.size();) {
      live->feed(input[i++]);
      auto got = live->take();
      pending.insert(pending.end(), got.begin(), got.end());
      if (rng() % 5 == 0) {
        live->part->drain_changes(topic);
        committed.insert(committed.end(), pending.begin(), pending.end());
        pending.clear();
        committed_pos = i;
      }
      if (rng() % 40 == 0) {
        ++crashes;
        pending.clear();
        live = std::make_unique<driver>();
        topic.replay(live->part->restorer());
        live->part->finish_restore();
        i = committed_pos;
      }
    }
    live->part->advance(end, true, live->out);
    auto tail = live->take();
    committed.insert(committed.end(), pending.begin(), pending.end());
    committed.insert(committed.end(), tail.begin(), tail.end());
    CHECK(crashes > 3);

    auto sorted = [](std::vector<alert_fact> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    CHECK(sorted(committed) == sorted(expected));
    check_same_figures(*live, ref);
    check_same_windows(*live, ref);
    CHECK(live->part->open_interactions() == ref.part->open_interactions());
    CHECK(live->part->dedup_size() == ref.part->dedup_size());
  }
}

// In event-time order with no two of an interaction's events apart by
// exactly a target (microsecond jitter): an event stamped exactly at a
// timer's due moment meets the timer first when live (advance runs before
// apply) and second when behind, so exact ties are the one thing live and
// behind may tell apart (README "SLA targets").
std::vector<scripted_event> in_time_order(std::vector<scripted_event> v, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::map<std::string, instant> last;
  for (auto& e : v) {
    e.at += std::chrono::microseconds(1 + rng() % 900);
    auto [it, fresh] = last.try_emplace(e.interaction_id, e.at);
    if (!fresh) it->second = e.at = std::max(e.at, it->second);  // keep the interaction's own order
  }
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  return v;
}

TEST_CASE("live and behind processing of the same log raise the same alerts: ids, kinds and deadlines") {
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    CAPTURE(seed);
    const auto input = in_time_order(traffic(seed, 400), seed);
    const instant end = input.back().at + 3 * 24h;
    driver behind;
    driver live;
    live.live_clock = true;
    for (const auto& e : input) {
      behind.feed(e);
      live.feed(e);
    }
    behind.part->advance(end, true, behind.out);
    live.part->advance(end, true, live.out);
    auto sorted = [](std::vector<alert_fact> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    const auto a = sorted(behind.take());
    const auto b = sorted(live.take());
    REQUIRE(a.size() > 50);
    CHECK(live.targets_seen.size() == ccpulse::sla::target_type_count);  // every target type raised alerts
    std::vector<alert_fact> only_behind, only_live;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_behind));
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_live));
    std::string diff;
    for (const auto& f : only_behind)
      diff += "\n  behind only: " + std::get<0>(f) + " " +
              std::string(ccpulse::sla::to_string(std::get<1>(f))) + " " + std::get<3>(f) + " deadline " +
              std::to_string(ccpulse::to_unix_micros(std::get<2>(f)));
    for (const auto& f : only_live)
      diff += "\n  live only: " + std::get<0>(f) + " " +
              std::string(ccpulse::sla::to_string(std::get<1>(f))) + " " + std::get<3>(f) + " deadline " +
              std::to_string(ccpulse::to_unix_micros(std::get<2>(f)));
    INFO(diff);
    CHECK(a == b);
    check_same_figures(live, behind);
  }
}

TEST_CASE("a restored partition rejects a duplicate it saw before the move") {
  driver a;
  a.feed({"dup-1", "ia-1", "sales", event_kind::queued, t0});
  store topic;
  a.part->drain_changes(topic);
  driver b;
  topic.replay(b.part->restorer());
  b.part->finish_restore();
  event e;
  e.event_id = "dup-1";
  e.interaction_id = "ia-1";
  e.queue_id = "sales";
  e.kind = event_kind::queued;
  e.occurred_at = t0;
  e.chan = channel::voice;
  CHECK(b.part->apply(e, b.out).status == apply_status::duplicate);
  CHECK(b.queue("sales").offered == 1);
  CHECK(b.queue("sales").waiting == 1);
}

TEST_CASE("a restored partition never re-sends an alert it already emitted") {
  driver a;
  a.feed({"e1", "ia-1", "sales", event_kind::queued, t0});
  a.part->advance(t0 + 25s, true, a.out);  // at risk at 24 s
  REQUIRE(a.take().size() == 1);
  store topic;
  a.part->drain_changes(topic);
  driver b;
  topic.replay(b.part->restorer());
  b.part->finish_restore();
  b.part->advance(t0 + 26s, true, b.out);
  CHECK(b.take().empty());
  b.part->advance(t0 + 31s, true, b.out);
  auto breach = b.take();
  REQUIRE(breach.size() == 1);
  CHECK(std::get<1>(breach[0]) == alert_kind::breached);
  CHECK(std::get<2>(breach[0]) == t0 + 30s);
}

TEST_CASE("closed interactions leave the changelog as tombstones after their linger") {
  driver a;
  a.feed({"e1", "ia-1", "sales", event_kind::queued, t0});
  a.feed({"e2", "ia-1", "sales", event_kind::abandoned, t0 + 3s});
  store topic;
  a.part->drain_changes(topic);
  CHECK(topic.records.contains("i/ia-1"));
  a.part->advance(t0 + 3s + settings().linger + 1s, true, a.out);
  CHECK(a.part->has_changes());
  a.part->drain_changes(topic);
  CHECK_FALSE(topic.records.contains("i/ia-1"));
  CHECK(topic.tombstones >= 1);
  CHECK_FALSE(a.part->has_changes());
}

TEST_CASE("an idle live partition writes nothing to the changelog") {
  driver a;
  a.feed({"e1", "ia-1", "sales", event_kind::queued, t0});
  store topic;
  a.part->drain_changes(topic);
  const auto puts = topic.puts;
  a.part->advance(t0 + 1s, true, a.out);
  a.part->advance(t0 + 2s, true, a.out);
  CHECK_FALSE(a.part->has_changes());
  a.part->drain_changes(topic);
  CHECK(topic.puts == puts);
}

TEST_CASE("a clock whose policy left the config is not restored, and counted") {
  driver a;
  a.feed({"e1", "ia-1", "sales", event_kind::queued, t0});
  store topic;
  a.part->drain_changes(topic);
  engine other(settings(), ccpulse::sla::policy_set(std::vector<ccpulse::sla::policy>{}));
  auto& p = other.assign(3, instant{});
  topic.replay(p.restorer());
  p.finish_restore();
  CHECK(p.probe().restore_skipped == 1);
  outputs out;
  p.advance(t0 + 1h, true, out);
  CHECK(out.alerts.empty());
  CHECK(p.open_interactions() == 1);
}

TEST_CASE("a restored partition reads the same windows as the one that wrote the changelog") {
  const auto input = traffic(1, 400);
  for (std::size_t stop : {50u, 200u, 600u}) {
    CAPTURE(stop);
    driver ref;
    store topic;
    for (std::size_t i = 0; i < stop && i < input.size(); ++i) {
      ref.feed(input[i]);
      if (i % 7 == 0) ref.part->drain_changes(topic);
    }
    ref.part->drain_changes(topic);
    driver copy;
    topic.replay(copy.part->restorer());
    copy.part->finish_restore();
    check_same_windows(copy, ref);
  }
}
