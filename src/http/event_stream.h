#pragma once
// Server-Sent Events hub (DESIGN.md §10: /api/v1/stream). The app publishes
// whole-state events into it from any thread; the HTTP server's thread
// writes them to every connected client (server::stream). publish() never
// waits on a client: each client has its own bounded queue on the server
// thread, and one that falls behind by more than max_pending_bytes is
// dropped (EventSource reconnects and resumes with Last-Event-ID).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccpulse::http {

class event_stream {
 public:
  struct options {
    std::size_t history = 64;                 // events kept for a Last-Event-ID resume
    std::size_t max_pending_bytes = 1 << 20;  // per client, unsent; beyond it the client is dropped
    std::chrono::seconds heartbeat{15};       // a comment line when nothing else was sent
    std::chrono::milliseconds retry{2000};    // the reconnect delay the client is told
  };
  struct event {
    std::uint64_t id = 0;
    std::shared_ptr<const std::string> text;  // the whole wire form, shared by every client
  };

  explicit event_stream(options o) : _opts(o) {}
  event_stream() : event_stream(options{}) {}

  // One event, `id: N`, `event: <name>`, one `data:` line per line of data;
  // ids count from 1. Any thread. Returns the id.
  std::uint64_t publish(std::string_view name, std::string_view data);

  // What a client that last saw `last_seen` gets: the events after it while
  // they are kept; without one, or with one this process does not know (too
  // old, or from an earlier process), the latest event alone (each is a
  // whole state).
  std::vector<event> since(std::optional<std::uint64_t> last_seen) const;

  // Called after every publish, outside the lock (the server posts to its
  // thread). Empty: none.
  void on_publish(std::function<void()> wake);

  const options& opts() const { return _opts; }

  // For /metrics.
  std::atomic<std::uint64_t> clients{0};
  std::atomic<std::uint64_t> clients_dropped_slow{0};
  std::atomic<std::uint64_t> events_published{0};

 private:
  options _opts;
  mutable std::mutex _mutex;
  std::deque<event> _history;
  std::uint64_t _next_id = 1;
  std::function<void()> _wake;
};

// A Last-Event-ID value; nullopt when it is not a number.
std::optional<std::uint64_t> parse_event_id(std::string_view digits);
// `last_event_id=N` in a query string, for clients that cannot set the
// header.
std::optional<std::uint64_t> query_event_id(std::string_view query);

}  // namespace ccpulse::http
