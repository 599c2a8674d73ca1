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
    ready += (w->joined && w->running) ? 1 : 0;
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
          "Input offsets skipped between consecutive records (lost input, or transaction markers).",
          counter, none, d(w->input_gap_messages));
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
      f.add("ccpulse_queue_offered_total", "Contacts that entered the queue.", counter, l, d(c.offered));
      f.add("ccpulse_queue_answered_total", "Contacts answered from the queue.", counter, l, d(c.answered));
      f.add("ccpulse_queue_abandoned_total", "Contacts that left the queue unanswered (short abandons included).",
            counter, l, d(c.abandoned));
      f.add("ccpulse_queue_short_abandoned_total", "Abandons within short_abandon.", counter, l,
            d(c.short_abandoned));
      f.add("ccpulse_queue_answered_within_threshold_total",
            "Contacts answered within the queue's service-level threshold.", counter, l,
            d(c.answered_within_threshold));
      f.add("ccpulse_queue_answered_wait_seconds_total", "Sum of waits of answered contacts (for ASA).",
            counter, l, to_seconds(c.answered_wait_sum));
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
  f.add("ccpulse_workers_ready", "Workers running and joined to the consumer group.", gauge, {}, ready);
  f.add("ccpulse_workers", "Workers configured.", gauge, {}, static_cast<double>(workers.size()));

  return prometheus::TextSerializer{}.Serialize(f.take());
}

}  // namespace ccpulse::http
