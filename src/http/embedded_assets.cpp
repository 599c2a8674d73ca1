#include "http/embedded_assets.h"

#include "http/embedded_assets_data.h"

#include <array>
#include <utility>

namespace ccpulse::http {

namespace {

asset to_asset(const detail::embedded_file& f) {
  return {f.path, content_type_for(f.path), std::string_view(reinterpret_cast<const char*>(f.data), f.size),
          f.etag};
}

std::span<const detail::embedded_file> files() {
  return {detail::embedded_files, detail::embedded_file_count};
}

}  // namespace

std::string_view content_type_for(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> types{{
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
  }};
  for (const auto& [ext, type] : types) {
    if (path.size() > ext.size() && path.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

std::optional<asset> find_asset(std::string_view path) {
  for (const auto& f : files()) {
    if (path == f.path) return to_asset(f);
  }
  return std::nullopt;
}

std::optional<asset> find_wallboard_asset(std::string_view target) {
  if (const auto cut = target.find_first_of("?#"); cut != std::string_view::npos)
    target = target.substr(0, cut);
  constexpr std::string_view prefix = "/wallboard";
  if (!target.starts_with(prefix)) return std::nullopt;
  target.remove_prefix(prefix.size());
  if (target.empty() || target == "/") return find_asset("index.html");
  if (target.front() != '/') return std::nullopt;  // "/wallboardx"
  target.remove_prefix(1);
  if (target.find('/') != std::string_view::npos) return std::nullopt;
  return find_asset(target);
}

std::vector<asset> all_assets() {
  std::vector<asset> out;
  out.reserve(files().size());
  for (const auto& f : files()) out.push_back(to_asset(f));
  return out;
}

}  // namespace ccpulse::http
