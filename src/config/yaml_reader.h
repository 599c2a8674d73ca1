#pragma once
// Typed reads of YAML nodes. Every problem becomes a config_error at the
// node's FILE:LINE:COLUMN with its dotted path; reads return nullopt (or
// false) after reporting, so one pass collects every problem in the file.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config_error.h"
#include "model/time.h"

namespace ccpulse::config {

// Field name for problems with the document itself rather than a setting.
inline constexpr std::string_view yaml_field = "<yaml>";

// A node with where it sits: its position for messages and its dotted path.
struct value {
  YAML::Node node;
  YAML::Mark mark;
  std::string path;
};

std::string child(const std::string& path, std::string_view key);
std::string element(const std::string& path, std::size_t i);
bool is_empty(const YAML::Node& n);

// An empty value (`key:` with nothing after it) has its mark on the next
// token, often the next line, so such errors point at the key instead.
YAML::Mark mark_of(const YAML::Node& n, const YAML::Mark& fallback);

// What a node is, for "expected X, got Y": a quoted, shortened scalar, "a
// list", "a mapping" or "nothing".
std::string got(const YAML::Node& n);

std::string quote(std::string_view s);

// " (did you mean 'x'?)" or empty.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> known);

class yaml_reader {
 public:
  // Called with the index in `keys` of each key found, and where the key is
  // written (messages about a whole mapping point at its key).
  using key_fn = std::function<void(std::size_t key, const YAML::Mark& key_mark, const value&)>;
  using entry_fn = std::function<void(const std::string& key, const YAML::Mark& key_mark, const value&)>;

  explicit yaml_reader(std::string file) : _file(std::move(file)) {}

  void report(const YAML::Mark& at, std::string field, std::string problem);

  // A mapping with a fixed set of keys. Unknown keys (typos) and duplicate
  // keys are errors. An empty value counts as an empty mapping, so `http:`
  // alone keeps the defaults. False when the value is not a mapping.
  bool visit_map(const value& v, std::span<const std::string_view> keys, const key_fn& fn);

  // A mapping whose keys are data (kafka properties, target types,
  // priorities): scalar keys, each once.
  bool visit_entries(const value& v, const entry_fn& fn);

  // A list's elements. A single scalar is read as a one-element list
  // (`channels: voice`), and an empty value as an empty list.
  std::optional<std::vector<value>> list(const value& v);

  std::optional<std::string> scalar(const value& v, std::string_view expected);
  // A non-empty scalar.
  std::optional<std::string> name(const value& v, std::string_view what = "a name");
  std::optional<std::int64_t> integer(const value& v, std::int64_t min, std::int64_t max);
  std::optional<std::uint64_t> unsigned_integer(const value& v);
  // true or false, as YAML 1.2's core schema writes them (True, FALSE...);
  // YAML 1.1's yes/no/on/off are rejected, not read as booleans.
  std::optional<bool> boolean(const value& v);
  // A finite number. Range checks are left to the caller, whose message
  // states the field's own limits.
  std::optional<double> number(const value& v);
  // Lower bound 1us reads as "greater than 0" in messages.
  std::optional<duration> read_duration(const value& v, duration min, duration max);

  void require(const value& v, bool present, std::string_view key, std::string_view why = {});

  std::vector<config_error>& errors() { return _errors; }

 private:
  std::string _file;
  std::vector<config_error> _errors;
};

}  // namespace ccpulse::config
