// A policy's targets: a mapping from target type to target, each with its
// duration, per-priority durations, at-risk threshold and pause statuses.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "config/sections/sections.h"

namespace ccpulse::config {

namespace {

using namespace std::chrono_literals;

constexpr duration max_target = 365 * 24h;

void read_by_priority(load_context& ctx, const value& v, sla::target& t) {
  ctx.in.visit_entries(v, [&](const std::string& key, const YAML::Mark& key_mark, const value& val) {
    std::uint32_t priority = 0;
    const char* end = key.data() + key.size();
    const auto [p, ec] = std::from_chars(key.data(), end, priority);
    if (ec != std::errc{} || p != end) {
      ctx.in.report(key_mark, val.path, "expected a priority (a whole number such as 1), got " + quote(key));
      return;
    }
    const auto dup = std::find_if(t.by_priority.begin(), t.by_priority.end(),
                                  [&](const auto& e) { return e.first == priority; });
    if (dup != t.by_priority.end()) {
      ctx.in.report(key_mark, val.path, "priority " + std::to_string(priority) + " is given twice");
      return;
    }
    if (auto d = ctx.in.read_duration(val, duration{1}, max_target)) t.by_priority.emplace_back(priority, *d);
  });
}

// A fraction of the target (0.8) or a lead before the deadline (5m).
void read_at_risk(load_context& ctx, const value& v, sla::target& t) {
  auto& in = ctx.in;
  const auto text = in.scalar(v, "a fraction such as 0.8 or a lead such as 5m");
  if (!text) return;
  double fraction = 0;
  const char* end = text->data() + text->size();
  const auto [p, ec] = std::from_chars(text->data(), end, fraction);
  if (ec == std::errc{} && p == end && std::isfinite(fraction)) {
    if (fraction <= 0 || fraction >= 1) {
      in.report(v.mark, v.path,
                "a fraction of the target must be between 0 and 1, exclusive (0.8 = at risk after 80 % of "
                "the target), got " +
                    *text);
      return;
    }
    t.at_risk.how = sla::at_risk_threshold::mode::fraction;
    t.at_risk.fraction = fraction;
    ctx.accepted.insert_or_assign(v.path, v.mark);
    return;
  }
  const auto lead = parse_duration(*text);
  if (!lead.ok()) {
    in.report(
        v.mark, v.path,
        "expected a fraction of the target such as 0.8, or a lead before the deadline such as 5m, got " +
            got(v.node));
    return;
  }
  if (lead.value.count() <= 0) {
    in.report(v.mark, v.path, "a lead before the deadline must be greater than 0, got " + *text);
    return;
  }
  t.at_risk.how = sla::at_risk_threshold::mode::lead;
  t.at_risk.lead = lead.value;
  ctx.accepted.insert_or_assign(v.path, v.mark);
}

void read_pause_statuses(load_context& ctx, const value& v, sla::target& t) {
  const auto items = ctx.in.list(v);
  if (!items) return;
  t.pause_statuses.clear();  // an explicit list replaces the default
  for (const auto& item : *items) {
    const auto text = ctx.in.scalar(item, "a ticket status");
    if (!text) continue;
    const auto it = std::find_if(ticket_statuses.begin(), ticket_statuses.end(),
                                 [&](const status_name& s) { return s.name == *text; });
    if (it == ticket_statuses.end()) {
      ctx.in.report(item.mark, item.path,
                    "unknown ticket status " + quote(*text) + did_you_mean(*text, ticket_status_names()) +
                        "; valid statuses: " + join_names(ticket_status_names()));
      continue;
    }
    if (std::find(t.pause_statuses.begin(), t.pause_statuses.end(), it->status) != t.pause_statuses.end()) {
      ctx.in.report(item.mark, item.path, "status " + quote(*text) + " is listed twice");
      continue;
    }
    t.pause_statuses.push_back(it->status);
  }
}

void read_calendar(load_context& ctx, const value& v, sla::target& t) {
  if (auto n = ctx.in.name(v, "a calendar name")) t.calendar = std::move(*n);
}

// Whether the calendar exists, and fits the target, is checked once every
// calendar is read (cross_checks.cpp).
void refer_to_calendar(load_context& ctx, const value& v, const sla::target& t) {
  const auto key = ctx.key_at(child(v.path, "calendar"));
  if (t.calendar.empty() || !key) return;
  duration longest = t.default_duration;
  for (const auto& [priority, d] : t.by_priority) longest = std::max(longest, d);
  ctx.calendar_refs.push_back(calendar_ref{t.calendar, *key, longest});
}

// A lead as long as the target would mark every clock at risk from its
// start: almost certainly a mistake.
void check_lead_shorter_than_targets(load_context& ctx, const value& v, const sla::target& t) {
  const auto at_risk = ctx.accepted_at(child(v.path, "at_risk"));
  if (!at_risk || t.at_risk.how != sla::at_risk_threshold::mode::lead) return;
  auto check = [&](duration d, const std::string& which) {
    if (d.count() > 0 && t.at_risk.lead >= d)
      ctx.in.report(at_risk->mark, at_risk->path,
                    "lead " + format_duration(t.at_risk.lead) + " is not shorter than the " + which + " " +
                        format_duration(d));
  };
  if (ctx.accepted_at(child(v.path, "duration"))) check(t.default_duration, "target duration");
  for (const auto& [priority, d] : t.by_priority)
    check(d, "priority " + std::to_string(priority) + " target");
}

}  // namespace

field_table<sla::target> target_fields() {
  using t = sla::target;
  static const std::vector<field<t>> table{
      {"duration", duration_field(&t::default_duration, duration{1}, max_target, duration{}),
       "the target for any priority not in by_priority", " (the target for priorities not in by_priority)"},
      {"by_priority", custom_spec<t>{read_by_priority, "mapping of priority to duration", "{}"},
       "per-priority targets"},
      {"at_risk", custom_spec<t>{read_at_risk, "fraction or duration", "0.8"},
       "when a running clock counts as at risk: a fraction of the target or a lead before the deadline"},
      {"pause_statuses", custom_spec<t>{read_pause_statuses, "list of ticket statuses", "[pending, on_hold]"},
       "ticket statuses that stop the clock; [] never pauses"},
      {"calendar", custom_spec<t>{read_calendar, "calendar name", "none (wall-clock time)"},
       "a calendar under calendars: the durations count only its business hours"},
  };
  return table;
}

void read_targets(load_context& ctx, const value& v, sla::policy& p) {
  auto read_one = [&](const std::string& key, const YAML::Mark& key_mark, const value& val) {
    const auto type = sla::parse_target_type(key);
    if (!type) {
      ctx.in.report(key_mark, val.path,
                    "unknown target type " + quote(key) + did_you_mean(key, target_type_names()) +
                        "; valid target types: " + join_names(target_type_names()));
      return;
    }
    auto t = read_item(ctx, val, target_fields());
    t.type = *type;
    check_lead_shorter_than_targets(ctx, val, t);
    refer_to_calendar(ctx, val, t);
    p.targets.push_back(std::move(t));
  };
  if (ctx.in.visit_entries(v, read_one) && (is_empty(v.node) || v.node.size() == 0))
    ctx.in.report(v.mark, v.path,
                  "a policy needs at least one target (" + join_names(target_type_names()) + ")");
}

}  // namespace ccpulse::config
