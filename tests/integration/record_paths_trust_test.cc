// The recorders must never put into a policy a path the recorded call did
// not touch. The kernel follows a symbolic link before the ".." after it,
// so "L/../x" is beside L's target, not beside L: a path argument with a
// ".." after one of its own names cannot be resolved as text, and the
// workload controls both the name and the links.
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_util.h"

namespace profile::test {
namespace {

using nlohmann::json;

int depth(const std::string& path) {
  int n = 0;
  for (size_t i = 0; i < path.size(); ++i)
    if (path[i] == '/' && i + 1 < path.size() && path[i + 1] != '/') ++n;
  return n;
}

std::string real(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? std::string(buf) : p;
}

// S/w/<chain>/ with a decoy S/w/etc/passwd and S/w/L -> the chain's leaf,
// the chain deep enough that climbing out of L's target lands in S/w while
// the same climb read as text ends at "/": the reproducer of the issue.
struct Trap {
  TempDir tmp;
  std::string w, decoy, link;
  int climb = 0;  // number of ".." after L
  Trap() {
    std::string s = real(tmp.path());
    w = s + "/w";
    mkdir(w.c_str(), 0755);
    climb = depth(w) + 1 > 6 ? depth(w) + 1 : 6;
    std::string leaf = w;
    for (int i = 0; i < climb; ++i) {
      leaf += "/d" + std::to_string(i);
      mkdir(leaf.c_str(), 0755);
    }
    mkdir((w + "/etc").c_str(), 0755);
    decoy = w + "/etc/passwd";
    write_file(decoy, "decoy-content\n");
    link = w + "/L";
    if (symlink(leaf.c_str(), link.c_str()) != 0) ADD_FAILURE() << "symlink " << link;
  }
  // L/../../.../etc/passwd: the decoy for the kernel, /etc/passwd as text.
  std::string through_link() const {
    std::string p = link + "/";
    for (int i = 0; i < climb; ++i) p += "../";
    return p + "etc/passwd";
  }
};

struct Recording {
  CommandResult r;
  json profile;
  std::string landlock, apparmor;
};

// Records `cmd`; false when that failed (a failure is added) or when the
// backend cannot run here (*skip then says why).
bool record(const std::string& tracer, const std::string& dir, const std::vector<std::string>& cmd, Recording* out,
            std::string* skip) {
  std::vector<std::string> args = {"record", "--tracer", tracer, "-o", dir, "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  out->r = run_profile(args, 60);
  if (out->r.exit_code != 0) {
    if (tracer == "ebpf" && !require_privileged() && out->r.err.find("eBPF") != std::string::npos) {
      *skip = "the eBPF recorder cannot load on this kernel: " + out->r.err;
      return false;
    }
    ADD_FAILURE() << "record --tracer " << tracer << " exited " << out->r.exit_code << ": " << out->r.err;
    return false;
  }
  out->profile = json::parse(read_file(dir + "/profile.json"));
  out->landlock = read_file(dir + "/landlock.json");
  out->apparmor = read_file(dir + "/apparmor.profile");
  return true;
}

bool is_ancestor_or_self(const std::string& dir, const std::string& path) {
  if (dir == "/") return true;
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

// Every rule of the three file policies that would let the workload change
// `target`, as text for the failure message; empty when there is none.
std::string rules_granting_change(const Recording& rec, const std::string& target) {
  std::string found;
  for (const auto& f : rec.profile["files"]) {
    std::string path = f["path"].get<std::string>();
    bool covers = path == target || path.find('*') != std::string::npos;
    if (!covers) continue;
    for (const auto& a : f["access"]) {
      std::string s = a.get<std::string>();
      if (s != "read" && s != "list" && s != "execute" && s != "mmap_exec")
        found += " profile.json:" + path + ":" + s;
    }
  }
  auto ll = json::parse(rec.landlock);
  for (const auto& rule : ll["path_beneath"]) {
    std::string path = rule["path"].get<std::string>();
    if (!is_ancestor_or_self(path, target)) continue;
    for (const auto& a : rule["access"]) {
      std::string s = a.get<std::string>();
      if (s == "write_file" || s == "truncate" || s == "remove_file" || s == "make_reg")
        found += " landlock.json:" + path + ":" + s;
    }
  }
  size_t pos = 0;
  while (pos < rec.apparmor.size()) {
    size_t end = rec.apparmor.find('\n', pos);
    if (end == std::string::npos) end = rec.apparmor.size();
    std::string line = rec.apparmor.substr(pos, end - pos);
    pos = end + 1;
    size_t b = line.find_first_not_of(' ');
    if (b == std::string::npos || line.compare(b, 5, "deny ") == 0) continue;
    // A file rule is "PATH PERMS,"; a pattern covers what its literal
    // prefix (up to its first metacharacter) starts.
    std::string token = line.substr(b, line.find(' ', b) - b);
    if (token.empty() || token[0] != '/') continue;
    std::string literal = token.substr(0, token.find_first_of("*?[{@"));
    bool covers = token == target || (literal != token && target.compare(0, literal.size(), literal) == 0);
    std::string perms = line.substr(b + token.size());
    if (covers && perms.find_first_of("wa") != std::string::npos) found += " apparmor.profile:" + line.substr(b);
  }
  return found;
}

#define RECORD_OR_RETURN(cmd, rec)                           \
  do {                                                       \
    std::string skip_why;                                    \
    if (!record(GetParam(), out / "p", cmd, rec, &skip_why)) { \
      if (!skip_why.empty()) GTEST_SKIP() << skip_why;       \
      return;                                                \
    }                                                        \
  } while (0)

bool has_access(const Recording& rec, const std::string& path, const std::string& access) {
  for (const auto& f : rec.profile["files"])
    if (f["path"] == path)
      for (const auto& a : f["access"])
        if (a == access) return true;
  return false;
}

class RecordPathsTrust : public ::testing::TestWithParam<std::string> {};

TEST_P(RecordPathsTrust, DotDotAfterASymlinkNeverGrantsTheTextualPath) {
  PROFILE_NEEDS_ROOT();
  Trap trap;
  TempDir out;
  Recording rec;
  RECORD_OR_RETURN((std::vector<std::string>{helper("tp_pathop"), "truncate", trap.through_link()}), &rec);
  // The kernel truncated the decoy, not the host's file.
  EXPECT_EQ(read_file(trap.decoy), "decoy-");
  std::string granted = rules_granting_change(rec, "/etc/passwd");
  EXPECT_TRUE(granted.empty()) << "the profile lets the workload change /etc/passwd:" << granted;
  // Nor is the decoy guessed at: the call's file is unknown, and said so.
  EXPECT_FALSE(has_access(rec, trap.decoy, "write"));
  EXPECT_NE(rec.r.err.find("1 path argument(s) left out of the profile"), std::string::npos) << rec.r.err;
  EXPECT_NE(rec.r.err.find(trap.through_link()), std::string::npos) << rec.r.err;
  EXPECT_EQ(rec.profile["recording"]["complete"], true);
}

TEST_P(RecordPathsTrust, OtherPathCallsThroughTheLinkAreLeftOutToo) {
  PROFILE_NEEDS_ROOT();
  Trap trap;
  TempDir out;
  Recording rec;
  std::string through = trap.through_link();
  std::string dir = through.substr(0, through.size() - 6) + "newdir";  // .../etc/newdir
  RECORD_OR_RETURN((std::vector<std::string>{helper("tp_pathop"), "mkdir", dir}), &rec);
  struct stat st;
  EXPECT_EQ(stat((trap.w + "/etc/newdir").c_str(), &st), 0) << "the kernel made the directory in the decoy";
  for (const auto& f : rec.profile["files"]) {
    std::string path = f["path"].get<std::string>();
    EXPECT_NE(path, "/etc/newdir");
    EXPECT_NE(path, trap.w + "/etc/newdir");
  }
  EXPECT_NE(rec.r.err.find("left out of the profile"), std::string::npos) << rec.r.err;
}

TEST_P(RecordPathsTrust, DotDotOfTheWorkingDirectoryIsStillRecorded) {
  PROFILE_NEEDS_ROOT();
  Trap trap;
  TempDir out;
  Recording rec;
  // The cwd is a directory the kernel resolved: its parents are real.
  RECORD_OR_RETURN((std::vector<std::string>{helper("tp_pathop"), "-C", trap.w + "/d0/d1", "truncate",
                                              "../../etc/passwd"}),
                   &rec);
  EXPECT_EQ(read_file(trap.decoy), "decoy-");
  EXPECT_TRUE(has_access(rec, trap.decoy, "write")) << rec.profile["files"].dump();
  EXPECT_EQ(rec.r.err.find("left out of the profile"), std::string::npos) << rec.r.err;
  std::string granted = rules_granting_change(rec, "/etc/passwd");
  EXPECT_TRUE(granted.empty()) << granted;
}

TEST_P(RecordPathsTrust, OpenThroughTheLinkIsRecordedWhereTheKernelOpened) {
  PROFILE_NEEDS_ROOT();
  Trap trap;
  TempDir out;
  Recording rec;
  RECORD_OR_RETURN((std::vector<std::string>{helper("tp_pathop"), "open-write", trap.through_link()}), &rec);
  EXPECT_EQ(read_file(trap.decoy), "owned\n");
  EXPECT_TRUE(has_access(rec, trap.decoy, "write")) << rec.profile["files"].dump();
  std::string granted = rules_granting_change(rec, "/etc/passwd");
  EXPECT_TRUE(granted.empty()) << "the profile lets the workload change /etc/passwd:" << granted;
  EXPECT_EQ(rec.r.err.find("left out of the profile"), std::string::npos) << rec.r.err;
}

// The descriptor an open returned is looked at after the call, when
// another thread may have put a different file at its number: the path and
// the access must come from one and the same open file.
TEST_P(RecordPathsTrust, DescriptorSwappedByAnotherThreadIsNotPairedWithTheOpen) {
  PROFILE_NEEDS_ROOT();
  TempDir work;
  std::string dir = real(work.path());
  write_file(dir + "/secret", "secret\n");
  TempDir out;
  std::vector<std::string> args = {"record", "--allow-loss", "--tracer", GetParam(), "-o", out / "p", "--",
                                   helper("tp_fdswap"), dir, "3000"};
  auto r = run_profile(args, 120);
  if (r.exit_code != 0 && GetParam() == "ebpf" && !require_privileged())
    GTEST_SKIP() << "the eBPF recorder cannot load on this kernel: " << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Recording rec;
  rec.profile = json::parse(read_file(out / "p/profile.json"));
  EXPECT_EQ(read_file(dir + "/secret"), "secret\n");
  for (const char* access : {"write", "create"})
    EXPECT_FALSE(has_access(rec, dir + "/secret", access))
        << "the secret, only ever opened read-only, was recorded with " << access << ": "
        << rec.profile["files"].dump();
}

INSTANTIATE_TEST_SUITE_P(Tracers, RecordPathsTrust, ::testing::Values("ptrace", "ebpf"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace profile::test
