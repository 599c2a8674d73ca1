#pragma once
// Hierarchical timing wheel for SLA deadlines: millions of open clocks with
// O(1) schedule and cancel, and an advance() whose cost follows the timers it
// touches (fired or cascaded) plus the number of levels, never the elapsed
// ticks, so replaying hours of quiet time is cheap. Time is passed in.
//
// Layout. Time is cut into ticks of `resolution` counted from `start`. The
// wheel has a cursor tick `_cur`; every timer in it has tick > _cur and sits
// at the level of the highest 6-bit digit where its tick differs from _cur
// (6 levels x 64 slots cover 2^36 ticks, about 2.2 years at 1 ms), in the
// slot named by its own digit there. Farther timers wait in an overflow list.
// Because every occupied slot's digit is above the cursor's digit at that
// level, and lower levels hold earlier timers, the earliest timer is always in
// the lowest set bit of the lowest non-empty level: the cursor jumps straight
// there, and a slot above level 0 is cascaded (its timers re-placed lower)
// when the cursor enters its range.
//
// Order. Timers whose tick is <= _cur are "ready": they live in a binary heap
// keyed by (due, sequence), since one tick holds deadlines at many sub-tick
// instants. advance() alternates "fire the heap while its top is due" with
// "move the cursor to the next occupied tick", so fires come out in exact
// (due, sequence) order across the whole call, including timers scheduled by
// the fire callback itself.
#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/time.h"

namespace ccpulse::sla {

template <class Payload>  // trivially copyable, small
class timing_wheel {
  static_assert(std::is_trivially_copyable_v<Payload>,
                "timing_wheel copies payloads out of its slab before firing");

 public:
  using handle = std::uint64_t;  // index | generation << 32; stale handles are detected
  static constexpr handle no_timer = ~handle{0};

  // Work done so far, for probes and for tests that pin the cost model.
  struct counters {
    std::uint64_t fired = 0;          // fire() calls
    std::uint64_t cascaded = 0;       // timers re-placed from a higher level or overflow
    std::uint64_t slots_expired = 0;  // slots (and overflow re-examinations) opened by advance
  };

  explicit timing_wheel(instant start, duration resolution = std::chrono::milliseconds(1))
      : _origin(to_unix_micros(start)), _resolution(checked_resolution(resolution)), _now(start) {
    _heads.fill(nil);
  }

  // O(1). A due <= now() fires on the next advance() (not on one with an older now).
  handle schedule(instant due, Payload p) {
    const std::uint32_t idx = allocate(p);
    node& n = _nodes[idx];
    n.due = to_unix_micros(due);
    n.seq = _next_seq++;
    ++_size;
    // Ready means "tick <= cursor", not "due <= now": inside advance() the
    // cursor lags now, and a timer due before now but after the cursor must
    // wait in the wheel behind earlier timers that are still there.
    if (n.due < _origin) {
      push_ready(idx);
    } else if (const std::uint64_t t = tick_of(n.due); t <= _cur) {
      push_ready(idx);
    } else {
      place(idx, t);
    }
    return make_handle(idx, n.generation);
  }

  // O(1) (amortized for timers already in the ready heap). False if h is
  // stale, fired, cancelled or no_timer.
  bool cancel(handle h) {
    const std::uint32_t idx = live_index(h);
    if (idx == nil) return false;
    node& n = _nodes[idx];
    --_size;
    if (n.loc == loc_ready) {
      // Removing from the middle of a heap is O(log n); leave a tombstone
      // instead (its handle is already stale) and purge tombstones in bulk.
      ++n.generation;
      n.loc = loc_tombstone;
      ++_tombstones;
      maybe_purge_tombstones();
    } else {
      unlink(idx);
      release(idx);
    }
    return true;
  }

  bool pending(handle h) const { return live_index(h) != nil; }

