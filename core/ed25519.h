// Ed25519 signatures over bytes (OpenSSL libcrypto) and the PEM texts that
// hold the keys. Key texts come from files a user names, so they are hostile
// input: errors name the origin and what was found, never the key material.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace profile {

inline constexpr size_t kEd25519KeyBytes = 32;
inline constexpr size_t kEd25519SignatureBytes = 64;

struct Ed25519PublicKey {
  std::array<unsigned char, kEd25519KeyBytes> raw{};
};

// The 32-byte seed; wiped when destroyed.
class Ed25519PrivateKey {
 public:
  Ed25519PrivateKey() = default;
  Ed25519PrivateKey(const Ed25519PrivateKey&) = default;
  Ed25519PrivateKey& operator=(const Ed25519PrivateKey&) = default;
  ~Ed25519PrivateKey();
  std::array<unsigned char, kEd25519KeyBytes> seed{};
  Ed25519PublicKey public_key;
};

Result<Ed25519PrivateKey> ed25519_generate();

// PKCS#8 "PRIVATE KEY" and SubjectPublicKeyInfo "PUBLIC KEY" PEM, the forms
// `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write.
std::string ed25519_private_pem(const Ed25519PrivateKey& key);
std::string ed25519_public_pem(const Ed25519PublicKey& key);

// Exactly one PEM block, surrounded by nothing but white space. `origin`
// (the file name) starts every error. A public key given where a private
// one is expected (and the reverse), an encrypted key, a key of another
// algorithm and text that is not PEM are each refused with their own reason.
Result<Ed25519PrivateKey> parse_ed25519_private_pem(std::string_view pem, const std::string& origin);
Result<Ed25519PublicKey> parse_ed25519_public_pem(std::string_view pem, const std::string& origin);

// "SHA256:" + the lowercase hex SHA-256 of the key's DER SubjectPublicKeyInfo:
// `openssl pkey -pubin -in KEY.pub -outform DER | sha256sum` prints the same.
std::string ed25519_fingerprint(const Ed25519PublicKey& key);

// Pure Ed25519 (RFC 8032) over `message`: 64 bytes.
Result<std::string> ed25519_sign(const Ed25519PrivateKey& key, std::string_view message);
bool ed25519_verify(const Ed25519PublicKey& key, std::string_view message, std::string_view signature);

// RFC 4648 base64 with padding. Decoding accepts the canonical form only
// (no white space, correct padding, zero unused bits), so a signature has
// one spelling; nothing when the text is not that.
std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string* out);

}  // namespace profile
