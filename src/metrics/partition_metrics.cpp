#include "metrics/partition_metrics.h"

#include <algorithm>
#include <limits>
#include <type_traits>
#include <utility>

#include "metrics/bucket_set.h"
#include "metrics/counter_ring.h"
#include "metrics/sliding_window.h"

namespace ccpulse::metrics {

namespace {

// Newest buckets kept as structs: the out-of-orderness (30 s by default)
// reaches 3 to 4 fine buckets back, and at most one coarse bucket back.
constexpr std::size_t fine_hot = 4;
constexpr std::size_t coarse_hot = 2;
constexpr std::int64_t no_bucket = std::numeric_limits<std::int64_t>::min();

// First bucket whose start is at or after t.
std::int64_t first_bucket_from(instant t, duration width) {
  return bucket_number(t - duration{1}, width) + 1;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

std::size_t slot_of(std::int64_t n, std::size_t size) {
  const auto s = static_cast<std::int64_t>(size);
  return static_cast<std::size_t>(((n % s) + s) % s);
}

// Apply helpers: what an event adds to a bucket's counters and distributions.
struct no_dist {
  void operator()(distributions&) const {}
};

void to_state(const sparse_histogram& h, histogram_state& out) {
  out.buckets.clear();
  h.for_each_bucket([&](std::uint16_t i, std::uint64_t n) { out.buckets.emplace_back(i, n); });
  out.sum = h.sum();
  out.min = h.min();
  out.max = h.max();
}

}  // namespace

struct partition_metrics::scope_windows {
  scope_windows(scope_id i, std::size_t fine_n, std::size_t coarse_n)
      : id(i),
        fine(fine_n, fine_hot),
        coarse(coarse_n, coarse_hot),
        coarse_dist(coarse_n),
        coarse_tag(coarse_n, no_bucket) {}

  // The coarse slot for bucket c, emptied first if it held an older bucket.
  distributions& dist_at(std::int64_t c) {
    const std::size_t i = slot_of(c, coarse_tag.size());
    if (coarse_tag[i] != c) {
      coarse_dist[i].clear();
      coarse_tag[i] = c;
    }
    return coarse_dist[i];
  }
  const distributions* dist_of(std::int64_t c) const {
    const std::size_t i = slot_of(c, coarse_tag.size());
    return coarse_tag[i] == c ? &coarse_dist[i] : nullptr;
  }

  void add_memory(memory_parts& m) const {
    m.fine_counters += fine.heap_bytes();
    m.coarse_counters += coarse.heap_bytes();
    m.coarse_distributions += coarse_dist.capacity() * sizeof(distributions);
    for (const auto& d : coarse_dist) m.coarse_distributions += d.heap_bytes();
    m.today += today_dist.heap_bytes();
    m.other += sizeof(*this) + coarse_tag.capacity() * sizeof(std::int64_t) + written_parts.heap_bytes() +
               evicted_fine.capacity() * sizeof(std::int64_t);
  }

  scope_id id;
  counter_ring fine;    // fine buckets: sliding counters, interval counters
  counter_ring coarse;  // coarse buckets' counters: for their parts records
  std::vector<distributions> coarse_dist;
  std::vector<std::int64_t> coarse_tag;  // the coarse bucket each slot holds
  kpi_counters today_counts;
  distributions today_dist;
  instant today_start = instant_min;

