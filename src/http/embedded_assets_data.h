#pragma once
// The table the build generates from web/wallboard/ (src/http/embed_assets.cmake).
// Read it through embedded_assets.h.
#include <cstddef>

namespace ccpulse::http::detail {

struct embedded_file {
  const char* path;           // relative to web/wallboard/: "index.html"
  const unsigned char* data;  // size bytes, then a 0
  std::size_t size;
  const char* etag;  // "\"<16 hex digits of the SHA-256>\""
};

extern const embedded_file embedded_files[];
extern const std::size_t embedded_file_count;

}  // namespace ccpulse::http::detail
