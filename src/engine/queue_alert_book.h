#pragma once
// The queue-alert rules' state of one input partition (DESIGN.md §6-8).
//
// Queue figures are partial per partition, so rules are judged on the
// merged view of every partition; each queue has one owner among the input
// partitions (stable hash of its name modulo the partition count) and only
// the owner's book evaluates its rules. The book then moves with that
// partition like any other state: its records go to the changelog in the
// transaction that carries the alerts they raised, so a FIRING or RESOLVED
// is produced exactly once, and the episode counter keeps ids fresh after a
// restart or a move. Pure: values and time come from the caller.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/state_record.h"
#include "sla/queue_rule.h"

namespace ccpulse::engine {

struct queue_rule_round {
  instant now{};
  // False when the figures cannot be judged (a partition missing or
  // restoring): rules hold their state, waits to fire or resolve restart.
  bool complete = true;
  instant event_time{};  // the end of the period the figures cover
};

class queue_alert_book {
 public:
  using owns_fn = std::function<bool(std::string_view queue)>;
  using value_fn = std::function<std::optional<double>(const sla::queue_rule&, std::string_view queue)>;

  // One round: every (rule, queue) the partition owns is stepped; states of
  // rules or queues no longer configured here are resolved (when firing)
  // and forgotten. declared: the configured queues, for rules without a
  // queue list.
  void evaluate(std::span<const sla::queue_rule> rules, std::span<const std::string> declared,
                const owns_fn& owns, const value_fn& value, const queue_rule_round& round,
                std::vector<sla::queue_alert>& out);

  bool has_changes() const { return !_erased.empty() || _dirty; }
  void drain(state_sink& sink);
  void restore(const queue_rule_record& r);
  void restore_erase(std::string_view rule, std::string_view queue);

  std::size_t size() const { return _entries.size(); }
  // (rule, queue) pairs firing now (resolving ones included: still firing).
  std::vector<std::pair<std::string, std::string>> firing() const;
  // f(record) for each of them, by rule and queue.
  template <class F>
  void for_each_firing(F&& f) const {
    for (const auto& [k, e] : _entries)
      if (sla::firing_now(e.rec.state)) f(e.rec);
  }

 private:
  struct entry {
    queue_rule_record rec;
    bool dirty = false;
    bool seen = false;
  };
  using key = std::pair<std::string, std::string>;  // rule, queue
  void raise(const entry& e, sla::queue_alert_state st, std::optional<double> value, instant event_time,
             std::vector<sla::queue_alert>& out) const;

  std::map<key, entry, std::less<>> _entries;
  std::vector<key> _erased;
  bool _dirty = false;
};

}  // namespace ccpulse::engine
