#include "cli/app/signing.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <set>

#include "cli/app/profile_dir.h"
#include "core/file_io.h"
#include "profilegen/profile.h"
#include "profilegen/profile_yaml.h"
#include "profilegen/render.h"

namespace profile {

namespace {

std::string errstr(int e) { return strerror(e); }

constexpr size_t kMaxKeyFileBytes = 64 << 10;
constexpr size_t kMaxSignatureFileBytes = 1 << 16;
// The largest file of a profile directory read for a signature check; the
// same bound as the unsigned read of profile.json.
constexpr size_t kMaxProfileFileBytes = 64 << 20;

// Reads `name` relative to `dirfd` (AT_FDCWD for a plain path) once: a
// regular file only (O_NONBLOCK: a FIFO must not hang us), bounded. With
// `no_follow` a symbolic link is refused. Sets *missing instead of failing
// when it does not exist and `missing` is given.
Result<std::string> read_once(int dirfd, const std::string& name, const std::string& shown, size_t max_bytes,
                              bool no_follow, bool* missing = nullptr) {
  if (missing != nullptr) *missing = false;
  int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (no_follow ? O_NOFOLLOW : 0);
  UniqueFd fd(openat(dirfd, name.c_str(), flags));
  if (fd.get() < 0) {
    if (errno == ENOENT && missing != nullptr) {
      *missing = true;
      return std::string();
    }
    if (errno == ELOOP && no_follow)
      return make_error(shown + " is a symbolic link: a signed profile directory holds regular files only");
    return make_error("cannot open " + shown + ": " + errstr(errno));
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return make_error("cannot stat " + shown + ": " + errstr(errno));
  if (!S_ISREG(st.st_mode)) return make_error(shown + " is not a regular file");
  return read_fd_bounded(fd.get(), shown, max_bytes);
}

bool is_signed_name(const std::string& name) { return name == kManifestName || is_manifest_name(name); }

// What a profile directory holds now, read once through one directory fd.
struct DirScan {
  std::map<std::string, std::string> files;  // the names a manifest can list, and SHA256SUMS
  std::vector<std::string> others;           // anything else (SIGNATURE aside), sorted
};

Result<UniqueFd> open_dir(const std::string& dir) {
  UniqueFd dfd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0) return make_error("cannot open the profile directory '" + dir + "': " + errstr(errno));
  return dfd;
}

// `dfd` is `dir` opened once: the signature and the files it covers come
// from the same directory even if its path is renamed meanwhile.
Result<DirScan> scan_dir(const UniqueFd& dfd, const std::string& dir) {
  int lfd = dup(dfd.get());
  DIR* d = lfd < 0 ? nullptr : fdopendir(lfd);
  if (d == nullptr) {
    if (lfd >= 0) close(lfd);
    return make_error("cannot list '" + dir + "': " + errstr(errno));
  }
  std::vector<std::string> names;
  errno = 0;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != ".." && n != kSignatureName) names.push_back(n);
    errno = 0;
  }
  int e = errno;
  closedir(d);
  if (e != 0) return make_error("cannot list '" + dir + "': " + errstr(e));
  std::sort(names.begin(), names.end());
  DirScan out;
  for (const auto& n : names) {
    if (!is_signed_name(n)) {
      out.others.push_back(n);
      continue;
    }
    PROFILE_TRY(bytes, read_once(dfd.get(), n, dir + "/" + n, kMaxProfileFileBytes, true));
    out.files.emplace(n, std::move(bytes));
  }
  return out;
}

enum class Change { kChanged, kAdded, kRemoved };
struct Difference {
  std::string name;
  Change change;
};

// How `scan` differs from the generation `manifest` (its text and parse)
// describes, in name order.
std::vector<Difference> differences(const std::string& manifest, const std::map<std::string, std::string>& digests,
                                    const DirScan& scan) {
  std::vector<Difference> out;
  std::set<std::string> names;
  for (const auto& [n, _] : digests) names.insert(n);
  for (const auto& [n, _] : scan.files) names.insert(n);
  for (const auto& n : scan.others) names.insert(n);
  names.insert(kManifestName);
  for (const auto& n : names) {
    auto have = scan.files.find(n);
    bool there = have != scan.files.end() || std::binary_search(scan.others.begin(), scan.others.end(), n);
    if (n == kManifestName) {
      if (have == scan.files.end())
        out.push_back({n, Change::kRemoved});
      else if (have->second != manifest)
        out.push_back({n, Change::kChanged});
      continue;
    }
    auto want = digests.find(n);
    if (want == digests.end()) {
      if (there) out.push_back({n, Change::kAdded});
    } else if (!there) {
      out.push_back({n, Change::kRemoved});
    } else if (sha256_hex(have->second) != want->second) {
      out.push_back({n, Change::kChanged});
    }
  }
  return out;
}

