// OpenSSL's libcrypto, opened when first needed rather than at start-up.
//
// Linked the usual way, libcrypto.so.3 costs every `profile` process its
// ~21k relocations before main(): about 4-8 ms of a `profile --version` that
// takes 12-17 ms on the 2-CPU VM (docs/benchmarks.md), which `record`
// paid before loading a single program. Only signing, verifying and the
// SHA-256 of a profile directory's manifest use it; `record` starts opening
// it on a thread of its own while the workload runs (preload()).
#pragma once

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/error.h"

namespace profile::libcrypto {

// The functions used, by their own names and types.
#define PROFILE_LIBCRYPTO_FUNCTIONS(X)                                                                  \
  X(BIO_ctrl) X(BIO_free) X(BIO_new) X(BIO_new_mem_buf) X(BIO_read) X(BIO_s_mem) X(ERR_clear_error)   \
  X(ERR_error_string_n) X(ERR_get_error) X(EVP_Digest) X(EVP_DigestSign) X(EVP_DigestSignInit)        \
  X(EVP_DigestVerify) X(EVP_DigestVerifyInit) X(EVP_MD_CTX_new) X(EVP_MD_CTX_free) X(EVP_PKEY_CTX_new_id) \
  X(EVP_PKEY_CTX_free) X(EVP_PKEY_get_base_id) X(EVP_PKEY_free) X(EVP_PKEY_get0_type_name) X(EVP_PKEY_get_raw_private_key)     \
  X(EVP_PKEY_get_raw_public_key) X(EVP_PKEY_keygen) X(EVP_PKEY_keygen_init)                            \
  X(EVP_PKEY_new_raw_private_key) X(EVP_PKEY_new_raw_public_key) X(EVP_sha256) X(OPENSSL_cleanse)      \
  X(CRYPTO_free) X(PEM_read_bio) X(PEM_write_bio_PUBKEY) X(PEM_write_bio_PrivateKey)                   \
  X(d2i_AutoPrivateKey) X(d2i_PUBKEY) X(i2d_PUBKEY)

struct Api {
#define PROFILE_LIBCRYPTO_MEMBER(name) decltype(&::name) name = nullptr;
  PROFILE_LIBCRYPTO_FUNCTIONS(PROFILE_LIBCRYPTO_MEMBER)
#undef PROFILE_LIBCRYPTO_MEMBER
};

// The library's functions, opened once (thread-safe); an error names the
// library and the missing symbol.
Result<const Api*> api();

// api() after a successful api(): for deleters and helpers that only run
// once something was made with the library.
const Api& loaded();

// Starts api() on a detached thread, so that a later call finds it done.
void preload();

}  // namespace profile::libcrypto
