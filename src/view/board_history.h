#pragma once
// The wallboard's sparklines (DESIGN.md §11): per queue, one sample a minute
// over the last hour of the merged view, its service level over a sliding
// window and contacts waiting. A process-local cache of what the view said,
// not partition state: it starts empty after a restart (the page then draws
// what it has). Pure: the caller passes the view and its time.
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/service_level.h"
#include "view/global_view.h"

namespace ccpulse::view {

struct queue_history {
  std::vector<std::optional<double>> service_level;  // oldest first
  std::vector<std::optional<std::int64_t>> waiting;  // same length
};

class board_history {
 public:
  using sl_fn = std::function<metrics::sl_options(std::string_view queue)>;
  struct options {
    duration step = std::chrono::minutes(1);
    std::size_t samples = 60;
    std::string window = "15m";  // the sliding window the service level is read from
  };
  explicit board_history(options o) : _opt(std::move(o)) {}
  board_history() : board_history(options{}) {}

  // Takes a sample of every queue scope when `now` entered a step it has no
  // sample for yet (views built within one step give one sample).
  void record(const merged_view& v, instant now, const sl_fn& sl);

  // The samples of a queue, aligned to end(): a queue first seen later has
  // nulls before it, so every queue's series line up; so
  // does a step no view was built in.
  queue_history of(std::string_view queue) const;
  // The start of the newest sample's step; {} before the first sample.
  instant end() const { return _steps.empty() ? instant{} : _steps.back().at; }
  duration step() const { return _opt.step; }
  std::size_t size() const { return _steps.size(); }

 private:
  struct sample {
    std::optional<double> service_level;
    std::optional<std::int64_t> waiting;
  };
  struct step_samples {
    instant at{};
    std::map<std::string, sample, std::less<>> queues;
  };
  options _opt;
  std::deque<step_samples> _steps;
};

}  // namespace ccpulse::view