// One phrase per kind of difference, e.g. " was changed after signing".
struct Phrases {
  std::string changed, added, removed;
};

std::string describe(const std::string& dir, const std::vector<Difference>& diffs, const Phrases& p) {
  std::string out;
  for (const auto& d : diffs) {
    if (!out.empty()) out += "; ";
    out += dir + "/" + printable_message(d.name) +
           (d.change == Change::kChanged ? p.changed : d.change == Change::kAdded ? p.added : p.removed);
  }
  return out;
}

bool is_hex_lower(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// A new file next to `path` under a random name, created with `mode` and
// O_EXCL (nothing an attacker placed there is reused), content durable.
Result<std::string> write_new_temporary(const std::string& path, const std::string& content, mode_t mode) {
  std::string tmpl = path + ".tmp.XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  // mkostemp creates the file 0600 before any byte is written.
  UniqueFd fd(mkostemp(buf.data(), O_CLOEXEC));
  if (fd.get() < 0) return make_error("cannot create a temporary file next to '" + path + "': " + errstr(errno));
  std::string tmp = buf.data();
  auto fail = [&](const char* what) {
    int e = errno;
    unlink(tmp.c_str());
    return make_error(std::string("cannot ") + what + " '" + tmp + "': " + errstr(e));
  };
  if (fchmod(fd.get(), mode) != 0) return fail("chmod");
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = write(fd.get(), content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    off += static_cast<size_t>(n);
  }
  if (fsync(fd.get()) != 0 || close(fd.release()) != 0) return fail("write");
  return tmp;
}

// rename without replacing an existing file (unless `replace`): the check
// and the rename are one step, so a file created meanwhile is not lost.
Status install_file(const std::string& tmp, const std::string& path, bool replace) {
  int r = replace ? rename(tmp.c_str(), path.c_str())
                  : renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
  if (r != 0 && !replace && errno == EINVAL) {
    // A file system without RENAME_NOREPLACE: link() refuses an existing name too.
    r = link(tmp.c_str(), path.c_str());
    if (r == 0) unlink(tmp.c_str());
  }
  if (r != 0) {
    int e = errno;
    unlink(tmp.c_str());
    if (e == EEXIST) return make_error(path + " exists; --force replaces it");
    return make_error("cannot rename '" + tmp + "' to '" + path + "': " + errstr(e));
  }
  return {};
}

// What a signer killed before its rename left behind; under the exclusive
// lock no other signer can own one.
void remove_stale_signature_temporaries(const std::string& dir) {
  UniqueFd dfd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  int lfd = dfd.get() < 0 ? -1 : dup(dfd.get());
  DIR* d = lfd < 0 ? nullptr : fdopendir(lfd);
  if (d == nullptr) {
    if (lfd >= 0) close(lfd);
    return;
  }
  std::string prefix = std::string(kSignatureName) + ".tmp.";
  std::vector<std::string> stale;
  while (dirent* e = readdir(d))
    if (std::string(e->d_name).rfind(prefix, 0) == 0) stale.push_back(e->d_name);
  closedir(d);
  for (const auto& n : stale) unlinkat(dfd.get(), n.c_str(), 0);
}

void fsync_parent(const std::string& path) {
  auto slash = path.find_last_of('/');
  std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  UniqueFd dfd(open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) fsync(dfd.get());
}

}  // namespace

std::string signed_message(const std::string& manifest) { return std::string(kSignatureMagic) + "\n" + manifest; }

Result<SignatureFile> parse_signature_file(const std::string& text, const std::string& origin) {
  SignatureFile out;
  size_t pos = 0;
  int line_no = 0;
  auto next_line = [&](std::string* line) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) return false;
    *line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    return true;
  };
  auto where = [&] { return origin + ":" + std::to_string(line_no) + ": "; };
  std::string line;
  if (!next_line(&line) || line != kSignatureMagic) {
    if (line.rfind("profile-signature ", 0) == 0)
      return make_error(where() + "unsupported signature format " + quote_value(line, 60) + " (this profile reads '" +
                        kSignatureMagic + "')");
    return make_error(origin + ":1: not a profile signature file (expected the line '" + kSignatureMagic + "')");
  }
  if (!next_line(&line) || line.rfind("key SHA256:", 0) != 0 || line.size() != 11 + 64 || !is_hex_lower(line.substr(11)))
    return make_error(where() + "expected 'key SHA256:<64 lowercase hex digits>', found " + quote_value(line, 100));
  out.fingerprint = line.substr(4);
  if (!next_line(&line) || line.rfind("signature ", 0) != 0 || !base64_decode(line.substr(10), &out.signature) ||
      out.signature.size() != kEd25519SignatureBytes)
    return make_error(where() + "expected 'signature <base64 of a 64-byte Ed25519 signature>', found " +
                      quote_value(line, 120));
  if (!next_line(&line) || line != std::string("signed ") + kManifestName + ":")
    return make_error(where() + "expected 'signed " + kManifestName + ":', found " + quote_value(line, 60));
  out.manifest = text.substr(pos);
  if (out.manifest.empty() || out.manifest.back() != '\n')
    return make_error(origin + ": the signed " + kManifestName + " is empty or does not end with a newline");
  // Line numbers of the manifest part count from the signature file's start.
  auto files = parse_manifest(out.manifest, origin + " (signed " + kManifestName + " from line " +
                                                std::to_string(line_no + 1) + ")");
  if (!files) return files.error();
  out.files = std::move(*files);
  return out;
}

