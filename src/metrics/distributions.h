#pragma once
// What a coarse window bucket holds besides its counters: the five duration
// histograms of DESIGN.md §5 (sparse) and transfer and escalation counts by
// reason. Mergeable by addition like kpi_parts; sized by what it holds.
#include <array>
#include <cstddef>

#include "metrics/sparse_counts.h"
#include "metrics/sparse_histogram.h"
#include "metrics/window_state.h"

namespace ccpulse::metrics {

struct distributions {
  std::array<sparse_histogram, distribution_count> histograms;
  sparse_counts transfers_by_reason;  // index: the caller's reason index
  sparse_counts escalations_by_reason;

  sparse_histogram& operator[](distribution d) { return histograms[static_cast<std::size_t>(d)]; }
  const sparse_histogram& operator[](distribution d) const { return histograms[static_cast<std::size_t>(d)]; }

  distributions& operator+=(const distributions& o) {
    for (std::size_t i = 0; i < distribution_count; ++i) histograms[i] += o.histograms[i];
    transfers_by_reason += o.transfers_by_reason;
    escalations_by_reason += o.escalations_by_reason;
    return *this;
  }
  bool empty() const {
    for (const auto& h : histograms)
      if (!h.empty()) return false;
    return transfers_by_reason.empty() && escalations_by_reason.empty();
  }
  // Keeps every vector's capacity (ring slots are reused).
  void clear() {
    for (auto& h : histograms) h.clear();
    transfers_by_reason.clear();
    escalations_by_reason.clear();
  }
  std::size_t heap_bytes() const {
    std::size_t n = transfers_by_reason.heap_bytes() + escalations_by_reason.heap_bytes();
    for (const auto& h : histograms) n += h.heap_bytes();
    return n;
  }
  friend bool operator==(const distributions&, const distributions&) = default;
};

}  // namespace ccpulse::metrics
