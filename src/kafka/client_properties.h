#pragma once
// The property list one librdkafka client gets: ccpulse's defaults the user
// did not set, the user's properties in order, then the forced ones, all
// taken from the managed table (managed_properties.h). No librdkafka here,
// so unit tests check the exact list a client would be built from.
#include "kafka/managed_properties.h"
#include "kafka/properties.h"

namespace ccpulse::kafka {

properties client_properties(client_kind kind, const properties& user, const client_identity& id = {});

}  // namespace ccpulse::kafka
