#pragma once
// Builds the first document of a YAML stream, working around yaml-cpp 0.7's
// LoadAll, which never returns on a stray ',' at document level: it keeps
// producing empty documents without consuming the token, until memory runs
// out (jbeder/yaml-cpp#1040, fixed upstream by #1319). So documents are
// counted with the event parser first, a few at most, and only the first is
// built, with Load. Drop this file once yaml-cpp ≥ 0.8 is the floor.
#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.h"

namespace ccpulse::config {

// The first document's root node, or nullopt when the parser gets stuck
// (reported). A second document is reported and ignored. Syntax errors
// throw YAML::Exception, as YAML::Load does.
std::optional<YAML::Node> load_first_document(const std::string& text, yaml_reader& in);

}  // namespace ccpulse::config
