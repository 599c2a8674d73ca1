#include "app/input_stage.h"

#include <pthread.h>

#include <span>
#include <string>

namespace ccpulse::app {

namespace {
// The stage whose thread this is (null on every other thread).
thread_local const input_stage* t_stage = nullptr;
}  // namespace

void input_slot::clear() noexcept {
  for (std::size_t i = 0; i < size; ++i) {
    rd_kafka_message_destroy(messages[i].m);
    messages[i].m = nullptr;
  }
  size = 0;
  rebalance.reset();
}

input_stage::input_stage(codec::decoder_limits limits, std::function<instant()> now,
                         kafka::rebalance_listener& engine, std::string thread_name, std::size_t slot_count,
                         std::size_t slot_messages)
    : _decoder(std::move(limits)),
      _now(std::move(now)),
      _engine(engine),
      _name(std::move(thread_name)),
      _slot_messages(slot_messages) {
  _name.resize(std::min<std::size_t>(_name.size(), 15));  // the kernel's limit
  for (std::size_t i = 0; i < std::max<std::size_t>(2, slot_count); ++i) {
    auto s = std::make_unique<input_slot>();
    s->messages.resize(std::max<std::size_t>(1, slot_messages));
    _free.push_back(s.get());
    _slots.push_back(std::move(s));
  }
}

input_stage::~input_stage() { stop(); }

bool input_stage::on_stage_thread() const { return t_stage == this; }

void input_stage::start(kafka::group_consumer& consumer, std::chrono::milliseconds poll_wait) {
  if (running()) return;
  {
    std::lock_guard lock(_mutex);
    _stop = false;
    _exited = false;
  }
  _queue.reset(rd_kafka_queue_get_consumer(consumer.handle()));
  _thread = std::thread([this, poll_wait] { run(poll_wait); });
  // Seen in top -H and perf as the worker's input stage.
  pthread_setname_np(_thread.native_handle(), _name.c_str());
}

input_slot* input_stage::acquire() {
  input_slot* s = nullptr;
  {
    std::unique_lock lock(_mutex);
    _changed.wait(lock, [this] { return _stop || !_free.empty(); });
    if (_stop) return nullptr;
    s = _free.back();
    _free.pop_back();
  }
  s->clear();  // the previous use's messages, freed here rather than on the engine thread
  return s;
}

void input_stage::publish(input_slot* s) {
  {
    std::lock_guard lock(_mutex);
    _ready.push_back(s);
  }
  _changed.notify_all();
}

void input_stage::run(std::chrono::milliseconds poll_wait) noexcept {
  t_stage = this;
  const int wait_ms = static_cast<int>(poll_wait.count());
  while (true) {
    if (!_current) _current = acquire();
    if (!_current) break;
    const instant now = _now();
    int wait = wait_ms;
    while (_current && _current->size < _slot_messages) {
      // One message at a time, as group_consumer::poll (batch consume drops
      // records around incremental rebalances in librdkafka 2.0.2). A
      // rebalance callback during the call hands _current over.
      rd_kafka_message_t* m = rd_kafka_consume_queue(_queue.get(), wait);
      if (!m) break;
      if (!_current) _current = acquire();
      if (!_current) {
        rd_kafka_message_destroy(m);  // stopping: dropped, read again from the committed offsets
        break;
      }
      auto& slot = _current->messages[_current->size++];
      slot.m = m;
      if (!m->err) {
        const std::span<const std::byte> bytes{static_cast<const std::byte*>(m->payload), m->len};
        slot.ev = event{};
        slot.decoded = _decoder.decode(bytes, now, slot.ev);
      }
      wait = 0;
    }
    if (_current && _current->size > 0) {
      publish(_current);
      _current = nullptr;
    }
    std::lock_guard lock(_mutex);
    if (_stop) break;
  }
  if (_current) {
    _current->clear();
    std::lock_guard lock(_mutex);
    _free.push_back(_current);
    _current = nullptr;
  }
  {
    std::lock_guard lock(_mutex);
    _exited = true;
  }
  _changed.notify_all();
  t_stage = nullptr;
}

void input_stage::hand_over(input_rebalance r) noexcept {
  // The slot so far carries the rebalance (an empty one when the callback
  // came first); nothing is consumed until the engine has run it.
  input_slot* s = _current ? _current : acquire();
  _current = nullptr;
  std::unique_lock lock(_mutex);
  if (!s) {
    // Stopping and no free slot: every slot is queued for the engine, whose
    // stop() takes them; wait for one to come back.
    _changed.wait(lock, [this] { return !_free.empty(); });
    s = _free.back();
    _free.pop_back();
    lock.unlock();
    s->clear();
    lock.lock();
  }
  s->rebalance = std::move(r);
  _ready.push_back(s);
  const auto ticket = ++_handed_over;
  _changed.notify_all();
  _changed.wait(lock, [&] { return _rebalanced >= ticket; });
}

void input_stage::on_assigned(const std::vector<kafka::topic_partition>& parts) noexcept {
  if (!on_stage_thread()) return _engine.on_assigned(parts);
  try {
    hand_over({true, parts, false});
  } catch (...) {
    // Copying the list failed (out of memory): the engine still must hear of it.
    hand_over({true, {}, false});
  }
}

void input_stage::on_revoked(const std::vector<kafka::topic_partition>& parts, bool lost) noexcept {
  if (!on_stage_thread()) return _engine.on_revoked(parts, lost);
  try {
    hand_over({false, parts, lost});
  } catch (...) {
    hand_over({false, {}, true});
  }
}

input_slot* input_stage::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(_mutex);
  if (!_changed.wait_for(lock, timeout, [this] { return !_ready.empty(); })) return nullptr;
  auto* s = _ready.front();
  _ready.pop_front();
  return s;
}

void input_stage::finish(input_slot* s) noexcept {
  if (s->rebalance) {
    const auto& r = *s->rebalance;
    if (r.assigned)
      _engine.on_assigned(r.parts);
    else
      _engine.on_revoked(r.parts, r.lost);
    s->rebalance.reset();
    std::lock_guard lock(_mutex);
    ++_rebalanced;
  }
  {
    std::lock_guard lock(_mutex);
    _free.push_back(s);
  }
  _changed.notify_all();
}

void input_stage::stop() noexcept {
  if (!running()) return;
  {
    std::lock_guard lock(_mutex);
    _stop = true;
  }
  _changed.notify_all();
  // Until the thread is out: drop what it handed over, but run the
  // rebalances (it waits in the callback for them).
  while (true) {
    input_slot* s = nullptr;
    {
      std::unique_lock lock(_mutex);
      _changed.wait(lock, [this] { return _exited || !_ready.empty(); });
      if (_ready.empty()) break;
      s = _ready.front();
      _ready.pop_front();
    }
    finish(s);
  }
  _thread.join();
  _queue.reset();
  // Whatever is left: slots finished above or never handed over.
  std::lock_guard lock(_mutex);
  _ready.clear();
  _free.clear();
  for (auto& s : _slots) {
    s->clear();
    _free.push_back(s.get());
  }
}

std::size_t input_stage::in_flight() const {
  std::lock_guard lock(_mutex);
  std::size_t n = 0;
  for (const auto* s : _ready) n += s->size;
  return n;
}

std::size_t input_stage::ready_slots() const {
  std::lock_guard lock(_mutex);
  return _ready.size();
}

}  // namespace ccpulse::app
