#include "codec/snapshot_codec.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

#include "ccpulse/v1/snapshot.pb.h"
#include "codec/kpi_proto.h"

namespace ccpulse::codec {

namespace {

using detail::from_proto;
using detail::to_proto;
using pb_scope = v1::QueueSnapshot::ScopeKind;
using pb_fresh = v1::QueueSnapshot::Freshness;
using pb_window = v1::QueueSnapshot::Window;
using pb_kind = v1::QueueSnapshot::Window::Kind;

constexpr std::string_view overall_key_name = "all";

// ---- enums, both ways, by name (no default case: a new enumerator fails the
// build until it is mapped) ----------------------------------------------------

pb_scope to_proto(metrics::scope_kind k) {
  switch (k) {
    case metrics::scope_kind::overall:
      return v1::QueueSnapshot::SCOPE_KIND_OVERALL;
    case metrics::scope_kind::queue:
      return v1::QueueSnapshot::SCOPE_KIND_QUEUE;
    case metrics::scope_kind::channel:
      return v1::QueueSnapshot::SCOPE_KIND_CHANNEL;
  }
  return v1::QueueSnapshot::SCOPE_KIND_UNSPECIFIED;
}

bool from_proto(int k, metrics::scope_kind& out) {
  switch (k) {
    case v1::QueueSnapshot::SCOPE_KIND_OVERALL:
      out = metrics::scope_kind::overall;
      return true;
    case v1::QueueSnapshot::SCOPE_KIND_QUEUE:
      out = metrics::scope_kind::queue;
      return true;
    case v1::QueueSnapshot::SCOPE_KIND_CHANNEL:
      out = metrics::scope_kind::channel;
      return true;
    default:
      return false;
  }
}

pb_fresh to_proto(view::freshness f) {
  switch (f) {
    case view::freshness::live:
      return v1::QueueSnapshot::FRESHNESS_LIVE;
    case view::freshness::behind:
      return v1::QueueSnapshot::FRESHNESS_BEHIND;
    case view::freshness::restoring:
      return v1::QueueSnapshot::FRESHNESS_RESTORING;
  }
  return v1::QueueSnapshot::FRESHNESS_UNSPECIFIED;
}

bool from_proto(int f, view::freshness& out) {
  switch (f) {
    case v1::QueueSnapshot::FRESHNESS_LIVE:
      out = view::freshness::live;
      return true;
    case v1::QueueSnapshot::FRESHNESS_BEHIND:
      out = view::freshness::behind;
      return true;
    case v1::QueueSnapshot::FRESHNESS_RESTORING:
      out = view::freshness::restoring;
      return true;
    default:
      return false;
  }
}

pb_kind to_proto(view::window_kind k) {
  switch (k) {
    case view::window_kind::sliding:
      return pb_window::KIND_SLIDING;
    case view::window_kind::current_interval:
      return pb_window::KIND_CURRENT_INTERVAL;
    case view::window_kind::previous_interval:
      return pb_window::KIND_PREVIOUS_INTERVAL;
    case view::window_kind::today:
      return pb_window::KIND_TODAY;
  }
  return pb_window::KIND_UNSPECIFIED;
}

bool from_proto(int k, view::window_kind& out) {
  switch (k) {
    case pb_window::KIND_SLIDING:
      out = view::window_kind::sliding;
      return true;
    case pb_window::KIND_CURRENT_INTERVAL:
      out = view::window_kind::current_interval;
      return true;
    case pb_window::KIND_PREVIOUS_INTERVAL:
      out = view::window_kind::previous_interval;
      return true;
    case pb_window::KIND_TODAY:
      out = view::window_kind::today;
      return true;
    default:
      return false;
  }
}

bool in_range(std::int64_t us) {
  return us >= to_unix_micros(instant_min) && us <= to_unix_micros(instant_max);
}

// ---- histograms: the sparse form both ways, through histogram_state ----------

void to_proto(const metrics::sparse_histogram& h, metrics::histogram_state& scratch, v1::Histogram& b) {
  scratch.buckets.clear();
  h.for_each_bucket([&](std::uint16_t i, std::uint64_t n) { scratch.buckets.emplace_back(i, n); });
  scratch.sum = h.sum();
  scratch.min = h.min();
  scratch.max = h.max();
  to_proto(scratch, b);
}

std::string from_proto(const v1::Histogram& b, metrics::histogram_state& scratch,
                       metrics::sparse_histogram& h) {
  if (auto e = from_proto(b, scratch); !e.empty()) return e;
  const auto e = h.import(scratch.buckets, scratch.sum, scratch.min, scratch.max);
  return e == metrics::histogram_import_error::none ? std::string{} : std::string(metrics::to_string(e));
}

template <class Pb>
auto histograms_of(Pb& w) {
  return std::array{&w.wait(), &w.handle(), &w.first_response(), &w.next_reply(), &w.resolution()};
}

snapshot_decode_result fail(std::string detail) { return {false, std::move(detail)}; }

// ---- live gauges: agents by name, never by index ------------------------------

void to_proto(const metrics::live_gauges& g, v1::QueueSnapshot::Live& b) {
  b.set_waiting(g.waiting);
  if (g.oldest_waiting_since != instant_max)
    b.set_oldest_waiting_since_micros(to_unix_micros(g.oldest_waiting_since));
  else
    b.clear_oldest_waiting_since_micros();
  b.set_agents_available(g.agents_in(agent_state::available));
  b.set_agents_on_contact(g.agents_in(agent_state::on_contact));
  b.set_agents_after_contact_work(g.agents_in(agent_state::after_contact_work));
  b.set_agents_away(g.agents_in(agent_state::away));
  b.set_agents_unspecified(g.agents_in(agent_state::unspecified));
  b.set_backlog(g.backlog);
  b.set_backlog_overdue(g.backlog_overdue);
  b.set_clocks_at_risk(g.clocks_at_risk);
  b.set_clocks_breached(g.clocks_breached);
}

// Null when fine, else what is wrong.
const char* from_proto(const v1::QueueSnapshot::Live& b, metrics::live_gauges& g) {
  g = {};
  const std::int64_t counts[] = {b.waiting(),        b.agents_available(),          b.agents_on_contact(),
                                 b.agents_away(),    b.agents_after_contact_work(), b.agents_unspecified(),
                                 b.backlog(),        b.backlog_overdue(),           b.clocks_at_risk(),
                                 b.clocks_breached()};
  for (auto n : counts)
    if (n < 0) return "live: a negative count";
  if (b.backlog_overdue() > b.backlog()) return "live: more overdue than backlog";
  if (b.has_oldest_waiting_since_micros() != (b.waiting() > 0))
    return "live: oldest_waiting_since must be present exactly when contacts wait";
  if (b.has_oldest_waiting_since_micros()) {
    if (!in_range(b.oldest_waiting_since_micros())) return "live: oldest_waiting_since out of range";
    g.oldest_waiting_since = from_unix_micros(b.oldest_waiting_since_micros());
  }
  g.waiting = b.waiting();
  g.agents_in(agent_state::available) = b.agents_available();
  g.agents_in(agent_state::on_contact) = b.agents_on_contact();
  g.agents_in(agent_state::after_contact_work) = b.agents_after_contact_work();
  g.agents_in(agent_state::away) = b.agents_away();
  g.agents_in(agent_state::unspecified) = b.agents_unspecified();
  g.backlog = b.backlog();
  g.backlog_overdue = b.backlog_overdue();
  g.clocks_at_risk = b.clocks_at_risk();
  g.clocks_breached = b.clocks_breached();
  return nullptr;
}

}  // namespace

void encode_snapshot_key(const view::scope_key& scope, std::int32_t partition, std::string& out) {
  out.assign(view::to_string(scope.kind));
  out += '/';
  out += scope.kind == metrics::scope_kind::overall ? overall_key_name : std::string_view(scope.name);
  out += '/';
  char buf[16];
  const auto r = std::to_chars(buf, buf + sizeof buf, partition);
  out.append(buf, r.ptr);
}

bool parse_snapshot_key(std::string_view key, snapshot_key& out) {
  const auto first = key.find('/');
  const auto last = key.rfind('/');
  if (first == std::string_view::npos || first == last) return false;
  const auto kind = view::parse_scope_kind(key.substr(0, first));
  if (!kind) return false;
  const auto name = key.substr(first + 1, last - first - 1);
  const auto digits = key.substr(last + 1);
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  std::int32_t p = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), p);
  if (r.ec != std::errc{} || r.ptr != digits.data() + digits.size()) return false;
  if (*kind == metrics::scope_kind::overall ? name != overall_key_name : name.empty()) return false;
  out.scope.kind = *kind;
  out.scope.name.assign(*kind == metrics::scope_kind::overall ? std::string_view{} : name);
  out.partition = p;
  return true;
}

