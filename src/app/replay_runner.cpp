#include "app/replay_runner.h"

#include <algorithm>

#include "app/cli_options.h"
#include "app/engine_settings_from.h"

namespace ccpulse::app {

replay_runner::side::side(const config::config& c, std::set<std::string, std::less<>> queues)
    : eng(engine_settings_from(c), c.policies),
      decoder(decoder_limits_from(c)),
      attribute_keys(c.policies.attribute_keys()),
      tally(std::move(queues)) {
  out.record_clocks = true;
}

replay_runner::replay_runner(const config::config& live, const config::config& candidate,
                             std::set<std::string, std::less<>> queues)
    : _live(live, queues), _candidate(candidate, queues), _queues(std::move(queues)) {}

void replay_runner::record(std::int32_t partition, std::span<const std::byte> bytes,
                           std::optional<instant> record_time) {
  ++_records;
  // Without a record timestamp nothing tells how far ahead of its reading
  // an event was stamped: the skew check is off for it.
  const instant now = record_time.value_or(instant_max - std::chrono::hours(24 * 365));
  event ev;
  const auto decoded = _live.decoder.decode(bytes, now, ev);
  if (!decoded.ok) {
    ++_live.invalid;
    ++_candidate.invalid;
    return;
  }
  _first = std::min(_first.value_or(ev.occurred_at), ev.occurred_at);
  _last = std::max(_last.value_or(ev.occurred_at), ev.occurred_at);
  apply(_live, partition, ev);
  if (_candidate.attribute_keys == _live.attribute_keys) {
    apply(_candidate, partition, ev);
    return;
  }
  // The candidate keeps other attributes: its own decode fills its slots.
  event other;
  if (_candidate.decoder.decode(bytes, now, other).ok) apply(_candidate, partition, other);
}

void replay_runner::apply(side& s, std::int32_t partition, const event& e) {
  auto* part = s.eng.find(partition);
  if (!part) part = &s.eng.assign(partition, instant{});
  // Behind, on its watermark: whatever that passed fires before the event
  // applies, as in a worker (worker.cpp).
  part->advance(part->watermark(), false, s.out);
  const auto r = part->apply(e, s.out);
  if (r.status == engine::apply_status::rejected) ++s.invalid;
  if (r.status == engine::apply_status::duplicate) ++s.duplicates;
  if (r.status != engine::apply_status::rejected) ++s.events;
  s.tally.take(s.out);
  if (_keep_alerts) s.kept.insert(s.kept.end(), s.out.alerts.begin(), s.out.alerts.end());
  s.out.clear();
}

void replay_runner::finish() {
  _live.tally.finish();
  _candidate.tally.finish();
}

engine::replay_header replay_runner::header() {
  engine::replay_header h;
  h.records = _records;
  h.events = _live.events;
  h.invalid = _live.invalid;
  h.duplicates = _live.duplicates;
  if (_first) h.first_event = format_rfc3339(*_first);
  if (_last) h.last_event = format_rfc3339(*_last);
  std::vector<metrics::queue_counters> by_label;
  auto& eng = _live.eng;
  eng.collect(by_label);
  const auto& ctx = eng.context();
  for (std::size_t i = 0; i < by_label.size(); ++i) {
    const auto& c = by_label[i];
    const auto q = static_cast<metrics::queue_index>(i);
    const auto name = ctx.queues.name(q);
    if (name.empty() || (!_queues.empty() && !_queues.contains(name))) continue;
    if (c.offered == 0 && c.answered == 0 && c.abandoned == 0 && c.waiting == 0) continue;
    h.kpis.push_back({std::string(name), c.offered, c.answered, c.abandoned, c.short_abandoned,
                      c.answered_within_threshold, ctx.sl_threshold(q),
                      static_cast<std::uint64_t>(std::max<std::int64_t>(0, c.waiting)), c.answered_wait_sum});
  }
  std::sort(h.kpis.begin(), h.kpis.end(), [](const auto& a, const auto& b) { return a.queue < b.queue; });
  return h;
}

}  // namespace ccpulse::app
