// engine/replay_report.h: the per-(queue, target) figures of `ccpulse
// replay`, fed by a real partition's outputs, and their rendering.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/replay_report.h"
#include "model/event.h"
#include "sla/policy.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::duration;
using ccpulse::event;
using ccpulse::event_kind;
using ccpulse::instant;
using ccpulse::engine::replay_format;
using ccpulse::engine::replay_header;
using ccpulse::engine::replay_tally;
using ccpulse::sla::target_type;

const instant t0 = ccpulse::from_unix_micros(1'700'000'000'000'000);

ccpulse::sla::policy_set answer_policy(duration goal) {
  ccpulse::sla::policy p;
  p.name = "voice";
  ccpulse::sla::target t;
  t.type = target_type::answer;
  t.default_duration = goal;
  t.at_risk.fraction = 0.5;
  p.targets = {t};
  return ccpulse::sla::policy_set({p});
}

// One partition on event time (its watermark, no out-of-orderness), as a
// replay drives it, tallied.
struct replayed {
  explicit replayed(duration goal, std::set<std::string, std::less<>> only = {})
      : eng(settings(), answer_policy(goal)), part(eng.assign(0, instant{})), tally(std::move(only)) {
    out.record_clocks = true;
  }
  static ccpulse::engine::engine_settings settings() {
    ccpulse::engine::engine_settings s;
    s.queues = {{"sales", 20s}, {"support", 20s}};
    s.max_out_of_orderness = 0s;
    return s;
  }
  void apply(event_kind k, const std::string& ia, instant at, const std::string& queue = "sales") {
    ids.push_back("ev-" + std::to_string(ids.size()));
    names.push_back(ia);
    queues.push_back(queue);
    event e;
    e.event_id = ids.back();
    e.kind = k;
    e.interaction_id = names.back();
    e.occurred_at = at;
    e.chan = ccpulse::channel::voice;
    e.queue_id = queues.back();
    part.advance(part.watermark(), false, out);
    part.apply(e, out);
    tally.take(out);
    out.clear();
  }
  ccpulse::engine::engine eng;
  ccpulse::engine::partition& part;
  ccpulse::engine::outputs out;
  replay_tally tally;
  std::deque<std::string> ids, names, queues;
};

// The hand-computed log: c1 answered after 4 s, c2 after 14 s, c3 abandons
// after 6 s, c4 waits from 30 s on, c5 from 60 s and c6 from 61 s on. Time
// is the watermark before each event: the last one moves it to 60 s.
void tiny_log(replayed& r) {
  r.apply(event_kind::queued, "c1", t0);
  r.apply(event_kind::queued, "c2", t0 + 1s);
  r.apply(event_kind::queued, "c3", t0 + 2s);
  r.apply(event_kind::answered, "c1", t0 + 4s);
  r.apply(event_kind::abandoned, "c3", t0 + 8s);
  r.apply(event_kind::answered, "c2", t0 + 15s);
  r.apply(event_kind::queued, "c4", t0 + 30s);
  r.apply(event_kind::queued, "c5", t0 + 60s);
  r.apply(event_kind::queued, "c6", t0 + 61s);
}

// The tiny log through both sets, tallies finished.
void tiny_logs(replayed& live, replayed& cand) {
  tiny_log(live);
  tiny_log(cand);
  live.tally.finish();
  cand.tally.finish();
}

}  // namespace

TEST_CASE("replay report: a hand-computed log gives exact figures for two answer targets") {
  // Live 20 s (at risk at 10 s): c1 met, c2 at risk and met, c3 cancelled,
  // c4 at risk (40 s) and breached (50 s + 1 s grace, passed by the time
  // of 60 s c6 finds), c5 and c6 open. Candidate 10 s (at risk at 5 s): c1
  // met, c2 at risk and breached (deadline 11 s), c3 at risk (7 s) and
  // cancelled, c4 at risk and breached, c5 and c6 open.
  replayed live(20s), cand(10s);
  tiny_logs(live, cand);

  const auto& l = live.tally.rows().at({"sales", target_type::answer});
  CHECK(l.started == 6);
  CHECK(l.met == 2);
  CHECK(l.at_risk == 2);
  CHECK(l.breached == 1);
  CHECK(l.cancelled == 1);
  CHECK(l.open == 2);
  CHECK(l.breach_rate() == doctest::Approx(0.25));
  CHECK(l.elapsed_percentile(0.5) == duration{6s});
  CHECK(l.elapsed_percentile(0.9) == duration{14s});

  const auto& c = cand.tally.rows().at({"sales", target_type::answer});
  CHECK(c.started == 6);
  CHECK(c.met == 1);
  CHECK(c.at_risk == 3);
  CHECK(c.breached == 2);
  CHECK(c.cancelled == 1);
  CHECK(c.open == 2);
  CHECK(c.breach_rate() == doctest::Approx(0.5));
  CHECK(c.elapsed_percentile(0.5) == duration{6s});
  CHECK(c.elapsed_percentile(0.9) == duration{14s});

  replay_header h;
  h.from = "2023-11-14T22:13:20Z";
  h.to = "end";
  const auto csv = ccpulse::engine::render_replay(h, live.tally, cand.tally, replay_format::csv);
  CHECK(
      csv ==
      "queue,target,set,started,met,at_risk,breached,cancelled,open,breach_rate,p50_elapsed_s,p90_elapsed_s\n"
      "sales,answer,live,6,2,2,1,1,2,0.2500,6.000,14.000\n"
      "sales,answer,candidate,6,1,3,2,1,2,0.5000,6.000,14.000\n"
      "sales,answer,diff,0,-1,+1,+1,0,0,+0.2500,+0.000,+0.000\n");
}

