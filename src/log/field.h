#pragma once
// A structured field of a log line: a key and a typed value, so that the
// value is escaped once by the line's format, never printf-ed into the
// message. Values view the caller's memory: a line is rendered before the
// call returns.
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace ccpulse::log {

// Implicit from strings, integers, doubles and bools, so that a call reads
// {{"worker", 2}, {"topic", name}}.
class value {
 public:
  using variant = std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool>;

  value(std::string_view s) : _v(s) {}
  value(const std::string& s) : _v(std::string_view(s)) {}
  value(const char* s) : _v(std::string_view(s ? s : "")) {}
  value(bool b) : _v(b) {}
  template <std::signed_integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) value(I i) : _v(static_cast<std::int64_t>(i)) {}
  template <std::unsigned_integral U>
  requires(!std::same_as<U, bool>) value(U u) : _v(static_cast<std::uint64_t>(u)) {}
  value(double d) : _v(d) {}

  const variant& get() const { return _v; }

 private:
  variant _v;
};

struct field {
  std::string_view key;
  value val;
};

// A field that owns its value: a logger's context (worker=2, topic=...).
struct owned_field {
  std::string key;
  std::variant<std::string, std::int64_t, std::uint64_t, double, bool> val;

  owned_field(std::string_view k, const value& v);
  field view() const;
};

}  // namespace ccpulse::log
