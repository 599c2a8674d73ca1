#pragma once
// The heart of `ccpulse replay` without Kafka: records of a stretch of
// history in, two engines (the live policy set and a candidate) run side by
// side on event time, a report out. Deterministic: no wall clock enters; a
// partition's time is its watermark, as a worker's is while behind
// (DESIGN.md §6), and clocks still running at the end are reported open.
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "codec/event_decoder.h"
#include "config/config.h"
#include "engine/engine.h"
#include "engine/replay_report.h"

namespace ccpulse::app {

class replay_runner {
 public:
  // live: the config (its policies and calendars); candidate: the same
  // config with the candidate's policies and calendars. queues: only these
  // in the report (empty: all).
  replay_runner(const config::config& live, const config::config& candidate,
                std::set<std::string, std::less<>> queues);

  // One input record of input partition `partition`, in the partition's
  // log order. record_time: the record's timestamp (the decoder's "now" for
  // the clock-skew check, as the worker's wall clock was when it read it),
  // nullopt when it has none.
  void record(std::int32_t partition, std::span<const std::byte> bytes, std::optional<instant> record_time);
  // Ends the run: clocks still running count as open.
  void finish();

  // Every alert the live / candidate set raised, in order (kept only when
  // asked for: tests compare them with a worker's).
  void keep_alerts(bool on) { _keep_alerts = on; }
  const std::vector<sla::sla_alert>& live_alerts() const { return _live.kept; }
  const std::vector<sla::sla_alert>& candidate_alerts() const { return _candidate.kept; }

  const engine::replay_tally& live() const { return _live.tally; }
  const engine::replay_tally& candidate() const { return _candidate.tally; }
  // Counts for the report's header (records, events, invalid, duplicates,
  // first and last event time) and the queues' KPIs over the range (the
  // live engine's: they do not depend on policies); the caller adds the
  // range and notes.
  engine::replay_header header();

 private:
  struct side {
    side(const config::config& c, std::set<std::string, std::less<>> queues);
    engine::engine eng;
    codec::event_decoder decoder;
    std::vector<std::string> attribute_keys;
    engine::outputs out;
    engine::replay_tally tally;
    std::vector<sla::sla_alert> kept;
    std::uint64_t invalid = 0, duplicates = 0, events = 0;
  };
  void apply(side& s, std::int32_t partition, const event& e);

  side _live;
  side _candidate;
  std::set<std::string, std::less<>> _queues;
  bool _keep_alerts = false;
  std::uint64_t _records = 0;
  std::optional<instant> _first, _last;
};

}  // namespace ccpulse::app
