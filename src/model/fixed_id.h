#pragma once
// An id stored inline (no heap), for state records that must stay small and
// allocation-free. Ids longer than max_id_length are rejected at the codec.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "model/event.h"

namespace ccpulse {

class fixed_id {
 public:
  fixed_id() = default;
  explicit fixed_id(std::string_view s) { assign(s); }

  void assign(std::string_view s) {
    _len = static_cast<std::uint8_t>(std::min(s.size(), max_id_length));
    std::copy_n(s.data(), _len, _data.data());
  }
  std::string_view view() const { return {_data.data(), _len}; }
  bool operator==(std::string_view s) const { return view() == s; }

 private:
  std::array<char, max_id_length> _data{};
  std::uint8_t _len = 0;
};

}  // namespace ccpulse
