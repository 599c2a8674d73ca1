// Alert latency bench (DESIGN.md §12; issue 8: p99 <= 50 ms from a timer's
// due time to the alert handed to the producer, in an end-to-end run on the
// mock cluster with 1,000,000 open interactions).
//
// The whole pipeline (app::pipeline: consumers, engine, transactions,
// changelog, snapshots) first consumes OPEN waiting calls queued over the
// last hour, whose answer target is two hours (their timers sit in the
// wheels, their records in the partitions, every snapshot scan walks them,
// and the youngest cross the service-level threshold while the bench
// watches, as a floor's do), then, once every
// partition is live, PROBES calls at a steady rate stamped with the wall
// clock, whose short answer target raises AT_RISK and BREACHED while the
// bench watches. The figure is the workers' own ccpulse_alert_latency_seconds
// histogram (live timer alerts: due time -> handed to the producer), read
// from their published status; percentiles are bucket upper bounds.
//
// Usage: ccpulse_alert_latency_bench [OPEN] [PROBES_PER_S] [SECONDS] [PARTITIONS] [WORKERS]
//   default 1000000 100 20 12 1.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "app/pipeline.h"
#include "ccpulse/v1/events.pb.h"
#include "config/load_config.h"
#include "http/pipeline_status.h"
#include "kafka/event_producer.h"
#include "kafka/mock_cluster.h"
#include "process_stats.h"

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

using ccpulse::bench::rss_kib;

ccpulse::instant wall_now() {
  return std::chrono::time_point_cast<ccpulse::duration>(std::chrono::system_clock::now());
}

std::string queued(const std::string& id, const std::string& queue, ccpulse::instant at) {
  ccpulse::v1::Event e;
  e.set_event_id("q-" + id);
  e.set_interaction_id(id);
  e.set_channel(ccpulse::v1::CHANNEL_VOICE);
  e.set_queue_id(queue);
  e.mutable_customer()->set_hashed_id("c-" + id);
  const auto us = ccpulse::to_unix_micros(at);
  e.mutable_occurred_at()->set_seconds(us / 1000000);
  e.mutable_occurred_at()->set_nanos(static_cast<int>((us % 1000000) * 1000));
  e.mutable_queued();
  return e.SerializeAsString();
}

struct latency_totals {
  std::vector<std::uint64_t> buckets =
      std::vector<std::uint64_t>(ccpulse::http::alert_latency_bounds.size() + 1);
  double sum = 0;
  std::uint64_t count = 0;
  std::uint64_t consumed = 0;
  std::size_t live_partitions = 0;
};

latency_totals read_totals(ccpulse::app::pipeline& p) {
  latency_totals t;
  for (const auto& w : p.board().read()) {
    if (!w) continue;
    t.consumed += w->consumed;
    for (std::size_t i = 0; i < w->alert_latency_buckets.size() && i < t.buckets.size(); ++i) {
      t.buckets[i] += w->alert_latency_buckets[i];
      t.count += w->alert_latency_buckets[i];
    }
    t.sum += w->alert_latency_sum;
    for (const auto& part : w->partitions) t.live_partitions += part.live ? 1 : 0;
  }
  return t;
}

// The upper bound of the bucket holding quantile q ("+Inf" past the last).
std::string quantile(const latency_totals& t, double q) {
  if (t.count == 0) return "n/a";
  const auto want = static_cast<std::uint64_t>(q * static_cast<double>(t.count) + 0.999999);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < t.buckets.size(); ++i) {
    seen += t.buckets[i];
    if (seen >= want) {
      if (i == ccpulse::http::alert_latency_bounds.size()) return "> 10 s";
      char buf[32];
      std::snprintf(buf, sizeof buf, "<= %g ms", ccpulse::http::alert_latency_bounds[i] * 1000);
      return buf;
    }
  }
  return "n/a";
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t open = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const int rate = argc > 2 ? std::atoi(argv[2]) : 100;
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 20;
  const int partitions = argc > 4 ? std::atoi(argv[4]) : 12;
  const int workers = argc > 5 ? std::atoi(argv[5]) : 1;

  ccpulse::kafka::mock_cluster cluster(1);
  for (const auto* t : {"lat.events", "lat.alerts", "lat.state", "lat.snapshots"})
    cluster.create_topic(t, partitions);
  cluster.create_topic("lat.dlq", 1);
  const auto bootstrap = cluster.bootstrap_servers();

  const std::string yaml = R"(
instance_id: latency
topics: { input: [lat.events], alerts: lat.alerts, dead_letter: lat.dlq, state: lat.state, snapshots: lat.snapshots }
processing: { workers: )" + std::to_string(workers) +
                           R"(, commit_interval: 100ms }
http: { port: 0 }
queues:
  - { name: hold, channel: voice }
  - { name: probe, channel: voice }
