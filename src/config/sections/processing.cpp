// processing: workers, transactions, event-time bounds and memory limits.
#include "config/sections/sections.h"

namespace ccpulse::config {

field_table<processing_settings> processing_fields() {
  using namespace std::chrono_literals;
  using p = processing_settings;
  constexpr duration day = 24h;
  static const std::vector<field<p>> table{
      {"workers", whole_field(&p::workers, 1, 64, 1),
       "worker threads, each a consumer-group member with its own transactional producer"},
      {"commit_interval", duration_field(&p::commit_interval, 10ms, 10s, 100ms),
       "one Kafka transaction (alerts, changelog, offsets) per interval"},
      // Below a second of allowed skew, ordinary NTP drift would dead-letter
      // good events.
      {"max_clock_skew", duration_field(&p::max_clock_skew, 1s, day, 5min),
       "events stamped further than this into the future are dead-lettered"},
      {"max_out_of_orderness", duration_field(&p::max_out_of_orderness, 0s, day, 30s),
       "watermark lag: how late an event may arrive and still count in its window"},
      {"short_abandon", duration_field(&p::short_abandon, 0s, 10min, 5s),
       "abandons within this are short abandons, left out of service level; 0s = off"},
      {"linger", duration_field(&p::linger, 1s, 7 * day, 10min),
       "how long a closed interaction is kept for late events and surveys"},
      {"dedup_horizon", duration_field(&p::dedup_horizon, 0s, 7 * day, 10min),
       "events whose event_id was seen within this are dropped as duplicates; 0s = off"},
      {"dedup_max_ids", whole_field(&p::dedup_max_ids, 1000, 100'000'000, 2'000'000),
       "remembered event ids per input partition"},
      {"max_open_interactions", whole_field(&p::max_open_interactions, 1000, 100'000'000, 1'000'000),
       "open and lingering interactions held per input partition; past it new ones are dead-lettered"},
      {"max_event_time_jump", duration_field(&p::max_event_time_jump, 1min, 30 * day, 1h),
       "a jump further ahead moves the watermark only once the next event confirms it"},
      {"max_open_age", duration_field(&p::max_open_age, 1min, 365 * day, 7 * day),
       "open interactions that nothing closes are dropped this long after creation"},
      {"max_wait", duration_field(&p::max_wait, 1min, 30 * day, 4h),
       "a contact waiting this long without an answer or abandon leaves its queue"},
      {"breach_grace", duration_field(&p::breach_grace, 0s, 1min, 1s),
       "BREACHED is raised this long after the deadline, so an event stamped in time that arrives a moment "
       "late stops "
       "the clock first"},
      {"restore_timeout", duration_field(&p::restore_timeout, 1s, day, 10min),
       "a partition's restore from the state topic must finish within this"},
      {"max_event_bytes", whole_field(&p::max_event_bytes, 128, 16 << 20, 65536),
       "larger input messages are dead-lettered"},
      {"max_queues", whole_field(&p::max_queues, 1, 10'000, 200),
       "queues beyond this many fold into queue=\"other\"; at least the declared queues"},
      {"max_attribute_values", whole_field(&p::max_attribute_values, 16, 65'000, 4096),
       "distinct values of the attribute keys policies match on, kept per worker besides the values the "
       "policies "
       "name (always kept); values past it still match exactly but are not kept in state or alerts, counted "
       "in "
       "ccpulse_attribute_values_unkept_total"},
      {"poll_interval", duration_field(&p::poll_interval, 1ms, 1s, 10ms),
       "how long a worker waits for input when its partitions are idle"},
  };
  return table;
}

}  // namespace ccpulse::config
