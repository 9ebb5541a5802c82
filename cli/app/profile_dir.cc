#include "cli/app/profile_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "profilegen/arch_translate.h"
#include "profilegen/profile_yaml.h"
#include "profilegen/render.h"
#include "core/file_io.h"
#include "core/parallel.h"
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
  {
    // Megabytes each for a large profile: hashed on two threads.
    std::vector<std::string> hex(files->size());
    run_two_lanes(files->size(), [&](size_t i) { hex[i] = sha256_hex((*files)[i].content); });
    for (size_t i = 0; i < files->size(); ++i) digests[(*files)[i].name] = std::move(hex[i]);
  }
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
  std::string manifest = render_manifest(digests);
  std::vector<TemporaryContent> order;
  order.push_back({dir + "/" + kManifestName, &manifest});
  for (const auto& f : *files)
    if (f.name == "profile.json") order.push_back({dir + "/" + f.name, &f.content});
  for (const auto& f : *files)
    if (f.name != "profile.json") order.push_back({dir + "/" + f.name, &f.content});
  if (coverage != nullptr) order.push_back({dir + "/" + kCoverageName, coverage});
  PROFILE_TRY(pending, write_temporaries(order));
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

void end_phase_timing(const char* what, const Reporter& reporter) {
  static const bool on = getenv("PROFILE_EBPF_TIMING") != nullptr;
  if (!on) return;
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  long long cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000ll + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  struct timespec mono {};
  clock_gettime(CLOCK_MONOTONIC, &mono);
  long long mono_us = static_cast<long long>(mono.tv_sec) * 1000000ll + mono.tv_nsec / 1000;
  report(reporter, std::string(what) + " at monotonic " + std::to_string(mono_us) + " us (cpu " +
                       std::to_string(cpu_us) + " us, peak rss " + std::to_string(ru.ru_maxrss) + " kB)");
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

namespace {
// write_profile_dir of `p` with `yaml` applied.
Status write_with_yaml_applied(const std::string& dir, const ProfileYamlFile& yaml, const Profile& p,
                              const Reporter& reporter, Profile* written, const std::string* coverage,
                                   const std::set<std::string>& add_arches) {
  std::vector<std::string> notes;
  PROFILE_TRY(changed, apply_profile_yaml(p, yaml.parsed, &notes));
  for (const auto& n : notes) report(reporter, n);
  report(reporter, "applied " + yaml.parsed.origin + " (" + std::to_string(yaml.parsed.add.size()) + " to add, " +
                       std::to_string(yaml.parsed.remove.size()) + " to remove)");
  PROFILE_TRY(write_profile_dir(dir, changed, &yaml.text, coverage, add_arches));
  if (written != nullptr) *written = std::move(changed);
  return {};
}
}  // namespace

Status write_profile_dir_with_yaml(const std::string& dir, const Profile& p, const Reporter& reporter,
                                   Profile* written, const std::string* coverage,
                                   const std::set<std::string>& add_arches) {
  PROFILE_TRY(yaml, read_profile_yaml(dir));
  if (!yaml) {
    if (written != nullptr) *written = p;
    return write_profile_dir(dir, p, nullptr, coverage, add_arches);
  }
  return write_with_yaml_applied(dir, *yaml, p, reporter, written, coverage, add_arches);
}

Status write_profile_dir_with_yaml(const std::string& dir, Profile&& p, const Reporter& reporter, Profile* written,
                                   const std::string* coverage, const std::set<std::string>& add_arches) {
  PROFILE_TRY(yaml, read_profile_yaml(dir));
  if (!yaml) {
    PROFILE_TRY(write_profile_dir(dir, p, nullptr, coverage, add_arches));
    if (written != nullptr) *written = std::move(p);
    return {};
  }
  return write_with_yaml_applied(dir, *yaml, p, reporter, written, coverage, add_arches);
}

}  // namespace profile
