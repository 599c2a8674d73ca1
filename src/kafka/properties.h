#pragma once
// librdkafka properties as ccpulse passes them: name/value pairs in order, a
// later pair overriding an earlier one. Plain strings, so the config adapter
// and unit tests use them without librdkafka.
#include <string>
#include <utility>
#include <vector>

namespace ccpulse::kafka {

using properties = std::vector<std::pair<std::string, std::string>>;

}  // namespace ccpulse::kafka
