#pragma once
// The JSON spellings every API response shares: instants as RFC 3339 UTC
// with milliseconds, absent figures as null.
#include <boost/json/value.hpp>

#include <optional>

#include "model/time.h"

namespace ccpulse::http {

boost::json::value json_time(instant t);
boost::json::value json_or_null(const std::optional<double>& v);
boost::json::value json_seconds(const std::optional<duration>& d);

}  // namespace ccpulse::http
