#include "app/simulator_overrides.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "app/sim_profile.h"

namespace ccpulse::app {

bool apply_simulator_overrides(const boost::program_options::variables_map& vm, config::simulator_settings& s,
                               std::string_view command) {
  const auto refuse = [&](const std::string& why) {
    std::fprintf(stderr, "ccpulse %.*s: %s\n", static_cast<int>(command.size()), command.data(), why.c_str());
    return false;
  };
  if (vm.count("staffing")) {
    const auto& w = vm["staffing"].as<std::string>();
    if (!parse_staffing(w)) return refuse("--staffing " + w + ": expected fixed or sized");
    s.staffing = w;
  }
  if (vm.count("arrival-curve")) {
    const auto& w = vm["arrival-curve"].as<std::string>();
    if (!parse_arrival_curve(w)) return refuse("--arrival-curve " + w + ": expected flat or intraday");
    s.arrival_curve = w;
  }
  if (vm.count("overload")) {
    const double x = vm["overload"].as<double>();
    if (!(std::isfinite(x) && x > 0 && x <= 10))
      return refuse("--overload " + std::to_string(x) + ": must be in (0, 10] (1 = the planned load)");
    s.overload = x;
  }
  return true;
}

}  // namespace ccpulse::app