snapshot_encoder::snapshot_encoder() : _pb(std::make_unique<v1::QueueSnapshot>()) {}
snapshot_encoder::~snapshot_encoder() = default;

void snapshot_encoder::encode(const view::scope_snapshot& s, std::string& key, std::string& value) {
  encode_snapshot_key(s.scope, s.partition, key);
  auto& b = *_pb;
  b.set_format_version(snapshot_format_version);
  b.set_instance_id(s.instance_id);
  b.set_partition(s.partition);
  b.set_scope_kind(to_proto(s.scope.kind));
  b.set_scope_name(s.scope.name);
  b.set_produced_at_micros(to_unix_micros(s.produced_at));
  if (s.watermark)
    b.set_watermark_micros(to_unix_micros(*s.watermark));
  else
    b.clear_watermark_micros();
  if (s.head)
    b.set_head_micros(to_unix_micros(*s.head));
  else
    b.clear_head_micros();
  b.set_freshness(to_proto(s.fresh));
  if (s.lag_messages)
    b.set_lag_messages(*s.lag_messages);
  else
    b.clear_lag_messages();
  if (s.live)
    to_proto(*s.live, *b.mutable_live());
  else
    b.clear_live();
  auto& nearest = *b.mutable_nearest();
  while (nearest.size() > static_cast<int>(s.nearest.size())) nearest.RemoveLast();
  for (std::size_t i = 0; i < s.nearest.size(); ++i) {
    const auto& n = s.nearest[i];
    auto& pn =
        i < static_cast<std::size_t>(nearest.size()) ? *nearest.Mutable(static_cast<int>(i)) : *nearest.Add();
    pn.set_interaction_id(n.interaction_id);
    pn.set_queue(n.queue);
    pn.set_policy(n.policy);
    pn.set_target(n.target);
    pn.set_cycle(n.cycle);
    pn.set_started_at_micros(to_unix_micros(n.started_at));
    pn.set_deadline_micros(to_unix_micros(n.deadline));
    pn.set_at_risk(n.at_risk);
  }
  auto& firing = *b.mutable_firing();
  while (firing.size() > static_cast<int>(s.firing.size())) firing.RemoveLast();
  for (std::size_t i = 0; i < s.firing.size(); ++i) {
    const auto& f = s.firing[i];
    auto& pf =
        i < static_cast<std::size_t>(firing.size()) ? *firing.Mutable(static_cast<int>(i)) : *firing.Add();
    pf.set_rule(f.rule);
    pf.set_queue(f.queue);
    pf.set_metric(f.metric);
    pf.set_window(f.window);
    pf.set_comparison(f.comparison);
    pf.set_threshold(f.threshold);
    pf.set_severity(f.severity);
    pf.set_since_micros(to_unix_micros(f.since));
  }
  auto& windows = *b.mutable_windows();
  while (windows.size() > static_cast<int>(s.windows.size())) windows.RemoveLast();
  for (std::size_t i = 0; i < s.windows.size(); ++i) {
    const auto& w = s.windows[i];
    auto& pw =
        i < static_cast<std::size_t>(windows.size()) ? *windows.Mutable(static_cast<int>(i)) : *windows.Add();
    pw.set_kind(to_proto(w.kind));
    pw.set_length_micros(w.kind == view::window_kind::sliding ? w.length.count() : 0);
    pw.set_start_micros(to_unix_micros(w.from));
    pw.set_end_micros(to_unix_micros(w.to));
    to_proto(w.parts.counts, *pw.mutable_counts());
    v1::Histogram* const hs[] = {pw.mutable_wait(), pw.mutable_handle(), pw.mutable_first_response(),
                                 pw.mutable_next_reply(), pw.mutable_resolution()};
    static_assert(std::size(hs) == metrics::distribution_count);
    for (std::size_t d = 0; d < metrics::distribution_count; ++d)
      to_proto(w.parts.histograms[d], _scratch, *hs[d]);
    to_proto(w.parts.transfers_by_reason, *pw.mutable_transfers_by_reason());
    to_proto(w.parts.escalations_by_reason, *pw.mutable_escalations_by_reason());
  }
  value.clear();
  google::protobuf::io::StringOutputStream raw(&value);
  google::protobuf::io::CodedOutputStream out(&raw);
  out.SetSerializationDeterministic(true);
  b.SerializeToCodedStream(&out);
}

