#include "config/first_document.h"

#include <sstream>
#include <string_view>
#include <vector>

#include <yaml-cpp/eventhandler.h>

namespace ccpulse::config {

namespace {

struct document_scan {
  std::optional<YAML::Mark> second;  // start of a second document
  std::optional<YAML::Mark> stuck;   // where the parser stopped making progress
};

class document_starts final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;

  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
  }
  void OnMapEnd() override {}
};

document_scan scan_documents(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  document_starts handler;
  for (int i = 0; i < 3 && parser.HandleNextDocument(handler); ++i) {
  }
  document_scan scan;
  const auto& s = handler.starts;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i].pos == s[i - 1].pos) {
      scan.stuck = s[i];
      return scan;
    }
  }
  if (s.size() > 1) scan.second = s[1];
  return scan;
}

}  // namespace

std::optional<YAML::Node> load_first_document(const std::string& text, yaml_reader& in) {
  const auto docs = scan_documents(text);
  if (docs.stuck) {
    const auto at = static_cast<std::size_t>(docs.stuck->pos);
    const std::string token = at < text.size() ? quote(std::string_view(text).substr(at, 1)) : "end of input";
    in.report(*docs.stuck, std::string(yaml_field), "YAML syntax error: unexpected " + token);
    return std::nullopt;
  }
  if (docs.second)
    in.report(*docs.second, std::string(yaml_field),
              "more than one YAML document (---); ccpulse reads a single document");
  return YAML::Load(text);
}

}  // namespace ccpulse::config
