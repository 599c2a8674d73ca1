#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace ccpulse {

enum class channel : std::uint8_t { unspecified, voice, chat, email, ticket, social, messaging, video };
inline constexpr int channel_count = 8;

constexpr std::string_view to_string(channel c) {
  switch (c) {
    case channel::voice:
      return "voice";
    case channel::chat:
      return "chat";
    case channel::email:
      return "email";
    case channel::ticket:
      return "ticket";
    case channel::social:
      return "social";
    case channel::messaging:
      return "messaging";
    case channel::video:
      return "video";
    case channel::unspecified:
      break;
  }
  return "unspecified";
}

constexpr std::optional<channel> parse_channel(std::string_view s) {
  for (int i = 1; i < channel_count; ++i) {
    auto c = static_cast<channel>(i);
    if (to_string(c) == s) return c;
  }
  return std::nullopt;
}

}  // namespace ccpulse
