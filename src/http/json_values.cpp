#include "http/json_values.h"

#include <date/date.h>

namespace ccpulse::http {

boost::json::value json_time(instant t) {
  return boost::json::value(date::format("%FT%TZ", std::chrono::floor<std::chrono::milliseconds>(t)));
}

boost::json::value json_or_null(const std::optional<double>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::value json_seconds(const std::optional<duration>& d) {
  return d ? boost::json::value(to_seconds(*d)) : boost::json::value(nullptr);
}

}  // namespace ccpulse::http
