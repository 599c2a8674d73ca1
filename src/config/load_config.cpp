// Reading a config file, start to end: the text, its first YAML document,
// the sections (sections/), the checks across them (cross_checks.h), and
// every problem sorted by position.
#include "config/load_config.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <yaml-cpp/yaml.h>

#include "config/cross_checks.h"
#include "config/first_document.h"
#include "config/load_context.h"
#include "config/sections/sections.h"

namespace ccpulse::config {

namespace {

// YAML marks are 0-based; a parser exception without a position gets none.
config_error syntax_error(const std::string& file, const YAML::Exception& e) {
  const bool known = !e.mark.is_null();
  return config_error{file, known ? e.mark.line + 1 : 0, known ? e.mark.column + 1 : 0,
                      std::string(yaml_field), "YAML syntax error: " + e.msg};
}

bool by_position(const config_error& a, const config_error& b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

}  // namespace

load_result load_config_text(std::string_view yaml, const std::string& file_name) {
  load_result result;
  const std::string text(yaml);
  load_context ctx(file_name, std::filesystem::path(file_name).parent_path());
  ctx.cfg.file = file_name;
  std::optional<YAML::Node> root;
  try {
    root = load_first_document(text, ctx.in);
  } catch (const YAML::Exception& e) {
    result.errors.push_back(syntax_error(file_name, e));
    return result;
  }
  if (root) {
    try {
      if (read_root(ctx, value{*root, mark_of(*root, YAML::Mark{}), ""})) check_across_sections(ctx);
    } catch (const YAML::Exception& e) {
      // The readers only walk nodes they have type-checked; this is a
      // backstop so a malformed file can never take the process down (fuzzed).
      ctx.in.errors().push_back(syntax_error(file_name, e));
    }
  }
  result.errors = std::move(ctx.in.errors());
  std::stable_sort(result.errors.begin(), result.errors.end(), by_position);
  if (result.errors.empty()) result.cfg = std::move(ctx.cfg);
  return result;
}

load_result load_config_file(const std::string& path) {
  auto unreadable = [&](std::string why) {
    load_result r;
    r.errors.push_back(config_error{path, 0, 0, "<file>", "cannot read the config file: " + std::move(why)});
    return r;
  };
  // strerror is not thread-safe; the generic category's message is.
  auto errno_text = [](int err) { return std::generic_category().message(err); };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return unreadable("it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return unreadable(errno_text(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return unreadable(errno_text(errno));
  return load_config_text(std::move(text).str(), path);
}

}  // namespace ccpulse::config
