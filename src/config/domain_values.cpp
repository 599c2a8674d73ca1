#include "config/domain_values.h"

#include <exception>

#include <date/tz.h>

#include "sla/alert.h"
#include "sla/policy.h"

namespace ccpulse::config {

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

const std::vector<std::string_view>& sl_formula_names() {
  static const auto names = [] {
    std::vector<std::string_view> out;
    for (int i = 0; i < metrics::sl_formula_count; ++i)
      out.push_back(metrics::to_string(static_cast<metrics::sl_formula>(i)));
    return out;
  }();
  return names;
}

const std::vector<std::string_view>& ticket_status_names() {
  static const auto names = [] {
    std::vector<std::string_view> out;
    for (const auto& s : ticket_statuses) out.push_back(s.name);
    return out;
  }();
  return names;
}

std::string topic_name_problem(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name == "." || name == "..") return "'.' and '..' are not valid topic names";
  if (name.size() > 249) return "topic names are at most 249 characters";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return "topic name " + quote(name) + " may contain only letters, digits, '.', '_' and '-'";
  }
  return {};
}

std::optional<channel> read_channel(yaml_reader& in, const value& v) {
  const auto text = in.scalar(v, "a channel name");
  if (!text) return std::nullopt;
  if (auto c = parse_channel(*text)) return c;
  in.report(v.mark, v.path,
            "unknown channel " + quote(*text) + did_you_mean(*text, channel_names()) +
                "; valid channels: " + join_names(channel_names()));
  return std::nullopt;
}

std::optional<sla::severity> read_severity(yaml_reader& in, const value& v) {
  const auto text = in.scalar(v, "info, warning or critical");
  if (!text) return std::nullopt;
  for (auto s : {sla::severity::info, sla::severity::warning, sla::severity::critical})
    if (sla::to_string(s) == *text) return s;
  in.report(v.mark, v.path, "expected info, warning or critical, got " + quote(*text));
  return std::nullopt;
}

std::optional<metrics::sl_formula> read_sl_formula(yaml_reader& in, const value& v) {
  const auto text = in.scalar(v, "a service-level formula");
  if (!text) return std::nullopt;
  if (auto f = metrics::parse_sl_formula(*text)) return f;
  in.report(v.mark, v.path,
            "unknown service-level formula " + quote(*text) + did_you_mean(*text, sl_formula_names()) +
                "; valid formulas: " + std::string(metrics::sl_formula_names));
  return std::nullopt;
}

std::optional<std::string> read_topic_name(yaml_reader& in, const value& v) {
  auto text = in.scalar(v, "a topic name");
  if (!text) return std::nullopt;
  if (auto problem = topic_name_problem(*text); !problem.empty()) {
    in.report(v.mark, v.path, problem);
    return std::nullopt;
  }
  return text;
}

void check_time_zone(yaml_reader& in, const value& v, const std::string& zone) {
  try {
    (void)date::locate_zone(zone);
  } catch (const std::exception&) {
    // Either the zone is unknown or the database itself is unreadable.
    std::vector<std::string_view> zones;
    try {
      for (const auto& z : date::get_tzdb().zones) zones.push_back(z.name());
    } catch (const std::exception& e) {
      in.report(v.mark, v.path, std::string("cannot read the time zone database: ") + e.what());
      return;
    }
    in.report(v.mark, v.path,
              "unknown time zone " + quote(zone) + did_you_mean(zone, zones) +
                  "; use an IANA name such as Europe/Berlin or UTC");
  }
}

bool read_word(yaml_reader& in, const value& x, std::initializer_list<std::string_view> allowed,
               std::string& out) {
  auto w = in.name(x, "a word");
  if (!w) return false;
  std::string listed;
  for (auto a : allowed) {
    if (*w == a) {
      out = *w;
      return true;
    }
    listed += listed.empty() ? std::string{a} : ", " + std::string{a};
  }
  in.report(x.mark, x.path, "expected one of " + listed + ", got " + quote(*w));
  return false;
}

}  // namespace ccpulse::config