std::string render_signature_file(const SignatureFile& s) {
  return std::string(kSignatureMagic) + "\nkey " + s.fingerprint + "\nsignature " + base64_encode(s.signature) +
         "\nsigned " + kManifestName + ":\n" + s.manifest;
}

Result<Ed25519PrivateKey> read_private_key_file(const std::string& path) {
  PROFILE_TRY(text, read_once(AT_FDCWD, path, path, kMaxKeyFileBytes, false));
  auto key = parse_ed25519_private_pem(text, path);
  if (!text.empty()) explicit_bzero(&text[0], text.size());
  return key;
}

Result<Ed25519PublicKey> read_public_key_file(const std::string& path) {
  PROFILE_TRY(text, read_once(AT_FDCWD, path, path, kMaxKeyFileBytes, false));
  auto key = parse_ed25519_public_pem(text, path);
  if (!text.empty()) explicit_bzero(&text[0], text.size());
  return key;
}

Result<SignedProfileDir> read_signed_profile_dir(const std::string& dir, const Ed25519PublicKey& key,
                                                 const std::string& key_path) {
  std::string spath = dir + "/" + kSignatureName;
  PROFILE_TRY(dfd, open_dir(dir));
  bool missing = false;
  PROFILE_TRY(text, read_once(dfd.get(), kSignatureName, spath, kMaxSignatureFileBytes, true, &missing));
  if (missing)
    return make_error(dir + " is not signed (there is no " + spath + "); `profile sign --key KEY " + dir +
                          "` signs it",
                      kVerifyFailed);
  PROFILE_TRY(sig, parse_signature_file(text, spath));
  std::string want = ed25519_fingerprint(key);
  if (sig.fingerprint != want)
    return make_error(spath + " was made with the key " + sig.fingerprint + ", not with " + key_path + " (" + want +
                          ")",
                      kVerifyFailed);
  if (!ed25519_verify(key, signed_message(sig.manifest), sig.signature))
    return make_error(spath + ": the signature does not verify with " + key_path + " (" + want +
                          "): the signature file was altered",
                      kVerifyFailed);
  // Only now, with the signed manifest authentic, is the directory compared
  // against it; the bytes compared are the bytes handed out.
  PROFILE_TRY(scan, scan_dir(dfd, dir));
  auto diffs = differences(sig.manifest, sig.files, scan);
  if (!diffs.empty())
    return make_error(describe(dir, diffs,
                                   {" was changed after signing", " was added after signing",
                                    " was removed after signing"}) + " (" + spath + " covers what was signed; " +
                          "`profile sign` again once the change is reviewed)",
                      kVerifyFailed);
  SignedProfileDir out;
  out.fingerprint = want;
  out.files = std::move(scan.files);
  return out;
}

Result<std::string> required_signature_key(bool option_given, const std::string& option, const char* content_trust,
                                           const char* trust_key) {
  if (option_given) {
    if (option.empty()) return make_error("--require-signature: the public key file name is empty");
    return option;
  }
  std::string trust = content_trust != nullptr ? content_trust : "";
  if (trust.empty() || trust == "0" || trust == "false") return std::string();
  if (trust != "1" && trust != "true")
    return make_error("PROFILE_CONTENT_TRUST=" + quote_value(trust, 60) + ": expected 1 (or true) to require "
                      "signed profiles, 0 (or false) not to");
  std::string key = trust_key != nullptr ? trust_key : "";
  if (key.empty())
    return make_error("PROFILE_CONTENT_TRUST=" + trust + " requires signed profiles, but no public key is "
                      "configured: set PROFILE_TRUST_KEY=PUB or give --require-signature PUB");
  return key;
}

