#pragma once
// Hash and equality for flat maps keyed by std::string that are looked up by
// std::string_view without building a string (heterogeneous lookup).
#include <cstddef>
#include <functional>
#include <string_view>

namespace ccpulse {

struct string_lookup_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
struct string_lookup_eq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

}  // namespace ccpulse
