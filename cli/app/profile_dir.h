// Reading and writing profile directories. Every file is written to a
// temporary name and renamed, so a reader never sees a half-written file; a
// manifest (SHA256SUMS, `sha256sum -c` format) names the content of every file
// of one generation, so a directory whose writer died between two renames is
// recognised as a mix of two generations and refused instead of enforced.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/sha256.h"
#include "core/file_io.h"
#include "core/reporter.h"
#include "profilegen/profile.h"
#include "profilegen/profile_yaml.h"

namespace profile {

// The manifest of a profile directory.
inline constexpr const char* kManifestName = "SHA256SUMS";
// `profile merge`'s counts of how many inputs needed each rule. Nothing is
// enforced from it, but a reviewer reads it next to the profile, so the
// manifest lists it when it is there and a signature covers it.
inline constexpr const char* kCoverageName = "coverage.json";
// The largest coverage.json read back (a merge of many large profiles).
inline constexpr size_t kMaxCoverageBytes = 64 << 20;

// `generate --arch ARCH`'s seccomp.json for another architecture:
// "seccomp.aarch64.json". Rendered again with every generation of the
// directory, so it never lags behind profile.json.
std::string cross_arch_file_name(const std::string& arch);

// Whether SHA256SUMS may list `name`: the generated files
// (profile_dir_files()), profile.yaml, coverage.json and the cross-arch
// seccomp files.
bool is_manifest_name(const std::string& name);

// Lowercase hex SHA-256 of `data`: sha256_hex (core/sha256.h).

// Parses SHA256SUMS strictly (file name -> digest): it decides whether a
// profile is enforced, so anything but the exact lines we write is an error
// naming the line of `path`.
Result<std::map<std::string, std::string>> parse_manifest(const std::string& text, const std::string& path);


// How much of a directory must belong to the manifest's generation.
enum class DirCheck {
  // Every file matches SHA256SUMS: what `enforce` loads.
  kAll,
  // profile.json is a trustworthy source: it matches SHA256SUMS, or it is the
  // only file that does not (a hand edit, the documented way to change a
  // profile): what `generate` and `record --append` read.
  kSource,
  // No check (`generate --force`).
  kNone,
};

// Loads DIR/profile.json after checking the directory against its manifest.
// A directory without a manifest (written before manifests existed) is not
// checked. kAll takes the directory's shared lock while it reads; kSource
// callers hold the exclusive lock themselves (or repeat the read under it).
// `reporter` gets the note when the lock has to be waited for.
Result<Profile> read_profile_dir(const std::string& dir, DirCheck check = DirCheck::kAll,
                                 const Reporter& reporter = {});
// Renders every output of `p` and writes them into `dir`, which must exist.
// Callers hold the directory's exclusive lock. `applied_yaml`: the text of
// the profile.yaml applied to `p`, whose digest the manifest then lists.
// `coverage`: a new coverage.json written in the same generation; without
// it, a coverage.json already in `dir` (a regular file) is kept and listed
// as it is, so that re-rendering a merged directory keeps it signable.
// Every cross_arch_file_name() already in `dir`, and one for each of
// `add_arches`, is rendered from `p` translated to its architecture
// (profilegen/arch_translate.h); a translation that fails fails the write.
Status write_profile_dir(const std::string& dir, const Profile& p, const std::string* applied_yaml = nullptr,
                         const std::string* coverage = nullptr, const std::set<std::string>& add_arches = {});

// DIR/profile.yaml (profilegen/profile_yaml.h), its text and its parse.
struct ProfileYamlFile {
  std::string text;
  ProfileYaml parsed;
};
// Nothing when DIR has no profile.yaml; an error naming the file and line
// when it cannot be read or parsed (a regular file only, bounded).
Result<std::optional<ProfileYamlFile>> read_profile_yaml(const std::string& dir);
// write_profile_dir of `p` with DIR/profile.yaml (if any) applied, read
// under the caller's exclusive lock so the manifest lists the text that was
// applied. Notes (removals that removed nothing) go to `reporter`; the
// profile as written goes to *written.
Status write_profile_dir_with_yaml(const std::string& dir, const Profile& p, const Reporter& reporter,
                                   Profile* written, const std::string* coverage = nullptr,
                                   const std::set<std::string>& add_arches = {});
// The same, moving `p` into *written (no copy of a large profile).
Status write_profile_dir_with_yaml(const std::string& dir, Profile&& p, const Reporter& reporter,
                                   Profile* written, const std::string* coverage = nullptr,
                                   const std::set<std::string>& add_arches = {});

// PROFILE_EBPF_TIMING=1: "WHAT at monotonic N us (cpu, peak rss)" to
// `reporter`, the end phase of `record` split as the recorder splits its own.
void end_phase_timing(const char* what, const Reporter& reporter);

// Early check of an output directory, before a workload runs: it is a
// writable directory, or it can be created (its nearest existing ancestor is
// a writable directory). Sets *missing when it does not exist yet.
Status check_output_dir(const std::string& dir, bool* missing);
// mkdir -p.
Status make_dirs(const std::string& dir);

// flock() on the directory itself: no lock file to leave behind in a
// directory users commit. Writers take it exclusive, loaders shared. Sends
// one note to `reporter` when it has to wait.
class ProfileDirLock {
 public:
  static Result<ProfileDirLock> acquire(const std::string& dir, bool exclusive, const Reporter& reporter = {});
  ProfileDirLock(ProfileDirLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  ProfileDirLock& operator=(ProfileDirLock&&) = delete;
  ProfileDirLock(const ProfileDirLock&) = delete;
  ~ProfileDirLock();

 private:
  explicit ProfileDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace profile
