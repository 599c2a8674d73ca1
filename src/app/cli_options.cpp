#include "app/cli_options.h"

#include <iostream>
#include <stdexcept>

#include "app/commands.h"
#include "config/duration_parse.h"

namespace ccpulse::app {

bool parse_options(const std::string& command, const po::options_description& desc,
                   const std::vector<std::string>& args, po::variables_map& vm, int& exit_code) {
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    if (vm.count("help")) {
      std::cout << "Usage: ccpulse " << command << " [options]\n" << desc;
      exit_code = exit_ok;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "ccpulse " << command << ": " << e.what() << "\n" << desc;
    exit_code = exit_usage;
    return false;
  }
  return true;
}

duration parse_duration_option(const std::string& option, const std::string& text) {
  auto r = config::parse_duration(text);
  if (!r.ok()) throw std::invalid_argument("--" + option + " " + text + ": " + r.error);
  return r.value;
}

}  // namespace ccpulse::app
