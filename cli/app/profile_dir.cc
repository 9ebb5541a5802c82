#include "cli/app/profile_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "profilegen/arch_translate.h"
#include "profilegen/profile_yaml.h"
#include "profilegen/render.h"
#include "core/file_io.h"
#include "core/unique_fd.h"

namespace profile {

namespace {
std::string errstr(int e) { return strerror(e); }

// The fixed contract of a profile directory (profilegen's registry); every
// manifest lists all of these.
bool is_profile_file(const std::string& name) {
  for (std::string_view f : profile_dir_files())
    if (name == f) return true;
  return false;
}

// FIPS 180-4.
class Sha256 {
 public:
  void update(const unsigned char* p, size_t n) {
    len_ += n;
    while (n > 0) {
      size_t take = std::min(n, sizeof buf_ - used_);
      memcpy(buf_ + used_, p, take);
      used_ += take;
      p += take;
      n -= take;
      if (used_ == sizeof buf_) {
        block(buf_);
        used_ = 0;
      }
    }
  }
  std::string hex() {
    uint64_t bits = len_ * 8;
    unsigned char pad = 0x80;
    update(&pad, 1);
    unsigned char zero = 0;
    while (used_ != 56) update(&zero, 1);
    unsigned char l[8];
    for (int i = 0; i < 8; ++i) l[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
    update(l, 8);
    std::string out;
    char b[9];
    for (uint32_t v : h_) {
      std::snprintf(b, sizeof b, "%08x", v);
      out += b;
    }
    return out;
  }

 private:
  static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
  void block(const unsigned char* p) {
    static constexpr uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    uint32_t w[64];
    for (int i = 0; i < 16; ++i)
      w[i] = (uint32_t{p[4 * i]} << 24) | (uint32_t{p[4 * i + 1]} << 16) | (uint32_t{p[4 * i + 2]} << 8) |
             uint32_t{p[4 * i + 3]};
    for (int i = 16; i < 64; ++i) {
      uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6], h = h_[7];
    for (int i = 0; i < 64; ++i) {
      uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h_[0] += a;
    h_[1] += b;
    h_[2] += c;
    h_[3] += d;
    h_[4] += e;
    h_[5] += f;
    h_[6] += g;
    h_[7] += h;
  }

  uint32_t h_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  unsigned char buf_[64];
  size_t used_ = 0;
  uint64_t len_ = 0;
};

std::string render_manifest(const std::map<std::string, std::string>& digests) {
  std::string out;
  for (const auto& [name, digest] : digests) out += digest + "  " + name + "\n";
  return out;
}

// The text of an optional file (profile.yaml, coverage.json), or nothing
// when there is none. The user's repository decides what is there, so the
// open must not block on a FIFO or read a device: only a regular file,
// bounded.
Result<std::optional<std::string>> read_optional_text(const std::string& path, size_t max_bytes) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return make_error("cannot open '" + path + "': " + errstr(errno));
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return make_error("cannot stat '" + path + "': " + errstr(errno));
  if (!S_ISREG(st.st_mode)) return make_error("'" + path + "' is not a regular file");
  PROFILE_TRY(out, read_fd_bounded(fd.get(), "'" + path + "'", max_bytes));
  return std::optional<std::string>(std::move(out));
}

Result<std::optional<std::string>> read_yaml_text(const std::string& path) {
  return read_optional_text(path, kMaxProfileYamlBytes);
}

}  // namespace

std::string cross_arch_file_name(const std::string& arch) { return "seccomp." + arch + ".json"; }

namespace {
// The architecture of a cross_arch_file_name(), or nothing.
std::optional<std::string> cross_arch_of(const std::string& name) {
  for (const auto& a : oci_arches())
    if (a.in_profiles && name == cross_arch_file_name(a.lib)) return std::string(a.lib);
  return std::nullopt;
}
}  // namespace

bool is_manifest_name(const std::string& name) {
  return is_profile_file(name) || name == kProfileYamlName || name == kCoverageName ||
         cross_arch_of(name).has_value();
}

// Parses SHA256SUMS strictly: it decides whether a profile is enforced, so
// anything but the exact lines we write is an error naming the line.
Result<std::map<std::string, std::string>> parse_manifest(const std::string& text, const std::string& path) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string where = path + ":" + std::to_string(n) + ": ";
    if (line.size() < 67 || line.compare(64, 2, "  ") != 0)
      return make_error(where + "expected '<sha256 in hex>  <file name>'");
    std::string digest = line.substr(0, 64), name = line.substr(66);
    for (char c : digest)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
        return make_error(where + "the digest is not 64 lowercase hex digits");
    if (!is_manifest_name(name))
      return make_error(where + "'" + name + "' is not a file of a profile directory");
    if (!out.emplace(name, digest).second) return make_error(where + "'" + name + "' is listed twice");
  }
  for (std::string_view f : profile_dir_files())
    if (!out.count(std::string(f))) return make_error(path + " has no entry for " + std::string(f));
  return out;
}

