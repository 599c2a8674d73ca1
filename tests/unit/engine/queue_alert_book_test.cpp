// A partition's queue-alert book (engine/queue_alert_book.h): only owned
// queues are judged, rules without a queue list cover every declared queue,
// the state survives the changelog (through the real state codec) so a
// restored book resolves with the right id and never reuses one, and states
// of rules that left the config are resolved and tombstoned.
#include "engine/queue_alert_book.h"

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/state_codec.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::from_unix_micros;
using ccpulse::instant;
using namespace ccpulse::engine;
namespace sla = ccpulse::sla;

const instant t0 = from_unix_micros(1'800'000'000'000'000);
const std::vector<std::string> declared{"billing", "sales", "support"};

sla::queue_rule rule(std::string name, std::vector<std::string> queues = {}) {
  sla::queue_rule r;
  r.name = std::move(name);
  r.queues = std::move(queues);
  r.metric = sla::queue_metric::service_level;
  r.window = "15m";
  r.threshold = 0.8;
  r.hold_for = 2s;
  r.clear_after = 2s;
  r.level = sla::severity::critical;
  return r;
}

// The state topic after compaction, fed through the real codec both ways.
struct topic final : state_sink {
  ccpulse::codec::state_encoder enc;
  std::map<std::string, std::string> records;  // key -> value bytes
  std::size_t tombstones = 0;
  void put(const interaction_state&) override {}
  void put(const queue_state&) override {}
  void put(const partition_meta_state&) override {}
  void put(const dedup_chunk&) override {}
  void put_queue_rule(const queue_rule_record& r) override {
    std::string k, v;
    enc.encode(r, k, v);
    records[k] = v;
  }
  void erase(const state_key& k) override {
    std::string key;
    ccpulse::codec::encode_state_key(k, key);
    records.erase(key);
    ++tombstones;
  }
  struct into_book final : state_sink {
    queue_alert_book& b;
    explicit into_book(queue_alert_book& x) : b(x) {}
    void put(const interaction_state&) override {}
    void put(const queue_state&) override {}
    void put(const partition_meta_state&) override {}
    void put(const dedup_chunk&) override {}
    void put_queue_rule(const queue_rule_record& r) override { b.restore(r); }
    void erase(const state_key&) override {}
  };
  void restore(queue_alert_book& b) const {
    into_book sink(b);
    for (const auto& [k, v] : records) {
      const auto r = ccpulse::codec::decode_state(k, v.data(), v.size(), false, sink);
      INFO(r.detail);
      REQUIRE(r.ok());
    }
  }
};

struct harness {
  std::map<std::string, std::optional<double>> values;  // by queue
  std::vector<std::string> owned{"billing", "sales", "support"};

  std::vector<sla::queue_alert> round(queue_alert_book& b, const std::vector<sla::queue_rule>& rules,
                                      instant now, bool complete = true) {
    std::vector<sla::queue_alert> out;
    const queue_alert_book::owns_fn owns = [&](std::string_view q) {
      return std::find(owned.begin(), owned.end(), q) != owned.end();
    };
    const queue_alert_book::value_fn value = [&](const sla::queue_rule&, std::string_view q) {
      const auto it = values.find(std::string(q));
      return it == values.end() ? std::optional<double>{} : it->second;
    };
    b.evaluate(rules, declared, owns, value, {now, complete, now - 5s}, out);
    return out;
  }
};

}  // namespace

TEST_CASE("a book judges only the queues its partition owns, each on its own") {
  queue_alert_book b;
  harness h;
  h.owned = {"billing", "support"};
  h.values = {{"billing", 0.5}, {"sales", 0.5}, {"support", 0.9}};
  const std::vector<sla::queue_rule> rules{rule("sl-low")};
  CHECK(h.round(b, rules, t0).empty());
  const auto fired = h.round(b, rules, t0 + 2s);
  REQUIRE(fired.size() == 1);
  const auto& a = fired[0];
  CHECK(a.queue == "billing");
  CHECK(a.rule == "sl-low");
  CHECK(a.state == sla::queue_alert_state::firing);
  CHECK(a.value == 0.5);
  CHECK(a.threshold == 0.8);
  CHECK(a.window == "15m");
  CHECK(a.level == sla::severity::critical);
  CHECK(a.episode == 1);
  CHECK(a.event_time == t0 + 2s - 5s);
  CHECK(a.alert_id == sla::make_queue_alert_id("sl-low", "billing", 1, sla::queue_alert_state::firing));
  CHECK(b.firing() == std::vector<std::pair<std::string, std::string>>{{"sl-low", "billing"}});
}

