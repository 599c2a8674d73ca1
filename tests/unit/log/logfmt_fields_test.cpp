// Fields written as logfmt text read back (src/log/logfmt_fields.h), as
// http/server.cpp's lines are.
#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "log/logfmt_fields.h"

using namespace ccpulse;

TEST_CASE("logfmt text becomes fields: quoted text unescaped, whole numbers as integers") {
  const auto f = log::fields_from_logfmt("path=\"/a b\" what=\"say \\\"no\\\"\" status=500 peer=1.2.3.4");
  REQUIRE(f.size() == 4);
  CHECK(f[0].key == "path");
  CHECK(std::get<std::string>(f[0].val) == "/a b");
  CHECK(std::get<std::string>(f[1].val) == "say \"no\"");
  CHECK(std::get<std::int64_t>(f[2].val) == 500);
  CHECK(std::get<std::string>(f[3].val) == "1.2.3.4");
  CHECK(log::fields_from_logfmt("").empty());
}

TEST_CASE("text that is not logfmt is kept whole as one field") {
  const auto f = log::fields_from_logfmt("no pairs here");
  REQUIRE(f.size() == 1);
  CHECK(f[0].key == "fields");
  CHECK(std::get<std::string>(f[0].val) == "no pairs here");
  CHECK(log::fields_from_logfmt("a=\"never closed").size() == 1);
}
