#include "metrics/log_linear_histogram.h"

namespace ccpulse::metrics {

// The layout is checked at compile time; a change here is a format change.
static_assert(log_linear_layout::kBucketCount == 1026);
static_assert(log_linear_layout::index_of(1023) == 0);
static_assert(log_linear_layout::index_of(1024) == 1);
static_assert(log_linear_layout::index_of(1024 + 32) == 2);
static_assert(log_linear_layout::index_of(2048) == 33);
static_assert(log_linear_layout::index_of(log_linear_layout::kHighest - 1) == 1024);
static_assert(log_linear_layout::index_of(log_linear_layout::kHighest) == 1025);

template class basic_log_linear_histogram<std::uint32_t>;
template class basic_log_linear_histogram<std::uint64_t>;

std::string_view to_string(histogram_import_error e) {
  switch (e) {
    case histogram_import_error::none:
      return "none";
    case histogram_import_error::bad_index:
      return "bad_index";
    case histogram_import_error::not_ascending:
      return "not_ascending";
    case histogram_import_error::zero_count:
      return "zero_count";
    case histogram_import_error::count_overflow:
      return "count_overflow";
    case histogram_import_error::bad_extremes:
      return "bad_extremes";
    case histogram_import_error::bad_sum:
      return "bad_sum";
  }
  return "unknown";
}

}  // namespace ccpulse::metrics
