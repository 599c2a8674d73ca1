#include "http/embedded_assets.h"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

namespace {

using ccpulse::http::find_asset;
using ccpulse::http::find_wallboard_asset;

std::string source_file(const std::string& name) {
  std::ifstream in(std::string(CCPULSE_SOURCE_DIR) + "/web/wallboard/" + name, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("the asset table holds the wallboard page with its title") {
  const auto index = find_asset("index.html");
  REQUIRE(index);
  CHECK(index->content_type == "text/html; charset=utf-8");
  CHECK(index->body.find("<title>ccpulse wallboard</title>") != std::string_view::npos);
  CHECK(index->body.find("/wallboard/wallboard.js") != std::string_view::npos);
  CHECK(index->body.find("/wallboard/wallboard.css") != std::string_view::npos);
}

TEST_CASE("embedded assets carry the content type of their extension") {
  const auto css = find_asset("wallboard.css");
  const auto js = find_asset("wallboard.js");
  REQUIRE(css);
  REQUIRE(js);
  CHECK(css->content_type == "text/css; charset=utf-8");
  CHECK(js->content_type == "text/javascript; charset=utf-8");
  CHECK(ccpulse::http::content_type_for("logo.svg") == "image/svg+xml");
  CHECK(ccpulse::http::content_type_for("notes") == "application/octet-stream");
  CHECK(ccpulse::http::content_type_for(".js") == "application/octet-stream");
}

TEST_CASE("embedded assets are byte for byte the files in web/wallboard, so a changed file is rebuilt") {
  const auto all = ccpulse::http::all_assets();
  CHECK(all.size() >= 3);
  for (const auto& a : all) {
    CAPTURE(a.path);
    CHECK(a.body == source_file(std::string(a.path)));
    CHECK(a.etag.size() == 18);
    CHECK(a.etag.front() == '"');
    CHECK(a.etag.back() == '"');
  }
  CHECK(find_asset("index.html")->etag != find_asset("wallboard.js")->etag);
}

TEST_CASE("the wallboard loads nothing from another origin") {
  for (const auto& a : ccpulse::http::all_assets()) {
    CAPTURE(a.path);
    CHECK(a.body.find("http://") == std::string_view::npos);
    CHECK(a.body.find("https://") == std::string_view::npos);
    CHECK(a.body.find("//cdn") == std::string_view::npos);
  }
}

TEST_CASE("wallboard URLs map to their asset and nothing else does") {
  CHECK(find_wallboard_asset("/wallboard")->path == "index.html");
  CHECK(find_wallboard_asset("/wallboard/")->path == "index.html");
  CHECK(find_wallboard_asset("/wallboard?queues=sales&lang=zh-CN")->path == "index.html");
  CHECK(find_wallboard_asset("/wallboard/index.html")->path == "index.html");
  CHECK(find_wallboard_asset("/wallboard/wallboard.js?v=1")->path == "wallboard.js");
  CHECK(find_wallboard_asset("/wallboard/wallboard.css")->content_type == "text/css; charset=utf-8");
  CHECK_FALSE(find_wallboard_asset("/wallboardx"));
  CHECK_FALSE(find_wallboard_asset("/wallboard/missing.js"));
  CHECK_FALSE(find_wallboard_asset("/wallboard/../wallboard.js"));
  CHECK_FALSE(find_wallboard_asset("/wallboard/a/wallboard.js"));
  CHECK_FALSE(find_wallboard_asset("/metrics"));
  CHECK_FALSE(find_asset(""));
}