TEST_CASE("a rule's queue list limits it to those queues") {
  queue_alert_book b;
  harness h;
  h.values = {{"billing", 0.1}, {"sales", 0.1}, {"support", 0.1}};
  auto r = rule("sales-only", {"sales"});
  r.hold_for = 0s;
  const auto fired = h.round(b, {r}, t0);
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].queue == "sales");
}

TEST_CASE(
    "the book's state survives the changelog: a restored book resolves with the right id, then fires anew") {
  const std::vector<sla::queue_rule> rules{rule("sl-low", {"billing"})};
  harness h;
  h.values = {{"billing", 0.5}};
  topic t;
  std::string fired_id;
  {
    queue_alert_book b;
    h.round(b, rules, t0);
    const auto fired = h.round(b, rules, t0 + 2s);
    REQUIRE(fired.size() == 1);
    fired_id = fired[0].alert_id;
    h.values["billing"] = 0.95;
    CHECK(h.round(b, rules, t0 + 3s).empty());  // resolving: 2 s to go
    REQUIRE(b.has_changes());
    b.drain(t);
    CHECK_FALSE(b.has_changes());
  }
  REQUIRE(t.records.size() == 1);
  CHECK(t.records.begin()->first == "qr/sl-low/billing");
  queue_alert_book restored;  // another worker, process or build
  t.restore(restored);
  CHECK(restored.firing().size() == 1);
  const auto resolved = h.round(restored, rules, t0 + 5s);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].state == sla::queue_alert_state::resolved);
  CHECK(resolved[0].episode == 1);
  CHECK(resolved[0].alert_id ==
        sla::make_queue_alert_id("sl-low", "billing", 1, sla::queue_alert_state::resolved));
  CHECK(resolved[0].level == sla::severity::info);
  h.values["billing"] = 0.2;
  h.round(restored, rules, t0 + 6s);
  const auto again = h.round(restored, rules, t0 + 8s);
  REQUIRE(again.size() == 1);
  CHECK(again[0].episode == 2);
  CHECK(again[0].alert_id != fired_id);
}

TEST_CASE("a firing rule that left the config is resolved once and its state tombstoned") {
  harness h;
  h.values = {{"billing", 0.1}};
  queue_alert_book b;
  topic t;
  auto r = rule("gone", {"billing"});
  r.hold_for = 0s;
  REQUIRE(h.round(b, {r}, t0).size() == 1);
  b.drain(t);
  REQUIRE(t.records.count("qr/gone/billing") == 1);
  const auto out = h.round(b, {}, t0 + 1s);
  REQUIRE(out.size() == 1);
  CHECK(out[0].state == sla::queue_alert_state::resolved);
  CHECK_FALSE(out[0].value.has_value());
  CHECK(out[0].threshold == 0.8);  // what the FIRING said
  CHECK(b.size() == 0);
  b.drain(t);
  CHECK(t.records.empty());
  CHECK(t.tombstones == 1);
  CHECK(h.round(b, {}, t0 + 2s).empty());
}

TEST_CASE("an incomplete round raises nothing and keeps a firing rule firing") {
  harness h;
  h.values = {{"billing", 0.1}};
  queue_alert_book b;
  auto r = rule("sl", {"billing"});
  r.hold_for = 0s;
  REQUIRE(h.round(b, {r}, t0).size() == 1);
  h.values["billing"] = 0.99;
  CHECK(h.round(b, {r}, t0 + 10s, false).empty());
  CHECK(b.firing().size() == 1);
}
