#pragma once
// What the section readers share while one file is read: the reader that
// collects errors, the config being filled in, and what the checks across
// sections (cross_checks.h) need once the whole file is read.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace ccpulse::config {

// Where a value was written: enough to point an error at it later.
struct written_at {
  std::string path;
  YAML::Mark mark;
};

// A queue name that something else refers to, checked once the whole file
// is read.
struct queue_ref {
  std::string name;
  written_at at;
};

// A target's `calendar:`, checked once the whole file is read.
struct calendar_ref {
  std::string name;
  written_at key;             // the `calendar` key itself
  duration longest_target{};  // the target's longest duration, in business time
};

struct load_context {
  load_context(std::string file, std::filesystem::path base)
      : in(std::move(file)), base_dir(std::move(base)) {}

  yaml_reader in;
  config cfg;
  std::filesystem::path base_dir;  // relative secret files resolve against it

  // Declared names -> 1-based line of first declaration.
  std::map<std::string, int> queues;
  std::map<std::string, int> policy_names;
  std::map<std::string, int> simulated_queues;
  std::map<std::string, int> calendar_names;
  std::map<std::string, int> queue_rule_names;
  // Attribute keys policies match on (match.attributes), in order of first
  // mention: at most sla::max_attribute_keys in all.
  std::vector<std::string> attribute_keys;
  // Escalation rules read so far over all policies (sla::max_escalation_rules).
  std::size_t escalation_rules = 0;
  // Queue-alert rules' sliding windows as written, checked against
  // metrics.windows once the whole file is read.
  std::vector<std::pair<written_at, duration>> queue_alert_windows;

  std::vector<calendar_ref> calendar_refs;

  std::vector<queue_ref> queue_refs;
  // Per simulator queue: its channel key, if written.
  std::vector<std::optional<written_at>> simulator_channels;
  // Where each simulated queue wrote `agents`, if it did (checked against staffing).
  std::vector<std::optional<written_at>> simulator_agents;
  std::vector<value> input_topics;  // as written, parallel to topics.input
  std::vector<value> window_items;  // as written, parallel to metrics.windows
  // Each accepted queue's list item path ("queues[2]"), parallel to cfg.queues.
  std::vector<std::string> queue_items;
  YAML::Mark queues_mark = YAML::Mark::null_mark();

  // Table fields whose value was accepted, by dotted path.
  std::map<std::string, YAML::Mark, std::less<>> accepted;
  // Every key a table read, accepted or not, by dotted path, at the key
  // itself: a message about a whole mapping belongs there, not at the
  // mapping's first key or brace.
  std::map<std::string, YAML::Mark, std::less<>> keys;

  std::optional<written_at> accepted_at(const std::string& path) const { return find_in(accepted, path); }
  std::optional<written_at> key_at(const std::string& path) const { return find_in(keys, path); }

  static std::optional<written_at> find_in(const std::map<std::string, YAML::Mark, std::less<>>& marks,
                                           const std::string& path) {
    const auto it = marks.find(path);
    if (it == marks.end()) return std::nullopt;
    return written_at{path, it->second};
  }

  // A queue name that must be declared under `queues:`.
  void refer_to_queue(const value& v, std::string queue) {
    queue_refs.push_back(queue_ref{std::move(queue), written_at{v.path, v.mark}});
  }
};

}  // namespace ccpulse::config
