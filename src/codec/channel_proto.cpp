#include "codec/channel_proto.h"

namespace ccpulse::codec::detail {

// No default case for the core's enum, so adding an enumerator fails the
// build (-Wswitch -Werror) until it is mapped.
v1::Channel to_proto(channel c) {
  switch (c) {
    case channel::unspecified:
      return v1::CHANNEL_UNSPECIFIED;
    case channel::voice:
      return v1::CHANNEL_VOICE;
    case channel::chat:
      return v1::CHANNEL_CHAT;
    case channel::email:
      return v1::CHANNEL_EMAIL;
    case channel::ticket:
      return v1::CHANNEL_TICKET;
    case channel::social:
      return v1::CHANNEL_SOCIAL;
    case channel::messaging:
      return v1::CHANNEL_MESSAGING;
    case channel::video:
      return v1::CHANNEL_VIDEO;
  }
  return v1::CHANNEL_UNSPECIFIED;
}

bool from_proto(int c, channel& out) {
  switch (c) {
    case v1::CHANNEL_UNSPECIFIED:
      out = channel::unspecified;
      return true;
    case v1::CHANNEL_VOICE:
      out = channel::voice;
      return true;
    case v1::CHANNEL_CHAT:
      out = channel::chat;
      return true;
    case v1::CHANNEL_EMAIL:
      out = channel::email;
      return true;
    case v1::CHANNEL_TICKET:
      out = channel::ticket;
      return true;
    case v1::CHANNEL_SOCIAL:
      out = channel::social;
      return true;
    case v1::CHANNEL_MESSAGING:
      out = channel::messaging;
      return true;
    case v1::CHANNEL_VIDEO:
      out = channel::video;
      return true;
    default:
      return false;
  }
}

}  // namespace ccpulse::codec::detail
