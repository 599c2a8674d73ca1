#pragma once
// The current and previous calendar interval and today, as buckets
// (DESIGN.md §5), rolled over in event time.
//
// Why a separate holder from sliding_window: calendar periods are not
// equal-length (23/25 h days, cut intervals), so they cannot be ring slots;
// and a WFM report wants exactly "this interval, the last one, today", not a
// history. Older periods leave through the snapshot topic, not memory.
//
// Rolling works as in sliding_window: the head moves with the newest time
// add() or advance() has seen; rolling to the next interval moves current to
// previous; a jump of more than one interval leaves previous empty (nothing
// happened in it). An event goes to current or previous interval if it lies
// in one, and to today if it lies in today: an event at 23:55 seen after
// midnight still fills yesterday's last interval (previous) but not today.
#include <cstdint>
#include <utility>

#include "metrics/calendar_intervals.h"

namespace ccpulse::metrics {

// Which buckets an add() reached; neither = late (the caller counts it).
struct calendar_add_result {
  bool interval = false;  // current or previous interval
  bool day = false;       // today
  bool late() const { return !interval && !day; }
};

template <class Bucket>
class calendar_window {
 public:
  explicit calendar_window(calendar_intervals cal) : _cal(std::move(cal)) {}

  const calendar_intervals& calendar() const { return _cal; }
  bool started() const { return _started; }
  const calendar_period& current_period() const { return _current.period; }
  const calendar_period& previous_period() const { return _previous.period; }
  const calendar_period& today_period() const { return _today.period; }
  const Bucket& current() const { return _current.bucket; }
  const Bucket& previous() const { return _previous.bucket; }
  const Bucket& today() const { return _today.bucket; }

  // update(Bucket&) is called once per bucket reached (up to twice).
  template <class F>
  calendar_add_result add(instant t, F&& update) {
    advance(t);
    calendar_add_result r;
    if (_current.period.contains(t)) {
      update(_current.bucket);
      r.interval = true;
    } else if (_previous.period.contains(t)) {
      update(_previous.bucket);
      r.interval = true;
    }
    if (_today.period.contains(t)) {
      update(_today.bucket);
      r.day = true;
    }
    return r;
  }

  // Rolls over to the periods containing t, if t is past the current ones.
  void advance(instant t) {
    if (!_started) {
      start_at(_cal.interval_of(t));
      _today = {_cal.day_of(t), Bucket{}};
      return;
    }
    if (t >= _current.period.end) {
      const auto next = _cal.interval_of(t);
      if (next.start == _current.period.end) {
        _previous = std::move(_current);
        _current = {next, Bucket{}};
      } else {
        start_at(next);
      }
    }
    if (t >= _today.period.end) _today = {_cal.day_of(t), Bucket{}};
  }

  // Portable state: the current interval's start and the three buckets. The
  // periods are recomputed from the zone, so restore checks that start is an
  // interval start in this zone (false, nothing changed, if not).
  bool restore(instant current_start, Bucket current, Bucket previous, Bucket today) {
    const auto p = _cal.interval_of(current_start);
    if (p.start != current_start) return false;
    start_at(p);
    _current.bucket = std::move(current);
    _previous.bucket = std::move(previous);
    _today = {_cal.day_of(current_start), std::move(today)};
    return true;
  }

 private:
  struct slot {
    calendar_period period;
    Bucket bucket;
  };
  void start_at(const calendar_period& p) {
    _current = {p, Bucket{}};
    _previous = {_cal.interval_of(p.start - duration{1}), Bucket{}};
    _started = true;
  }

  calendar_intervals _cal;
  bool _started = false;
  slot _current{}, _previous{}, _today{};
};

}  // namespace ccpulse::metrics
