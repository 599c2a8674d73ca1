#include "log/field.h"

namespace ccpulse::log {

owned_field::owned_field(std::string_view k, const value& v) : key(k) {
  std::visit(
      [this](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string_view>)
          val = std::string(x);
        else
          val = x;
      },
      v.get());
}

field owned_field::view() const {
  return std::visit([this](const auto& x) { return field{key, value(x)}; }, val);
}

}  // namespace ccpulse::log