namespace {

// Names the files of `dir` whose content is not what the manifest says, in
// the manifest's order. Empty when the directory has no manifest. A
// profile.yaml counts as not matching when it is there and the manifest
// does not list it, or the other way round: the generated files then did
// not come from the changes it now holds.
Result<std::vector<std::string>> mismatched_files(const std::string& dir) {
  std::string mpath = dir + "/" + kManifestName;
  struct stat st;
  if (lstat(mpath.c_str(), &st) != 0 && errno == ENOENT) return std::vector<std::string>{};
  auto text = read_text_file(mpath, 1 << 16);
  if (!text) return text.error();
  auto manifest = parse_manifest(*text, mpath);
  if (!manifest) return manifest.error();
  std::vector<std::string> bad;
  if (!manifest->count(kProfileYamlName)) {
    std::string ypath = dir + "/" + kProfileYamlName;
    if (lstat(ypath.c_str(), &st) == 0 || errno != ENOENT) bad.push_back(kProfileYamlName);
  }
  for (const auto& [name, digest] : *manifest) {
    std::string path = dir + "/" + name;
    if (name == kProfileYamlName || name == kCoverageName) {
      auto y = read_optional_text(path, name == kCoverageName ? kMaxCoverageBytes : kMaxProfileYamlBytes);
      if (!y) return y.error();
      if (!*y || sha256_hex(**y) != digest) bad.push_back(name);
      continue;
    }
    auto content = read_text_file(path);
    if (!content) {
      if (access(path.c_str(), F_OK) != 0 && !is_profile_file(name))
        return make_error(path + " is missing (" + mpath + " lists it); `profile generate " + dir +
                          "` writes " + mpath + " again without it");
      if (access(path.c_str(), F_OK) != 0)
        return make_error(path + " is missing (" + mpath + " lists it); `profile generate " + dir +
                          "` writes it again from profile.json");
      return content.error();
    }
    if (sha256_hex(*content) != digest) bad.push_back(name);
  }
  return bad;
}

// Removes what a writer killed before its renames left behind: under the
// exclusive lock no other writer can own a temporary file here.
void remove_stale_temporaries(const std::string& dir) {
  std::vector<std::string> names(profile_dir_files().begin(), profile_dir_files().end());
  names.push_back(kManifestName);
  names.push_back(kCoverageName);
  for (const auto& a : oci_arches())
    if (a.in_profiles) names.push_back(cross_arch_file_name(a.lib));
  UniqueFd dfd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0) return;
  DIR* d = fdopendir(dup(dfd.get()));
  if (d == nullptr) return;
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    for (const auto& f : names)
      if (n.size() > f.size() + 5 && n.compare(0, f.size() + 5, f + ".tmp.") == 0) stale.push_back(n);
  }
  closedir(d);
  for (const auto& n : stale) unlinkat(dfd.get(), n.c_str(), 0);
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return h.hex();
}

