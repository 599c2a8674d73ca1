// http.tls: both files or neither, relative to the config file, and a pair
// that loads, or an error naming the file and OpenSSL's reason.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "load_helpers.h"
#include "support/test_certificate.h"

using namespace ccpulse;
using ccpulse::test::errors_of;

namespace {

const std::string tls_pair = "http:\n  tls:\n    cert_file: a.crt\n    key_file: a.key\n";

config::load_result load_in(const test::temp_folder& dir, const std::string& yaml) {
  return config::load_config_text(yaml, (dir / "t.yaml").string());
}

}  // namespace

TEST_CASE("http.tls files resolve against the config file's folder") {
  const test::temp_folder dir;
  test::write_self_signed(dir, "a", "localhost");
  const auto c = test::loads(tls_pair, (dir / "t.yaml").string());
  CHECK(c.http.tls.enabled());
  CHECK(c.http.tls.cert_file == (dir / "a.crt").string());
  CHECK(c.http.tls.key_file == (dir / "a.key").string());
}

TEST_CASE("http.tls is off unless given, and empty means off") {
  CHECK_FALSE(test::loads("http: {}\n").http.tls.enabled());
  CHECK_FALSE(test::loads("http:\n  tls: {}\n").http.tls.enabled());
}

TEST_CASE("http.tls needs both files or neither") {
  CHECK(errors_of("http:\n  tls: { cert_file: a.crt }\n") ==
        std::vector<std::string>{
            "t.yaml:2:3: http.tls: give both cert_file and key_file, or neither: key_file is "
            "missing"});
  CHECK(errors_of("http:\n  tls:\n    key_file: a.key\n") ==
        std::vector<std::string>{
            "t.yaml:2:3: http.tls: give both cert_file and key_file, or neither: cert_file is "
            "missing"});
  const auto unknown = errors_of("http:\n  tls: { cert_file: a.crt, key_file: a.key, ca_file: x }\n");
  CHECK(std::find(
            unknown.begin(), unknown.end(),
            "t.yaml:2:45: http.tls.ca_file: unknown key 'ca_file'; expected one of: cert_file, key_file") !=
        unknown.end());
}

TEST_CASE("an unreadable http.tls file is an error naming it") {
  const test::temp_folder dir;
  test::write_self_signed(dir, "a", "localhost");
  const auto r = load_in(dir, "http:\n  tls:\n    cert_file: missing.crt\n    key_file: a.key\n");
  CHECK(test::errors_of(r) ==
        std::vector<std::string>{(dir / "t.yaml").string() + ":3:16: http.tls.cert_file: cannot use '" +
                                 (dir / "missing.crt").string() +
                                 "': cannot read: No such file or directory"});
  CHECK_FALSE(r.cfg.has_value());
}

TEST_CASE("a file that is no certificate or no key gets OpenSSL's reason") {
  const test::temp_folder dir;
  test::write_self_signed(dir, "a", "localhost");
  dir.write("junk.crt", "not a certificate\n");
  const auto not_cert =
      test::errors_of(load_in(dir, "http:\n  tls: { cert_file: junk.crt, key_file: a.key }\n"));
  REQUIRE(not_cert.size() == 1);
  CHECK(not_cert[0].find(":2:21: http.tls.cert_file: cannot use '" + (dir / "junk.crt").string() +
                         "': not a PEM certificate chain: PEM routines: no start line") != std::string::npos);
  // The certificate where the key belongs: a PEM file, but no key.
  const auto not_key = test::errors_of(load_in(dir, "http:\n  tls: { cert_file: a.crt, key_file: a.crt }\n"));
  REQUIRE(not_key.size() == 1);
  CHECK(not_key[0].find(":2:38: http.tls.key_file: cannot use '" + (dir / "a.crt").string() +
                        "': not an unencrypted PEM private key: ") != std::string::npos);
}

TEST_CASE("a key of another certificate is an error at key_file") {
  const test::temp_folder dir;
  test::write_self_signed(dir, "a", "localhost");
  test::write_self_signed(dir, "b", "localhost");
  const auto errors =
      test::errors_of(load_in(dir, "http:\n  tls:\n    cert_file: a.crt\n    key_file: b.key\n"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find(":4:15: http.tls.key_file: cannot use '" + (dir / "b.key").string() +
                       "': not the key of the certificate in " + (dir / "a.crt").string() + ": ") !=
        std::string::npos);
}
