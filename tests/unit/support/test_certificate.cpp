#include "support/test_certificate.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace ccpulse::test {

temp_folder::temp_folder() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ccpulse-test-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  _path = buf.data();
}

temp_folder::~temp_folder() {
  std::error_code ignored;
  std::filesystem::remove_all(_path, ignored);
}

std::filesystem::path temp_folder::write(const std::string& name, const std::string& text) const {
  const auto p = _path / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

void write_self_signed(const temp_folder& folder, const std::string& name, const std::string& common_name,
                       int days) {
  const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
  const std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) throw std::runtime_error("OpenSSL could not make a test key");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) throw std::runtime_error("OpenSSL could not sign");
  const auto write = [&](const std::string& file, auto&& pem) {
    const std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen((folder / file).c_str(), "wb"),
                                                          std::fclose);
    if (!f || pem(f.get()) != 1) throw std::runtime_error("cannot write " + file);
  };
  write(name + ".crt", [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  write(name + ".key",
        [&](FILE* f) { return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
}

}  // namespace ccpulse::test