  // Changelog bookkeeping since the last drain.
  std::vector<std::int64_t> evicted_fine;  // dirty buckets: marks in the rings
  bucket_set written_parts;                // coarse buckets with a parts record on the topic
  bool listed = false;
};

// ---- construction ---------------------------------------------------------------

std::optional<partition_metrics> partition_metrics::create(const partition_metrics_settings& s,
                                                           calendar_intervals cal, metrics_names& names,
                                                           std::string& error) {
  const duration span = s.fine_width * static_cast<std::int64_t>(s.fine_buckets);
  const duration interval = cal.interval_length();
  if (s.fine_width <= duration::zero() || s.fine_buckets <= fine_hot || s.coarse_width <= duration::zero()) {
    error = "window settings: bucket widths must be positive and the fine ring longer than " +
            std::to_string(fine_hot) + " buckets";
    return std::nullopt;
  }
  if (s.coarse_width % s.fine_width != duration::zero() || span % s.coarse_width != duration::zero()) {
    error = "window settings: the coarse width must be a multiple of the fine width and divide the fine span";
    return std::nullopt;
  }
  if (interval % s.coarse_width != duration::zero() || 2 * interval > span) {
    error =
        "window settings: the calendar interval must be a multiple of the coarse width and at most half the "
        "fine span (the previous interval is read from the rings)";
    return std::nullopt;
  }
  return partition_metrics(s, std::move(cal), names);
}

partition_metrics::partition_metrics(const partition_metrics_settings& s, calendar_intervals cal,
                                     metrics_names& names)
    : _settings(s),
      _cal(std::move(cal)),
      _names(&names),
      // One more than the span needs: the oldest live fine bucket's coarse
      // bucket must still be live.
      _coarse_buckets(static_cast<std::size_t>(s.fine_width * static_cast<std::int64_t>(s.fine_buckets) /
                                               s.coarse_width) +
                      1),
      _fine_per_coarse(s.coarse_width / s.fine_width) {}

partition_metrics::partition_metrics(partition_metrics&&) noexcept = default;
partition_metrics& partition_metrics::operator=(partition_metrics&&) noexcept = default;
partition_metrics::~partition_metrics() = default;

// ---- clock and scopes --------------------------------------------------------------

std::int64_t partition_metrics::coarse_of(std::int64_t fine) const {
  return floor_div(fine, _fine_per_coarse);
}

instant partition_metrics::head_time() const { return bucket_start(*_head, _settings.fine_width); }

bool partition_metrics::coarse_live(std::int64_t c) const {
  const std::int64_t head = coarse_of(*_head);
  return c <= head && c > head - static_cast<std::int64_t>(_coarse_buckets);
}

void partition_metrics::observe(instant t) {
  const std::int64_t n = bucket_number(t, _settings.fine_width);
  if (_head && n <= *_head) return;
  const bool first = !_head;
  _head = n;
  _clock_dirty = true;
  const instant h = head_time();
  if (first || h >= _today.end) _today = _cal.day_of(h);
}

void partition_metrics::advance(instant t) { observe(t); }

std::optional<instant> partition_metrics::head() const {
  if (!_head) return std::nullopt;
  return head_time();
}

partition_metrics::scope_windows& partition_metrics::scope(scope_id id) {
  std::unique_ptr<scope_windows>* slot = nullptr;
  switch (id.kind) {
    case scope_kind::overall:
      slot = &_overall;
      break;
    case scope_kind::channel:
      slot = &_channels[id.index % channel_count];
      break;
    case scope_kind::queue:
      if (id.index >= _queues.size()) _queues.resize(static_cast<std::size_t>(id.index) + 1);
      slot = &_queues[id.index];
      break;
  }
  if (!*slot) *slot = std::make_unique<scope_windows>(id, _settings.fine_buckets, _coarse_buckets);
  return **slot;
}

const partition_metrics::scope_windows* partition_metrics::find(scope_id id) const {
  switch (id.kind) {
    case scope_kind::overall:
      return _overall.get();
    case scope_kind::channel:
      return id.index < channel_count ? _channels[id.index].get() : nullptr;
    case scope_kind::queue:
      return id.index < _queues.size() ? _queues[id.index].get() : nullptr;
  }
  return nullptr;
}

template <class F>
void partition_metrics::for_each_scope(F&& f) const {
  if (_overall) f(*_overall);
  for (const auto& c : _channels)
    if (c) f(*c);
  for (const auto& q : _queues)
    if (q) f(*q);
}

void partition_metrics::list(scope_windows& w) {
  if (w.listed) return;
  w.listed = true;
  _dirty.push_back(&w);
}

void partition_metrics::catch_up(scope_windows& w) {
  if (!_head) return;
  w.fine.roll_to(*_head, [&](std::int64_t m) {
    w.evicted_fine.push_back(m);
    list(w);
  });
  w.coarse.roll_to(coarse_of(*_head), [](std::int64_t) {});  // parts records leave by written_parts
  if (w.today_start != _today.start) {
    w.today_counts = {};
    w.today_dist.clear();
    w.today_start = _today.start;
  }
}

void partition_metrics::mark(scope_windows& w, std::int64_t fine, std::int64_t coarse) {
  list(w);
  w.fine.mark_dirty(fine);
  w.coarse.mark_dirty(coarse);
}

std::vector<scope_id> partition_metrics::scopes() const {
  std::vector<scope_id> out;
  for_each_scope([&](const scope_windows& w) { out.push_back(w.id); });
  return out;
}

std::size_t partition_metrics::scope_count() const {
  std::size_t n = 0;
  for_each_scope([&](const scope_windows&) { ++n; });
  return n;
}

partition_metrics::memory_parts partition_metrics::memory() const {
  memory_parts m;
  m.other = _queues.capacity() * sizeof(std::unique_ptr<scope_windows>) + _dirty.capacity() * sizeof(void*);
  for_each_scope([&](const scope_windows& w) { w.add_memory(m); });
  return m;
}

std::size_t partition_metrics::heap_bytes() const { return memory().total(); }

// ---- apply -----------------------------------------------------------------------------

template <class Counts, class Dist>
window_result partition_metrics::apply(contact_scope s, instant t, Counts&& counts, Dist&& dist) {
  const std::int64_t n = bucket_number(t, _settings.fine_width);
  if (_settings.head_from_events) {
    observe(t);
  } else if (!_head || n > *_head) {
    ++_probe.ahead;
    return window_result::ahead;
  }
  if (n <= *_head - static_cast<std::int64_t>(_settings.fine_buckets)) {
    ++_probe.late;
    return window_result::late;
  }
  const std::int64_t c = coarse_of(n);
  const bool today = _today.contains(t);
  auto one = [&](scope_windows& w) {
    catch_up(w);
    w.fine.update(n, counts);
    w.coarse.update(c, counts);
    if (today) counts(w.today_counts);
    if constexpr (!std::is_same_v<std::decay_t<Dist>, no_dist>) {
      dist(w.dist_at(c));
      if (today) dist(w.today_dist);
    }
    mark(w, n, c);
  };
  one(scope(scope_id::overall()));
  one(scope(scope_id::of(s.chan)));
  if (s.queue) one(scope(scope_id::queue(*s.queue)));
  ++_probe.applied;
  return window_result::applied;
}

window_result partition_metrics::on_offered(contact_scope s, instant t) {
  return apply(
      s, t, [](kpi_counters& c) { ++c.offered; }, no_dist{});
}

window_result partition_metrics::on_answered(contact_scope s, instant t, duration wait, bool within_T) {
  return apply(
      s, t,
      [&](kpi_counters& c) {
        ++c.answered;
        if (within_T) ++c.answered_within_T;
        c.answered_wait_sum += wait;
      },
      [&](distributions& d) { d[distribution::wait].record(wait); });
}

window_result partition_metrics::on_abandoned(contact_scope s, instant t, bool short_abandon, bool within_T) {
  return apply(
      s, t,
      [&](kpi_counters& c) {
        ++c.abandoned;
        if (short_abandon) ++c.short_abandoned;
        ++(within_T ? c.abandoned_within_T : c.abandoned_after_T);
      },
      no_dist{});
}

window_result partition_metrics::on_flowed_out(contact_scope s, instant t, bool within_T) {
  return apply(
      s, t,
      [&](kpi_counters& c) {
        ++c.flowed_out;
        if (within_T) ++c.flowed_out_within_T;
      },
      no_dist{});
}

window_result partition_metrics::on_crossed_T(contact_scope s, instant t) {
  return apply(
      s, t, [](kpi_counters& c) { ++c.waited_beyond_T; }, no_dist{});
}

window_result partition_metrics::on_handled(contact_scope s, instant t, duration talk, duration hold,
                                            duration after_contact_work) {
  return apply(
      s, t,
      [&](kpi_counters& c) {
        ++c.handled;
        c.talk_sum += talk;
        c.hold_sum += hold;
        c.after_contact_work_sum += after_contact_work;
      },
      [&](distributions& d) { d[distribution::handle].record(talk + hold + after_contact_work); });
}

window_result partition_metrics::on_first_response(contact_scope s, instant t, duration d) {
  return apply(
      s, t, [](kpi_counters&) {}, [&](distributions& x) { x[distribution::first_response].record(d); });
}

window_result partition_metrics::on_next_reply(contact_scope s, instant t, duration d) {
  return apply(
      s, t, [](kpi_counters&) {}, [&](distributions& x) { x[distribution::next_reply].record(d); });
}

window_result partition_metrics::on_resolved(contact_scope s, instant t, duration since_created,
                                             bool first_contact) {
  return apply(
      s, t,
      [&](kpi_counters& c) {
        ++c.resolved;
        if (first_contact) ++c.resolved_first_contact;
      },
      [&](distributions& x) { x[distribution::resolution].record(since_created); });
}

window_result partition_metrics::on_transferred(contact_scope s, instant t, reason_index reason) {
  return apply(
      s, t, [](kpi_counters& c) { ++c.transfers; },
      [&](distributions& x) { x.transfers_by_reason.add(reason); });
}

window_result partition_metrics::on_escalated(contact_scope s, instant t, reason_index reason) {
  return apply(
      s, t, [](kpi_counters& c) { ++c.escalations; },
      [&](distributions& x) { x.escalations_by_reason.add(reason); });
}

window_result partition_metrics::on_csat(contact_scope s, instant t, int score) {
  if (score < 1 || score > 5) {
    ++_probe.rejected;
    return window_result::rejected;
  }
  return apply(
      s, t, [&](kpi_counters& c) { c.add_csat(score); }, no_dist{});
}

window_result partition_metrics::on_nps(contact_scope s, instant t, int score) {
  if (score < 0 || score > 10) {
    ++_probe.rejected;
    return window_result::rejected;
  }
  return apply(
      s, t, [&](kpi_counters& c) { c.add_nps(score); }, no_dist{});
}

window_result partition_metrics::on_agent_time(contact_scope s, instant t, duration on_contact,
                                               duration available) {
  return apply(
      s, t,
      [&](kpi_counters& c) {
        c.agent_on_contact += on_contact;
        c.agent_available += available;
      },
      no_dist{});
}

// ---- read ------------------------------------------------------------------------------

void partition_metrics::add_coarse(const scope_windows& w, std::int64_t from, std::int64_t to,
                                   distributions& out) const {
  for (std::int64_t c = from; c <= to; ++c)
    if (const distributions* d = w.dist_of(c)) out += *d;
}

std::optional<kpi_view> partition_metrics::read_sliding(scope_id s, duration length) const {
  const duration fw = _settings.fine_width;
  if (length <= duration::zero() || length % fw != duration::zero() ||
      length / fw > static_cast<std::int64_t>(_settings.fine_buckets))
    return std::nullopt;
  kpi_view v;
  if (!_head) return v;
  const std::int64_t k = length / fw;
  v.from = bucket_start(*_head - k + 1, fw);
  v.to = bucket_start(*_head + 1, fw);
  const scope_windows* w = find(s);
  if (!w) return v;
  w->fine.add_range(*_head - k + 1, *_head, v.counts);
  // The coarse buckets a window of this length spans, rounded up.
  const duration cw = _settings.coarse_width;
  const std::int64_t m = (length + cw - duration{1}) / cw;
  const std::int64_t c = coarse_of(*_head);
  add_coarse(*w, c - m + 1, c, v.dist);
  return v;
}

kpi_view partition_metrics::read_calendar(scope_id s, calendar_part p) const {
  kpi_view v;
  if (!_head) return v;
  const scope_windows* w = find(s);
  if (p == calendar_part::today) {
    v.from = _today.start;
    v.to = _today.end;
    if (w && w->today_start == _today.start) {
      v.counts = w->today_counts;
      v.dist = w->today_dist;
    }
    return v;
  }
  const calendar_period current = _cal.interval_of(head_time());
  const calendar_period period =
      p == calendar_part::current_interval ? current : _cal.interval_of(current.start - duration{1});
  v.from = period.start;
  v.to = period.end;
  if (!w) return v;
  const duration fw = _settings.fine_width, cw = _settings.coarse_width;
  w->fine.add_range(first_bucket_from(period.start, fw), first_bucket_from(period.end, fw) - 1, v.counts);
  add_coarse(*w, first_bucket_from(period.start, cw), first_bucket_from(period.end, cw) - 1, v.dist);
  return v;
}

// ---- changelog ---------------------------------------------------------------------------

std::string_view partition_metrics::scope_name(scope_id id) const {
  switch (id.kind) {
    case scope_kind::overall:
      return {};
    case scope_kind::queue:
      return _names->queue_name(id.index);
    case scope_kind::channel:
      return to_string(static_cast<channel>(id.index));
  }
  return {};
}

std::optional<scope_id> partition_metrics::scope_of(scope_kind kind, std::string_view name) {
  switch (kind) {
    case scope_kind::overall:
      if (!name.empty()) return std::nullopt;
      return scope_id::overall();
    case scope_kind::queue:
      if (auto q = _names->find_queue(name)) return scope_id::queue(*q);
      return std::nullopt;
    case scope_kind::channel:
      if (name == to_string(channel::unspecified)) return scope_id::of(channel::unspecified);
      if (auto c = parse_channel(name)) return scope_id::of(*c);
      return std::nullopt;
  }
  return std::nullopt;
}

// The identity and counters of bucket n of a ring of this width.
static void fill_bucket(window_bucket_kind kind, scope_kind scope, std::string_view name,
                        const counter_ring& ring, std::int64_t n, duration width, window_bucket_state& r) {
  r.kind = kind;
  r.scope = scope;
  r.scope_name.assign(name);
  r.start = bucket_start(n, width);
  r.width = width;
  r.counts = {};
  ring.add_bucket(n, r.counts);
}

void partition_metrics::fill_counters(const scope_windows& w, std::int64_t n, window_bucket_state& r) const {
  // r is the counters scratch: its distributions and reasons stay empty.
  fill_bucket(window_bucket_kind::counters, w.id.kind, scope_name(w.id), w.fine, n, _settings.fine_width, r);
}

void partition_metrics::fill_parts(const scope_windows& w, std::int64_t c, window_bucket_state& r) const {
  fill_bucket(window_bucket_kind::parts, w.id.kind, scope_name(w.id), w.coarse, c, _settings.coarse_width, r);
  static const distributions none;
  const distributions* d = w.dist_of(c);
  if (!d) d = &none;
  for (std::size_t i = 0; i < distribution_count; ++i) to_state(d->histograms[i], r.histograms[i]);
  auto reasons = [&](const sparse_counts& from, std::vector<reason_count>& out) {
    out.resize(from.size());
    std::size_t i = 0;
    for (const auto& e : from.entries()) {
      out[i].reason.assign(_names->reason_name(e.index));
      out[i].count = e.count();
      ++i;
    }
  };
  reasons(d->transfers_by_reason, r.transfers_by_reason);
  reasons(d->escalations_by_reason, r.escalations_by_reason);
}

void partition_metrics::release_if_empty(std::unique_ptr<scope_windows>& p) {
  if (!p) return;
  const scope_windows& w = *p;
  if (w.listed || !w.fine.empty() || !w.coarse.empty() || !w.written_parts.empty() ||
      !w.today_counts.empty() || !w.today_dist.empty())
    return;
  for (std::size_t i = 0; i < w.coarse_tag.size(); ++i)
    if (coarse_live(w.coarse_tag[i]) && !w.coarse_dist[i].empty()) return;
  p.reset();
}

void partition_metrics::drain(window_state_sink& sink) {
  if (_clock_dirty && _head) sink.put_clock(window_clock_state{head_time()});
  _clock_dirty = false;
  for (const auto& [kind, sk, name, start] : _orphans)
    sink.erase_bucket({kind, sk, name, from_unix_micros(start)});
  _orphans.clear();
  if (!_head) return;

  const std::int64_t coarse_head = coarse_of(*_head);
  // A parts record is kept while its bucket is live or inside today.
  const std::int64_t keep_from = std::min(coarse_head - static_cast<std::int64_t>(_coarse_buckets) + 1,
                                          first_bucket_from(_today.start, _settings.coarse_width));
  auto drain_one = [&](scope_windows& w) {
    catch_up(w);
    const std::string_view name = scope_name(w.id);
    for (const std::int64_t m : w.evicted_fine)
      sink.erase_bucket(
          {window_bucket_kind::counters, w.id.kind, name, bucket_start(m, _settings.fine_width)});
    w.written_parts.erase_below(keep_from, [&](std::int64_t c) {
      sink.erase_bucket(
          {window_bucket_kind::parts, w.id.kind, name, bucket_start(c, _settings.coarse_width)});
    });
    // The rings' dirty marks: live buckets only (a bucket evicted since was
    // tombstoned above), each once, oldest first.
    w.fine.drain_dirty([&](std::int64_t n) {
      fill_counters(w, n, _scratch_counters);
      // Events that add only to distributions (first response) or add zero
      // leave the counters empty: no record, as eviction tombstones only
      // buckets holding data.
      if (_scratch_counters.counts.empty()) return;
      sink.put_bucket(_scratch_counters);
    });
    w.coarse.drain_dirty([&](std::int64_t c) {
      const distributions* d = w.dist_of(c);
      kpi_counters counts;
      w.coarse.add_bucket(c, counts);
      if (counts.empty() && (!d || d->empty())) return;
      fill_parts(w, c, _scratch_parts);
      sink.put_bucket(_scratch_parts);
      w.written_parts.insert(c);
    });
    w.evicted_fine.clear();
    w.listed = false;
  };
  // Every scope, not only the dirty ones: rolling them all writes the
  // tombstones of buckets that aged out of quiet scopes.
  if (_overall) drain_one(*_overall);
  for (auto& c : _channels)
    if (c) drain_one(*c);
  for (auto& q : _queues)
    if (q) drain_one(*q);
  _dirty.clear();
  release_if_empty(_overall);
  for (auto& c : _channels) release_if_empty(c);
  for (auto& q : _queues) release_if_empty(q);
}

void partition_metrics::restore(const window_bucket_state& r) {
  ++_probe.restored_records;
  restore_key key{r.kind, r.scope, r.scope_name, to_unix_micros(r.start)};
  const duration width =
      r.kind == window_bucket_kind::counters ? _settings.fine_width : _settings.coarse_width;
  if (r.width != width || bucket_start(bucket_number(r.start, width), width) != r.start) {
    _restored.erase(key);
    ++_probe.restore_skipped;
    _orphans.push_back(std::move(key));
    return;
  }
  _restored.insert_or_assign(std::move(key), r);
}

void partition_metrics::restore(const window_clock_state& r) {
  ++_probe.restored_records;
  _restored_head = r.head;
}

void partition_metrics::restore_erase(const window_state_key& k) {
  _restored.erase(restore_key{k.kind, k.scope, std::string(k.scope_name), to_unix_micros(k.start)});
}

void partition_metrics::finish_restore() {
  std::optional<instant> head = _restored_head;
  for (const auto& [key, r] : _restored) head = head ? std::max(*head, r.start) : r.start;
  if (head) observe(*head);
  _clock_dirty = false;  // the clock on the topic is this one (or no record needs it)

  auto orphan = [&](const restore_key& key) {
    ++_probe.restore_skipped;
    _orphans.push_back(key);
  };
  for (const auto& [key, r] : _restored) {
    const auto id = scope_of(r.scope, r.scope_name);
    if (!id) {
      orphan(key);
      continue;
    }
    if (r.kind == window_bucket_kind::counters) {
      const std::int64_t n = bucket_number(r.start, _settings.fine_width);
      if (n > *_head || n <= *_head - static_cast<std::int64_t>(_settings.fine_buckets)) {
        orphan(key);
        continue;
      }
      scope_windows& w = scope(*id);
      catch_up(w);
      // Added, not assigned: two names may share a label under another config.
      // counts by name, not through `r`: clang 14 cannot capture a structured binding.
      w.fine.update(n, [&counts = r.counts](kpi_counters& c) { c += counts; });
      continue;
    }
    const std::int64_t c = bucket_number(r.start, _settings.coarse_width);
    const bool live = coarse_live(c), in_today = _today.contains(r.start);
    distributions d;
    bool usable = live || in_today;
    for (std::size_t i = 0; usable && i < distribution_count; ++i) {
      const auto& h = r.histograms[i];
      usable = d.histograms[i].import(h.buckets, h.sum, h.min, h.max) == histogram_import_error::none;
    }
    if (!usable) {
      orphan(key);
      continue;
    }
    auto reasons = [&](const std::vector<reason_count>& from, sparse_counts& to) {
      for (const auto& rc : from) {
        const auto idx = _names->find_reason(rc.reason);
        if (!idx || rc.count > std::numeric_limits<std::uint32_t>::max()) {
          ++_probe.restore_skipped;
          continue;
        }
        to.add(*idx, static_cast<std::uint32_t>(rc.count));
      }
    };
    reasons(r.transfers_by_reason, d.transfers_by_reason);
    reasons(r.escalations_by_reason, d.escalations_by_reason);
    scope_windows& w = scope(*id);
    catch_up(w);
    if (live) {
      w.coarse.update(c, [&counts = r.counts](kpi_counters& x) { x += counts; });
      w.dist_at(c) += d;
    }
    if (in_today) {
      w.today_counts += r.counts;
      w.today_dist += d;
    }
    w.written_parts.insert(c);
  }
  _restored.clear();
  _restored_head.reset();
}

}  // namespace ccpulse::metrics
