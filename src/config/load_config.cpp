#include "config/load_config.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <sstream>
#include <system_error>

#include <date/tz.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "config/duration_parse.h"

namespace ccpulse::config {

namespace {

using namespace std::chrono_literals;

// Field name for problems with the document itself rather than a setting.
constexpr std::string_view yaml_field = "<yaml>";

// A node with where it sits: its position for messages and its dotted path.
struct value {
  YAML::Node node;
  YAML::Mark mark;
  std::string path;
};

struct field_handler {
  std::string_view key;
  std::function<void(const value&)> read;
};

using entry_fn = std::function<void(const std::string& key, const YAML::Mark& key_mark, const value&)>;

std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string element(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

bool is_empty(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }

// An empty value (`key:` with nothing after it) has its mark on the next
// token, often the next line, so such errors point at the key instead.
YAML::Mark mark_of(const YAML::Node& n, const YAML::Mark& fallback) {
  if (is_empty(n)) return fallback;
  const YAML::Mark m = n.Mark();
  return m.is_null() ? fallback : m;
}

// What a node is, for "expected X, got Y". Scalars are quoted, and cut short
// so a pasted blob does not flood the terminal.
std::string got(const YAML::Node& n) {
  if (is_empty(n)) return "nothing";
  switch (n.Type()) {
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (s.size() <= 60) return "'" + s + "'";
      return "'" + s.substr(0, 57) + "...'";
    }
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string did_you_mean(std::string_view word, std::span<const std::string_view> known) {
  const auto best = closest_match(word, known);
  return best.empty() ? std::string() : " (did you mean '" + std::string(best) + "'?)";
}

// Valid names, generated from the enums so they cannot drift from the core.
const std::vector<std::string_view>& channel_names() {
  static const auto names = [] {
    std::vector<std::string_view> out;
    for (int i = 1; i < channel_count; ++i) out.push_back(to_string(static_cast<channel>(i)));
    return out;
  }();
  return names;
}

const std::vector<std::string_view>& target_type_names() {
  static const auto names = [] {
    std::vector<std::string_view> out;
    for (int i = 0; i < sla::target_type_count; ++i)
      out.push_back(sla::to_string(static_cast<sla::target_type>(i)));
    return out;
  }();
  return names;
}

struct status_name {
  std::string_view name;
  ticket_status status;
};
constexpr std::array<status_name, 6> ticket_statuses{{
    {"new", ticket_status::new_},
    {"open", ticket_status::open},
    {"pending", ticket_status::pending},
    {"on_hold", ticket_status::on_hold},
    {"solved", ticket_status::solved},
    {"closed", ticket_status::closed},
}};

const std::vector<std::string_view>& ticket_status_names() {
  static const auto names = [] {
    std::vector<std::string_view> out;
    for (const auto& s : ticket_statuses) out.push_back(s.name);
    return out;
  }();
  return names;
}

// Kafka's rule for topic names (kafka.common.internals.Topic).
std::string topic_name_problem(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name == "." || name == "..") return "'.' and '..' are not valid topic names";
  if (name.size() > 249) return "topic names are at most 249 characters";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return "topic name " + quote(name) + " may contain only letters, digits, '.', '_' and '-'";
  }
  return {};
}

// strerror is not thread-safe; the generic category's message is.
std::string errno_text(int err) { return std::generic_category().message(err); }

std::string default_instance_id() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0 || host[0] == '\0') return "ccpulse";
  return host.data();
}

// The unknown queue name reserved for folded queues (DESIGN.md §10).
constexpr std::string_view other_queue = "other";

class loader {
 public:
  loader(std::string file, std::filesystem::path base_dir)
      : _file(std::move(file)), _base_dir(std::move(base_dir)) {}

  void load(const YAML::Node& root) {
    _cfg.file = _file;
    const value top{root, mark_of(root, YAML::Mark{}), ""};
    if (!root.IsMap()) {
      report(top.mark, std::string(yaml_field),
             is_empty(root) ? "the file is empty; expected a mapping of settings such as `queues:`"
                            : "expected a mapping of settings at the top level, got " + got(root));
      return;
    }
    visit_map(top, {
        {"instance_id", [&](const value& v) { read_instance_id(v); }},
        {"site_timezone", [&](const value& v) { read_timezone(v); }},
        {"kafka", [&](const value& v) { read_kafka(v); }},
        {"topics", [&](const value& v) { read_topics(v); }},
        {"processing", [&](const value& v) { read_processing(v); }},
        {"queues", [&](const value& v) { read_queues(v); }},
        {"policies", [&](const value& v) { read_policies(v); }},
        {"http", [&](const value& v) { read_http(v); }},
        {"simulator", [&](const value& v) { read_simulator(v); }},
    });
    finish();
  }

