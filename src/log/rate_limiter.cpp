#include "log/rate_limiter.h"

namespace ccpulse::log {

rate_limiter::rate_limiter(std::size_t lines, clock::duration window, now_fn now)
    : _lines(lines), _window(window), _now(std::move(now)) {}

void rate_limiter::forget_idle(clock::time_point now) {
  std::erase_if(
      _keys, [&](const auto& kv) { return kv.second.suppressed == 0 && now - kv.second.start >= _window; });
}

rate_limiter::verdict rate_limiter::admit(std::string_view key) {
  const auto now = _now();
  std::lock_guard lock(_mutex);
  auto it = _keys.find(std::string(key));
  if (it == _keys.end()) {
    if (_keys.size() >= max_keys) forget_idle(now);
    const std::string_view k = _keys.size() >= max_keys ? overflow_key : key;
    it = _keys.try_emplace(std::string(k)).first;
    if (it->second.emitted == 0) it->second.start = now - _window;  // a new key starts a window
  }
  auto& e = it->second;
  if (now - e.start >= _window) {
    const auto carried = e.suppressed;
    e = entry{now, 1, 0};
    return {true, carried};
  }
  if (e.emitted < _lines) {
    ++e.emitted;
    return {true, 0};
  }
  ++e.suppressed;
  ++_suppressed_total;
  return {false, 0};
}

std::vector<std::pair<std::string, std::uint64_t>> rate_limiter::take_expired() {
  const auto now = _now();
  std::lock_guard lock(_mutex);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (auto& [k, e] : _keys) {
    if (e.suppressed == 0 || now - e.start < _window) continue;
    out.emplace_back(k, e.suppressed);
    e.suppressed = 0;
  }
  forget_idle(now);
  return out;
}

std::uint64_t rate_limiter::suppressed_total() const {
  std::lock_guard lock(_mutex);
  return _suppressed_total;
}

}  // namespace ccpulse::log
