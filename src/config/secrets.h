#pragma once
// Secrets kept out of the config file: a value written as { file: PATH }
// (the file's contents, one trailing newline removed; a relative PATH is
// relative to the config file's folder) or { env: NAME }.
#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "config/field_doc.h"
#include "config/yaml_reader.h"

namespace ccpulse::config {

// Longest secret file read; a larger one is an error, not truncated.
inline constexpr std::size_t max_secret_bytes = 64 * 1024;

// What a kafka property value may be, for "expected X, got Y".
inline constexpr std::string_view kafka_value_forms = "a string, { file: PATH } or { env: NAME }";

// The keys of a secret reference, with their help, for reading and docs.
struct secret_key {
  std::string_view key;
  std::string_view help;
};
inline constexpr std::array<secret_key, 2> secret_keys{{
    {"file", "path of a file holding the value; relative to the config file's folder"},
    {"env", "name of an environment variable holding the value"},
}};

// A secret reference (v is a mapping) resolved to its value, or nullopt
// after reporting why not.
std::optional<std::string> read_secret(yaml_reader& in, const value& v,
                                       const std::filesystem::path& base_dir);

table_doc describe_secret_keys(std::string path);

}  // namespace ccpulse::config
