#include "config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <system_error>

#include "config/duration_parse.h"

namespace ccpulse::config {

namespace {
// YAML 1.2's core schema allows a leading '+' on numbers ([-+]?[0-9]+);
// from_chars does not.
std::string_view without_plus(std::string_view s) {
  return s.size() > 1 && s[0] == '+' && s[1] != '+' && s[1] != '-' ? s.substr(1) : s;
}
}  // namespace

std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string element(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

bool is_empty(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }

YAML::Mark mark_of(const YAML::Node& n, const YAML::Mark& fallback) {
  if (is_empty(n)) return fallback;
  const YAML::Mark m = n.Mark();
  return m.is_null() ? fallback : m;
}

// Scalars are cut short so a pasted blob does not flood the terminal.
std::string got(const YAML::Node& n) {
  if (is_empty(n)) return "nothing";
  switch (n.Type()) {
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (s.size() <= 60) return "'" + s + "'";
      return "'" + s.substr(0, 57) + "...'";
    }
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string did_you_mean(std::string_view word, std::span<const std::string_view> known) {
  const auto best = closest_match(word, known);
  return best.empty() ? std::string() : " (did you mean '" + std::string(best) + "'?)";
}

void yaml_reader::report(const YAML::Mark& at, std::string field, std::string problem) {
  // The top level has no dotted path of its own.
  if (field.empty()) field = yaml_field;
  const bool known = !at.is_null();
  _errors.push_back(config_error{_file, known ? at.line + 1 : 0, known ? at.column + 1 : 0, std::move(field),
                                 std::move(problem)});
}

bool yaml_reader::visit_map(const value& v, std::span<const std::string_view> keys, const key_fn& fn) {
  return visit_entries(v, [&](const std::string& key, const YAML::Mark& key_mark, const value& val) {
    const auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      const auto hint = did_you_mean(key, keys);
      report(key_mark, child(v.path, key),
             "unknown key " + quote(key) + (hint.empty() ? "; expected one of: " + join_names(keys) : hint));
      return;
    }
    fn(static_cast<std::size_t>(it - keys.begin()), key_mark, val);
  });
}

bool yaml_reader::visit_entries(const value& v, const entry_fn& fn) {
  if (is_empty(v.node)) return true;
  if (!v.node.IsMap()) {
    report(v.mark, v.path, "expected a mapping, got " + got(v.node));
    return false;
  }
  std::map<std::string, int> seen;  // key -> 1-based line of first use
  for (const auto& kv : v.node) {
    const YAML::Mark key_mark = mark_of(kv.first, v.mark);
    if (!kv.first.IsScalar()) {
      report(key_mark, v.path, "keys must be plain names, got " + got(kv.first));
      continue;
    }
    const std::string& key = kv.first.Scalar();
    const auto [it, fresh] = seen.emplace(key, key_mark.line + 1);
    if (!fresh) {
      report(key_mark, child(v.path, key),
             "duplicate key " + quote(key) + " (first set on line " + std::to_string(it->second) + ")");
      continue;
    }
    fn(key, key_mark, value{kv.second, mark_of(kv.second, key_mark), child(v.path, key)});
  }
  return true;
}

std::optional<std::vector<value>> yaml_reader::list(const value& v) {
  std::vector<value> out;
  if (is_empty(v.node)) return out;
  if (v.node.IsScalar()) {
    out.push_back(v);
    return out;
  }
  if (!v.node.IsSequence()) {
    report(v.mark, v.path, "expected a list, got " + got(v.node));
    return std::nullopt;
  }
  std::size_t i = 0;
  for (const auto& item : v.node) {
    out.push_back(value{item, mark_of(item, v.mark), element(v.path, i)});
    ++i;
  }
  return out;
}

std::optional<std::string> yaml_reader::scalar(const value& v, std::string_view expected) {
  if (!v.node.IsScalar()) {
    report(v.mark, v.path, "expected " + std::string(expected) + ", got " + got(v.node));
    return std::nullopt;
  }
  return v.node.Scalar();
}

std::optional<std::string> yaml_reader::name(const value& v, std::string_view what) {
  auto s = scalar(v, what);
  if (s && s->empty()) {
    report(v.mark, v.path, "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> yaml_reader::integer(const value& v, std::int64_t min, std::int64_t max) {
  const auto text = scalar(v, "a whole number");
  if (!text) return std::nullopt;
  std::int64_t n = 0;
  const auto digits = without_plus(*text);
  const char* end = digits.data() + digits.size();
  const auto [p, ec] = std::from_chars(digits.data(), end, n);
  const bool out_of_range =
      ec == std::errc::result_out_of_range || (ec == std::errc{} && p == end && (n < min || n > max));
  if (out_of_range) {
    report(v.mark, v.path,
           "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + *text);
    return std::nullopt;
  }
  if (ec != std::errc{} || p != end) {
    report(v.mark, v.path, "expected a whole number, got " + got(v.node));
    return std::nullopt;
  }
  return n;
}

std::optional<std::uint64_t> yaml_reader::unsigned_integer(const value& v) {
  const auto text = scalar(v, "a whole number");
  if (!text) return std::nullopt;
  std::uint64_t n = 0;
  const auto digits = without_plus(*text);
  const char* end = digits.data() + digits.size();
  const auto [p, ec] = std::from_chars(digits.data(), end, n);
  if (ec == std::errc::result_out_of_range) {
    report(v.mark, v.path, "must be between 0 and 18446744073709551615, got " + *text);
    return std::nullopt;
  }
  if (ec != std::errc{} || p != end) {
    report(v.mark, v.path, "expected a whole number, got " + got(v.node));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> yaml_reader::boolean(const value& v) {
  const auto text = scalar(v, "true or false");
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "True" || *text == "TRUE") return true;
  if (*text == "false" || *text == "False" || *text == "FALSE") return false;
  report(v.mark, v.path, "expected true or false, got " + got(v.node));
  return std::nullopt;
}

std::optional<double> yaml_reader::number(const value& v) {
  const auto text = scalar(v, "a number");
  if (!text) return std::nullopt;
  double d = 0;
  const auto digits = without_plus(*text);
  const char* end = digits.data() + digits.size();
  const auto [p, ec] = std::from_chars(digits.data(), end, d);
  if (ec != std::errc{} || p != end || !std::isfinite(d)) {
    report(v.mark, v.path, "expected a number, got " + got(v.node));
    return std::nullopt;
  }
  return d;
}

std::optional<duration> yaml_reader::read_duration(const value& v, duration min, duration max) {
  const auto text = scalar(v, "a duration such as 30s");
  if (!text) return std::nullopt;
  const auto parsed = parse_duration(*text);
  if (!parsed.ok()) {
    report(v.mark, v.path, parsed.error);
    return std::nullopt;
  }
  if (parsed.value < min || parsed.value > max) {
    const std::string low = min == duration{1} ? "greater than 0" : "at least " + format_duration(min);
    const std::string range = min == duration{1}
                                  ? "greater than 0 and at most " + format_duration(max)
                                  : "between " + format_duration(min) + " and " + format_duration(max);
    report(v.mark, v.path, "must be " + (max == duration::max() ? low : range) + ", got " + *text);
    return std::nullopt;
  }
  return parsed.value;
}

void yaml_reader::require(const value& v, bool present, std::string_view key, std::string_view why) {
  if (present) return;
  report(v.mark, child(v.path, key), "required key is missing" + std::string(why));
}

}  // namespace ccpulse::config
