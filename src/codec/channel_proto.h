#pragma once
// The core's channel <-> v1::Channel, by name, for every codec that writes
// or reads one (alerts, state). Private to the codec library: it includes
// generated protobuf headers.
#include "ccpulse/v1/events.pb.h"
#include "model/channel.h"

namespace ccpulse::codec::detail {

v1::Channel to_proto(channel c);
// False for a number this build does not know (out unchanged).
bool from_proto(int c, channel& out);

}  // namespace ccpulse::codec::detail
