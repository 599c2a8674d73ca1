#pragma once
// The field tables as plain text, without YAML: what each key of the config
// file is, for documentation and for the tests that keep
// config/ccpulse.yaml and config.h in step with the tables.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccpulse::config {

struct field_doc {
  std::string key;
  std::string type;           // "duration", "whole number", "mapping", "list of topic names"...
  std::string limits;         // "10ms..10s", "> 0, <= 1"; empty when any value of the type goes
  std::string default_value;  // as written in a config file; what the loader applies
  // The same field's value in a default-constructed config.h struct, in the
  // same format; unset for fields read by code of their own.
  std::optional<std::string> struct_default;
  std::string help;
  bool required = false;
};

struct table_doc {
  // Where the mapping sits: "processing", "queues[]", "policies[].targets.*"
  // ([] = any list item, * = any key of a data mapping).
  std::string path;
  std::vector<field_doc> fields;
};

struct config_schema {
  std::vector<table_doc> tables;  // the top level is path ""
  // Mappings whose keys are data, not fields: "kafka", "policies[].targets".
  std::vector<std::string> data_maps;
};

// Every table of the config file.
const config_schema& schema();

}  // namespace ccpulse::config
