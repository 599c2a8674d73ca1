#include "http/metrics_exporter.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include "view/counter_names.h"
#include "view/global_view.h"
#include "view/queue_forecast.h"

namespace ccpulse::http {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using label_list = std::vector<std::pair<std::string, std::string>>;

class families {
 public:
  // Values with equal labels are summed: counters across workers add up.
  void add(const std::string& name, const std::string& help, MetricType type, const label_list& labels,
           double value) {
    auto& f = _by_name[name];
    if (f.name.empty()) {
      f.name = name;
      f.help = help;
      f.type = type;
    }
    for (auto& m : f.metric) {
      if (same_labels(m, labels)) {
        (type == MetricType::Counter ? m.counter.value : m.gauge.value) += value;
        return;
      }
    }
    auto& m = f.metric.emplace_back();
    for (const auto& [k, v] : labels) m.label.push_back({k, v});
    (type == MetricType::Counter ? m.counter.value : m.gauge.value) = value;
  }

  // For series known to be unique within their family (no summing).
  ClientMetric& append(const std::string& name, const std::string& help, MetricType type,
                       const label_list& labels) {
    auto& f = _by_name[name];
    if (f.name.empty()) {
      f.name = name;
      f.help = help;
      f.type = type;
    }
    auto& m = f.metric.emplace_back();
    for (const auto& [k, v] : labels) m.label.push_back({k, v});
    return m;
  }

  std::vector<MetricFamily> take() {
    std::vector<MetricFamily> out;
    for (auto& [name, f] : _by_name) out.push_back(std::move(f));
    return out;
  }

