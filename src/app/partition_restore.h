#pragma once
// Rebuilds engine partitions from the state topic (DESIGN.md §8): reads
// their state partitions to the end, decodes each record into the
// partition's restorer, then finish_restore. Shared by the worker and the
// restore benchmark, so the bench measures the code that runs.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "codec/state_codec.h"
#include "engine/engine.h"
#include "kafka/client_config.h"
#include "kafka/state_reader.h"

namespace ccpulse::app {

struct restore_outcome {
  std::string error;              // empty on success; the partitions are then rebuilt
  std::uint64_t records = 0;      // records read from the topic
  std::uint64_t undecodable = 0;  // skipped: the codec could not read them
  double seconds = 0;
  kafka::restore_progress read;  // the reader's last report: its time split
  double finish_seconds = 0;     // finish_restore of all partitions (timer rebuild)
};

// The partitions must exist in `eng` (assigned, empty). On error they are
// left half-restored: the caller revokes them.
restore_outcome restore_partitions(engine::engine& eng, const std::vector<std::int32_t>& partitions,
                                   const kafka::properties& props, const std::string& topic,
                                   codec::state_decoder& decoder, std::chrono::milliseconds timeout,
                                   const kafka::state_reader::progress_fn& on_progress, int worker,
                                   const kafka::client_identity& id = {});

}  // namespace ccpulse::app
