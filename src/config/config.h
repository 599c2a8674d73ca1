#pragma once
// The validated configuration: plain values, no YAML. Produced by
// load_config (load_config.h); every default here is documented in
// config/ccpulse.yaml and equals its field table's (sections/*.cpp), as
// tests/unit/config/field_table_test.cpp checks.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config_error.h"
#include "log/level.h"
#include "metrics/service_level.h"
#include "model/channel.h"
#include "model/time.h"
#include "sla/business_calendar.h"
#include "sla/policy.h"
#include "sla/queue_rule.h"

namespace ccpulse::config {

struct kafka_settings {
  // Passed through to librdkafka in file order. Secrets written as
  // `{ file: PATH }` or `{ env: NAME }` are already resolved here, so never
  // log these values.
  std::vector<std::pair<std::string, std::string>> properties;
};

struct topics_settings {
  std::vector<std::string> input{"cc.events"};
  std::string alerts{"ccpulse.alerts"};
  std::string dead_letter{"ccpulse.dlq"};
  std::string state{"ccpulse.state"};
  std::string snapshots{"ccpulse.snapshots"};
};

struct processing_settings {
  int workers = 1;
  duration commit_interval = std::chrono::milliseconds{100};
  duration max_clock_skew = std::chrono::minutes{5};
  duration max_out_of_orderness = std::chrono::seconds{30};
  duration short_abandon = std::chrono::seconds{5};
  duration linger = std::chrono::minutes{10};
  duration dedup_horizon = std::chrono::minutes{10};
  std::size_t dedup_max_ids = 2'000'000;          // per partition
  std::size_t max_open_interactions = 1'000'000;  // per partition
  duration max_event_time_jump = std::chrono::hours{1};
  duration max_open_age = std::chrono::days{7};
  duration max_wait = std::chrono::hours{4};
  duration breach_grace = std::chrono::seconds{1};
  duration restore_timeout = std::chrono::minutes{10};
  std::size_t max_event_bytes = 65536;
  std::size_t max_queues = 200;  // beyond this, unknown queues fold into "other"
  // Distinct attribute values (of the keys policies name) kept per worker,
  // beyond the values the policies name, which are always kept.
  std::size_t max_attribute_values = 4096;
  duration poll_interval = std::chrono::milliseconds{10};
};

struct queue_settings {
  std::string name;
  channel chan = channel::unspecified;
  duration sl_threshold = std::chrono::seconds{20};
  double sl_target = 0.8;
  // Service level as the queue's KPIs compute it (metrics/service_level.h).
  metrics::sl_formula sl_formula = metrics::sl_formula::default_;
  bool sl_missed_at_once = false;
  metrics::genesys_switches genesys;  // only with sl_formula genesys
};

// The windowed metrics engine (DESIGN.md §5, docs/kpis.md), per partition.
struct metrics_settings {
  // Sliding windows; the longest is the span of the bucket ring.
  std::vector<duration> windows{std::chrono::minutes{15}, std::chrono::hours{1}};
  duration bucket = std::chrono::seconds{10};
  duration histogram_bucket = std::chrono::minutes{5};  // percentiles and reasons
  duration interval = std::chrono::minutes{15};         // calendar interval, site_timezone
  duration repeat_window = std::chrono::days{7};        // FCR: a contact within this is a repeat
  std::size_t max_repeat_customers = 1'000'000;
  std::size_t max_agents = 100'000;
};

// HTTPS instead of HTTP (README "Security"): both files or neither. Paths
// as written, resolved against the config file's folder; the pair has been
// loaded once, so a config that holds them names files that were usable.
struct http_tls_settings {
  std::string cert_file;  // PEM certificate chain, leaf first
  std::string key_file;   // PEM private key, unencrypted
  bool enabled() const { return !cert_file.empty(); }
};

struct http_settings {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = any free port
  // Bearer tokens, read from { file: PATH } or { env: NAME } (never written
  // in the file); empty = open. api_token guards /api/ and /wallboard,
  // metrics_token /metrics.
  std::string api_token;
  std::string metrics_token;
  // Limits (README "Security"): past them a request gets a 4xx naming the
  // limit, a connection a 503.
  std::size_t max_connections = 1024;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_header_fields = 100;
  std::size_t max_body_bytes = 64 * 1024;
  duration request_timeout = std::chrono::seconds{30};
  http_tls_settings tls;
};

// An unforecast burst of this queue's arrivals, from `after` the start of
// the run for `lasting`, `factor` times the usual rate (sim::surge).
struct simulator_surge {
  duration after{};
  duration lasting = std::chrono::minutes{1};
  double factor = 2.0;
};

struct simulator_queue {
  std::string queue;
  channel chan = channel::unspecified;  // defaults to the queue's channel
  double arrival_share = 1.0;           // relative weight; shares need not sum to 1
  int agents = 5;
  duration mean_handle = std::chrono::minutes{3};
  duration mean_patience = std::chrono::seconds{90};
  double overload = 1.0;  // offered / planned load of this queue (sized staffing), times simulator.overload
  std::vector<simulator_surge> surges{};
};

struct simulator_settings {
  double rate = 5.0;  // arrivals per second, all queues
  std::uint64_t seed = 1;
  std::string topic;  // empty = first input topic
  int partitions = 12;
  std::string staffing = "fixed";      // fixed: queues' agents; sized: from the load (Erlang C)
  double overload = 1.0;               // offered / planned load, every queue; > 1 runs short on purpose
  std::string arrival_curve = "flat";  // flat or intraday (in site_timezone)
  std::vector<simulator_queue> queues;
};

// The process's log lines (README "Logs"): their format and the least
// severe level written.
struct logging_settings {
  log::format format = log::format::logfmt;
  log::level level = log::level::info;
};

struct config {
  std::string file;                   // path it was loaded from
  std::string instance_id;            // default: hostname
  std::string site_timezone = "UTC";  // IANA name, checked against the tz database
  kafka_settings kafka;
  topics_settings topics;
  processing_settings processing;
  metrics_settings metrics;
  std::vector<queue_settings> queues;
  // Business-hours calendars, each accepted by sla::business_calendar::create;
  // targets name them (sla::target::calendar).
  std::vector<sla::calendar_definition> calendars;
  sla::policy_set policies;
  // Queue-alert rules, in file order (README "Queue alerts").
  std::vector<sla::queue_rule> queue_alerts;
  http_settings http;
  logging_settings logging;
  simulator_settings simulator;
};

}  // namespace ccpulse::config