policies:
  - name: probe
    match: { queues: [probe] }
    targets:
      answer: { duration: 4s, at_risk: 0.5 }
  - name: hold
    match: { queues: [hold] }
    targets:
      answer: { duration: 2h, at_risk: 0.9 }
)";
  auto loaded = ccpulse::config::load_config_text(yaml, "alert_latency_bench.yaml");
  if (!loaded.cfg) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 2;
  }
  auto cfg = *loaded.cfg;
  cfg.kafka.properties = {{"bootstrap.servers", bootstrap}, {"group.id", "latency-bench"}};
  for (auto& t : ccpulse::kafka::mock_cluster::group_timing()) cfg.kafka.properties.push_back(std::move(t));

  std::fprintf(stderr, "producing %zu open calls to %d partitions...\n", open, partitions);
  ccpulse::kafka::event_producer producer({{"bootstrap.servers", bootstrap}, {"linger.ms", "5"}});
  // Queued over the hour before now, oldest first: arrivals as a floor
  // has them, not a million contacts crossing their thresholds together.
  const auto first = wall_now() - 1h;
  const auto spacing = std::chrono::duration_cast<ccpulse::duration>(1h) /
                       static_cast<std::int64_t>(std::max<std::size_t>(1, open));
  for (std::size_t i = 0; i < open; ++i) {
    const auto id = "h" + std::to_string(i);
    producer.produce(
        {"lat.events", id, queued(id, "hold", first + spacing * static_cast<std::int64_t>(i)), {}});
  }
  if (!producer.flush(120s)) {
    std::fprintf(stderr, "produce failed: %s\n", producer.last_error().c_str());
    return 1;
  }

  std::atomic<std::uint64_t> consumed{0};
  ccpulse::app::pipeline_options opts;
  opts.consumed_counter = &consumed;
  ccpulse::app::pipeline p(cfg, opts);
  p.start();
  const auto t0 = steady::now();
  while (consumed.load() < open || read_totals(p).live_partitions < static_cast<std::size_t>(partitions)) {
    if (!p.failure().empty()) {
      std::fprintf(stderr, "pipeline failed: %s\n", p.failure().c_str());
      return 1;
    }
    if (steady::now() - t0 > 300s) {
      std::fprintf(stderr, "not live after 300 s (consumed %llu)\n",
                   static_cast<unsigned long long>(consumed.load()));
      return 1;
    }
    std::this_thread::sleep_for(10ms);
  }
  const double catch_up = std::chrono::duration<double>(steady::now() - t0).count();
  std::fprintf(stderr, "%zu open calls consumed and every partition live after %.1f s; RSS %ld MiB\n", open,
               catch_up, rss_kib() / 1024);

  // Probes at a steady rate, each stamped as it is produced.
  const auto before = read_totals(p);
  const auto period = std::chrono::nanoseconds(1'000'000'000 / std::max(1, rate));
  auto next = steady::now();
  const auto end = next + std::chrono::seconds(seconds);
  std::size_t probes = 0;
  while (next < end) {
    const auto id = "p" + std::to_string(probes++);
    producer.produce({"lat.events", id, queued(id, "probe", wall_now()), {}});
    next += period;
    std::this_thread::sleep_until(next);
  }
  producer.flush(10s);
  // Every probe raises AT_RISK at 2 s and BREACHED at 4 s + breach_grace
  // (1 s): wait for both of the last probe's, then one publish more.
  const auto want = before.count + 2 * probes;
  const auto deadline = steady::now() + 30s;
  latency_totals after = read_totals(p);
  while (after.count < want && steady::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    after = read_totals(p);
  }
  const long rss = rss_kib();
  p.stop();

  latency_totals d;
  for (std::size_t i = 0; i < d.buckets.size(); ++i) {
    d.buckets[i] = after.buckets[i] - before.buckets[i];
    d.count += d.buckets[i];
  }
  d.sum = after.sum - before.sum;
  std::printf("open interactions      %zu on %d partitions, %d workers (RSS %ld MiB)\n", open, partitions,
              workers, rss / 1024);
  std::printf("probes                 %zu (%d/s for %d s), live alerts measured %llu of %llu expected\n",
              probes, rate, seconds, static_cast<unsigned long long>(d.count),
              static_cast<unsigned long long>(2 * probes));
  std::printf("alert latency          p50 %s, p90 %s, p99 %s, mean %.2f ms (target p99 <= 50 ms)\n",
              quantile(d, 0.50).c_str(), quantile(d, 0.90).c_str(), quantile(d, 0.99).c_str(),
              d.count ? d.sum / static_cast<double>(d.count) * 1000 : 0.0);
  std::printf("buckets (s)           ");
  for (std::size_t i = 0; i < d.buckets.size(); ++i)
    std::printf(" %s:%llu",
                i < ccpulse::http::alert_latency_bounds.size()
                    ? std::to_string(ccpulse::http::alert_latency_bounds[i]).substr(0, 6).c_str()
                    : "inf",
                static_cast<unsigned long long>(d.buckets[i]));
  std::printf("\n");
  return d.count >= 2 * probes ? 0 : 1;
}