 private:
  static bool same_labels(const ClientMetric& m, const label_list& labels) {
    if (m.label.size() != labels.size()) return false;
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (m.label[i].name != labels[i].first || m.label[i].value != labels[i].second) return false;
    return true;
  }
  std::map<std::string, MetricFamily> _by_name;
};

double d(std::uint64_t v) { return static_cast<double>(v); }

// The bounds of the windowed wait and handle histograms, seconds: few, so a
// queue costs 13 series per histogram and window, and enough for
// histogram_quantile over waits of seconds to an hour.
constexpr std::array<double, 11> histogram_bounds{1, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600};

// Cumulative counts at histogram_bounds. A log-linear bucket straddling a
// bound counts below it when its midpoint does: the same 1/64 relative error
// as the histogram's own quantiles.
prometheus::ClientMetric::Histogram prometheus_histogram(const metrics::sparse_histogram& h) {
  prometheus::ClientMetric::Histogram out;
  out.sample_count = h.count();
  out.sample_sum = to_seconds(h.sum());
  std::array<std::uint64_t, histogram_bounds.size()> below{};
  h.for_each_bucket([&](std::uint16_t i, std::uint64_t n) {
    const double mid = static_cast<double>(metrics::log_linear_layout::representative(i)) / 1e6;
    for (std::size_t b = 0; b < histogram_bounds.size(); ++b)
      if (mid <= histogram_bounds[b]) below[b] += n;
  });
  for (std::size_t b = 0; b < histogram_bounds.size(); ++b)
    out.bucket.push_back({below[b], histogram_bounds[b]});
  out.bucket.push_back({h.count(), std::numeric_limits<double>::infinity()});
  return out;
}

// The windowed KPI parts and the backlog of this process's own partitions
// (the workers' latest snapshots, merged), so sum() across instances is the
// cluster's.
// One family per part and scope kind: ccpulse_queue_window_*{queue,window},
// ccpulse_channel_window_*{channel,window}, ccpulse_overall_window_*{window}.
// Within a family every contact counts once, so any sum over its series is
// meaningful; labels are bounded (queue labels are capped by
// processing.max_queues, 7 channels, 5 windows).
void add_windows(families& f, const std::vector<worker_status_ptr>& workers) {
  std::vector<const view::scope_snapshot*> own;
  for (const auto& w : workers)
    if (w && w->snapshots)
      for (const auto& s : *w->snapshots) own.push_back(&s);
  if (own.empty()) return;
  const auto merged = view::merge(own, 0);
  for (const auto& scope : merged.scopes) {
    // The backlog: a live gauge of the same snapshots (state figures, so
    // sum by (queue) across instances is the cluster's).
    if (scope.scope.kind == metrics::scope_kind::queue && scope.live.partitions > 0) {
      const label_list l{{"queue", scope.scope.name}};
      f.add("ccpulse_queue_backlog",
            "Open (not closed) emails and tickets in the queue now (partitions owned here).",
            MetricType::Gauge, l, static_cast<double>(scope.live.gauges.backlog));
      f.add("ccpulse_queue_backlog_overdue",
            "Open emails and tickets in the queue whose resolution deadline has passed, now (partitions "
            "owned here).",
            MetricType::Gauge, l, static_cast<double>(scope.live.gauges.backlog_overdue));
    }
    const auto kind = std::string(view::to_string(scope.scope.kind));
    const std::string prefix = "ccpulse_" + kind + "_window_";
    const std::string of = kind == "overall" ? "all contacts" : "the " + kind + "'s contacts";
    for (const auto& w : scope.windows) {
      label_list l;
      if (scope.scope.kind != metrics::scope_kind::overall) l.emplace_back(kind, scope.scope.name);
      l.emplace_back("window", w.name);
      view::for_each_counter(w.parts.counts, [&](const view::counter_name& n, auto value) {
        f.append(prefix + std::string(n.key),
                 std::string(n.help) + " Window parts of " + of + " in the partitions this instance owns.",
                 MetricType::Gauge, l)
            .gauge.value = static_cast<double>(value);
      });
      using metrics::distribution;
      f.append(prefix + "wait_seconds",
               "Waits of answered contacts in the window (not cumulative: read it without rate()).",
               MetricType::Histogram, l)
          .histogram = prometheus_histogram(w.parts[distribution::wait]);
      f.append(
           prefix + "handle_seconds",
           "Handle times (talk + hold + after-contact work) in the window (not cumulative: read it without "
           "rate()).",
           MetricType::Histogram, l)
          .histogram = prometheus_histogram(w.parts[distribution::handle]);
    }
  }
}

// The Erlang C forecast per queue of the process's merged global view
// (view/queue_forecast.h): the same on every instance, so not for sum().
// A queue without a forecast has no series; one that never drains at this
// rate has a drain time of +Inf.
void add_forecasts(families& f, const global_view_figures& g) {
  if (!g.view || !g.sl_threshold) return;
  for (const auto& scope : g.view->scopes) {
    if (scope.scope.kind != metrics::scope_kind::queue) continue;
    const auto fc = view::forecast_queue(scope, g.sl_threshold(scope.scope.name));
    if (!fc) continue;
    const label_list l{{"queue", scope.scope.name}};
    if (fc->service_level)
      f.add("ccpulse_queue_forecast_service_level_ratio",
            "Erlang C service level forecast for the queue's sl_threshold, from the merged global view (the "
            "same "
            "on every instance: aggregate with max or avg, not sum).",
            MetricType::Gauge, l, *fc->service_level);
    if (fc->drain_seconds)
      f.add("ccpulse_queue_forecast_drain_seconds",
            "Expected time until the contacts waiting now are served (+Inf: never at this rate), from the "
            "merged "
            "global view (the same on every instance: aggregate with max or avg, not sum).",
            MetricType::Gauge, l, *fc->drain_seconds);
  }
}

// Every bounded structure, one scheme (README "Security", Limits): usage and
// limit of its fullest instance, with the same labels, so usage / limit > 0.9
// reads "near the cap" whatever the resource. Workers report their fullest
// partition or their own tables: the process's fullest is the max; the hits
// are process counters and add up.
void add_resources(families& f, const std::vector<worker_status_ptr>& workers, const stream_figures& stream) {
  std::map<std::pair<std::string_view, metrics::resource_per>, metrics::resource_use> by;
  const auto take = [&by](const metrics::resource_use& r) {
    auto [it, fresh] = by.try_emplace({r.name, r.per}, r);
    if (fresh) return;
    auto& m = it->second;
    m.usage = std::max(m.usage, r.usage);
    m.limit = std::max(m.limit, r.limit);
    m.cap_hits += r.cap_hits;
    m.counts_hits = m.counts_hits || r.counts_hits;
  };
  for (const auto& w : workers)
    if (w)
      for (const auto& r : w->resources) take(r);
  // Stream clients hold their connection: the long-lived share of
  // max_connections; a refused connection is a hit of http_connections.
  const auto& conn = stream.connections;
  if (conn.max_connections > 0) {
    take({"http_connections", metrics::resource_per::process, conn.open, conn.max_connections, conn.refused,
          true});
    take({"http_stream_clients", metrics::resource_per::process, stream.clients, conn.max_connections, 0,
          false});
  }
  for (const auto& [key, r] : by) {
    const label_list l{{"resource", std::string(r.name)}, {"per", std::string(metrics::to_string(r.per))}};
    f.add("ccpulse_resource_usage",
          "Size of the fullest instance of a bounded structure (per: partition, worker or process) on this "
          "process.",
          MetricType::Gauge, l, d(r.usage));
    f.add("ccpulse_resource_limit",
          "The configured cap of one instance of the structure (same labels as usage).", MetricType::Gauge, l,
          d(r.limit));
    if (r.counts_hits)
      f.add("ccpulse_resource_cap_hits_total",
            "Times a structure's cap was hit: refused, dropped early or folded into \"other\" (README, "
            "Limits).",
            MetricType::Counter, l, d(r.cap_hits));
  }
}

}  // namespace

