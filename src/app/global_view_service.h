#pragma once
// The process's global view (DESIGN.md §2, §10): one thread reads the
// snapshots topic (read_committed, from the beginning, then live), keeps the
// latest snapshot per key, drops keys older than view_settings::max_age and
// about twice a second publishes the merged view, immutable, for the HTTP
// thread (/api/v1/snapshot). Shares nothing with the workers.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/worker.h"
#include "config/config.h"
#include "view/global_view.h"

namespace ccpulse::app {

struct global_view_status {
  bool caught_up = false;  // read every partition to its end once
  std::uint64_t records = 0;
  std::uint64_t undecodable = 0;
  std::uint64_t consumer_errors = 0;  // errors the reader's consumer reported
  std::string error;                  // the reader's last problem, empty when none
};

class global_view_service {
 public:
  global_view_service(const config::config& cfg, clock_fn now, view::view_settings s = {});
  ~global_view_service();  // stop()s
  global_view_service(const global_view_service&) = delete;
  global_view_service& operator=(const global_view_service&) = delete;

  // Called on the reader's thread after each build (about twice a second),
  // with whether the reader has caught up. Before start().
  using view_listener = std::function<void(const view::merged_view&, bool caught_up)>;
  void on_view(view_listener f) { _listener = std::move(f); }

  void start();
  void stop();

  // The latest merged view (never null; empty before the first build) and
  // when it was built.
  std::shared_ptr<const view::merged_view> latest() const;
  global_view_status status() const;

 private:
  void run();
  void publish(std::shared_ptr<const view::merged_view> v);

  const config::config& _cfg;
  clock_fn _now;
  view::view_settings _settings;
  std::atomic<bool> _stop{false};
  std::thread _thread;
  mutable std::mutex _mutex;
  std::shared_ptr<const view::merged_view> _latest;
  view_listener _listener;
  global_view_status _status;
};

}  // namespace ccpulse::app