  // Fires every timer with due <= now in (due, schedule sequence) order,
  // calling fire(instant due, const Payload&). fire may schedule() and
  // cancel() re-entrantly (a timer scheduled with due <= now fires within
  // this call) but must not call advance(). An older now is a no-op.
  template <class F>
  void advance(instant now, F&& fire) {
    assert(!_advancing && "advance() called from inside a fire callback");
    // A nested call would interleave two firing loops; refuse it in release too.
    if (now < _now || _advancing) return;
    const advancing_scope scope(_advancing);
    _now = now;
    const std::int64_t now_us = to_unix_micros(now);
    const std::uint64_t target = tick_of(now_us);
    do {
      while (!_ready.empty() && _ready.front().due <= now_us) {
        const ready_entry e = pop_ready();
        node& n = _nodes[e.index];
        if (n.loc == loc_tombstone) {
          --_tombstones;
          release(e.index);
          continue;
        }
        // Copy out and free first: fire sees its own handle as stale, and
        // may schedule into this very node or grow the slab.
        const Payload p = n.payload;
        --_size;
        release(e.index);
        ++_stats.fired;
        fire(instant{duration{e.due}}, std::as_const(p));
      }
    } while (step_toward(target));
  }

  instant now() const { return _now; }
  std::size_t size() const { return _size; }
  duration resolution() const { return duration{static_cast<duration::rep>(_resolution)}; }
  const counters& stats() const { return _stats; }
  // Nodes in the slab, live or free: the high-water mark of live timers plus
  // cancelled ones still awaiting purge. Flat under schedule/cancel churn.
  std::size_t node_count() const { return _nodes.size(); }

  // Preallocates n nodes (and room for n ready timers) so that schedule and
  // cancel do not allocate until more than n timers are live at once.
  void reserve(std::size_t n) {
    _nodes.reserve(n);
    _ready.reserve(n);
  }

 private:
  static constexpr unsigned level_bits = 6;
  static constexpr unsigned slots_per_level = 1u << level_bits;
  static constexpr unsigned levels = 6;
  static constexpr unsigned wheel_bits = level_bits * levels;  // 36
  static constexpr std::uint32_t nil = ~std::uint32_t{0};

  // Where a node is: a wheel slot (level * 64 + slot) or one of these.
  static constexpr std::uint16_t loc_overflow = levels * slots_per_level;
  static constexpr std::uint16_t loc_ready = loc_overflow + 1;
  static constexpr std::uint16_t loc_tombstone = loc_overflow + 2;  // cancelled, still in the heap
  static constexpr std::uint16_t loc_free = loc_overflow + 3;

  struct node {
    Payload payload;
    std::int64_t due = 0;    // unix microseconds, as passed in
    std::uint64_t seq = 0;   // schedule order, breaks ties between equal dues
    std::uint64_t tick = 0;  // valid while in a slot or the overflow list
    std::uint32_t prev = nil;
    std::uint32_t next = nil;  // also the free-list link
    std::uint32_t generation = 0;
    std::uint16_t loc = loc_free;
  };

  struct ready_entry {
    std::int64_t due;
    std::uint64_t seq;
    std::uint32_t index;
  };
  // std heap algorithms build a max-heap; "later" as less-than gives a min-heap.
  struct later {
    bool operator()(const ready_entry& a, const ready_entry& b) const {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };

  struct advancing_scope {
    explicit advancing_scope(bool& flag) : _flag(flag) { _flag = true; }
    ~advancing_scope() { _flag = false; }
    advancing_scope(const advancing_scope&) = delete;
    advancing_scope& operator=(const advancing_scope&) = delete;
    bool& _flag;
  };

  static std::uint64_t checked_resolution(duration r) {
    // Configuration, not data plane: a zero or negative tick is a bug upstream.
    if (r.count() <= 0) throw std::invalid_argument("timing_wheel: resolution must be > 0");
    return static_cast<std::uint64_t>(r.count());
  }

  static handle make_handle(std::uint32_t idx, std::uint32_t gen) {
    return static_cast<handle>(idx) | (static_cast<handle>(gen) << 32);
  }