TEST_CASE("replay report: the same outputs render byte-identical reports in every format") {
  for (const auto f : {replay_format::table, replay_format::json, replay_format::csv}) {
    replayed a(20s), b(10s), c(20s), d(10s);
    tiny_log(a);
    tiny_log(b);
    tiny_log(c);
    tiny_log(d);
    for (auto* r : {&a, &b, &c, &d}) r->tally.finish();
    replay_header h;
    h.from = "x";
    h.to = "end";
    const auto first = ccpulse::engine::render_replay(h, a.tally, b.tally, f);
    CHECK(first == ccpulse::engine::render_replay(h, c.tally, d.tally, f));
    CHECK(first.find("sales") != std::string::npos);
  }
}

TEST_CASE("replay report: a shorter target breaches at least as often on every queue") {
  std::mt19937 rng(12);
  std::uniform_int_distribution<int> wait_ms(0, 40'000), gap_ms(0, 3'000), coin(0, 9);
  replayed live(20s), cand(12s);
  struct pending {
    instant at;
    std::string ia;
    std::string queue;
    bool abandon;
  };
  std::vector<pending> ends;
  instant t = t0;
  for (int i = 0; i < 400; ++i) {
    t += std::chrono::milliseconds(gap_ms(rng));
    const auto ia = "i" + std::to_string(i);
    const auto queue = coin(rng) < 6 ? "sales" : "support";
    for (auto* r : {&live, &cand}) r->apply(event_kind::queued, ia, t, queue);
    ends.push_back({t + std::chrono::milliseconds(wait_ms(rng)), ia, queue, coin(rng) < 2});
    // Apply the ends that are due, in time order.
    std::sort(ends.begin(), ends.end(), [](const pending& a, const pending& b) { return a.at > b.at; });
    while (!ends.empty() && ends.back().at <= t) {
      for (auto* r : {&live, &cand})
        r->apply(ends.back().abandon ? event_kind::abandoned : event_kind::answered, ends.back().ia,
                 ends.back().at, ends.back().queue);
      ends.pop_back();
    }
  }
  live.tally.finish();
  cand.tally.finish();
  REQUIRE(live.tally.rows().size() == 2);
  for (const auto& [key, l] : live.tally.rows()) {
    const auto& c = cand.tally.rows().at(key);
    CAPTURE(key.first);
    CHECK(c.started == l.started);
    CHECK(c.breached >= l.breached);
    CHECK(c.at_risk >= l.at_risk);
    CHECK(l.breached > 0);
    CHECK(c.breached > l.breached);  // 12 s against 20 s over waits up to 40 s
  }
}

TEST_CASE("replay report: --queues keeps only the queues asked for") {
  replayed live(20s, {"support"}), cand(10s, {"support"});
  tiny_log(live);
  tiny_log(cand);
  live.apply(event_kind::queued, "s1", t0 + 61s, "support");
  cand.apply(event_kind::queued, "s1", t0 + 61s, "support");
  live.tally.finish();
  cand.tally.finish();
  REQUIRE(live.tally.rows().size() == 1);
  CHECK(live.tally.rows().begin()->first.first == "support");
  CHECK(live.tally.rows().begin()->second.open == 1);
}

TEST_CASE("replay report: a stop within the breach grace counts breached, with its true elapsed time") {
  // Answered 10.5 s after queueing with a 10 s goal: the stop raises
  // BREACHED itself (the timer, due at 11 s, had not fired).
  replayed r(10s);
  r.apply(event_kind::queued, "g1", t0);
  r.apply(event_kind::answered, "g1", t0 + 10s + 500ms);
  r.tally.finish();
  const auto& row = r.tally.rows().at({"sales", target_type::answer});
  CHECK(row.breached == 1);
  CHECK(row.met == 0);
  CHECK(row.at_risk == 1);
  CHECK(row.elapsed_percentile(0.5) == duration{10s + 500ms});
  CHECK(r.tally.alerts(ccpulse::sla::alert_kind::breached) == 1);
}

TEST_CASE("replay report: compared with the alerts topic, each row gets an actual line of its own") {
  replayed live(20s), cand(10s);
  tiny_logs(live, cand);
  replay_header h;
  h.compared = true;
  h.actual[{"sales", "answer"}] = {3, 2, 1};  // 2 breaches, 1 taken back
  const auto csv = ccpulse::engine::render_replay(h, live.tally, cand.tally, replay_format::csv);
  CHECK(csv.find("\nsales,answer,actual,,,3,1,,,,,\n") != std::string::npos);
  const auto json = ccpulse::engine::render_replay(h, live.tally, cand.tally, replay_format::json);
  CHECK(json.find("{\"actual\": {\"at_risk\": 3, \"breached\": 1}, \"candidate\": ") != std::string::npos);
  h.compared = false;
  CHECK(ccpulse::engine::render_replay(h, live.tally, cand.tally, replay_format::csv).find("actual") ==
        std::string::npos);
}