  void report(const YAML::Mark& at, std::string field, std::string problem) {
    // The top level has no dotted path of its own.
    if (field.empty()) field = yaml_field;
    const bool known = !at.is_null();
    _errors.push_back(config_error{_file, known ? at.line + 1 : 0, known ? at.column + 1 : 0,
                                   std::move(field), std::move(problem)});
  }

  config& cfg() { return _cfg; }
  std::vector<config_error>& errors() { return _errors; }

 private:
  // A name that something else refers to, checked once the whole file is read.
  struct queue_ref {
    std::string name;
    std::string path;
    YAML::Mark mark;
  };

  // ---- generic readers ---------------------------------------------------

  // Reads a mapping with a fixed set of keys. Unknown keys (typos) and
  // duplicate keys are errors. An empty value counts as an empty mapping, so
  // `http:` alone keeps the defaults.
  bool visit_map(const value& v, std::initializer_list<field_handler> fields) {
    std::vector<std::string_view> known;
    known.reserve(fields.size());
    for (const auto& f : fields) known.push_back(f.key);
    return visit_entries(v, [&](const std::string& key, const YAML::Mark& key_mark, const value& val) {
      const auto it = std::find_if(fields.begin(), fields.end(),
                                   [&](const field_handler& f) { return f.key == key; });
      if (it == fields.end()) {
        const auto hint = did_you_mean(key, known);
        report(key_mark, child(v.path, key),
               "unknown key " + quote(key) +
                   (hint.empty() ? "; expected one of: " + join_names(known) : hint));
        return;
      }
      it->read(val);
    });
  }