  // Index of the live timer h names, or nil.
  std::uint32_t live_index(handle h) const {
    const auto idx = static_cast<std::uint32_t>(h & 0xffff'ffffu);
    const auto gen = static_cast<std::uint32_t>(h >> 32);
    if (idx >= _nodes.size()) return nil;  // also rejects no_timer: idx never reaches nil
    const node& n = _nodes[idx];
    if (n.generation != gen || n.loc == loc_free || n.loc == loc_tombstone) return nil;
    return idx;
  }

  // Ticks since start. Only called for t >= start, so the unsigned difference
  // is exact even across the whole int64 range.
  std::uint64_t tick_of(std::int64_t t) const {
    return (static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(_origin)) / _resolution;
  }

  std::uint32_t allocate(const Payload& p) {
    if (_free != nil) {
      const std::uint32_t idx = _free;
      _free = _nodes[idx].next;
      _nodes[idx].payload = p;
      return idx;
    }
    assert(_nodes.size() < nil && "timing_wheel: more than 2^32-1 nodes");
    _nodes.push_back(node{p});  // Payload need not be default-constructible
    return static_cast<std::uint32_t>(_nodes.size() - 1);
  }

  // Bumping the generation here makes every handle to this node stale.
  void release(std::uint32_t idx) {
    node& n = _nodes[idx];
    ++n.generation;
    n.loc = loc_free;
    n.next = _free;
    _free = idx;
  }

  void push_ready(std::uint32_t idx) {
    node& n = _nodes[idx];
    n.loc = loc_ready;
    _ready.push_back(ready_entry{n.due, n.seq, idx});
    std::push_heap(_ready.begin(), _ready.end(), later{});
  }

  ready_entry pop_ready() {
    std::pop_heap(_ready.begin(), _ready.end(), later{});
    const ready_entry e = _ready.back();
    _ready.pop_back();
    return e;
  }

  // Tombstones stay until popped, unless they outnumber live entries: then
  // one O(heap) sweep, paid for by the cancels that made them.
  void maybe_purge_tombstones() {
    if (_tombstones < 64 || _tombstones * 2 < _ready.size()) return;
    auto live_end = std::remove_if(_ready.begin(), _ready.end(), [this](const ready_entry& e) {
      if (_nodes[e.index].loc != loc_tombstone) return false;
      release(e.index);
      return true;
    });
    _ready.erase(live_end, _ready.end());
    std::make_heap(_ready.begin(), _ready.end(), later{});
    _tombstones = 0;
  }

  std::uint32_t& head_of(std::uint16_t loc) { return loc == loc_overflow ? _overflow_head : _heads[loc]; }

  void link(std::uint32_t idx, std::uint16_t loc) {
    node& n = _nodes[idx];
    std::uint32_t& head = head_of(loc);
    n.loc = loc;
    n.prev = nil;
    n.next = head;
    if (head != nil) _nodes[head].prev = idx;
    head = idx;
  }

  void unlink(std::uint32_t idx) {
    node& n = _nodes[idx];
    if (n.prev != nil) {
      _nodes[n.prev].next = n.next;
    } else {
      head_of(n.loc) = n.next;
    }
    if (n.next != nil) _nodes[n.next].prev = n.prev;
    if (n.loc == loc_overflow) {
      if (n.tick == _overflow_min) _overflow_min_known = false;
    } else if (_heads[n.loc] == nil) {
      _occupied[n.loc / slots_per_level] &= ~(std::uint64_t{1} << (n.loc % slots_per_level));
    }
  }

  // Puts a timer with tick > _cur at the level of the highest digit where
  // its tick differs from the cursor.
  void place(std::uint32_t idx, std::uint64_t t) {
    assert(t > _cur);
    _nodes[idx].tick = t;
    const auto level = static_cast<unsigned>(std::bit_width(t ^ _cur) - 1) / level_bits;
    if (level >= levels) {
      if (_overflow_head == nil || (_overflow_min_known && t < _overflow_min)) {
        _overflow_min = t;
        _overflow_min_known = true;
      }
      link(idx, loc_overflow);
      return;
    }
    const auto slot = static_cast<unsigned>(t >> (level * level_bits)) & (slots_per_level - 1);
    link(idx, static_cast<std::uint16_t>(level * slots_per_level + slot));
    _occupied[level] |= std::uint64_t{1} << slot;
  }

  // Re-places every timer of a detached list against the (moved) cursor.
  // Returns whether any became ready.
  bool replace_list(std::uint32_t idx) {
    bool any_ready = false;
    while (idx != nil) {
      const std::uint32_t next = _nodes[idx].next;
      const std::uint64_t t = _nodes[idx].tick;
      ++_stats.cascaded;
      if (t <= _cur) {
        push_ready(idx);
        any_ready = true;
      } else {
        place(idx, t);
      }
      idx = next;
    }
    return any_ready;
  }

  std::uint64_t overflow_min() {
    if (!_overflow_min_known) {
      std::uint64_t m = ~std::uint64_t{0};
      for (std::uint32_t i = _overflow_head; i != nil; i = _nodes[i].next) m = std::min(m, _nodes[i].tick);
      _overflow_min = m;
      _overflow_min_known = true;
    }
    return _overflow_min;
  }

  // Moves the cursor toward target, stopping as soon as some timers became
  // ready (true) or once no timer with tick <= target is left (false, cursor
  // at target). Jumps over empty slots with the occupancy bitmaps.
  bool step_toward(std::uint64_t target) {
    for (;;) {
      unsigned level = 0;
      while (level < levels && _occupied[level] == 0) ++level;
      if (level == levels) return step_overflow(target);

      const unsigned shift = level * level_bits;
      const auto slot = static_cast<unsigned>(std::countr_zero(_occupied[level]));
      // First tick of that slot's range: the cursor's higher digits, this slot, zeros below.
      const unsigned above = shift + level_bits;
      const std::uint64_t start = ((_cur >> above) << above) | (std::uint64_t{slot} << shift);
      if (start > target) {
        _cur = target;
        return false;
      }
      _cur = start;
      ++_stats.slots_expired;
      const auto loc = static_cast<std::uint16_t>(level * slots_per_level + slot);
      const std::uint32_t list = _heads[loc];
      _heads[loc] = nil;
      _occupied[level] &= ~(std::uint64_t{1} << slot);
      if (replace_list(list)) return true;
    }
  }

  // All levels are empty: the overflow list is re-examined only when the
  // cursor reaches the 2^36-tick span of its earliest timer.
  bool step_overflow(std::uint64_t target) {
    if (_overflow_head == nil) {
      _cur = target;
      return false;
    }
    const std::uint64_t start = (overflow_min() >> wheel_bits) << wheel_bits;
    if (start > target) {
      _cur = target;
      return false;
    }
    _cur = start;
    ++_stats.slots_expired;
    const std::uint32_t list = _overflow_head;
    _overflow_head = nil;
    _overflow_min_known = false;
    replace_list(list);
    return true;  // timers moved into the levels; the caller loops either way
  }

  const std::int64_t _origin;       // unix microseconds of tick 0
  const std::uint64_t _resolution;  // microseconds per tick
  instant _now;
  std::uint64_t _cur = 0;  // cursor tick: wheel timers are later, ready ones not
  std::uint64_t _next_seq = 0;
  std::size_t _size = 0;

  std::vector<node> _nodes;
  std::uint32_t _free = nil;

  std::array<std::uint32_t, levels * slots_per_level> _heads{};
  std::array<std::uint64_t, levels> _occupied{};
  std::uint32_t _overflow_head = nil;
  std::uint64_t _overflow_min = 0;
  bool _overflow_min_known = false;

  std::vector<ready_entry> _ready;  // min-heap by (due, seq)
  std::size_t _tombstones = 0;

  bool _advancing = false;
  counters _stats;
};

}  // namespace ccpulse::sla
