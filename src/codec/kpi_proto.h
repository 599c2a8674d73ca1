#pragma once
// The KPI parts shared by state.proto and snapshot.proto (KpiCounters,
// Histogram, ReasonCount) <-> the core's structs, field for field. Private
// to the codec library: it includes generated protobuf headers.
#include <string>
#include <vector>

#include "ccpulse/v1/state.pb.h"
#include "metrics/kpi_parts.h"
#include "metrics/window_state.h"

namespace ccpulse::codec::detail {

void to_proto(const metrics::kpi_counters& c, v1::KpiCounters& b);
// nullptr on success, else the name of the field out of range.
const char* from_proto(const v1::KpiCounters& b, metrics::kpi_counters& c);

void to_proto(const metrics::histogram_state& h, v1::Histogram& b);
// Empty on success, else what is wrong (checked as the histogram's own
// import checks it, so a value that decodes also imports).
std::string from_proto(const v1::Histogram& b, metrics::histogram_state& h);

void to_proto(const std::vector<metrics::reason_count>& from,
              google::protobuf::RepeatedPtrField<v1::ReasonCount>& to);
// False when a count is zero.
bool from_proto(const google::protobuf::RepeatedPtrField<v1::ReasonCount>& from,
                std::vector<metrics::reason_count>& to);

}  // namespace ccpulse::codec::detail
