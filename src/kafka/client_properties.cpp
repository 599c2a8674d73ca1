#include "kafka/client_properties.h"

#include <algorithm>

namespace ccpulse::kafka {

properties client_properties(client_kind kind, const properties& user, const client_identity& id) {
  auto user_sets = [&](std::string_view name) {
    return std::any_of(user.begin(), user.end(), [&](const auto& p) { return p.first == name; });
  };
  auto applies = [&](const managed_property& p) { return (p.clients & bit(kind)) != 0; };
  properties out;
  for (const auto& p : managed_properties())
    if (applies(p) && p.how == management::default_value && !user_sets(p.name))
      out.emplace_back(p.name, p.value);
  out.insert(out.end(), user.begin(), user.end());
  // Last, so they win over anything the user list holds (check-config
  // rejects a forced key in the file, but programmatic lists are not checked).
  for (const auto& p : managed_properties()) {
    if (!applies(p) || p.how == management::default_value) continue;
    const auto v = value_for(p, id);
    if (!v.empty()) out.emplace_back(p.name, v);
  }
  return out;
}

}  // namespace ccpulse::kafka