Result<Profile> read_profile_dir(const std::string& dir, DirCheck check, const Reporter& reporter) {
  std::string path = dir + "/profile.json";
  std::optional<ProfileDirLock> lock;
  if (check == DirCheck::kAll) {
    // Shared: a writer renames its files one by one, and a loader must not
    // see the directory halfway. (kSource readers are writers that hold the
    // exclusive lock already, or an early check that is repeated under it.)
    auto l = ProfileDirLock::acquire(dir, false, reporter);
    if (!l) return l.error();
    lock.emplace(std::move(*l));
  }
  if (check != DirCheck::kNone) {
    auto bad = mismatched_files(dir);
    if (!bad) return bad.error();
    std::string manifest = dir + "/" + kManifestName;
    bool source_bad = false, yaml_bad = false;
    std::string other;
    for (const auto& n : *bad) {
      if (n == "profile.json")
        source_bad = true;
      else if (n == kProfileYamlName)
        yaml_bad = true;
      else if (other.empty())
        other = n;
    }
    // profile.yaml is a source like profile.json: `generate` applies it, so
    // only what is enforced must match it.
    if (check == DirCheck::kAll && yaml_bad && !source_bad && other.empty())
      return make_error(dir + "/" + kProfileYamlName +
                        " was added, changed or removed after the other files were generated (it does not match " +
                        manifest + "): run `profile generate " + dir + "` to apply it");
    if (check == DirCheck::kAll && source_bad && other.empty())
      return make_error(path + " was changed after the other files were generated from it (it does not match " +
                        manifest + "): run `profile generate " + dir + "` to render them again");
    if ((check == DirCheck::kAll && !other.empty()) || (check == DirCheck::kSource && source_bad && !other.empty()))
      return make_error(dir + "/" + other + " does not match " + manifest +
                        ": the directory mixes files of different generations (a write that was interrupted, "
                        "or a generated file edited by hand). Record the profile again, or edit profile.json and run "
                        "`profile generate " + dir + "`" +
                        (source_bad ? " (profile.json does not match either: `profile generate --force " + dir +
                                          "` renders everything from it as it is)"
                                    : ""));
  }
  auto text = read_text_file(path);
  if (!text) return text.error();
  return profile_from_json(*text, path);
}

Status write_profile_dir(const std::string& dir, const Profile& p, const std::string* applied_yaml,
                         const std::string* coverage, const std::set<std::string>& add_arches) {
  // Render everything first: a rendering error must not leave a directory
  // with some files new and some old.
  auto files = render_all(p);
  if (!files) return files.error();
  std::set<std::string> arches = add_arches;
  {
    int lfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* d = lfd < 0 ? nullptr : fdopendir(lfd);
    if (d == nullptr) {
      int e = errno;
      if (lfd >= 0) close(lfd);
      return make_error("cannot list '" + dir + "': " + errstr(e));
    }
    while (dirent* e = readdir(d))
      if (auto a = cross_arch_of(e->d_name)) arches.insert(*a);
    closedir(d);
  }
  for (const auto& arch : arches) {
    std::string name = cross_arch_file_name(arch);
    auto t = translate_profile(p, arch);
    if (!t) return with_context(t.error(), dir + "/" + name);
    auto text = render_seccomp(t->profile);
    if (!text) return with_context(text.error(), dir + "/" + name);
    files->push_back({name, std::move(*text)});
  }
  std::map<std::string, std::string> digests;
  for (const auto& f : *files) digests[f.name] = sha256_hex(f.content);
  if (applied_yaml != nullptr) digests[kProfileYamlName] = sha256_hex(*applied_yaml);
  if (coverage != nullptr) {
    digests[kCoverageName] = sha256_hex(*coverage);
  } else {
    // Kept as it is: a coverage.json left out of the manifest would make
    // the directory unsignable (`sign` refuses files the manifest does not
    // list) after any `generate` or `record --append`.
    PROFILE_TRY(kept, read_optional_text(dir + "/" + kCoverageName, kMaxCoverageBytes));
    if (kept) digests[kCoverageName] = sha256_hex(*kept);
  }
  remove_stale_temporaries(dir);
  // Every file durable under its temporary name before the first rename, so
  // that the renames, the only non-atomic part, take microseconds. The
  // manifest goes first and profile.json second: a writer killed between two
  // renames leaves files that do not match the manifest (refused by
  // `enforce`), and once profile.json is in place `generate` can finish the
  // job from it.
  std::vector<PendingFile> pending;
  auto discard = [&] {
    for (const auto& f : pending) unlink(f.tmp.c_str());
  };
  auto stage = [&](const std::string& name, const std::string& content) -> Status {
    auto f = write_temporary(dir + "/" + name, content);
    if (!f) return f.error();
    pending.push_back(std::move(*f));
    return {};
  };
  Status s = stage(kManifestName, render_manifest(digests));
  for (const auto& f : *files)
    if (s && f.name == "profile.json") s = stage(f.name, f.content);
  for (const auto& f : *files)
    if (s && f.name != "profile.json") s = stage(f.name, f.content);
  if (s && coverage != nullptr) s = stage(kCoverageName, *coverage);
  if (!s) {
    discard();
    return s;
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    auto c = commit_temporary(pending[i]);
    if (!c) {
      for (size_t j = i + 1; j < pending.size(); ++j) unlink(pending[j].tmp.c_str());
      return c;
    }
  }
  // The renames themselves durable (a power cut must not bring back the
  // old manifest with the new files).
  UniqueFd dfd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) fsync(dfd.get());
  return {};
}

