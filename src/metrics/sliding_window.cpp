#include "metrics/sliding_window.h"

namespace ccpulse::metrics {

std::int64_t bucket_number(instant t, duration width) {
  // Floor, not truncation: instants before the epoch still get their own
  // buckets (tests and restored state may carry them).
  const std::int64_t us = to_unix_micros(t);
  const std::int64_t w = width.count();
  std::int64_t q = us / w;
  if (us % w != 0 && us < 0) --q;
  return q;
}

instant bucket_start(std::int64_t number, duration width) { return instant{width * number}; }

}  // namespace ccpulse::metrics