std::string render_metrics(const std::vector<worker_status_ptr>& workers, instant now,
                           const snapshot_reader_figures& reader, const global_view_figures& global,
                           const stream_figures& stream) {
  families f;
  const auto counter = MetricType::Counter;
  const auto gauge = MetricType::Gauge;
  f.add("ccpulse_build_info", "ccpulse build; value is always 1.", gauge, {{"version", CCPULSE_VERSION}}, 1);

  // Oldest waiting is a minimum across workers, not a sum.
  std::map<std::string, instant> oldest;
  double ready = 0;
  // Summed over the workers: one series.
  std::array<std::uint64_t, alert_latency_bounds.size() + 1> latency{};
  double latency_sum = 0;
  for (const auto& w : workers) {
    if (!w) continue;
    const label_list none;
    ready += (w->joined && w->running && !w->restoring && !w->recovering) ? 1 : 0;
    f.add("ccpulse_events_consumed_total", "Input records consumed.", counter, none, d(w->consumed));
    f.add("ccpulse_dead_letters_total", "Records sent to the dead-letter topic.", counter, none,
          d(w->dead_lettered));
    f.add("ccpulse_events_duplicate_total", "Events ignored as duplicates (same event_id).", counter, none,
          d(w->duplicates));
    f.add("ccpulse_events_late_total",
          "Events older than their partition's watermark (applied to state, not to closed windows).", counter,
          none, d(w->late));
    f.add("ccpulse_events_out_of_order_total",
          "Events that did not fit the interaction's state and were applied as far as they make sense.",
          counter, none, d(w->out_of_order));
    f.add("ccpulse_input_gap_messages_total",
          "Input records lost before they were read (deleted by retention below the consumer's position).",
          counter, none, d(w->input_gap_messages));
    f.add("ccpulse_input_skipped_offsets_total",
          "Input offsets without a record to read: transaction markers and aborted records of transactional "
          "producers.",
          counter, none, d(w->input_skipped_offsets));
    f.add("ccpulse_transactions_aborted_total", "Kafka transactions aborted (then rewound and redone).",
          counter, none, d(w->transactions_aborted));
    f.add("ccpulse_state_records_written_total",
          "Changelog records (puts and tombstones) written to the state topic.", counter, none,
          d(w->state_records_written));
    f.add("ccpulse_state_restore_records_total", "State-topic records restored into partitions.", counter,
          none, d(w->restored_records));
    f.add("ccpulse_state_restores_total", "Restores of newly assigned partitions from the state topic.",
          counter, none, d(w->restores));
    f.add("ccpulse_state_restore_seconds_total", "Time spent restoring partitions from the state topic.",
          counter, none, w->restore_seconds_total);
    f.add("ccpulse_state_restore_seconds",
          "Duration of the restore running now, else of the last one (maximum over workers is what matters).",
          gauge, {{"worker", std::to_string(w->worker)}}, w->restore_seconds);
    f.add("ccpulse_state_restoring", "Workers restoring partitions from the state topic now.", gauge, none,
          w->restoring ? 1 : 0);
    f.add("ccpulse_worker_recovering",
          "Workers rebuilding their membership after a failed transaction or client.", gauge, none,
          w->recovering ? 1 : 0);
    for (const auto& c : w->recoveries)
      f.add("ccpulse_worker_recoveries_total",
            "Recoveries by class: abortable (transaction aborted), fatal (producer recreated), consumer "
            "(membership "
            "recreated), restore (restore failed, retried).",
            counter, c.labels, d(c.value));
    f.add("ccpulse_events_future_outliers_total",
          "Events stamped far ahead of their partition that no second event confirmed (applied, watermark "
          "kept).",
          counter, none, d(w->future_outliers));
    f.add("ccpulse_interactions_expired_total", "Open interactions dropped after processing.max_open_age.",
          counter, none, d(w->expired_interactions));
    f.add(
        "ccpulse_interactions_refused_total",
        "Events that would have created an interaction past processing.max_open_interactions (dead-lettered, "
        "reason state_full).",
        counter, none, d(w->refused_interactions));
    f.add("ccpulse_waits_expired_total", "Contacts removed from their queue after processing.max_wait.",
          counter, none, d(w->expired_waits));
    f.add("ccpulse_dedup_ids", "Event ids remembered for de-duplication.", gauge, none, d(w->dedup_ids));
    f.add("ccpulse_dedup_forced_rotations_total",
          "Dedup generations dropped early because processing.dedup_max_ids was reached.", counter, none,
          d(w->dedup_forced_rotations));
    f.add("ccpulse_window_late_updates_total",
          "KPI updates older than the oldest live window bucket: interaction state changed, no window did.",
          counter, none, d(w->window_late));
    f.add(
        "ccpulse_agents_refused_total",
        "Agent events for a new agent past metrics.max_agents (or an agent id hash collision): not tracked.",
        counter, none, d(w->agents_refused));
    f.add("ccpulse_agent_events_out_of_order_total",
          "Agent events stamped before the time already counted for the agent: counted from there.", counter,
          none, d(w->agent_out_of_order));
    f.add("ccpulse_repeat_index_forced_rotations_total",
          "Repeat-contact index generations dropped early because metrics.max_repeat_customers was reached.",
          counter, none, d(w->repeat_forced_rotations));
    f.add("ccpulse_attribute_values_unkept_total",
          "Attribute values seen past processing.max_attribute_values: still matched, not kept in state.",
          counter, none, d(w->attribute_values_unkept));
    f.add("ccpulse_agents", "Agents tracked (last state not LOGGED_OUT).", gauge, none, d(w->agents));
    f.add("ccpulse_repeat_index_customers", "Customers in the repeat-contact index.", gauge, none,
          d(w->repeat_customers));
    f.add("ccpulse_consumer_errors_total", "Errors reported by the Kafka consumer.", counter, none,
          d(w->consumer_errors));
    f.add("ccpulse_transactions_committed_total", "Kafka transactions committed.", counter, none,
          d(w->transactions_committed));
    f.add("ccpulse_produce_failures_total", "Output records whose delivery failed.", counter, none,
          d(w->produce_failures));
    f.add("ccpulse_state_interactions", "Open and lingering interactions held in memory.", gauge, none,
          d(w->open_interactions));
    f.add("ccpulse_sla_timers", "Pending SLA and linger timers.", gauge, none, d(w->pending_timers));
    for (const auto& c : w->invalid)
      f.add("ccpulse_events_invalid_total", "Invalid input records, by dead-letter reason.", counter,
            c.labels, d(c.value));
    for (const auto& c : w->alerts)
      f.add("ccpulse_sla_alerts_total", "SLA alerts produced.", counter, c.labels, d(c.value));
    for (std::size_t b = 0; b < w->alert_latency_buckets.size() && b < latency.size(); ++b)
      latency[b] += w->alert_latency_buckets[b];
    latency_sum += w->alert_latency_sum;
    for (const auto& c : w->queue_alerts)
      f.add("ccpulse_queue_alerts_total", "Queue alerts produced (this instance's queue owners).", counter,
            c.labels, d(c.value));
    for (const auto& c : w->queue_alerts_firing)
      f.add("ccpulse_queue_alert_firing",
            "1 while a queue-alert rule fires for a queue (on its owner's instance).", gauge, c.labels,
            d(c.value));
    f.add("ccpulse_queue_alert_rounds_total",
          "Evaluations of the queue-alert rules (about one a second per worker owning partitions).", counter,
          {}, d(w->queue_alert_rounds));
    f.add("ccpulse_queue_alert_rounds_held_total",
          "Queue-alert evaluations skipped because the merged view was incomplete (a partition missing, "
          "restoring or silent).",
          counter, {}, d(w->queue_alert_rounds_held));
    for (const auto& c : w->open_clocks)
      f.add("ccpulse_sla_open_clocks",
            "Running SLA clocks by target and state (ok, at_risk, breached, paused).", gauge, c.labels,
            d(c.value));
    for (const auto& p : w->partitions) {
      label_list l{{"topic", p.topic}, {"partition", std::to_string(p.partition)}};
      if (p.lag >= 0)
        f.add("ccpulse_consumer_lag_messages", "Records between the consumer and the end of the log.", gauge,
              l, static_cast<double>(p.lag));
      f.add("ccpulse_partition_live",
            "1 when the partition is caught up and runs on the wall clock, 0 while it runs on its watermark.",
            gauge, l, p.live ? 1 : 0);
    }
    for (const auto& q : w->queues) {
      label_list l{{"queue", q.name}};
      const auto& c = q.counters;
      // State figures: derived from the changelogged partition state this
      // instance owns now; they move with their partition, so gauges.
      f.add("ccpulse_queue_offered_contacts", "Contacts that entered the queue (partition state owned here).",
            gauge, l, d(c.offered));
      f.add("ccpulse_queue_answered_contacts",
            "Contacts answered from the queue (partition state owned here).", gauge, l, d(c.answered));
      f.add("ccpulse_queue_abandoned_contacts",
            "Contacts that left the queue unanswered, short abandons included (partition state owned here).",
            gauge, l, d(c.abandoned));
      f.add("ccpulse_queue_short_abandoned_contacts",
            "Abandons within short_abandon (partition state owned here).", gauge, l, d(c.short_abandoned));
      f.add("ccpulse_queue_answered_within_threshold_contacts",
            "Contacts answered within the queue's service-level threshold (partition state owned here).",
            gauge, l, d(c.answered_within_threshold));
      f.add("ccpulse_queue_answered_wait_seconds",
            "Sum of waits of answered contacts, for ASA (partition state owned here).", gauge, l,
            to_seconds(c.answered_wait_sum));
      f.add("ccpulse_queue_expired_waits",
            "Contacts removed from the queue after processing.max_wait (partition state owned here).", gauge,
            l, d(c.expired_waits));
      f.add("ccpulse_queue_contacts_waiting", "Contacts waiting in the queue now.", gauge, l,
            static_cast<double>(c.waiting));
      static constexpr std::array<const char*, 6> agent_states{
          "unspecified", "logged_out", "available", "on_contact", "after_contact_work", "away"};
      for (std::size_t i = 0; i < agent_states.size(); ++i) {
        if (i == 1) continue;  // logged-out agents are not held
        f.add("ccpulse_queue_agents", "Agents by the state of their last change in this queue, now.", gauge,
              {{"queue", q.name}, {"state", agent_states[i]}}, static_cast<double>(c.agents[i]));
      }
      auto [it, inserted] = oldest.try_emplace(q.name, c.oldest_waiting_since);
      if (!inserted) it->second = std::min(it->second, c.oldest_waiting_since);
    }
  }
  {
    auto& h =
        f.append("ccpulse_alert_latency_seconds",
                 "Live AT_RISK and BREACHED alerts: from the moment their timer was due (at-risk point, "
                 "deadline + breach_grace) to the alert handed to the producer.",
                 MetricType::Histogram, {})
            .histogram;
    std::uint64_t below = 0;
    for (std::size_t b = 0; b < alert_latency_bounds.size(); ++b) {
      below += latency[b];
      h.bucket.push_back({below, alert_latency_bounds[b]});
    }
    below += latency.back();
    h.bucket.push_back({below, std::numeric_limits<double>::infinity()});
    h.sample_count = below;
    h.sample_sum = latency_sum;
  }

  for (const auto& [queue, since] : oldest) {
    const double age = since == instant_max ? 0.0 : std::max(0.0, to_seconds(now - since));
    f.add("ccpulse_queue_oldest_contact_age_seconds", "Age of the longest-waiting contact (0 when none).",
          gauge, {{"queue", queue}}, age);
  }
  f.add("ccpulse_workers_ready",
        "Workers running, joined to the consumer group, not restoring or recovering.", gauge, {}, ready);
  f.add("ccpulse_workers", "Workers configured.", gauge, {}, static_cast<double>(workers.size()));
  std::uint64_t snapshots = 0;
  for (const auto& w : workers) snapshots += w ? w->snapshots_written : 0;
  f.add("ccpulse_snapshots_written_total", "Scope snapshots written to the snapshots topic.", counter, {},
        d(snapshots));
  f.add("ccpulse_snapshots_read_total",
        "Records read from the snapshots topic by this process's global view.", counter, {},
        d(reader.records));
  f.add("ccpulse_snapshots_undecodable_total",
        "Snapshots-topic records the global view could not decode (skipped).", counter, {},
        d(reader.undecodable));
  f.add("ccpulse_snapshots_reader_errors_total", "Errors reported by the consumer of the snapshots topic.",
        counter, {}, d(reader.consumer_errors));
  f.add("ccpulse_snapshots_reader_caught_up",
        "1 once the global view has read every snapshots partition to its end.", gauge, {},
        reader.caught_up ? 1 : 0);
  f.add("ccpulse_http_stream_clients", "Clients connected to /api/v1/stream now.", gauge, {},
        d(stream.clients));
  f.add("ccpulse_http_stream_clients_dropped_total",
        "Stream clients closed for leaving too much unsent (slow readers).", counter, {},
        d(stream.clients_dropped_slow));
  f.add("ccpulse_http_stream_events_total", "Board events published to /api/v1/stream.", counter, {},
        d(stream.events_published));
  if (stream.connections.max_connections > 0) {
    f.add("ccpulse_http_connections", "Open HTTP(S) connections, stream clients included.", gauge, {},
          d(stream.connections.open));
    f.add("ccpulse_http_connections_refused_total",
          "Connections accepted at or over http.max_connections: answered 503, or closed unanswered past "
          "twice the limit.",
          counter, {}, d(stream.connections.refused));
  }
  add_windows(f, workers);
  add_forecasts(f, global);
  add_resources(f, workers, stream);

  return prometheus::TextSerializer{}.Serialize(f.take());
}

std::string render_tls_metrics(const tls_figures& tls) {
  if (!tls.enabled) return {};
  families f;
  const std::string reloads =
      "Certificate and key reloads on SIGHUP; a failed one keeps the pair served before.";
  f.add("ccpulse_http_tls_reloads_total", reloads, MetricType::Counter, {{"result", "ok"}},
        d(tls.reloads_ok));
  f.add("ccpulse_http_tls_reloads_total", reloads, MetricType::Counter, {{"result", "failed"}},
        d(tls.reloads_failed));
  f.add("ccpulse_http_tls_handshake_failures_total",
        "TLS handshakes that failed or timed out (plain HTTP to the HTTPS port among them); each connection "
        "closed.",
        MetricType::Counter, {}, d(tls.handshake_failures));
  f.add("ccpulse_http_tls_certificate_expiry_timestamp_seconds",
        "notAfter of the certificate new HTTPS connections get, in Unix seconds.", MetricType::Gauge, {},
        static_cast<double>(tls.certificate_not_after));
  return prometheus::TextSerializer{}.Serialize(f.take());
}

}  // namespace ccpulse::http
