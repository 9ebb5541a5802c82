#include "core/ed25519.h"

#include <string.h>

#include <cstdio>
#include <memory>

#include "core/libcrypto.h"

namespace profile {

namespace {

// Every OpenSSL call goes through the library opened on first use
// (core/libcrypto.h); the entry points below call libcrypto::api() first.
#define LC libcrypto::loaded()

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { LC.EVP_PKEY_free(k); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { LC.EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { LC.EVP_MD_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { LC.BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// OpenSSL keeps a per-thread error queue; a refused input must not leave
// entries for an unrelated later call to report.
Error openssl_error(const std::string& what) {
  unsigned long e = LC.ERR_get_error();
  char buf[256] = "unknown error";
  if (e != 0) LC.ERR_error_string_n(e, buf, sizeof buf);
  LC.ERR_clear_error();
  return make_error(what + ": " + buf);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string type_name(EVP_PKEY* k) {
  const char* n = LC.EVP_PKEY_get0_type_name(k);
  return n != nullptr ? n : "unknown";
}

Pkey raw_public(const Ed25519PublicKey& key) {
  return Pkey(LC.EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.raw.data(), key.raw.size()));
}

Pkey raw_private(const Ed25519PrivateKey& key) {
  return Pkey(LC.EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, key.seed.data(), key.seed.size()));
}

std::string bio_text(BIO* b) {
  char* p = nullptr;
  long n = LC.BIO_ctrl(b, BIO_CTRL_INFO, 0, reinterpret_cast<char*>(&p));  // BIO_get_mem_data
  return n > 0 ? std::string(p, static_cast<size_t>(n)) : std::string();
}

// One PEM block: its label and DER bytes. The label is the only part of the
// text that goes into a message (a private key must never be echoed).
struct PemBlock {
  std::string label;
  std::string der;
};

Result<PemBlock> read_pem_block(std::string_view pem, const std::string& origin) {
  size_t start = 0;
  while (start < pem.size() && is_space(pem[start])) ++start;
  if (pem.compare(start, 11, "-----BEGIN ") != 0)
    return make_error(origin + ": not a PEM key file (it does not start with '-----BEGIN ')");
  std::unique_ptr<BIO, BioFree> bio(LC.BIO_new_mem_buf(pem.data() + start, static_cast<int>(pem.size() - start)));
  if (!bio) return openssl_error(origin);
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  if (LC.PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
    LC.ERR_clear_error();
    return make_error(origin + ": not a PEM key file (its PEM block is malformed)");
  }
  PemBlock out{name, std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(len))};
  bool has_header = header != nullptr && header[0] != '\0';
  LC.CRYPTO_free(name, OPENSSL_FILE, OPENSSL_LINE);
  LC.CRYPTO_free(header, OPENSSL_FILE, OPENSSL_LINE);
  explicit_bzero(data, static_cast<size_t>(len));
  LC.CRYPTO_free(data, OPENSSL_FILE, OPENSSL_LINE);
  if (has_header)
    return make_error(origin + ": the PEM block has headers (an encrypted key?); profile reads unencrypted keys only");
  char rest[256];
  int n;
  while ((n = LC.BIO_read(bio.get(), rest, sizeof rest)) > 0)
    for (int i = 0; i < n; ++i)
      if (!is_space(rest[i])) {
        explicit_bzero(&out.der[0], out.der.size());
        return make_error(origin + ": more than one PEM block, or text after the key");
      }
  LC.ERR_clear_error();
  return out;
}

Error wrong_label(const PemBlock& b, const std::string& origin, const char* wanted) {
  return make_error(origin + ": holds a " + quote_value(b.label, 60) + " PEM block, not " + wanted);
}

}  // namespace

Ed25519PrivateKey::~Ed25519PrivateKey() { explicit_bzero(seed.data(), seed.size()); }

Result<Ed25519PrivateKey> ed25519_generate() {
  PROFILE_TRY(libcrypto::api());
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(LC.EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  if (!ctx || LC.EVP_PKEY_keygen_init(ctx.get()) != 1) return openssl_error("Ed25519 key generation");
  EVP_PKEY* k = nullptr;
  if (LC.EVP_PKEY_keygen(ctx.get(), &k) != 1) return openssl_error("Ed25519 key generation");
  Pkey key(k);
  Ed25519PrivateKey out;
  size_t sl = out.seed.size(), pl = out.public_key.raw.size();
  if (LC.EVP_PKEY_get_raw_private_key(key.get(), out.seed.data(), &sl) != 1 ||
      LC.EVP_PKEY_get_raw_public_key(key.get(), out.public_key.raw.data(), &pl) != 1 || sl != kEd25519KeyBytes ||
      pl != kEd25519KeyBytes)
    return openssl_error("Ed25519 key generation");
  return out;
}

std::string ed25519_private_pem(const Ed25519PrivateKey& key) {
  if (!libcrypto::api()) return {};
  Pkey k = raw_private(key);
  std::unique_ptr<BIO, BioFree> b(LC.BIO_new(LC.BIO_s_mem()));
  if (!k || !b || LC.PEM_write_bio_PrivateKey(b.get(), k.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    LC.ERR_clear_error();
    return {};
  }
  return bio_text(b.get());
}

std::string ed25519_public_pem(const Ed25519PublicKey& key) {
  if (!libcrypto::api()) return {};
  Pkey k = raw_public(key);
  std::unique_ptr<BIO, BioFree> b(LC.BIO_new(LC.BIO_s_mem()));
  if (!k || !b || LC.PEM_write_bio_PUBKEY(b.get(), k.get()) != 1) {
    LC.ERR_clear_error();
    return {};
  }
  return bio_text(b.get());
}

Result<Ed25519PrivateKey> parse_ed25519_private_pem(std::string_view pem, const std::string& origin) {
  PROFILE_TRY(libcrypto::api());
  PROFILE_TRY(block, read_pem_block(pem, origin));
  struct Wipe {
    std::string& s;
    ~Wipe() {
      if (!s.empty()) explicit_bzero(&s[0], s.size());
    }
  } wipe{block.der};
  if (block.label == "PUBLIC KEY")
    return make_error(origin + ": is a public key; signing needs the private key (the file without .pub)");
  if (block.label == "ENCRYPTED PRIVATE KEY")
    return make_error(origin + ": is an encrypted private key; profile reads unencrypted PKCS#8 keys only "
                               "(keep the file mode 0600)");
  if (block.label != "PRIVATE KEY") return wrong_label(block, origin, "an Ed25519 'PRIVATE KEY' (PKCS#8)");
  const auto* p = reinterpret_cast<const unsigned char*>(block.der.data());
  Pkey k(LC.d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(block.der.size())));
  if (!k) {
    LC.ERR_clear_error();
    return make_error(origin + ": the PRIVATE KEY block does not hold a valid PKCS#8 key");
  }
  if (p != reinterpret_cast<const unsigned char*>(block.der.data()) + block.der.size())
    return make_error(origin + ": the PRIVATE KEY block has bytes after the key");
  if (LC.EVP_PKEY_get_base_id(k.get()) != EVP_PKEY_ED25519)
    return make_error(origin + ": is a " + type_name(k.get()) + " key; profile signs with Ed25519 keys only");
  Ed25519PrivateKey out;
  size_t sl = out.seed.size(), pl = out.public_key.raw.size();
  if (LC.EVP_PKEY_get_raw_private_key(k.get(), out.seed.data(), &sl) != 1 ||
      LC.EVP_PKEY_get_raw_public_key(k.get(), out.public_key.raw.data(), &pl) != 1 || sl != kEd25519KeyBytes ||
      pl != kEd25519KeyBytes)
    return openssl_error(origin);
  return out;
}

Result<Ed25519PublicKey> parse_ed25519_public_pem(std::string_view pem, const std::string& origin) {
  PROFILE_TRY(libcrypto::api());
  PROFILE_TRY(block, read_pem_block(pem, origin));
  if (block.label == "PRIVATE KEY" || block.label == "ENCRYPTED PRIVATE KEY" ||
      block.label.find("PRIVATE KEY") != std::string::npos) {
    explicit_bzero(&block.der[0], block.der.size());
    return make_error(origin + ": is a private key; give the public key (the .pub file `profile keygen` wrote)");
  }
  if (block.label != "PUBLIC KEY") return wrong_label(block, origin, "an Ed25519 'PUBLIC KEY'");
  const auto* p = reinterpret_cast<const unsigned char*>(block.der.data());
  Pkey k(LC.d2i_PUBKEY(nullptr, &p, static_cast<long>(block.der.size())));
  if (!k) {
    LC.ERR_clear_error();
    return make_error(origin + ": the PUBLIC KEY block does not hold a valid public key");
  }
  if (p != reinterpret_cast<const unsigned char*>(block.der.data()) + block.der.size())
    return make_error(origin + ": the PUBLIC KEY block has bytes after the key");
  if (LC.EVP_PKEY_get_base_id(k.get()) != EVP_PKEY_ED25519)
    return make_error(origin + ": is a " + type_name(k.get()) + " key; profile verifies Ed25519 keys only");
  Ed25519PublicKey out;
  size_t pl = out.raw.size();
  if (LC.EVP_PKEY_get_raw_public_key(k.get(), out.raw.data(), &pl) != 1 || pl != kEd25519KeyBytes)
    return openssl_error(origin);
  return out;
}

std::string ed25519_fingerprint(const Ed25519PublicKey& key) {
  if (!libcrypto::api()) return "SHA256:?";
  Pkey k = raw_public(key);
  unsigned char* der = nullptr;
  int n = k ? LC.i2d_PUBKEY(k.get(), &der) : -1;
  std::string out = "SHA256:";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int ml = 0;
  if (n <= 0 || LC.EVP_Digest(der, static_cast<size_t>(n), md, &ml, LC.EVP_sha256(), nullptr) != 1) {
    LC.CRYPTO_free(der, OPENSSL_FILE, OPENSSL_LINE);
    LC.ERR_clear_error();
    return out + "?";
  }
  LC.CRYPTO_free(der, OPENSSL_FILE, OPENSSL_LINE);
  char b[3];
  for (unsigned i = 0; i < ml; ++i) {
    std::snprintf(b, sizeof b, "%02x", md[i]);
    out += b;
  }
  return out;
}

Result<std::string> ed25519_sign(const Ed25519PrivateKey& key, std::string_view message) {
  PROFILE_TRY(libcrypto::api());
  Pkey k = raw_private(key);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(LC.EVP_MD_CTX_new());
  // Ed25519 hashes internally: no digest is given (RFC 8032 "pure" mode).
  if (!k || !ctx || LC.EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, k.get()) != 1)
    return openssl_error("Ed25519 signing");
  std::string sig(kEd25519SignatureBytes, '\0');
  size_t len = sig.size();
  if (LC.EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(&sig[0]), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      len != kEd25519SignatureBytes)
    return openssl_error("Ed25519 signing");
  return sig;
}

bool ed25519_verify(const Ed25519PublicKey& key, std::string_view message, std::string_view signature) {
  if (!libcrypto::api()) return false;  // fails closed
  if (signature.size() != kEd25519SignatureBytes) return false;
  Pkey k = raw_public(key);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(LC.EVP_MD_CTX_new());
  bool ok = k && ctx && LC.EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, k.get()) == 1 &&
            LC.EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  LC.ERR_clear_error();
  return ok;
}

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += kB64[(v >> s) & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    unsigned v = at(i) << 16;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    unsigned v = (at(i) << 16) | (at(i + 1) << 8);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view text, std::string* out) {
  out->clear();
  if (text.size() % 4 != 0) return false;
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (c == '=' && last && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return false;  // a character after padding
      v[j] = b64_value(c);
      if (v[j] < 0) return false;
    }
    unsigned w = (unsigned(v[0]) << 18) | (unsigned(v[1]) << 12) | (unsigned(v[2]) << 6) | unsigned(v[3]);
    // Non-zero bits under the padding would give a second spelling.
    if ((pad == 1 && (w & 0xff) != 0) || (pad == 2 && (w & 0xffff) != 0)) return false;
    out->push_back(static_cast<char>(w >> 16));
    if (pad < 2) out->push_back(static_cast<char>((w >> 8) & 0xff));
    if (pad < 1) out->push_back(static_cast<char>(w & 0xff));
  }
  return true;
}

}  // namespace profile
