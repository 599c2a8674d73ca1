#include "http/metrics_exporter.h"

#include <algorithm>
#include <map>

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

namespace ccpulse::http {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using label_list = std::vector<std::pair<std::string, std::string>>;

class families {
 public:
  // Values with equal labels are summed: counters across workers add up.
  void add(const std::string& name, const std::string& help, MetricType type,
           const label_list& labels, double value) {
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

}  // namespace

std::string render_metrics(const std::vector<worker_status_ptr>& workers, instant now) {
  families f;
  const auto counter = MetricType::Counter;
  const auto gauge = MetricType::Gauge;
  f.add("ccpulse_build_info", "ccpulse build; value is always 1.", gauge,
        {{"version", CCPULSE_VERSION}}, 1);

  // Oldest waiting is a minimum across workers, not a sum.
  std::map<std::string, instant> oldest;
  double ready = 0;
  for (const auto& w : workers) {
    if (!w) continue;
    const label_list none;
    ready += (w->joined && w->running && !w->restoring && !w->recovering) ? 1 : 0;
    f.add("ccpulse_events_consumed_total", "Input records consumed.", counter, none, d(w->consumed));
    f.add("ccpulse_dead_letters_total", "Records sent to the dead-letter topic.", counter, none,
          d(w->dead_lettered));
    f.add("ccpulse_events_duplicate_total", "Events ignored as duplicates (same event_id).",
          counter, none, d(w->duplicates));
    f.add("ccpulse_events_late_total",
          "Events older than their partition's watermark (applied to state, not to closed windows).",
          counter, none, d(w->late));
    f.add("ccpulse_events_out_of_order_total",
          "Events that did not fit the interaction's state and were applied as far as they make sense.",
          counter, none, d(w->out_of_order));
    f.add("ccpulse_input_gap_messages_total",
          "Input records lost before they were read (deleted by retention below the consumer's position).",
          counter, none, d(w->input_gap_messages));
    f.add("ccpulse_input_skipped_offsets_total",
          "Input offsets without a record to read: transaction markers and aborted records of transactional producers.",
          counter, none, d(w->input_skipped_offsets));
    f.add("ccpulse_transactions_aborted_total", "Kafka transactions aborted (then rewound and redone).", counter,
          none, d(w->transactions_aborted));
    f.add("ccpulse_state_records_written_total", "Changelog records (puts and tombstones) written to the state topic.",
          counter, none, d(w->state_records_written));
    f.add("ccpulse_state_restore_records_total", "State-topic records restored into partitions.", counter, none,
          d(w->restored_records));
    f.add("ccpulse_state_restores_total", "Restores of newly assigned partitions from the state topic.", counter,
          none, d(w->restores));
    f.add("ccpulse_state_restore_seconds_total", "Time spent restoring partitions from the state topic.", counter,
          none, w->restore_seconds_total);
    f.add("ccpulse_state_restore_seconds",
          "Duration of the restore running now, else of the last one (maximum over workers is what matters).", gauge,
          {{"worker", std::to_string(w->worker)}}, w->restore_seconds);
    f.add("ccpulse_state_restoring", "Workers restoring partitions from the state topic now.", gauge, none,
          w->restoring ? 1 : 0);
    f.add("ccpulse_worker_recovering", "Workers rebuilding their membership after a failed transaction or client.",
          gauge, none, w->recovering ? 1 : 0);
    for (const auto& c : w->recoveries)
      f.add("ccpulse_worker_recoveries_total",
            "Recoveries by class: abortable (transaction aborted), fatal (producer recreated), consumer (membership "
            "recreated), restore (restore failed, retried).",
            counter, c.labels, d(c.value));
    f.add("ccpulse_events_future_outliers_total",
          "Events stamped far ahead of their partition that no second event confirmed (applied, watermark kept).",
          counter, none, d(w->future_outliers));
    f.add("ccpulse_interactions_expired_total", "Open interactions dropped after processing.max_open_age.", counter,
          none, d(w->expired_interactions));
    f.add("ccpulse_interactions_refused_total",
          "Events that would have created an interaction past processing.max_open_interactions (dead-lettered, "
          "reason state_full).",
          counter, none, d(w->refused_interactions));
    f.add("ccpulse_waits_expired_total", "Contacts removed from their queue after processing.max_wait.", counter,
          none, d(w->expired_waits));
    f.add("ccpulse_dedup_ids", "Event ids remembered for de-duplication.", gauge, none, d(w->dedup_ids));
    f.add("ccpulse_dedup_forced_rotations_total",
          "Dedup generations dropped early because processing.dedup_max_ids was reached.", counter, none,
          d(w->dedup_forced_rotations));
    f.add("ccpulse_consumer_errors_total", "Errors reported by the Kafka consumer.", counter, none,
          d(w->consumer_errors));
    f.add("ccpulse_transactions_committed_total", "Kafka transactions committed.", counter, none,
          d(w->transactions_committed));
    f.add("ccpulse_produce_failures_total", "Output records whose delivery failed.", counter, none,
          d(w->produce_failures));
    f.add("ccpulse_state_interactions", "Open and lingering interactions held in memory.", gauge,
          none, d(w->open_interactions));
    f.add("ccpulse_sla_timers", "Pending SLA and linger timers.", gauge, none, d(w->pending_timers));
    for (const auto& c : w->invalid)
      f.add("ccpulse_events_invalid_total", "Invalid input records, by dead-letter reason.", counter,
            c.labels, d(c.value));
    for (const auto& c : w->alerts)
      f.add("ccpulse_sla_alerts_total", "SLA alerts produced.", counter, c.labels, d(c.value));
    for (const auto& p : w->partitions) {
      label_list l{{"topic", p.topic}, {"partition", std::to_string(p.partition)}};
      if (p.lag >= 0)
        f.add("ccpulse_consumer_lag_messages", "Records between the consumer and the end of the log.",
              gauge, l, static_cast<double>(p.lag));
      f.add("ccpulse_partition_live",
            "1 when the partition is caught up and runs on the wall clock, 0 while it runs on its watermark.",
            gauge, l, p.live ? 1 : 0);
    }
    for (const auto& q : w->queues) {
      label_list l{{"queue", q.name}};
      const auto& c = q.counters;
      // State figures: derived from the changelogged partition state this
      // instance owns now; they move with their partition, so gauges.
      f.add("ccpulse_queue_offered_contacts", "Contacts that entered the queue (partition state owned here).", gauge,
            l, d(c.offered));
      f.add("ccpulse_queue_answered_contacts", "Contacts answered from the queue (partition state owned here).",
            gauge, l, d(c.answered));
      f.add("ccpulse_queue_abandoned_contacts",
            "Contacts that left the queue unanswered, short abandons included (partition state owned here).", gauge,
            l, d(c.abandoned));
      f.add("ccpulse_queue_short_abandoned_contacts", "Abandons within short_abandon (partition state owned here).",
            gauge, l, d(c.short_abandoned));
      f.add("ccpulse_queue_answered_within_threshold_contacts",
            "Contacts answered within the queue's service-level threshold (partition state owned here).", gauge, l,
            d(c.answered_within_threshold));
      f.add("ccpulse_queue_answered_wait_seconds",
            "Sum of waits of answered contacts, for ASA (partition state owned here).", gauge, l,
            to_seconds(c.answered_wait_sum));
      f.add("ccpulse_queue_expired_waits",
            "Contacts removed from the queue after processing.max_wait (partition state owned here).", gauge, l,
            d(c.expired_waits));
      f.add("ccpulse_queue_contacts_waiting", "Contacts waiting in the queue now.", gauge, l,
            static_cast<double>(c.waiting));
      auto [it, inserted] = oldest.try_emplace(q.name, c.oldest_waiting_since);
      if (!inserted) it->second = std::min(it->second, c.oldest_waiting_since);
    }
  }
  for (const auto& [queue, since] : oldest) {
    const double age = since == instant_max ? 0.0 : std::max(0.0, to_seconds(now - since));
    f.add("ccpulse_queue_oldest_contact_age_seconds", "Age of the longest-waiting contact (0 when none).",
          gauge, {{"queue", queue}}, age);
  }
  f.add("ccpulse_workers_ready", "Workers running, joined to the consumer group, not restoring or recovering.",
        gauge, {}, ready);
  f.add("ccpulse_workers", "Workers configured.", gauge, {}, static_cast<double>(workers.size()));

  return prometheus::TextSerializer{}.Serialize(f.take());
}

}  // namespace ccpulse::http
