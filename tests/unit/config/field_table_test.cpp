// The field tables (src/config/sections/*.cpp) against the two other places
// that state the same facts: config/ccpulse.yaml, which documents every
// field, and config.h, whose struct defaults code outside the loader uses.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config/field_doc.h"

#ifndef CCPULSE_SOURCE_DIR
#error "CCPULSE_SOURCE_DIR must be defined to the repository root"
#endif

using namespace ccpulse::config;

namespace {

const std::string example_path = std::string(CCPULSE_SOURCE_DIR) + "/config/ccpulse.yaml";

std::string example_text() {
  std::ifstream in(example_path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const table_doc* table_at(const std::string& pattern) {
  const auto& tables = schema().tables;
  const auto it =
      std::find_if(tables.begin(), tables.end(), [&](const table_doc& t) { return t.path == pattern; });
  return it == tables.end() ? nullptr : &*it;
}

bool is_data_map(const std::string& pattern) {
  const auto& d = schema().data_maps;
  return std::find(d.begin(), d.end(), pattern) != d.end();
}

std::string child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

// Walks the example file beside the schema. Patterns name a table's place
// as field_doc.h does: [] for any list item, * for any key of a data map.
struct example_walk {
  std::set<std::string> set_fields;       // "processing.workers", "queues[].name"
  std::vector<std::string> not_in_table;  // keys the file has and no table does

  void visit(const YAML::Node& n, const std::string& pattern) {
    if (n.IsSequence()) {
      for (const auto& item : n) visit(item, pattern + "[]");
      return;
    }
    if (!n.IsMap()) return;
    if (is_data_map(pattern)) {
      for (const auto& kv : n) visit(kv.second, pattern + ".*");
      return;
    }
    const table_doc* table = table_at(pattern);
    if (table == nullptr) {
      not_in_table.push_back(pattern + " (a mapping with no table)");
      return;
    }
    for (const auto& kv : n) {
      const auto key = kv.first.as<std::string>();
      const bool known = std::any_of(table->fields.begin(), table->fields.end(),
                                     [&](const field_doc& f) { return f.key == key; });
      if (!known) {
        not_in_table.push_back(child(pattern, key));
        continue;
      }
      set_fields.insert(child(pattern, key));
      visit(kv.second, child(pattern, key));
    }
  }
};

example_walk walk_example() {
  example_walk w;
  w.visit(YAML::LoadFile(example_path), "");
  return w;
}

// An optional field may be shown commented out instead of set:
// `# channel: voice` or `# sasl.password: { file: PATH }`.
// (No std::regex: GCC 12 under ASan warns inside it, and warnings are errors.)
bool shown_commented_out(const std::string& text, const std::string& key) {
  const std::string written = key + ":";
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto hash = line.find('#');
    if (hash == std::string::npos) continue;
    for (auto at = line.find(written, hash); at != std::string::npos; at = line.find(written, at + 1)) {
      const char before = line[at - 1];  // at > hash, so there is one
      if (before == '#' || before == ' ' || before == '{' || before == ',') return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("config/ccpulse.yaml documents every field of every table") {
  const auto w = walk_example();
  const auto text = example_text();
  for (const auto& table : schema().tables) {
    for (const auto& f : table.fields) {
      const auto path = child(table.path, f.key);
      CAPTURE(path);
      CHECK((w.set_fields.count(path) != 0 || shown_commented_out(text, f.key)));
    }
  }
}

TEST_CASE("every key of config/ccpulse.yaml is a field of its table") {
  std::string keys;
  for (const auto& k : walk_example().not_in_table) keys += "\n  " + k;
  INFO("not in any table:" << keys);
  CHECK(keys.empty());
}

TEST_CASE("every default in the field tables is the default of config.h's structs") {
  for (const auto& table : schema().tables) {
    for (const auto& f : table.fields) {
      if (!f.struct_default) continue;  // read by code of its own, not a plain member
      CAPTURE(child(table.path, f.key));
      CHECK(f.default_value == *f.struct_default);
    }
  }
}

TEST_CASE("every field has a type and one line of help") {
  for (const auto& table : schema().tables) {
    for (const auto& f : table.fields) {
      CAPTURE(child(table.path, f.key));
      CHECK(!f.type.empty());
      CHECK(!f.help.empty());
      CHECK(f.help.find('\n') == std::string::npos);
    }
  }
}