  // Reads a mapping whose keys are data (kafka properties, target types,
  // priorities): scalar keys, each once.
  bool visit_entries(const value& v, const entry_fn& fn) {
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

  // A list's elements. A single scalar is read as a one-element list
  // (`channels: voice`), and an empty value as an empty list.
  std::optional<std::vector<value>> list(const value& v) {
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

  std::optional<std::string> scalar(const value& v, std::string_view expected) {
    if (!v.node.IsScalar()) {
      report(v.mark, v.path, "expected " + std::string(expected) + ", got " + got(v.node));
      return std::nullopt;
    }
    return v.node.Scalar();
  }

  std::optional<std::string> name(const value& v, std::string_view what = "a name") {
    auto s = scalar(v, what);
    if (s && s->empty()) {
      report(v.mark, v.path, "must not be empty");
      return std::nullopt;
    }
    return s;
  }

  std::optional<std::int64_t> integer(const value& v, std::int64_t min, std::int64_t max) {
    const auto text = scalar(v, "a whole number");
    if (!text) return std::nullopt;
    std::int64_t n = 0;
    const char* end = text->data() + text->size();
    const auto [p, ec] = std::from_chars(text->data(), end, n);
    const bool out_of_range = ec == std::errc::result_out_of_range ||
                              (ec == std::errc{} && p == end && (n < min || n > max));
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

  std::optional<std::uint64_t> unsigned_integer(const value& v) {
    const auto text = scalar(v, "a whole number");
    if (!text) return std::nullopt;
    std::uint64_t n = 0;
    const char* end = text->data() + text->size();
    const auto [p, ec] = std::from_chars(text->data(), end, n);
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

  // A finite number. Range checks are left to the caller, whose message
  // states the field's own limits.
  std::optional<double> number(const value& v) {
    const auto text = scalar(v, "a number");
    if (!text) return std::nullopt;
    double d = 0;
    const char* end = text->data() + text->size();
    const auto [p, ec] = std::from_chars(text->data(), end, d);
    if (ec != std::errc{} || p != end || !std::isfinite(d)) {
      report(v.mark, v.path, "expected a number, got " + got(v.node));
      return std::nullopt;
    }
    return d;
  }

  // Lower bound 1us reads as "greater than 0" in messages.
  std::optional<duration> read_duration(const value& v, duration min, duration max) {
    const auto text = scalar(v, "a duration such as 30s");
    if (!text) return std::nullopt;
    const auto parsed = parse_duration(*text);
    if (!parsed.ok()) {
      report(v.mark, v.path, parsed.error);
      return std::nullopt;
    }
    if (parsed.value < min || parsed.value > max) {
      const std::string low = min == duration{1} ? "greater than 0" : "at least " + format_duration(min);
      const std::string range = min == duration{1} ? "greater than 0 and at most " + format_duration(max)
                                                   : "between " + format_duration(min) + " and " +
                                                         format_duration(max);
      report(v.mark, v.path, "must be " + (max == duration::max() ? low : range) + ", got " + *text);
      return std::nullopt;
    }
    return parsed.value;
  }

  std::optional<channel> read_channel(const value& v) {
    const auto text = scalar(v, "a channel name");
    if (!text) return std::nullopt;
    if (auto c = parse_channel(*text)) return c;
    report(v.mark, v.path,
           "unknown channel " + quote(*text) + did_you_mean(*text, channel_names()) +
               "; valid channels: " + join_names(channel_names()));
    return std::nullopt;
  }

  void require(const value& v, bool present, std::string_view key, std::string_view why = {}) {
    if (present) return;
    report(v.mark, child(v.path, key), "required key is missing" + std::string(why));
  }

  // A queue name that must be declared under `queues:`.
  void refer_to_queue(const value& v, std::string queue) {
    _queue_refs.push_back(queue_ref{std::move(queue), v.path, v.mark});
  }

  // ---- sections ----------------------------------------------------------

  void read_instance_id(const value& v) {
    if (auto s = name(v, "a string")) _cfg.instance_id = *s;
  }

  void read_timezone(const value& v) {
    auto zone = name(v, "an IANA time zone name such as Europe/Berlin");
    if (!zone) return;
    _cfg.site_timezone = *zone;
    try {
      (void)date::locate_zone(*zone);
    } catch (const std::exception&) {
      // Either the zone is unknown or the database itself is unreadable.
      std::vector<std::string_view> zones;
      try {
        for (const auto& z : date::get_tzdb().zones) zones.push_back(z.name());
      } catch (const std::exception& e) {
        report(v.mark, v.path, std::string("cannot read the time zone database: ") + e.what());
        return;
      }
      report(v.mark, v.path,
             "unknown time zone " + quote(*zone) + did_you_mean(*zone, zones) +
                 "; use an IANA name such as Europe/Berlin or UTC");
    }
  }

  void read_kafka(const value& v) {
    visit_entries(v, [&](const std::string& key, const YAML::Mark&, const value& val) {
      if (auto resolved = kafka_value(val)) _cfg.kafka.properties.emplace_back(key, std::move(*resolved));
    });
  }

  // A librdkafka property value: a scalar as written, or a secret taken
  // from a file or an environment variable so it stays out of the config.
  std::optional<std::string> kafka_value(const value& v) {
    constexpr std::string_view forms = "a string, { file: PATH } or { env: NAME }";
    if (v.node.IsScalar()) return v.node.Scalar();
    if (!v.node.IsMap()) {
      report(v.mark, v.path, "expected " + std::string(forms) + ", got " + got(v.node));
      return std::nullopt;
    }
    std::optional<value> file, env;
    visit_map(v, {
        {"file", [&](const value& x) { file = x; }},
        {"env", [&](const value& x) { env = x; }},
    });
    if (file && env) {
      report(v.mark, v.path, "give either file or env, not both");
      return std::nullopt;
    }
    if (file) return secret_from_file(*file);
    if (env) return secret_from_env(*env);
    if (v.node.size() == 0) report(v.mark, v.path, "expected " + std::string(forms) + ", got {}");
    return std::nullopt;
  }

  std::optional<std::string> secret_from_file(const value& v) {
    const auto text = name(v, "a file path");
    if (!text) return std::nullopt;
    std::filesystem::path path(*text);
    // Relative to the config file, so the pair can move together.
    if (path.is_relative() && !_base_dir.empty()) path = _base_dir / path;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      report(v.mark, v.path, "cannot read secret file " + quote(path.string()) + ": it is a directory");
      return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const int err = errno;
      report(v.mark, v.path, "cannot read secret file " + quote(path.string()) + ": " + errno_text(err));
      return std::nullopt;
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    std::string secret = std::move(contents).str();
    if (!secret.empty() && secret.back() == '\n') secret.pop_back();
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    if (secret.empty()) {
      report(v.mark, v.path, "secret file " + quote(path.string()) + " is empty");
      return std::nullopt;
    }
    return secret;
  }

  std::optional<std::string> secret_from_env(const value& v) {
    const auto var = name(v, "an environment variable name");
    if (!var) return std::nullopt;
    const char* secret = std::getenv(var->c_str());
    if (secret == nullptr) {
      report(v.mark, v.path, "environment variable " + *var + " is not set");
      return std::nullopt;
    }
    if (*secret == '\0') {
      report(v.mark, v.path, "environment variable " + *var + " is empty");
      return std::nullopt;
    }
    return std::string(secret);
  }

  void read_topics(const value& v) {
    auto& t = _cfg.topics;
    visit_map(v, {
        {"input", [&](const value& x) { read_input_topics(x); }},
        {"alerts", [&](const value& x) { read_topic(x, t.alerts, 0); }},
        {"dead_letter", [&](const value& x) { read_topic(x, t.dead_letter, 1); }},
        {"state", [&](const value& x) { read_topic(x, t.state, 2); }},
        {"snapshots", [&](const value& x) { read_topic(x, t.snapshots, 3); }},
    });
  }

  std::optional<std::string> topic_name(const value& v) {
    auto text = scalar(v, "a topic name");
    if (!text) return std::nullopt;
    if (auto problem = topic_name_problem(*text); !problem.empty()) {
      report(v.mark, v.path, problem);
      return std::nullopt;
    }
    return text;
  }

  void read_topic(const value& v, std::string& out, std::size_t role) {
    if (auto t = topic_name(v)) {
      out = *t;
      _topic_marks[role] = v.mark;
    }
  }

  void read_input_topics(const value& v) {
    const auto items = list(v);
    if (!items) return;
    std::vector<std::string> topics;
    _input_topics.clear();
    for (const auto& item : *items) {
      auto t = topic_name(item);
      if (!t) continue;
      if (std::find(topics.begin(), topics.end(), *t) != topics.end()) {
        report(item.mark, item.path, "topic " + quote(*t) + " is listed twice");
        continue;
      }
      topics.push_back(std::move(*t));
      _input_topics.push_back(item);
    }
    if (items->empty()) report(v.mark, v.path, "at least one input topic is needed");
    _cfg.topics.input = std::move(topics);
  }

  void read_processing(const value& v) {
    auto& p = _cfg.processing;
    auto set = [](duration& out) {
      return [&out](std::optional<duration> d) {
        if (d) out = *d;
      };
    };
    const duration day = 24h;
    visit_map(v, {
        {"workers",
         [&](const value& x) {
           if (auto n = integer(x, 1, 64)) p.workers = static_cast<int>(*n);
         }},
        {"commit_interval", [&](const value& x) { set(p.commit_interval)(read_duration(x, 10ms, 10s)); }},
        // Below a second of allowed skew, ordinary NTP drift would
        // dead-letter good events.
        {"max_clock_skew", [&](const value& x) { set(p.max_clock_skew)(read_duration(x, 1s, day)); }},
        {"max_out_of_orderness",
         [&](const value& x) { set(p.max_out_of_orderness)(read_duration(x, 0s, day)); }},
        {"short_abandon", [&](const value& x) { set(p.short_abandon)(read_duration(x, 0s, 10min)); }},
        {"linger", [&](const value& x) { set(p.linger)(read_duration(x, 1s, 7 * day)); }},
        {"dedup_horizon", [&](const value& x) { set(p.dedup_horizon)(read_duration(x, 0s, 7 * day)); }},
        {"dedup_max_ids",
         [&](const value& x) {
           if (auto n = integer(x, 1000, 100'000'000)) p.dedup_max_ids = static_cast<std::size_t>(*n);
         }},
        {"max_event_time_jump",
         [&](const value& x) { set(p.max_event_time_jump)(read_duration(x, 1min, 30 * day)); }},
        {"max_open_age", [&](const value& x) { set(p.max_open_age)(read_duration(x, 1min, 365 * day)); }},
        {"max_wait", [&](const value& x) { set(p.max_wait)(read_duration(x, 1min, 30 * day)); }},
        {"restore_timeout", [&](const value& x) { set(p.restore_timeout)(read_duration(x, 1s, day)); }},
        {"max_event_bytes",
         [&](const value& x) {
           if (auto n = integer(x, 128, 16 << 20)) p.max_event_bytes = static_cast<std::size_t>(*n);
         }},
        {"max_queues",
         [&](const value& x) {
           if (auto n = integer(x, 1, 10'000)) {
             p.max_queues = static_cast<std::size_t>(*n);
             _max_queues_mark = x.mark;
           }
         }},
        {"poll_interval", [&](const value& x) { set(p.poll_interval)(read_duration(x, 1ms, 1s)); }},
    });
  }

  void read_http(const value& v) {
    visit_map(v, {
        {"bind",
         [&](const value& x) {
           if (auto s = name(x, "an address such as 127.0.0.1")) _cfg.http.bind = *s;
         }},
        {"port",
         [&](const value& x) {
           if (auto n = integer(x, 0, 65535)) _cfg.http.port = static_cast<std::uint16_t>(*n);
         }},
    });
  }

  void read_queues(const value& v) {
    const auto items = list(v);
    if (!items) return;
    for (const auto& item : *items) {
      queue_settings q;
      bool has_name = false, has_channel = false;
      visit_map(item, {
          {"name",
           [&](const value& x) {
             has_name = true;
             auto n = name(x);
             if (!n) return;
             if (*n == other_queue) {
               report(x.mark, x.path,
                      "'other' is reserved for queues beyond processing.max_queues; choose another name");
               return;
             }
             const auto [it, fresh] = _queues.emplace(*n, x.mark.line + 1);
             if (!fresh) {
               report(x.mark, x.path,
                      "duplicate queue name " + quote(*n) + " (first declared on line " +
                          std::to_string(it->second) + ")");
               return;
             }
             q.name = *n;
           }},
          {"channel",
           [&](const value& x) {
             has_channel = true;
             if (auto c = read_channel(x)) q.chan = *c;
           }},
          {"sl_threshold",
           [&](const value& x) {
             if (auto d = read_duration(x, 1s, 24h)) q.sl_threshold = *d;
           }},
          {"sl_target",
           [&](const value& x) {
             auto d = number(x);
             if (!d) return;
             if (*d <= 0 || *d > 1) {
               report(x.mark, x.path,
                      "must be greater than 0 and at most 1 (0.8 means 80 %), got " + x.node.Scalar());
               return;
             }
             q.sl_target = *d;
           }},
      });
      if (item.node.IsMap() || is_empty(item.node)) {
        require(item, has_name, "name");
        require(item, has_channel, "channel", " (one of: " + join_names(channel_names()) + ")");
      }
      if (!q.name.empty()) _cfg.queues.push_back(std::move(q));
    }
    _queues_mark = v.mark;
  }

  void read_policies(const value& v) {
    const auto items = list(v);
    if (!items) return;
    std::vector<sla::policy> policies;
    // policy_choice stores the index in 16 bits.
    if (items->size() > std::numeric_limits<std::uint16_t>::max())
      report(v.mark, v.path, "at most 65535 policies are supported");
    for (const auto& item : *items) {
      sla::policy p;
      bool has_name = false, has_targets = false;
      visit_map(item, {
          {"name",
           [&](const value& x) {
             has_name = true;
             auto n = name(x);
             if (!n) return;
             const auto [it, fresh] = _policy_names.emplace(*n, x.mark.line + 1);
             if (!fresh)
               report(x.mark, x.path,
                      "duplicate policy name " + quote(*n) + " (first declared on line " +
                          std::to_string(it->second) + ")");
             p.name = *n;
           }},
          {"match", [&](const value& x) { read_match(x, p.match); }},
          {"targets",
           [&](const value& x) {
             has_targets = true;
             read_targets(x, p);
           }},
      });
      if (item.node.IsMap() || is_empty(item.node)) {
        require(item, has_name, "name");
        require(item, has_targets, "targets",
                " (a policy needs at least one target: " + join_names(target_type_names()) + ")");
      }
      policies.push_back(std::move(p));
    }
    _cfg.policies = sla::policy_set(std::move(policies));
  }

  void read_match(const value& v, sla::policy_match& m) {
    visit_map(v, {
        {"channels",
         [&](const value& x) {
           for (const auto& item : list(x).value_or(std::vector<value>{}))
             if (auto c = read_channel(item)) m.channels.push_back(*c);
         }},
        {"queues",
         [&](const value& x) {
           for (const auto& item : list(x).value_or(std::vector<value>{})) {
             if (auto n = name(item, "a queue name")) {
               refer_to_queue(item, *n);
               m.queues.push_back(std::move(*n));
             }
           }
         }},
        {"priorities",
         [&](const value& x) {
           for (const auto& item : list(x).value_or(std::vector<value>{}))
             if (auto n = integer(item, 0, std::numeric_limits<std::uint32_t>::max()))
               m.priorities.push_back(static_cast<std::uint32_t>(*n));
         }},
        {"tiers",
         [&](const value& x) {
           for (const auto& item : list(x).value_or(std::vector<value>{}))
             if (auto n = name(item, "a customer tier")) m.tiers.push_back(std::move(*n));
         }},
    });
  }

  void read_targets(const value& v, sla::policy& p) {
    const bool ok = visit_entries(v, [&](const std::string& key, const YAML::Mark& key_mark, const value& val) {
      const auto type = sla::parse_target_type(key);
      if (!type) {
        report(key_mark, val.path,
               "unknown target type " + quote(key) + did_you_mean(key, target_type_names()) +
                   "; valid target types: " + join_names(target_type_names()));
        return;
      }
      p.targets.push_back(read_target(val, *type));
    });
    if (ok && (is_empty(v.node) || v.node.size() == 0))
      report(v.mark, v.path,
             "a policy needs at least one target (" + join_names(target_type_names()) + ")");
  }

  sla::target read_target(const value& v, sla::target_type type) {
    sla::target t;
    t.type = type;
    bool has_duration = false;
    std::optional<value> at_risk_value;
    constexpr duration max_target = 365 * 24h;
    visit_map(v, {
        {"duration",
         [&](const value& x) {
           has_duration = true;
           if (auto d = read_duration(x, duration{1}, max_target)) t.default_duration = *d;
         }},
        {"by_priority", [&](const value& x) { read_by_priority(x, t); }},
        {"at_risk",
         [&](const value& x) {
           if (read_at_risk(x, t.at_risk)) at_risk_value = x;
         }},
        {"pause_statuses", [&](const value& x) { read_pause_statuses(x, t); }},
    });
    if (v.node.IsMap() || is_empty(v.node))
      require(v, has_duration, "duration", " (the target for priorities not in by_priority)");

    // A lead as long as the target would mark every clock at risk from its
    // start: almost certainly a mistake.
    if (at_risk_value && t.at_risk.how == sla::at_risk_threshold::mode::lead) {
      auto check = [&](duration d, const std::string& which) {
        if (d.count() > 0 && t.at_risk.lead >= d)
          report(at_risk_value->mark, at_risk_value->path,
                 "lead " + format_duration(t.at_risk.lead) + " is not shorter than the " + which + " " +
                     format_duration(d));
      };
      if (has_duration) check(t.default_duration, "target duration");
      for (const auto& [priority, d] : t.by_priority)
        check(d, "priority " + std::to_string(priority) + " target");
    }
    return t;
  }

  void read_by_priority(const value& v, sla::target& t) {
    visit_entries(v, [&](const std::string& key, const YAML::Mark& key_mark, const value& val) {
      std::uint32_t priority = 0;
      const char* end = key.data() + key.size();
      const auto [p, ec] = std::from_chars(key.data(), end, priority);
      if (ec != std::errc{} || p != end) {
        report(key_mark, val.path, "expected a priority (a whole number such as 1), got " + quote(key));
        return;
      }
      const auto dup = std::find_if(t.by_priority.begin(), t.by_priority.end(),
                                    [&](const auto& e) { return e.first == priority; });
      if (dup != t.by_priority.end()) {
        report(key_mark, val.path, "priority " + std::to_string(priority) + " is given twice");
        return;
      }
      if (auto d = read_duration(val, duration{1}, 365 * 24h)) t.by_priority.emplace_back(priority, *d);
    });
  }

  bool read_at_risk(const value& v, sla::at_risk_threshold& out) {
    const auto text = scalar(v, "a fraction such as 0.8 or a lead such as 5m");
    if (!text) return false;
    double fraction = 0;
    const char* end = text->data() + text->size();
    const auto [p, ec] = std::from_chars(text->data(), end, fraction);
    if (ec == std::errc{} && p == end && std::isfinite(fraction)) {
      if (fraction <= 0 || fraction >= 1) {
        report(v.mark, v.path,
               "a fraction of the target must be between 0 and 1, exclusive (0.8 = at risk after 80 % of "
               "the target), got " +
                   *text);
        return false;
      }
      out.how = sla::at_risk_threshold::mode::fraction;
      out.fraction = fraction;
      return true;
    }
    const auto lead = parse_duration(*text);
    if (!lead.ok()) {
      report(v.mark, v.path,
             "expected a fraction of the target such as 0.8, or a lead before the deadline such as 5m, got " +
                 got(v.node));
      return false;
    }
    if (lead.value.count() <= 0) {
      report(v.mark, v.path, "a lead before the deadline must be greater than 0, got " + *text);
      return false;
    }
    out.how = sla::at_risk_threshold::mode::lead;
    out.lead = lead.value;
    return true;
  }

  void read_pause_statuses(const value& v, sla::target& t) {
    const auto items = list(v);
    if (!items) return;
    t.pause_statuses.clear();  // an explicit list replaces the default
    for (const auto& item : *items) {
      const auto text = scalar(item, "a ticket status");
      if (!text) continue;
      const auto it = std::find_if(ticket_statuses.begin(), ticket_statuses.end(),
                                   [&](const status_name& s) { return s.name == *text; });
      if (it == ticket_statuses.end()) {
        report(item.mark, item.path,
               "unknown ticket status " + quote(*text) + did_you_mean(*text, ticket_status_names()) +
                   "; valid statuses: " + join_names(ticket_status_names()));
        continue;
      }
      if (std::find(t.pause_statuses.begin(), t.pause_statuses.end(), it->status) != t.pause_statuses.end()) {
        report(item.mark, item.path, "status " + quote(*text) + " is listed twice");
        continue;
      }
      t.pause_statuses.push_back(it->status);
    }
  }

  void read_simulator(const value& v) {
    auto& s = _cfg.simulator;
    visit_map(v, {
        {"rate",
         [&](const value& x) {
           auto r = number(x);
           if (!r) return;
           if (*r <= 0 || *r > 1e6) {
             report(x.mark, x.path, "must be greater than 0 and at most 1000000 arrivals per second, got " +
                                        x.node.Scalar());
             return;
           }
           s.rate = *r;
         }},
        {"seed",
         [&](const value& x) {
           if (auto n = unsigned_integer(x)) s.seed = *n;
         }},
        {"topic",
         [&](const value& x) {
           // Empty means "the first input topic", resolved by the simulator.
           if (is_empty(x.node) || (x.node.IsScalar() && x.node.Scalar().empty())) {
             s.topic.clear();
             return;
           }
           if (auto t = topic_name(x)) s.topic = *t;
         }},
        {"partitions",
         [&](const value& x) {
           if (auto n = integer(x, 1, 10'000)) s.partitions = static_cast<int>(*n);
         }},
        {"queues", [&](const value& x) { read_simulator_queues(x); }},
    });
  }

  void read_simulator_queues(const value& v) {
    const auto items = list(v);
    if (!items) return;
    std::map<std::string, int> seen;
    for (const auto& item : *items) {
      simulator_queue q;
      bool has_queue = false;
      std::optional<value> channel_value;
      visit_map(item, {
          {"queue",
           [&](const value& x) {
             has_queue = true;
             auto n = name(x, "a queue name");
             if (!n) return;
             const auto [it, fresh] = seen.emplace(*n, x.mark.line + 1);
             if (!fresh) {
               report(x.mark, x.path,
                      "queue " + quote(*n) + " is simulated twice (first on line " +
                          std::to_string(it->second) + ")");
               return;
             }
             refer_to_queue(x, *n);
             q.queue = *n;
           }},
          {"channel",
           [&](const value& x) {
             if (auto c = read_channel(x)) {
               q.chan = *c;
               channel_value = x;
             }
           }},
          {"arrival_share",
           [&](const value& x) {
             auto d = number(x);
             if (!d) return;
             if (*d <= 0) {
               report(x.mark, x.path, "must be greater than 0 (a relative weight), got " + x.node.Scalar());
               return;
             }
             q.arrival_share = *d;
           }},
          {"agents",
           [&](const value& x) {
             if (auto n = integer(x, 0, 100'000)) q.agents = static_cast<int>(*n);
           }},
          {"mean_handle",
           [&](const value& x) {
             if (auto d = read_duration(x, duration{1}, 24h)) q.mean_handle = *d;
           }},
          {"mean_patience",
           [&](const value& x) {
             if (auto d = read_duration(x, duration{1}, 24h)) q.mean_patience = *d;
           }},
      });
      if (item.node.IsMap() || is_empty(item.node)) require(item, has_queue, "queue");
      if (q.queue.empty()) continue;
      _simulator_channels.push_back(std::move(channel_value));
      _cfg.simulator.queues.push_back(std::move(q));
    }
  }

  // ---- checks that need the whole file -----------------------------------

  void finish() {
    if (_cfg.instance_id.empty()) _cfg.instance_id = default_instance_id();

    std::vector<std::string_view> declared;
    for (const auto& q : _cfg.queues) declared.push_back(q.name);
    for (const auto& ref : _queue_refs) {
      if (_queues.count(ref.name) != 0) continue;
      report(ref.mark, ref.path,
             "unknown queue " + quote(ref.name) + did_you_mean(ref.name, declared) +
                 (declared.empty() ? "; no queues are declared under `queues:`"
                                   : "; declared queues: " + join_names(declared)));
    }

    // A simulated queue takes its queue's channel unless it says otherwise,
    // and saying something different is a contradiction.
    for (std::size_t i = 0; i < _cfg.simulator.queues.size(); ++i) {
      auto& sq = _cfg.simulator.queues[i];
      const auto q = std::find_if(_cfg.queues.begin(), _cfg.queues.end(),
                                  [&](const queue_settings& c) { return c.name == sq.queue; });
      if (q == _cfg.queues.end()) continue;
      const auto& written = _simulator_channels[i];
      if (!written) {
        sq.chan = q->chan;
      } else if (q->chan != channel::unspecified && sq.chan != q->chan) {
        report(written->mark, written->path,
               "queue " + quote(sq.queue) + " is declared as a " + std::string(to_string(q->chan)) +
                   " queue; drop this key or make them agree");
      }
    }

    if (_cfg.queues.size() > _cfg.processing.max_queues)
      report(_max_queues_mark.is_null() ? _queues_mark : _max_queues_mark, "processing.max_queues",
             std::to_string(_cfg.queues.size()) + " queues are declared but max_queues is " +
                 std::to_string(_cfg.processing.max_queues));

    check_topics_differ();
  }

  // Writing alerts into the input or state topic would corrupt it, so every
  // role gets its own topic.
  void check_topics_differ() {
    const auto& t = _cfg.topics;
    struct role {
      std::string field;
      const std::string* name;
      YAML::Mark mark;  // null when the topic is the default, not written
      bool input;
    };
    std::vector<role> roles;
    for (std::size_t i = 0; i < t.input.size(); ++i) {
      const bool written = i < _input_topics.size();
      roles.push_back({written ? _input_topics[i].path : "topics.input", &t.input[i],
                       written ? _input_topics[i].mark : YAML::Mark::null_mark(), true});
    }
    roles.push_back({"topics.alerts", &t.alerts, _topic_marks[0], false});
    roles.push_back({"topics.dead_letter", &t.dead_letter, _topic_marks[1], false});
    roles.push_back({"topics.state", &t.state, _topic_marks[2], false});
    roles.push_back({"topics.snapshots", &t.snapshots, _topic_marks[3], false});
    for (std::size_t b = 0; b < roles.size(); ++b) {
      for (std::size_t a = 0; a < b; ++a) {
        // Duplicates within the input list are reported where it is read.
        if (*roles[a].name != *roles[b].name || (roles[a].input && roles[b].input)) continue;
        // Point at whichever of the two was written in the file.
        const bool b_written = !roles[b].mark.is_null();
        const role& at = b_written ? roles[b] : roles[a];
        const role& other = b_written ? roles[a] : roles[b];
        report(at.mark, at.field,
               "topic " + quote(*at.name) + " is also " + other.field +
                   "; the input, alerts, dead_letter, state and snapshots topics must all differ");
        break;
      }
    }
  }

  std::string _file;
  std::filesystem::path _base_dir;
  config _cfg;
  std::vector<config_error> _errors;

  // Declared names -> 1-based line of first declaration.
  std::map<std::string, int> _queues;
  std::map<std::string, int> _policy_names;
  std::vector<queue_ref> _queue_refs;
  std::vector<std::optional<value>> _simulator_channels;  // per simulator queue: its channel key, if written
  std::vector<value> _input_topics;  // as written, parallel to topics.input
  // Where alerts, dead_letter, state and snapshots were written, if they were.
  std::array<YAML::Mark, 4> _topic_marks{YAML::Mark::null_mark(), YAML::Mark::null_mark(),
                                         YAML::Mark::null_mark(), YAML::Mark::null_mark()};
  YAML::Mark _queues_mark = YAML::Mark::null_mark();
  YAML::Mark _max_queues_mark = YAML::Mark::null_mark();
};

// Where the documents of a YAML stream start, found without building them.
// yaml-cpp 0.7's LoadAll never returns on a stray ',' at document level: it
// keeps producing empty documents without consuming the token, until memory
// runs out (jbeder/yaml-cpp#1040, fixed upstream by #1319). So documents are
// counted here, a few at most, and only the first is built, with Load.
struct document_scan {
  std::optional<YAML::Mark> second;  // start of a second document
  std::optional<YAML::Mark> stuck;   // where the parser stopped making progress
};

class document_starts final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;

  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

document_scan scan_documents(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  document_starts handler;
  for (int i = 0; i < 3 && parser.HandleNextDocument(handler); ++i) {
  }
  document_scan scan;
  const auto& s = handler.starts;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i].pos == s[i - 1].pos) {
      scan.stuck = s[i];
      return scan;
    }
  }
  if (s.size() > 1) scan.second = s[1];
  return scan;
}

// YAML marks are 0-based; a parser exception without a position gets none.
config_error syntax_error(const std::string& file, const YAML::Exception& e) {
  const bool known = !e.mark.is_null();
  return config_error{file, known ? e.mark.line + 1 : 0, known ? e.mark.column + 1 : 0,
                      std::string(yaml_field), "YAML syntax error: " + e.msg};
}

bool by_position(const config_error& a, const config_error& b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

}  // namespace

load_result load_config_text(std::string_view yaml, const std::string& file_name) {
  load_result result;
  const std::string text(yaml);
  loader l(file_name, std::filesystem::path(file_name).parent_path());
  std::optional<YAML::Node> root;
  try {
    const auto docs = scan_documents(text);
    if (docs.stuck) {
      const auto at = static_cast<std::size_t>(docs.stuck->pos);
      const std::string token = at < text.size() ? quote(std::string_view(text).substr(at, 1)) : "end of input";
      l.report(*docs.stuck, std::string(yaml_field), "YAML syntax error: unexpected " + token);
    } else {
      if (docs.second)
        l.report(*docs.second, std::string(yaml_field),
                 "more than one YAML document (---); ccpulse reads a single document");
      root = YAML::Load(text);
    }
  } catch (const YAML::Exception& e) {
    result.errors.push_back(syntax_error(file_name, e));
    return result;
  }
  if (root) {
    try {
      l.load(*root);
    } catch (const YAML::Exception& e) {
      // The loader only walks nodes it has type-checked; this is a backstop
      // so a malformed file can never take the process down (fuzzed).
      l.errors().push_back(syntax_error(file_name, e));
    }
  }
  result.errors = std::move(l.errors());
  std::stable_sort(result.errors.begin(), result.errors.end(), by_position);
  if (result.errors.empty()) result.cfg = std::move(l.cfg());
  return result;
}

load_result load_config_file(const std::string& path) {
  auto unreadable = [&](std::string why) {
    load_result r;
    r.errors.push_back(config_error{path, 0, 0, "<file>", "cannot read the config file: " + std::move(why)});
    return r;
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return unreadable("it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return unreadable(errno_text(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return unreadable(errno_text(errno));
  return load_config_text(std::move(text).str(), path);
}

}  // namespace ccpulse::config