snapshot_decoder::snapshot_decoder() : _pb(std::make_unique<v1::QueueSnapshot>()) {}
snapshot_decoder::~snapshot_decoder() = default;

snapshot_decode_result snapshot_decoder::decode(std::string_view key, const void* value, std::size_t len,
                                                view::scope_snapshot& out) {
  snapshot_key k;
  if (!parse_snapshot_key(key, k)) return fail("malformed key");
  auto& b = *_pb;
  if (len > static_cast<std::size_t>(INT32_MAX) || !b.ParseFromArray(value, static_cast<int>(len)))
    return fail("value is not a QueueSnapshot");
  if (b.format_version() == 0) return fail("format_version missing");
  if (b.format_version() > snapshot_format_version)
    return fail("format_version " + std::to_string(b.format_version()) + " is newer than this build's");
  metrics::scope_kind kind{};
  if (!from_proto(b.scope_kind(), kind)) return fail("scope_kind unknown or unspecified");
  if (kind != k.scope.kind || b.scope_name() != k.scope.name || b.partition() != k.partition)
    return fail("value names another scope or partition than the key");
  if (!from_proto(b.freshness(), out.fresh)) return fail("freshness unknown or unspecified");
  if (!in_range(b.produced_at_micros()) || (b.has_watermark_micros() && !in_range(b.watermark_micros())) ||
      (b.has_head_micros() && !in_range(b.head_micros())))
    return fail("an instant out of range");
  out.scope = std::move(k.scope);
  out.partition = k.partition;
  out.instance_id = b.instance_id();
  out.produced_at = from_unix_micros(b.produced_at_micros());
  out.watermark =
      b.has_watermark_micros() ? std::optional(from_unix_micros(b.watermark_micros())) : std::nullopt;
  out.head = b.has_head_micros() ? std::optional(from_unix_micros(b.head_micros())) : std::nullopt;
  out.lag_messages = b.has_lag_messages() ? std::optional(b.lag_messages()) : std::nullopt;
  out.live.reset();
  if (b.has_live()) {
    if (const char* e = from_proto(b.live(), out.live.emplace())) return fail(e);
  }
  if (b.nearest_size() > 0 && kind != metrics::scope_kind::overall)
    return fail("nearest deadlines outside the overall scope");
  if (static_cast<std::size_t>(b.nearest_size()) > view::snapshot_nearest_limit)
    return fail("more nearest deadlines than " + std::to_string(view::snapshot_nearest_limit));
  out.nearest.resize(static_cast<std::size_t>(b.nearest_size()));
  for (int i = 0; i < b.nearest_size(); ++i) {
    const auto& pn = b.nearest(i);
    auto& n = out.nearest[static_cast<std::size_t>(i)];
    if (pn.interaction_id().empty() || pn.target().empty())
      return fail("nearest " + std::to_string(i) + ": interaction_id and target must be set");
    if (!in_range(pn.started_at_micros()) || !in_range(pn.deadline_micros()))
      return fail("nearest " + std::to_string(i) + ": an instant out of range");
    n.interaction_id = pn.interaction_id();
    n.queue = pn.queue();
    n.policy = pn.policy();
    n.target = pn.target();
    n.cycle = pn.cycle();
    n.started_at = from_unix_micros(pn.started_at_micros());
    n.deadline = from_unix_micros(pn.deadline_micros());
    n.at_risk = pn.at_risk();
  }
  if (b.firing_size() > 0 && kind != metrics::scope_kind::overall)
    return fail("firing queue alerts outside the overall scope");
  out.firing.resize(static_cast<std::size_t>(b.firing_size()));
  for (int i = 0; i < b.firing_size(); ++i) {
    const auto& pf = b.firing(i);
    auto& f = out.firing[static_cast<std::size_t>(i)];
    if (pf.rule().empty() || pf.queue().empty())
      return fail("firing " + std::to_string(i) + ": rule and queue must be set");
    if (!in_range(pf.since_micros())) return fail("firing " + std::to_string(i) + ": since out of range");
    if (!std::isfinite(pf.threshold())) return fail("firing " + std::to_string(i) + ": threshold not finite");
    f.rule = pf.rule();
    f.queue = pf.queue();
    f.metric = pf.metric();
    f.window = pf.window();
    f.comparison = pf.comparison();
    f.threshold = pf.threshold();
    f.severity = pf.severity();
    f.since = from_unix_micros(pf.since_micros());
  }
  out.windows.resize(static_cast<std::size_t>(b.windows_size()));
  for (int i = 0; i < b.windows_size(); ++i) {
    const auto& pw = b.windows(i);
    auto& w = out.windows[static_cast<std::size_t>(i)];
    const std::string at = "window " + std::to_string(i) + ": ";
    if (!from_proto(pw.kind(), w.kind)) return fail(at + "kind unknown or unspecified");
    if (!in_range(pw.start_micros()) || !in_range(pw.end_micros()))
      return fail(at + "start or end out of range");
    if ((w.kind == view::window_kind::sliding) != (pw.length_micros() > 0))
      return fail(at + "a sliding window needs a positive length, a calendar one none");
    w.length = duration{pw.length_micros()};
    w.from = from_unix_micros(pw.start_micros());
    w.to = from_unix_micros(pw.end_micros());
    if (const char* field = from_proto(pw.counts(), w.parts.counts))
      return fail(at + field + " out of range");
    const auto hs = histograms_of(pw);
    for (std::size_t d = 0; d < metrics::distribution_count; ++d)
      if (auto e = from_proto(*hs[d], _scratch, w.parts.histograms[d]); !e.empty())
        return fail(at + "histogram " + std::to_string(d) + ": " + e);
    if (!from_proto(pw.transfers_by_reason(), w.parts.transfers_by_reason) ||
        !from_proto(pw.escalations_by_reason(), w.parts.escalations_by_reason))
      return fail(at + "a reason count of zero");
    // Merges add reasons as sorted lists (view::add_reasons).
    for (auto* r : {&w.parts.transfers_by_reason, &w.parts.escalations_by_reason})
      std::sort(r->begin(), r->end(), [](const auto& a, const auto& c) { return a.reason < c.reason; });
  }
  return {};
}

}  // namespace ccpulse::codec
