#pragma once
// The wallboard's files (web/wallboard/), embedded in the binary at build
// time (DESIGN.md §11: served by ccpulse, nothing from the internet). The
// build regenerates the table whenever a file changes.
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace ccpulse::http {

struct asset {
  std::string_view path;          // relative to web/wallboard/: "index.html"
  std::string_view content_type;  // from the extension: "text/html; charset=utf-8"
  std::string_view body;
  std::string_view etag;  // a strong ETag, quoted: "\"3f2a...\""
};

// One embedded file by its path relative to web/wallboard/ ("wallboard.js").
std::optional<asset> find_asset(std::string_view path);

// The asset a wallboard URL names: "/wallboard", "/wallboard/" and
// "/wallboard/index.html" give index.html, "/wallboard/<name>" that file; a
// query string or fragment is ignored. Anything else (another prefix, a
// nested path, "..") gives nullopt.
std::optional<asset> find_wallboard_asset(std::string_view target);

// Every embedded file, in the order of the build's file list.
std::vector<asset> all_assets();

// The content type for a file name's extension (octet-stream if unknown).
std::string_view content_type_for(std::string_view path);

}  // namespace ccpulse::http
