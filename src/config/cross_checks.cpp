#include "config/cross_checks.h"

#include <algorithm>
#include <array>

#include "config/domain_values.h"
#include "config/duration_parse.h"
#include "config/window_settings_of.h"
#include "engine/engine_context.h"

namespace ccpulse::config {

namespace {

void check_queue_refs(load_context& ctx) {
  std::vector<std::string_view> declared;
  for (const auto& q : ctx.cfg.queues) declared.push_back(q.name);
  for (const auto& ref : ctx.queue_refs) {
    if (ctx.queues.count(ref.name) != 0) continue;
    ctx.in.report(ref.at.mark, ref.at.path,
                  "unknown queue " + quote(ref.name) + did_you_mean(ref.name, declared) +
                      (declared.empty() ? "; no queues are declared under `queues:`"
                                        : "; declared queues: " + join_names(declared)));
  }
}

// A simulated queue takes its queue's channel unless it says otherwise, and
// saying something different is a contradiction.
void resolve_simulator_channels(load_context& ctx) {
  auto& cfg = ctx.cfg;
  for (std::size_t i = 0; i < cfg.simulator.queues.size(); ++i) {
    auto& sq = cfg.simulator.queues[i];
    const auto q = std::find_if(cfg.queues.begin(), cfg.queues.end(),
                                [&](const queue_settings& c) { return c.name == sq.queue; });
    if (q == cfg.queues.end()) continue;
    const auto& written = ctx.simulator_channels[i];
    if (!written) {
      sq.chan = q->chan;
    } else if (q->chan != channel::unspecified && sq.chan != q->chan) {
      ctx.in.report(written->mark, written->path,
                    "queue " + quote(sq.queue) + " is declared as a " + std::string(to_string(q->chan)) +
                        " queue; drop this key or make them agree");
    }
  }
}

// Sized staffing computes every queue's agents, so a written count would be
// silently ignored.
void check_sized_staffing(load_context& ctx) {
  const auto& sim = ctx.cfg.simulator;
  if (sim.staffing != "sized") return;
  for (std::size_t i = 0; i < sim.queues.size() && i < ctx.simulator_agents.size(); ++i) {
    const auto& written = ctx.simulator_agents[i];
    if (!written) continue;
    ctx.in.report(
        written->mark, written->path,
        "agents is used only with simulator.staffing: fixed; with staffing: sized the agents of queue " +
            quote(sim.queues[i].queue) + " come from its offered load (remove it, or use staffing: fixed)");
  }
}

void check_max_queues(load_context& ctx) {
  const auto& cfg = ctx.cfg;
  if (cfg.queues.size() <= cfg.processing.max_queues) return;
  const auto max_queues = ctx.accepted_at("processing.max_queues");
  ctx.in.report(max_queues ? max_queues->mark : ctx.queues_mark, "processing.max_queues",
                std::to_string(cfg.queues.size()) + " queues are declared but max_queues is " +
                    std::to_string(cfg.processing.max_queues));
}

struct output_topic {
  const char* field;
  const std::string* name;
};

std::array<output_topic, 4> output_topics(const topics_settings& t) {
  return {{{"topics.alerts", &t.alerts},
           {"topics.dead_letter", &t.dead_letter},
           {"topics.state", &t.state},
           {"topics.snapshots", &t.snapshots}}};
}

// Writing alerts into the input or state topic would corrupt it, so every
// role gets its own topic.
void check_topics_differ(load_context& ctx) {
  const auto& t = ctx.cfg.topics;
  struct role {
    std::string field;
    const std::string* name;
    YAML::Mark mark;  // null when the topic is the default, not written
    bool input;
  };
  std::vector<role> roles;
  for (std::size_t i = 0; i < t.input.size(); ++i) {
    const bool written = i < ctx.input_topics.size();
    roles.push_back({written ? ctx.input_topics[i].path : "topics.input", &t.input[i],
                     written ? ctx.input_topics[i].mark : YAML::Mark::null_mark(), true});
  }
  auto output_role = [&](std::string field, const std::string& name) {
    const auto at = ctx.accepted_at(field);
    roles.push_back({std::move(field), &name, at ? at->mark : YAML::Mark::null_mark(), false});
  };
  for (const auto& out : output_topics(t)) output_role(out.field, *out.name);
  for (std::size_t b = 0; b < roles.size(); ++b) {
    for (std::size_t a = 0; a < b; ++a) {
      // Duplicates within the input list are reported where it is read.
      if (*roles[a].name != *roles[b].name || (roles[a].input && roles[b].input)) continue;
      // Point at whichever of the two was written in the file.
      const bool b_written = !roles[b].mark.is_null();
      const role& at = b_written ? roles[b] : roles[a];
      const role& other = b_written ? roles[a] : roles[b];
      ctx.in.report(at.mark, at.field,
                    "topic " + quote(*at.name) + " is also " + other.field +
                        "; the input, alerts, dead_letter, state and snapshots topics must all differ");
      break;
    }
  }
}

// The simulator writes input events: into an output topic they would
// corrupt it.
void check_simulator_topic(load_context& ctx) {
  const auto at = ctx.accepted_at("simulator.topic");
  const auto& topic = ctx.cfg.simulator.topic;
  if (!at || topic.empty()) return;
  for (const auto& out : output_topics(ctx.cfg.topics)) {
    if (*out.name != topic) continue;
    ctx.in.report(at->mark, at->path,
                  "topic " + quote(topic) + " is also " + out.field +
                      "; the simulator writes input events, so give it an input topic or an unused one");
    return;
  }
}

// A short abandon is an abandon within T (docs/kpis.md): the service-level
// parts subtract short abandons from those within T, which goes wrong if a
// short abandon can come after T.
void check_short_abandon_within_thresholds(load_context& ctx) {
  const auto& cfg = ctx.cfg;
  const auto short_abandon = ctx.accepted_at("processing.short_abandon");
  if (ctx.key_at("processing.short_abandon") && !short_abandon) return;  // rejected, reported
  for (std::size_t i = 0; i < cfg.queues.size() && i < ctx.queue_items.size(); ++i) {
    const auto& q = cfg.queues[i];
    if (q.sl_threshold >= cfg.processing.short_abandon) continue;
    const auto threshold_path = child(ctx.queue_items[i], "sl_threshold");
    if (ctx.key_at(threshold_path) && !ctx.accepted_at(threshold_path)) continue;
    // At the queue's threshold if written, else at the short_abandon that exceeds its default.
    const auto at = ctx.accepted_at(threshold_path);
    const auto& where = at ? at : short_abandon;
    if (!where) continue;  // both defaults: they fit
    ctx.in.report(where->mark, where->path,
                  "sl_threshold " + format_duration(q.sl_threshold) + " of queue " + quote(q.name) +
                      " is shorter than processing.short_abandon " +
                      format_duration(cfg.processing.short_abandon) +
                      "; a short abandon must be an abandon within T (docs/kpis.md)");
  }
}

// A target's calendar must be declared, and open enough for the target to
// end within the span a deadline is searched (business_calendar.h).
void check_calendar_refs(load_context& ctx) {
  std::vector<std::string_view> declared;  // also those rejected for other reasons
  for (const auto& [name, line] : ctx.calendar_names) declared.push_back(name);
  for (const auto& ref : ctx.calendar_refs) {
    const auto def = std::find_if(ctx.cfg.calendars.begin(), ctx.cfg.calendars.end(),
                                  [&](const sla::calendar_definition& c) { return c.name == ref.name; });
    if (def == ctx.cfg.calendars.end()) {
      // A declared calendar that was rejected has its own error.
      if (ctx.calendar_names.count(ref.name) != 0) continue;
      ctx.in.report(ref.key.mark, ref.key.path,
                    "unknown calendar " + quote(ref.name) + did_you_mean(ref.name, declared) +
                        (declared.empty() ? "; no calendars are declared under `calendars:`"
                                          : "; declared calendars: " + join_names(declared)));
      continue;
    }
    std::string error;
    const auto cal = sla::business_calendar::create(*def, error);
    if (!cal) continue;  // reported where it was read
    // Each holiday may close a day of the horizon; keep a week in hand.
    const auto holidays = static_cast<std::int64_t>(def->holidays.size());
    const std::int64_t weeks = (sla::business_calendar::horizon_days - holidays) / 7 - 1;
    if (ref.longest_target <= cal->weekly_open() * weeks) continue;
    const auto needed = (ref.longest_target + cal->weekly_open() - duration{1}) / cal->weekly_open();
    ctx.in.report(ref.key.mark, ref.key.path,
                  "a target of " + format_duration(ref.longest_target) + " needs about " +
                      std::to_string(needed) + " weeks of calendar " + quote(ref.name) + " (open " +
                      format_duration(cal->weekly_open()) + " a week), more than the " +
                      std::to_string(weeks) +
                      " weeks a deadline is searched; give the calendar more hours or the target less time");
  }
}

bool has_error_under(load_context& ctx, std::string_view field) {
  return std::any_of(ctx.in.errors().begin(), ctx.in.errors().end(), [&](const config_error& e) {
    return e.field == field || (e.field.starts_with(field) && e.field.size() > field.size() &&
                                (e.field[field.size()] == '.' || e.field[field.size()] == '['));
  });
}

// The engine's own check of its window settings, so every combination a
// partition would refuse is refused here, at the metrics: key. Only once the
// fields it reads were accepted: else the engine would judge defaults.
void check_windows_for_engine(load_context& ctx) {
  if (has_error_under(ctx, "metrics") || has_error_under(ctx, "site_timezone")) return;
  const auto w = window_settings_of(ctx.cfg);
  const auto problem = engine::engine_context::check_windows(w);
  if (problem.empty()) return;
  const auto metrics = ctx.key_at("metrics");
  const auto longest = std::max_element(w.sliding.begin(), w.sliding.end());
  ctx.in.report(metrics ? metrics->mark : YAML::Mark::null_mark(), "metrics",
                problem + " (here: bucket " + format_duration(w.bucket) + ", histogram_bucket " +
                    format_duration(w.coarse_bucket) + ", interval " +
                    format_duration(std::chrono::duration_cast<duration>(w.interval)) + ", longest window " +
                    (longest == w.sliding.end() ? std::string("none") : format_duration(*longest)) + ")");
}

// A queue-alert rule's sliding window must be one the windows keep.
void check_queue_alert_windows(load_context& ctx) {
  if (has_error_under(ctx, "metrics")) return;
  const auto& kept = ctx.cfg.metrics.windows;
  for (const auto& [at, length] : ctx.queue_alert_windows) {
    if (std::find(kept.begin(), kept.end(), length) != kept.end()) continue;
    std::string names;
    for (const auto w : kept) names += (names.empty() ? "" : ", ") + format_duration(w);
    ctx.in.report(at.mark, at.path,
                  "window " + format_duration(length) + " is not one of metrics.windows (" + names +
                      "); add it there or choose one of them, or interval, previous_interval, today");
  }
}

}  // namespace

void check_across_sections(load_context& ctx) {
  check_queue_refs(ctx);
  resolve_simulator_channels(ctx);
  check_sized_staffing(ctx);
  check_max_queues(ctx);
  check_topics_differ(ctx);
  check_simulator_topic(ctx);
  check_short_abandon_within_thresholds(ctx);
  check_windows_for_engine(ctx);
  check_calendar_refs(ctx);
  check_queue_alert_windows(ctx);
}

}  // namespace ccpulse::config
