#pragma once
// Per-key budget for log lines that could come once per event (a dead
// letter, a failed delivery): at most `lines` per key in each `window`;
// what is held back is counted and reported as suppressed=K on the key's
// next line, or by take_expired once the window is over. Thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ccpulse::log {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  using now_fn = std::function<clock::time_point()>;

  static constexpr std::size_t default_lines = 5;
  static constexpr clock::duration default_window = std::chrono::seconds(10);
  // Keys are few (a reason, an error code, a topic); past this many, new
  // ones share one budget instead of growing the map.
  static constexpr std::size_t max_keys = 1024;
  static constexpr std::string_view overflow_key = "(other keys)";

  struct verdict {
    bool emit = false;
    std::uint64_t suppressed = 0;  // held back for this key since its last line; report with this line
  };

  explicit rate_limiter(std::size_t lines = default_lines, clock::duration window = default_window,
                        now_fn now = clock::now);

  verdict admit(std::string_view key);
  // Keys whose window ended with lines held back, and how many; their
  // counts start again from zero.
  std::vector<std::pair<std::string, std::uint64_t>> take_expired();
  std::uint64_t suppressed_total() const;

 private:
  struct entry {
    clock::time_point start{};
    std::size_t emitted = 0;
    std::uint64_t suppressed = 0;
  };
  void forget_idle(clock::time_point now);

  std::size_t _lines;
  clock::duration _window;
  now_fn _now;
  mutable std::mutex _mutex;
  std::unordered_map<std::string, entry> _keys;
  std::uint64_t _suppressed_total = 0;
};

}  // namespace ccpulse::log
