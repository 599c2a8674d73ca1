#include "http/tls_credentials.h"

#include <doctest/doctest.h>

#include <chrono>

#include "support/test_certificate.h"

using namespace ccpulse;

TEST_CASE("tls credentials report the certificate's subject and notAfter") {
  const test::temp_folder dir;
  test::write_self_signed(dir, "a", "wallboard.example", 30);
  const auto c = http::load_tls_credentials((dir / "a.crt").string(), (dir / "a.key").string());
  REQUIRE(c.ok());
  CHECK(c.subject == "CN=wallboard.example");
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  CHECK(c.not_after > now + 29 * 86400);
  CHECK(c.not_after <= now + 30 * 86400 + 60);
}

TEST_CASE("tls credentials that fail name the file and leave no context") {
  const test::temp_folder dir;
  test::write_self_signed(dir, "a", "localhost");
  const auto c = http::load_tls_credentials((dir / "a.crt").string(), (dir / "nope.key").string());
  CHECK_FALSE(c.ok());
  CHECK(c.failed_file == (dir / "nope.key").string());
  CHECK(c.error == "cannot read: No such file or directory");
  CHECK(http::load_tls_credentials(dir.path().string(), (dir / "a.key").string()).error ==
        "cannot read: it is a directory");
}
