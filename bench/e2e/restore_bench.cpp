// Restore bench (DESIGN.md §12: state restore >= 500,000 records/s): fills a
// state topic with the changelog of N open interactions (waiting contacts
// with a running answer clock, as the codec writes them), then restores
// them into fresh engine partitions through the worker's own restore path
// (app/partition_restore: state_reader -> state_decoder -> restorer ->
// finish_restore) and reports records/s.
//
// Usage: ccpulse_restore_bench [RECORDS] [PARTITIONS] [BOOTSTRAP [KEY=VALUE...]]
//   default 1000000 12, on librdkafka's mock cluster; with BOOTSTRAP (e.g.
//   from scripts/kafka-up) on that broker ("" for the mock). KEY=VALUE are
//   librdkafka properties for the restore reader. Fewer records than
//   partitions leaves some partitions empty.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "app/partition_restore.h"
#include "codec/state_codec.h"
#include "engine/engine.h"
#include "kafka/client_config.h"
#include "kafka/event_producer.h"
#include "kafka/handles.h"
#include "kafka/mock_cluster.h"
#include "kafka/topic_admin.h"
#include "process_stats.h"

namespace {

using namespace std::chrono_literals;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

using ccpulse::bench::rss_kib;

ccpulse::sla::policy_set policies() {
  ccpulse::sla::target answer;
  answer.type = ccpulse::sla::target_type::answer;
  answer.default_duration = 20min;
  ccpulse::sla::policy p{"voice", {}, {answer}};
  return ccpulse::sla::policy_set({p});
}

bool wait_for_leaders(const std::string& bootstrap, const std::string& topic, int partitions) {
  auto conf = ccpulse::kafka::make_conf({{"bootstrap.servers", bootstrap}});
  char err[512];
  ccpulse::kafka::handle_ptr rk{rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err)};
  if (!rk) return false;
  conf.release();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  for (int p = 0; p < partitions; ++p) {
    std::int64_t low = 0, high = 0;
    while (rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low, &high, 1000))
      if (std::chrono::steady_clock::now() > deadline) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const int partitions = argc > 2 ? std::atoi(argv[2]) : 12;
  std::unique_ptr<ccpulse::kafka::mock_cluster> mock;
  std::string bootstrap = argc > 3 ? argv[3] : "";
  const std::string topic =
      "bench.restore." + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  if (bootstrap.empty()) {
    mock = std::make_unique<ccpulse::kafka::mock_cluster>(1);
    bootstrap = mock->bootstrap_servers();
    mock->create_topic(topic, partitions);
  } else {
    ccpulse::kafka::create_topics({{"bootstrap.servers", bootstrap}}, {{topic, partitions, true}}, 30s);
    // A new topic's partitions get their leaders a moment after the create
    // returns; a partition that is still to be empty would otherwise meet
    // NOT_LEADER in the restore and measure that instead.
    if (!wait_for_leaders(bootstrap, topic, partitions)) {
      std::fprintf(stderr, "partitions of %s got no leader\n", topic.c_str());
      return 1;
    }
  }
  // Extra k=v arguments reach the restore reader as user properties would,
  // to try a setting (or debug=fetch) without a rebuild.
  ccpulse::kafka::properties props{{"bootstrap.servers", bootstrap}};
  for (int i = 4; i < argc; ++i) {
    const std::string kv = argv[i];
    const auto eq = kv.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "expected KEY=VALUE, got %s\n", argv[i]);
      return 2;
    }
    props.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }

  std::fprintf(stderr, "producing the changelog of %zu open interactions to %s (%d partitions)...\n", n,
               topic.c_str(), partitions);
  const auto now = std::chrono::time_point_cast<ccpulse::duration>(std::chrono::system_clock::now());
  {
    ccpulse::codec::state_encoder enc;
    ccpulse::kafka::event_producer prod({{"bootstrap.servers", bootstrap}, {"linger.ms", "50"}});
    std::string key, value;
    ccpulse::engine::interaction_state s;
    s.chan = ccpulse::channel::voice;
    s.queue = "billing";
    s.tier = "gold";
    s.priority = 2;
    s.queue_cycle = 1;
    s.state = ccpulse::engine::lifecycle::waiting;
    s.clocks.resize(1);
    auto& c = s.clocks[0];
    c.policy = "voice";
    c.cycle = 1;
    c.running = true;
    for (std::size_t i = 0; i < n; ++i) {
      char id[64];
      std::snprintf(id, sizeof id, "3f2b8c1e-0000-4000-8000-%012zu", i);
      s.interaction_id = id;
      s.created_at = s.queued_at = now - std::chrono::seconds(i % 600);
      c.started_at = s.queued_at;
      c.at_risk_at = c.started_at + 16min;
      c.deadline = c.started_at + 20min;
      enc.encode(s, key, value);
      prod.produce(
          {topic, key, value, {}, static_cast<std::int32_t>(i % static_cast<std::size_t>(partitions))});
      if (i % 10000 == 0) prod.poll();
    }
    if (!prod.flush(300s) || prod.failed()) {
      std::fprintf(stderr, "produce failed: %s\n", prod.last_error().c_str());
      return 1;
    }
  }

  std::vector<std::int32_t> parts;
  for (int p = 0; p < partitions; ++p) parts.push_back(p);
  // RESTORE_BENCH_REPEATS=R restores the same topic R times into fresh
  // engines: a rebalance restores a topic that long exists, and small
  // restores vary run to run.
  const char* rep_env = std::getenv("RESTORE_BENCH_REPEATS");
  const int repeats = rep_env ? std::max(1, std::atoi(rep_env)) : 1;
  bool all_ok = true;
  for (int rep = 0; rep < repeats; ++rep) {
    ccpulse::engine::engine_settings settings;
    settings.queues = {{"billing", 20s}};
    ccpulse::engine::engine eng(settings, policies());
    for (auto p : parts) eng.assign(p, ccpulse::instant{});
    ccpulse::codec::state_decoder decoder;
    const long rss_before = rss_kib();
    const double cpu_before = cpu_seconds();
    const double main_cpu_before = thread_cpu_seconds();
    const long faults_before = minor_faults();
    std::fprintf(stderr, "restoring...\n");
    const auto r = ccpulse::app::restore_partitions(
        eng, parts, props, topic, decoder, 10min,
        [](const ccpulse::kafka::restore_progress& p) {
          std::fprintf(stderr, "  %llu records, %.1f s\n", static_cast<unsigned long long>(p.records),
                       std::chrono::duration<double>(p.elapsed).count());
        },
        0);
    const double main_cpu = thread_cpu_seconds() - main_cpu_before;
    const double cpu = cpu_seconds() - cpu_before;
    const long faults = minor_faults() - faults_before;
    if (!r.error.empty()) {
      std::fprintf(stderr, "restore failed: %s\n", r.error.c_str());
      return 1;
    }
    std::printf("broker                %s\n", mock ? "librdkafka mock cluster" : bootstrap.c_str());
    std::printf("records restored      %llu (%llu undecodable), %d partitions\n",
                static_cast<unsigned long long>(r.records), static_cast<unsigned long long>(r.undecodable),
                partitions);
    std::printf("open interactions     %zu, pending timers %zu\n", eng.open_interactions(), [&] {
      std::size_t t = 0;
      for (const auto& [id, p] : eng.partitions()) t += p->pending_timers();
      return t;
    }());
    std::printf("restore               %.3f s, %.0f records/s (target >= 500000)\n", r.seconds,
                static_cast<double>(r.records) / r.seconds);
    const auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
    std::printf(
        "  process CPU         %.2f s: this thread %.2f s (decode, apply, finish), librdkafka's %.2f s\n",
        cpu, main_cpu, cpu - main_cpu);
    // Zeroing fresh pages was the largest single cost in perf (map growth,
    // librdkafka's receive buffers), so the count is worth watching.
    std::printf("  page faults         %ld minor\n", faults);
    std::printf("  reader setup        %.3f s (client start, watermarks, assign)\n", secs(r.read.setup));
    std::printf("  fetch wait          %.3f s (blocked in consume: no fetched data yet)\n",
                secs(r.read.fetch_wait));
    std::printf("  decode + apply      %.3f s\n", secs(r.read.handling));
    std::printf("  reader close        %.3f s\n", secs(r.read.close));
    std::printf("  finish_restore      %.3f s (timers and indexes)\n", r.finish_seconds);
    std::printf("RSS growth            %.0f MiB\n", static_cast<double>(rss_kib() - rss_before) / 1024.0);
    all_ok &= eng.open_interactions() == n;
  }
  return all_ok ? 0 : 1;
}
