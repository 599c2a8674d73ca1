#include "http/event_stream.h"

#include <charconv>

namespace ccpulse::http {

std::uint64_t event_stream::publish(std::string_view name, std::string_view data) {
  std::function<void()> wake;
  std::uint64_t id = 0;
  {
    std::lock_guard lock(_mutex);
    id = _next_id++;
    auto text = std::make_shared<std::string>();
    text->reserve(data.size() + name.size() + 32);
    *text += "id: " + std::to_string(id) + "\nevent: ";
    *text += name;
    *text += '\n';
    // One data: line per line: a newline inside data would end the field.
    std::size_t from = 0;
    for (;;) {
      const auto nl = data.find('\n', from);
      *text += "data: ";
      *text += data.substr(from, nl == std::string_view::npos ? std::string_view::npos : nl - from);
      *text += '\n';
      if (nl == std::string_view::npos) break;
      from = nl + 1;
    }
    *text += '\n';
    _history.push_back({id, std::move(text)});
    while (_history.size() > std::max<std::size_t>(1, _opts.history)) _history.pop_front();
    wake = _wake;
  }
  ++events_published;
  if (wake) wake();
  return id;
}

std::vector<event_stream::event> event_stream::since(std::optional<std::uint64_t> last_seen) const {
  std::lock_guard lock(_mutex);
  std::vector<event> out;
  if (_history.empty()) return out;
  const auto oldest = _history.front().id;
  const auto latest = _history.back().id;
  if (last_seen && *last_seen + 1 >= oldest && *last_seen <= latest) {
    for (const auto& e : _history)
      if (e.id > *last_seen) out.push_back(e);
    return out;
  }
  out.push_back(_history.back());
  return out;
}

void event_stream::on_publish(std::function<void()> wake) {
  std::lock_guard lock(_mutex);
  _wake = std::move(wake);
}

std::optional<std::uint64_t> parse_event_id(std::string_view digits) {
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc{} || p != digits.data() + digits.size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> query_event_id(std::string_view query) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.substr(0, 14) == "last_event_id=") return parse_event_id(part.substr(14));
  }
  return std::nullopt;
}

}  // namespace ccpulse::http
