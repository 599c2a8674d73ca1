#include "engine/queue_alert_book.h"

#include <algorithm>

namespace ccpulse::engine {

namespace {

void remember_rule(queue_rule_record& rec, const sla::queue_rule& r) {
  rec.metric = r.metric;
  rec.threshold = r.threshold;
  rec.cmp = r.cmp;
  rec.window = r.window;
  rec.level = r.level;
}

}  // namespace

void queue_alert_book::raise(const entry& e, sla::queue_alert_state st, std::optional<double> value,
                             instant event_time, std::vector<sla::queue_alert>& out) const {
  const auto& rec = e.rec;
  sla::queue_alert a;
  a.alert_id = sla::make_queue_alert_id(rec.rule, rec.queue, rec.state.episode, st);
  a.rule = rec.rule;
  a.queue = rec.queue;
  a.metric = rec.metric;
  a.value = value;
  a.threshold = rec.threshold;
  a.cmp = rec.cmp;
  a.state = st;
  a.window = rec.window;
  // A resolution is good news: info, whatever the rule's severity.
  a.level = st == sla::queue_alert_state::firing ? rec.level : sla::severity::info;
  a.episode = rec.state.episode;
  a.event_time = event_time;
  out.push_back(std::move(a));
}

void queue_alert_book::evaluate(std::span<const sla::queue_rule> rules, std::span<const std::string> declared,
                                const owns_fn& owns, const value_fn& value, const queue_rule_round& round,
                                std::vector<sla::queue_alert>& out) {
  for (auto& [k, e] : _entries) e.seen = false;
  for (const auto& rule : rules) {
    const auto& queues = rule.queues.empty() ? std::span<const std::string>(declared)
                                             : std::span<const std::string>(rule.queues);
    for (const auto& queue : queues) {
      if (!owns(queue)) continue;
      auto [it, created] = _entries.try_emplace(key{rule.name, queue});
      auto& e = it->second;
      e.seen = true;
      if (created) {
        e.rec.rule = rule.name;
        e.rec.queue = queue;
      }
      const auto before = e.rec.state;
      std::optional<sla::queue_alert_state> raised;
      std::optional<double> v;
      if (round.complete) {
        v = value(rule, queue);
        raised = sla::step(rule, e.rec.state, v, round.now);
      } else {
        sla::interrupt(e.rec.state);
      }
      if (raised == sla::queue_alert_state::firing) remember_rule(e.rec, rule);
      if (raised) raise(e, *raised, v, round.event_time, out);
      if (created || e.rec.state != before) {
        e.dirty = true;
        _dirty = true;
      }
    }
  }
  // Left over: the rule left the config, no longer names the queue, or the
  // queue's owner changed with the partition count.
  for (auto it = _entries.begin(); it != _entries.end();) {
    if (it->second.seen) {
      ++it;
      continue;
    }
    if (sla::firing_now(it->second.rec.state))
      raise(it->second, sla::queue_alert_state::resolved, std::nullopt, round.event_time, out);
    _erased.push_back(it->first);
    it = _entries.erase(it);
  }
}

void queue_alert_book::drain(state_sink& sink) {
  std::string name;
  for (const auto& [rule, queue] : _erased) {
    name.assign(rule).append("/").append(queue);
    sink.erase({state_kind::queue_rule, name, {}, 0});
  }
  _erased.clear();
  if (!_dirty) return;
  _dirty = false;
  for (auto& [k, e] : _entries) {
    if (!e.dirty) continue;
    e.dirty = false;
    sink.put_queue_rule(e.rec);
  }
}

void queue_alert_book::restore(const queue_rule_record& r) {
  auto& e = _entries[key{r.rule, r.queue}];
  e.rec = r;
  e.dirty = false;
  std::erase(_erased, key{r.rule, r.queue});
}

void queue_alert_book::restore_erase(std::string_view rule, std::string_view queue) {
  _entries.erase(key{std::string(rule), std::string(queue)});
}

std::vector<std::pair<std::string, std::string>> queue_alert_book::firing() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, e] : _entries)
    if (sla::firing_now(e.rec.state)) out.push_back(k);
  return out;
}

}  // namespace ccpulse::engine