Result<SealedCopy> sealed_copy(const std::string& name, const std::string& bytes) {
  UniqueFd fd(memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (fd.get() < 0) return make_error("memfd_create for " + name + ": " + errstr(errno));
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = write(fd.get(), bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("cannot write the copy of " + name + ": " + errstr(errno));
    }
    off += static_cast<size_t>(n);
  }
  if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0)
    return make_error("cannot seal the copy of " + name + ": " + errstr(errno));
  SealedCopy out;
  out.path = "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(fd.get());
  out.fd = std::move(fd);
  return out;
}

}  // namespace profile

namespace profile::app {

Result<KeygenResult> keygen(const KeygenRequest& req) {
  if (req.path.empty()) return make_error("keygen: the key file name is empty");
  KeygenResult out{req.path, req.path + ".pub", ""};
  if (!req.force)
    for (const auto& p : {out.private_path, out.public_path}) {
      struct stat st;
      if (lstat(p.c_str(), &st) == 0) return make_error(p + " exists; --force replaces it");
    }
  PROFILE_TRY(key, ed25519_generate());
  std::string priv = ed25519_private_pem(key), pub = ed25519_public_pem(key.public_key);
  if (priv.empty() || pub.empty()) return make_error("keygen: cannot encode the new key as PEM");
  out.fingerprint = ed25519_fingerprint(key.public_key);
  auto priv_tmp = write_new_temporary(out.private_path, priv, 0600);
  explicit_bzero(&priv[0], priv.size());
  if (!priv_tmp) return priv_tmp.error();
  auto pub_tmp = write_new_temporary(out.public_path, pub, 0644);
  if (!pub_tmp) {
    unlink(priv_tmp->c_str());
    return pub_tmp.error();
  }
  if (auto s = install_file(*priv_tmp, out.private_path, req.force); !s) {
    unlink(pub_tmp->c_str());
    return s.error();
  }
  if (auto s = install_file(*pub_tmp, out.public_path, req.force); !s) {
    // The private key just installed has no public half: take it back.
    unlink(out.private_path.c_str());
    return s.error();
  }
  fsync_parent(out.private_path);
  fsync_parent(out.public_path);
  return out;
}

Result<SignResult> sign(const SignRequest& req, const Reporter& reporter) {
  // The key first: a bad key file is reported before the directory is locked.
  PROFILE_TRY(key, read_private_key_file(req.key));
  // Exclusive: no writer renames files while they are read, and two signers
  // do not interleave.
  PROFILE_TRY(lock, ProfileDirLock::acquire(req.dir, true, reporter));
  remove_stale_signature_temporaries(req.dir);
  PROFILE_TRY(dfd, open_dir(req.dir));
  PROFILE_TRY(scan, scan_dir(dfd, req.dir));
  std::string mpath = req.dir + "/" + kManifestName;
  auto manifest = scan.files.find(kManifestName);
  if (manifest == scan.files.end())
    return make_error(req.dir + " has no " + kManifestName + " (written before manifests existed): `profile generate " +
                      req.dir + "` writes one");
  PROFILE_TRY(digests, parse_manifest(manifest->second, mpath));
  auto diffs = differences(manifest->second, digests, scan);
  if (!diffs.empty())
    return make_error("not signing " + req.dir + ": " + describe(req.dir, diffs,
                               {" does not match " + mpath, " is not a file of the profile (" + mpath +
                                    " does not list it)", " is missing (" + mpath + " lists it)"}) +
                      "; `profile generate " + req.dir + "` writes the directory again from profile.json");
  // A directory that would not load is not worth a signature.
  PROFILE_TRY(profile_from_json(scan.files.at("profile.json"), req.dir + "/profile.json"));
  SignatureFile sig;
  sig.fingerprint = ed25519_fingerprint(key.public_key);
  sig.manifest = manifest->second;
  PROFILE_TRY(raw, ed25519_sign(key, signed_message(sig.manifest)));
  sig.signature = std::move(raw);
  PROFILE_TRY(write_file_atomic(req.dir + "/" + kSignatureName, render_signature_file(sig)));
  fsync_parent(req.dir + "/" + kSignatureName);
  return SignResult{sig.fingerprint, digests.size()};
}

Result<VerifyResult> verify(const VerifyRequest& req, const Reporter& reporter) {
  PROFILE_TRY(key, read_public_key_file(req.key));
  PROFILE_TRY(lock, ProfileDirLock::acquire(req.dir, false, reporter));
  PROFILE_TRY(signed_dir, read_signed_profile_dir(req.dir, key, req.key));
  return VerifyResult{signed_dir.fingerprint, signed_dir.files.size() - 1};
}

}  // namespace profile::app