Status check_output_dir(const std::string& dir, bool* missing) {
  *missing = false;
  if (dir.empty()) return make_error("the output directory is empty");
  struct stat st;
  std::string cur = dir;
  while (stat(cur.c_str(), &st) != 0) {
    // ENOTDIR: a component is a file; walking up names it.
    if (errno != ENOENT && errno != ENOTDIR) return make_error("output directory '" + dir + "': cannot stat '" + cur + "': " + errstr(errno));
    *missing = true;
    while (cur.size() > 1 && cur.back() == '/') cur.pop_back();
    auto slash = cur.find_last_of('/');
    if (slash == std::string::npos) {
      cur = ".";
    } else {
      cur = slash == 0 ? "/" : cur.substr(0, slash);
    }
  }
  if (!S_ISDIR(st.st_mode)) {
    if (!*missing) return make_error("output directory '" + dir + "' exists and is not a directory");
    return make_error("output directory '" + dir + "' cannot be created: '" + cur + "' is not a directory");
  }
  if (access(cur.c_str(), W_OK | X_OK) != 0)
    return make_error("output directory '" + dir + "'" + (*missing ? " cannot be created in '" + cur + "'" : "") +
                      ": " + errstr(errno));
  return {};
}

Status make_dirs(const std::string& dir) {
  std::string cur;
  size_t i = 0;
  while (i <= dir.size()) {
    size_t j = dir.find('/', i);
    if (j == std::string::npos) j = dir.size();
    cur = dir.substr(0, j);
    if (!cur.empty() && mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
      return make_error("cannot create directory '" + cur + "': " + errstr(errno));
    i = j + 1;
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return make_error("'" + dir + "' is not a directory");
  return {};
}

Result<ProfileDirLock> ProfileDirLock::acquire(const std::string& dir, bool exclusive, const Reporter& reporter) {
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return make_error("cannot open the profile directory '" + dir + "': " + errstr(errno));
  int op = exclusive ? LOCK_EX : LOCK_SH;
  if (flock(fd.get(), op | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return make_error("cannot lock '" + dir + "': " + errstr(errno));
    report(reporter, "waiting for the lock on " + dir + " held by another profile command");
    while (flock(fd.get(), op) != 0)
      if (errno != EINTR) return make_error("cannot lock '" + dir + "': " + errstr(errno));
  }
  return ProfileDirLock(fd.release());
}

ProfileDirLock::~ProfileDirLock() {
  if (fd_ >= 0) close(fd_);
}

Result<std::optional<ProfileYamlFile>> read_profile_yaml(const std::string& dir) {
  std::string path = dir + "/" + kProfileYamlName;
  PROFILE_TRY(text, read_yaml_text(path));
  if (!text) return std::optional<ProfileYamlFile>();
  PROFILE_TRY(parsed, parse_profile_yaml(*text, path));
  return std::optional<ProfileYamlFile>(ProfileYamlFile{std::move(*text), std::move(parsed)});
}

Status write_profile_dir_with_yaml(const std::string& dir, const Profile& p, const Reporter& reporter,
                                   Profile* written, const std::string* coverage,
                                   const std::set<std::string>& add_arches) {
  PROFILE_TRY(yaml, read_profile_yaml(dir));
  if (!yaml) {
    if (written != nullptr) *written = p;
    return write_profile_dir(dir, p, nullptr, coverage, add_arches);
  }
  std::vector<std::string> notes;
  PROFILE_TRY(changed, apply_profile_yaml(p, yaml->parsed, &notes));
  for (const auto& n : notes) report(reporter, n);
  report(reporter, "applied " + yaml->parsed.origin + " (" + std::to_string(yaml->parsed.add.size()) + " to add, " +
                       std::to_string(yaml->parsed.remove.size()) + " to remove)");
  PROFILE_TRY(write_profile_dir(dir, changed, &yaml->text, coverage, add_arches));
  if (written != nullptr) *written = std::move(changed);
  return {};
}

}  // namespace profile
