#include "config/secrets.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

namespace ccpulse::config {

namespace {

// strerror is not thread-safe; the generic category's message is.
std::string errno_text(int err) { return std::generic_category().message(err); }

std::optional<std::string> secret_from_file(yaml_reader& in, const value& v,
                                            const std::filesystem::path& base_dir) {
  const auto text = in.name(v, "a file path");
  if (!text) return std::nullopt;
  std::filesystem::path path(*text);
  // Relative to the config file, so the pair can move together.
  if (path.is_relative() && !base_dir.empty()) path = base_dir / path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    in.report(v.mark, v.path, "cannot read secret file " + quote(path.string()) + ": it is a directory");
    return std::nullopt;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int err = errno;
    in.report(v.mark, v.path, "cannot read secret file " + quote(path.string()) + ": " + errno_text(err));
    return std::nullopt;
  }
  // Bounded: a path such as /dev/zero or a log file by mistake must not
  // read forever or fill memory.
  std::string secret(max_secret_bytes + 1, '\0');
  file.read(secret.data(), static_cast<std::streamsize>(secret.size()));
  secret.resize(static_cast<std::size_t>(file.gcount()));
  if (secret.size() > max_secret_bytes) {
    in.report(v.mark, v.path,
              "secret file " + quote(path.string()) + " is larger than " +
                  std::to_string(max_secret_bytes / 1024) + " KiB; a secret is a short value");
    return std::nullopt;
  }
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.empty()) {
    in.report(v.mark, v.path, "secret file " + quote(path.string()) + " is empty");
    return std::nullopt;
  }
  return secret;
}

std::optional<std::string> secret_from_env(yaml_reader& in, const value& v) {
  const auto var = in.name(v, "an environment variable name");
  if (!var) return std::nullopt;
  const char* secret = std::getenv(var->c_str());
  if (secret == nullptr) {
    in.report(v.mark, v.path, "environment variable " + *var + " is not set");
    return std::nullopt;
  }
  if (*secret == '\0') {
    in.report(v.mark, v.path, "environment variable " + *var + " is empty");
    return std::nullopt;
  }
  return std::string(secret);
}

}  // namespace

std::optional<std::string> read_secret(yaml_reader& in, const value& v,
                                       const std::filesystem::path& base_dir) {
  std::array<std::optional<value>, secret_keys.size()> given;  // file, env
  std::array<std::string_view, secret_keys.size()> keys{};
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = secret_keys[i].key;
  in.visit_map(v, keys, [&](std::size_t i, const YAML::Mark&, const value& x) { given[i] = x; });
  const auto& [file, env] = given;
  if (file && env) {
    in.report(v.mark, v.path, "give either file or env, not both");
    return std::nullopt;
  }
  if (file) return secret_from_file(in, *file, base_dir);
  if (env) return secret_from_env(in, *env);
  if (v.node.size() == 0)
    in.report(v.mark, v.path, "expected " + std::string(kafka_value_forms) + ", got {}");
  return std::nullopt;
}

table_doc describe_secret_keys(std::string path) {
  table_doc t{std::move(path), {}};
  for (const auto& k : secret_keys) {
    field_doc d;
    d.key = k.key;
    d.type = "text";
    d.help = k.help;
    t.fields.push_back(std::move(d));
  }
  return t;
}

}  // namespace ccpulse::config
