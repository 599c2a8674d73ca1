#pragma once
// Throwaway TLS material for tests: a self-signed P-256 certificate and its
// key, written as PEM into a temporary folder that is removed afterwards.
#include <filesystem>
#include <string>

namespace ccpulse::test {

class temp_folder {
 public:
  temp_folder();
  ~temp_folder();
  temp_folder(const temp_folder&) = delete;
  temp_folder& operator=(const temp_folder&) = delete;
  temp_folder(temp_folder&&) = delete;
  temp_folder& operator=(temp_folder&&) = delete;

  const std::filesystem::path& path() const { return _path; }
  std::filesystem::path operator/(const std::string& name) const { return _path / name; }
  // Writes `text` to `name` in the folder; returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path _path;
};

// Writes NAME.crt (subject CN=common_name, valid `days` from now) and
// NAME.key into `folder`.
void write_self_signed(const temp_folder& folder, const std::string& name, const std::string& common_name,
                       int days = 2);

}  // namespace ccpulse::test
