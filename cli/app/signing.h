// Signed profile directories (docs/signing.md): `profile keygen`, `sign`,
// `verify` and the check `enforce --require-signature` makes. The signature
// covers the directory's SHA256SUMS manifest, which names the digest of every
// file, and DIR/SIGNATURE carries a copy of the manifest it signed, so that a
// changed, added or removed file is named even when SHA256SUMS was rewritten.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/ed25519.h"
#include "core/error.h"
#include "core/reporter.h"
#include "core/unique_fd.h"

namespace profile {

inline constexpr const char* kSignatureName = "SIGNATURE";
// The first line of DIR/SIGNATURE; also the start of the signed message, so
// a signature made for anything else with the same key does not verify here.
inline constexpr const char* kSignatureMagic = "profile-signature v1";
// Exit status of `verify` when the directory is not signed by the key as it
// is now (125 stays "could not tell": unreadable key, malformed files).
inline constexpr int kVerifyFailed = 1;

// DIR/SIGNATURE:
//   profile-signature v1
//   key SHA256:<fingerprint, see ed25519_fingerprint>
//   signature <base64 Ed25519 signature of kSignatureMagic "\n" MANIFEST>
//   signed SHA256SUMS:
//   MANIFEST (the exact bytes of SHA256SUMS that were signed)
struct SignatureFile {
  std::string fingerprint;                   // "SHA256:..."
  std::string signature;                     // 64 raw bytes
  std::string manifest;                      // the signed SHA256SUMS text
  std::map<std::string, std::string> files;  // its parse: name -> digest
};
// Strict: errors name `origin` and the line.
Result<SignatureFile> parse_signature_file(const std::string& text, const std::string& origin);
std::string render_signature_file(const SignatureFile& s);
// The bytes the signature is made over.
std::string signed_message(const std::string& manifest);

// Key files: regular files, bounded, read without blocking on a FIFO.
Result<Ed25519PrivateKey> read_private_key_file(const std::string& path);
Result<Ed25519PublicKey> read_public_key_file(const std::string& path);

// The bytes of a profile directory that were checked against its signature,
// read once: the caller uses these and never opens the files again.
struct SignedProfileDir {
  std::string fingerprint;
  std::map<std::string, std::string> files;  // every file the signature covers, and SHA256SUMS
};
// Checks `dir` against DIR/SIGNATURE and `key` (read from `key_path`, named
// in messages). The caller holds the directory's lock. A directory that is
// not signed by the key as it is now gives an error with exit code
// kVerifyFailed naming each file changed, added or removed after signing.
Result<SignedProfileDir> read_signed_profile_dir(const std::string& dir, const Ed25519PublicKey& key,
                                                 const std::string& key_path);

// The public key `enforce` requires a signature by, or "" for none:
// --require-signature (when given) wins; otherwise PROFILE_CONTENT_TRUST
// ("1"/"true" on, unset/""/"0"/"false" off) with PROFILE_TRUST_KEY. Null
// pointers are unset variables.
Result<std::string> required_signature_key(bool option_given, const std::string& option, const char* content_trust,
                                           const char* trust_key);

// `bytes` in a sealed memfd (no write, grow or shrink possible any more),
// for a program that only takes a file name: /proc/PID/fd/N names it.
struct SealedCopy {
  UniqueFd fd;
  std::string path;
};
Result<SealedCopy> sealed_copy(const std::string& name, const std::string& bytes);

}  // namespace profile

namespace profile::app {

struct KeygenRequest {
  std::string path;  // the private key; the public key goes to PATH.pub
  bool force = false;
};
struct KeygenResult {
  std::string private_path, public_path, fingerprint;
};
// Refuses to replace either file unless `force`; both written to temporary
// names first (the private one created 0600) and renamed.
Result<KeygenResult> keygen(const KeygenRequest& req);

struct SignRequest {
  std::string key;  // private key file
  std::string dir;
};
struct SignResult {
  std::string fingerprint;
  size_t files = 0;
};
// Under the directory's exclusive lock: every file must match SHA256SUMS
// and no other file may be there; writes DIR/SIGNATURE.
Result<SignResult> sign(const SignRequest& req, const Reporter& reporter);

struct VerifyRequest {
  std::string key;  // public key file
  std::string dir;
};
struct VerifyResult {
  std::string fingerprint;
  size_t files = 0;
};
// Under the directory's shared lock. Error exit codes: kVerifyFailed when the
// directory is not signed by the key as it is now, 125 when it cannot tell.
Result<VerifyResult> verify(const VerifyRequest& req, const Reporter& reporter);

}  // namespace profile::app
