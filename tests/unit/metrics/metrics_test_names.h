#pragma once
// Names for partition_metrics tests: queue labels "q0", "q1", ... and
// reasons "r0", "r1", ..., registered on first sight like the engine's
// registries do on restore.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/partition_metrics.h"

namespace ccpulse::test {

struct metrics_test_names final : metrics::metrics_names {
  std::vector<std::string> queues, reasons;
  explicit metrics_test_names(std::size_t n_queues = 0, std::size_t n_reasons = 0) {
    for (std::size_t i = 0; i < n_queues; ++i) queues.push_back("q" + std::to_string(i));
    for (std::size_t i = 0; i < n_reasons; ++i) reasons.push_back("r" + std::to_string(i));
  }
  std::string_view queue_name(metrics::queue_index q) const override { return queues.at(q); }
  std::optional<metrics::queue_index> find_queue(std::string_view name) override {
    return find(queues, name);
  }
  std::string_view reason_name(metrics::reason_index r) const override { return reasons.at(r); }
  std::optional<metrics::reason_index> find_reason(std::string_view name) override {
    return find(reasons, name);
  }

 private:
  static std::optional<std::uint16_t> find(std::vector<std::string>& v, std::string_view name) {
    for (std::size_t i = 0; i < v.size(); ++i)
      if (v[i] == name) return static_cast<std::uint16_t>(i);
    v.emplace_back(name);
    return static_cast<std::uint16_t>(v.size() - 1);
  }
};

}  // namespace ccpulse::test
