// The syscalls a profile allows beyond the recording: families, timing, the
// error path. Each one added is in `syscalls` and has exactly one widening.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "profilegen/profile.h"
#include "profilegen/render.h"
#include "profilegen/syscall_families.h"
#include "test_util.h"

namespace profile {
namespace {

const char* const kArches[] = {"x86_64", "x86", "x32"};

Observations recording(const std::string& arch, const std::vector<std::string>& names) {
  Observations o;
  for (const auto& n : names) {
    auto nr = syscall_number(arch, n);
    EXPECT_TRUE(nr.ok()) << n << " on " << arch;
    if (nr) o.add_syscall(arch, *nr);
  }
  return o;
}

Profile build(const Observations& o, bool exact = false) {
  BuildOptions opt;
  opt.exact = exact;
  auto p = profile_from_observations(o, "w", opt);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return p.ok() ? *p : Profile{};
}

const Widening* widening_of(const Profile& p, const std::string& arch, const std::string& name) {
  for (const auto& w : p.widenings)
    if (w.rule == "syscall " + arch + " " + name) return &w;
  return nullptr;
}

bool allows(const Profile& p, const std::string& arch, const std::string& name) {
  auto it = p.syscalls.find(arch);
  return it != p.syscalls.end() && it->second.count(name) > 0;
}

// Calls that must never come into a profile unless the workload made them:
// namespaces, mounts, modules, other processes, keyrings, credentials, the
// clock, rebooting, kernel programs. Written out here, independently of the
// generator's own list, which the test also holds against this one.
const std::set<std::string>& forbidden() {
  static const std::set<std::string> names = {
      "clone", "clone3", "unshare", "setns", "mount", "umount", "umount2", "pivot_root", "chroot", "fsopen",
      "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr", "init_module", "finit_module",
      "delete_module", "kexec_load", "kexec_file_load", "reboot", "ptrace", "process_vm_readv", "process_vm_writev",
      "pidfd_getfd", "kcmp", "bpf", "perf_event_open", "userfaultfd", "add_key", "request_key", "keyctl", "setuid",
      "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid", "setgroups", "setuid32",
      "setgid32", "setresuid32", "setgroups32", "capset", "prctl", "personality", "seccomp", "kill", "tkill",
      "tgkill", "pidfd_send_signal", "rt_sigqueueinfo", "settimeofday", "clock_settime", "adjtimex", "sethostname",
      "setdomainname", "swapon", "swapoff", "acct", "syslog", "iopl", "ioperm", "socketcall", "ipc", "ioctl",
      "open_by_handle_at", "quotactl", "vhangup", "modify_ldt", "fanotify_init"};
  return names;
}

// Docker's default profile: the names it allows every container, without
// conditions on arguments or capabilities, and the names it grants only
// with a capability.
struct DockerDefault {
  std::set<std::string> unconditional, cap_gated;
};
DockerDefault docker_default() {
  auto j = nlohmann::json::parse(test::read_file(std::string(PROFILE_FIXTURES_DIR) + "/docker-default-seccomp.json"));
  DockerDefault d;
  for (const auto& r : j.at("syscalls")) {
    bool plain = r.at("action") == "SCMP_ACT_ALLOW" && !r.contains("args") && !r.contains("includes") &&
                 !r.contains("excludes");
    bool caps = r.contains("includes") && r.at("includes").contains("caps");
    for (const auto& n : r.at("names")) {
      if (plain) d.unconditional.insert(n.get<std::string>());
      if (caps) d.cap_gated.insert(n.get<std::string>());
    }
  }
  for (const auto& n : d.unconditional) d.cap_gated.erase(n);
  return d;
}

// Everything the generator may add, on every architecture: each family's
// members and triggers, every call of the error path, and a recording that
// makes every timing rule fire.
Observations everything(const std::string& arch) {
  Observations o;
  auto add = [&](const std::string& n) {
    if (auto nr = syscall_number(arch, n)) o.add_syscall(arch, *nr);
  };
  for (const auto& f : syscall_families()) {
    for (const char* m : f.members) add(m);
    for (const char* t : f.triggers) add(t);
  }
  for (const char* n : {"rt_sigaction", "sigaction", "signal", "clone3", "fork", "vfork", "wait4"}) add(n);
  if (auto clone = syscall_number(arch, "clone")) {
    o.args.insert(ArgValue{arch, *clone, 0, 0x10000});  // a thread
    o.args.insert(ArgValue{arch, *clone, 0, 0x11});     // a process
  }
  return o;
}

TEST(SyscallFamilies, NoWideningEverAddsACallThatCrossesASecurityBoundary) {
  DockerDefault docker = docker_default();
  ASSERT_GT(docker.unconditional.size(), 300u);
  ASSERT_TRUE(docker.cap_gated.count("mount") && docker.cap_gated.count("bpf") && docker.cap_gated.count("clone3"));
  // The generator's own list covers this test's list and every call Docker
  // grants only with a capability.
  for (const auto& n : forbidden()) EXPECT_TRUE(never_widened_syscalls().count(n)) << n;
  for (const auto& n : docker.cap_gated) EXPECT_TRUE(never_widened_syscalls().count(n)) << n << " (Docker: cap-gated)";

  std::set<std::string> listed;
  for (const auto& f : syscall_families()) listed.insert(f.members.begin(), f.members.end());
  for (const auto& c : error_path_syscalls()) listed.insert(c.name);
  for (const auto& n : listed) {
    EXPECT_FALSE(forbidden().count(n)) << n;
    EXPECT_FALSE(never_widened_syscalls().count(n)) << n;
    EXPECT_TRUE(docker.unconditional.count(n)) << n << " is not allowed unconditionally by Docker's default profile";
  }
  // What the generator really adds, with every rule firing on every arch.
  // A forbidden name only where a recorded call already has all its power.
  std::map<std::string, std::string> subsumed;
  for (const auto& c : subsumed_syscalls()) subsumed[c.name] = c.by;
  EXPECT_EQ(subsumed, (std::map<std::string, std::string>{{"clone", "clone3"}}));
  for (const char* arch : kArches) {
    Profile p = build(everything(arch));
    for (const auto& w : p.widenings) {
      std::string name = w.rule.substr(w.rule.rfind(' ') + 1);
      if (subsumed.count(name)) {
        EXPECT_EQ(w.evidence, std::vector<std::string>{subsumed[name]}) << w.rule;
        continue;
      }
      EXPECT_FALSE(forbidden().count(name)) << w.rule;
      EXPECT_TRUE(docker.unconditional.count(name)) << w.rule << " is not allowed unconditionally by Docker";
    }
  }
}

TEST(SyscallFamilies, AForbiddenNameInATableIsNeverAdded) {
  // The generator's refusal is the mechanism, the tables only data: a
  // recorded trigger of the fork family never brings clone in.
  Profile p = build(recording("x86_64", {"fork"}));
  EXPECT_TRUE(allows(p, "x86_64", "vfork"));
  EXPECT_FALSE(allows(p, "x86_64", "clone"));
  EXPECT_FALSE(allows(p, "x86_64", "clone3"));
  Profile t = build(recording("x86_64", {"clone"}));
  EXPECT_FALSE(allows(t, "x86_64", "clone3")) << "seccomp.json answers clone3 with ENOSYS so glibc uses clone";
  // clone3 already has all the power of clone: a server whose threads came
  // from clone3 forks with glibc's fork(), which is clone.
  Profile c = build(recording("x86_64", {"clone3"}));
  EXPECT_TRUE(allows(c, "x86_64", "fork"));
  EXPECT_TRUE(allows(c, "x86_64", "vfork"));
  ASSERT_TRUE(allows(c, "x86_64", "clone"));
  EXPECT_EQ(widening_of(c, "x86_64", "clone")->evidence, (std::vector<std::string>{"clone3"}));
  EXPECT_FALSE(allows(build(recording("x86_64", {"clone3"}), true), "x86_64", "clone")) << "--exact";
}

TEST(SyscallFamilies, ATreeWalkReadsTheLinksOtherInputHas) {
  // tar recorded on a tree without symbolic links never read one.
  Profile p = build(recording("x86_64", {"getdents64", "newfstatat"}));
  EXPECT_TRUE(allows(p, "x86_64", "readlinkat"));
  EXPECT_TRUE(allows(p, "x86_64", "readlink"));
  EXPECT_EQ(widening_of(p, "x86_64", "readlinkat")->evidence, (std::vector<std::string>{"getdents64"}));
  EXPECT_FALSE(allows(build(recording("x86_64", {"newfstatat"})), "x86_64", "readlinkat"));
}

TEST(SyscallFamilies, EachMemberBringsTheOthersWithOneWideningNamingIt) {
  Profile p = build(recording("x86_64", {"readlink", "dup2", "pipe2", "epoll_wait", "nanosleep", "sendto",
                                         "recvmsg", "access", "getdents64", "rename", "unlink", "mkdir", "chdir"}));
  struct Expect {
    const char* added;
    std::vector<std::string> because;
  };
  for (const auto& e : std::vector<Expect>{{"readlinkat", {"getdents64", "readlink"}},
                                    {"dup", {"dup2"}},
                                    {"dup3", {"dup2"}},
                                    {"pipe", {"pipe2"}},
                                    {"poll", {"epoll_wait"}},
                                    {"ppoll", {"epoll_wait"}},
                                    {"select", {"epoll_wait"}},
                                    {"pselect6", {"epoll_wait"}},
                                    {"epoll_create1", {"epoll_wait"}},
                                    {"epoll_pwait2", {"epoll_wait"}},
                                    {"clock_nanosleep", {"nanosleep"}},
                                    {"sendmsg", {"sendto"}},
                                    {"sendmmsg", {"sendto"}},
                                    {"recvfrom", {"recvmsg"}},
                                    {"recvmmsg", {"recvmsg"}},
                                    {"faccessat", {"access"}},
                                    {"faccessat2", {"access"}},
                                    {"getdents", {"getdents64"}},
                                    {"renameat2", {"rename"}},
                                    {"unlinkat", {"unlink"}},
                                    {"rmdir", {"unlink"}},
                                    {"mkdirat", {"mkdir"}},
                                    {"fchdir", {"chdir"}},
                                    {"getcwd", {"chdir"}}}) {
    SCOPED_TRACE(e.added);
    EXPECT_TRUE(allows(p, "x86_64", e.added));
    const Widening* w = widening_of(p, "x86_64", e.added);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->kind, "syscall-family");
    EXPECT_EQ(w->evidence, e.because);
    EXPECT_NE(w->reason.find(" family ("), std::string::npos) << w->reason;
  }
  // Sending never brings receiving, nor the reverse: two jobs.
  Profile s = build(recording("x86_64", {"sendto"}));
  EXPECT_FALSE(allows(s, "x86_64", "recvfrom"));
  // A recorded call gets no widening.
  EXPECT_EQ(widening_of(p, "x86_64", "readlink"), nullptr);
}

TEST(SyscallFamilies, TheStatFamilyIsResolvedPerArchitecture) {
  Profile p = build(recording("x86_64", {"stat"}));
  for (const char* n : {"fstat", "lstat", "newfstatat", "statx"}) EXPECT_TRUE(allows(p, "x86_64", n)) << n;
  for (const char* n : {"stat64", "fstatat64", "lstat64"}) EXPECT_FALSE(allows(p, "x86_64", n)) << n;
  Profile i = build(recording("x86", {"fstatat64"}));
  for (const char* n : {"stat", "stat64", "lstat64", "fstat64", "statx"}) EXPECT_TRUE(allows(i, "x86", n)) << n;
  EXPECT_FALSE(allows(i, "x86", "newfstatat"));
  EXPECT_FALSE(i.syscalls.count("x86_64"));
  // Every name in the profile resolves on its architecture, so it reads
  // back and renders.
  auto back = profile_from_json(profile_to_json(i), "profile.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, i);
}

TEST(SyscallFamilies, CreatIsNotAnOpenAndOpenIsNotACreat) {
  Profile p = build(recording("x86_64", {"openat"}));
  EXPECT_TRUE(allows(p, "x86_64", "open"));
  EXPECT_TRUE(allows(p, "x86_64", "openat2"));
  EXPECT_FALSE(allows(p, "x86_64", "creat"));
  Profile c = build(recording("x86_64", {"creat"}));
  EXPECT_FALSE(allows(c, "x86_64", "open"));
  EXPECT_FALSE(allows(c, "x86_64", "openat"));
}

TEST(SyscallFamilies, ExactAddsNoFamilyMemberButKeepsTheErrorPathAndTiming) {
  Observations o = recording("x86_64", {"readlink", "rt_sigaction", "stat"});
  Profile wide = build(o);
  Profile exact = build(o, true);
  EXPECT_TRUE(allows(wide, "x86_64", "readlinkat"));
  EXPECT_FALSE(allows(exact, "x86_64", "readlinkat"));
  EXPECT_FALSE(allows(exact, "x86_64", "lstat"));
  for (const auto& w : exact.widenings) EXPECT_NE(w.kind, "syscall-family") << w.rule;
  for (const char* n : {"write", "exit_group", "rt_sigreturn", "restart_syscall", "rt_sigsuspend"})
    EXPECT_TRUE(allows(exact, "x86_64", n)) << n;
}

TEST(SyscallFamilies, EveryAddedCallHasExactlyOneWideningAndEveryWideningIsAllowed) {
  for (const char* arch : kArches) {
    SCOPED_TRACE(arch);
    Observations o = recording(arch, {"read"});
    Observations all = everything(arch);
    for (const Observations* rec : {&o, &all}) {
      Profile p = build(*rec);
      std::set<std::string> recorded;
      for (int nr : rec->syscalls.at(arch)) recorded.insert(*syscall_name(arch, nr));
      std::map<std::string, int> widened;
      for (const auto& w : p.widenings) {
        ASSERT_EQ(w.rule.rfind("syscall " + std::string(arch) + " ", 0), 0u) << w.rule;
        std::string name = w.rule.substr(w.rule.rfind(' ') + 1);
        ++widened[name];
        EXPECT_TRUE(allows(p, arch, name)) << w.rule;
        EXPECT_FALSE(recorded.count(name)) << w.rule << " was recorded";
        EXPECT_FALSE(w.reason.empty());
      }
      for (const auto& n : p.syscalls.at(arch)) {
        if (recorded.count(n)) continue;
        EXPECT_EQ(widened[n], 1) << n << " was added without exactly one widening";
      }
    }
  }
}

TEST(SyscallFamilies, TheErrorPathIsAlwaysAllowed) {
  // GNU grep recorded with its output on /dev/null writes nothing; under a
  // pipe it must still write its lines and its error messages.
  Profile p = build(recording("x86_64", {"read", "openat", "exit_group"}));
  for (const char* n : {"write", "writev", "close", "exit", "fstat", "newfstatat", "lseek"}) {
    SCOPED_TRACE(n);
    EXPECT_TRUE(allows(p, "x86_64", n));
    const Widening* w = widening_of(p, "x86_64", n);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->kind, "error-path");
    EXPECT_TRUE(w->evidence.empty());
  }
  EXPECT_EQ(widening_of(p, "x86_64", "exit_group"), nullptr) << "recorded, not widened";
  // i386 spells the probe and the seek its own way.
  Profile i = build(recording("x86", {"read"}));
  for (const char* n : {"write", "writev", "fstat64", "fstatat64", "_llseek", "exit_group"})
    EXPECT_TRUE(allows(i, "x86", n)) << n;
  EXPECT_FALSE(allows(i, "x86", "newfstatat"));
  // ioctl is never added: isatty's only failure is "not a terminal".
  EXPECT_FALSE(allows(p, "x86_64", "ioctl"));
}

TEST(SyscallFamilies, TimingDependentCallsFollowWhatMadeThemPossible) {
  Profile plain = build(recording("x86_64", {"read"}));
  for (const char* n : {"futex", "rt_sigreturn", "rt_sigsuspend", "pause", "wait4", "waitid"})
    EXPECT_FALSE(allows(plain, "x86_64", n)) << n;
  ASSERT_NE(widening_of(plain, "x86_64", "restart_syscall"), nullptr);
  EXPECT_EQ(widening_of(plain, "x86_64", "restart_syscall")->kind, "timing");

  // A shell that forked a job it ended up not waiting for: it reaps and
  // suspends only when the job outlives the moment it looks.
  Observations sh = recording("x86_64", {"clone", "rt_sigaction", "read"});
  sh.args.insert(ArgValue{"x86_64", *syscall_number("x86_64", "clone"), 0, 0x1200011});
  Profile p = build(sh, true);
  for (const char* n : {"wait4", "waitid", "rt_sigsuspend", "pause", "rt_sigreturn"}) {
    SCOPED_TRACE(n);
    ASSERT_NE(widening_of(p, "x86_64", n), nullptr);
    EXPECT_EQ(widening_of(p, "x86_64", n)->kind, "timing");
  }
  EXPECT_EQ(widening_of(p, "x86_64", "wait4")->evidence, (std::vector<std::string>{"clone without CLONE_THREAD"}));
  EXPECT_EQ(widening_of(p, "x86_64", "rt_sigsuspend")->evidence,
            (std::vector<std::string>{"rt_sigaction", "clone without CLONE_THREAD"}));
  EXPECT_FALSE(allows(p, "x86_64", "futex")) << "no thread was created";

  // Waiting for children without a handler still suspends.
  Profile w = build(recording("x86_64", {"wait4"}), true);
  EXPECT_TRUE(allows(w, "x86_64", "rt_sigsuspend"));
  EXPECT_FALSE(allows(w, "x86_64", "rt_sigreturn"));

  // Threads: futex, and on i386 also the 64-bit-time futex glibc 2.34+ uses.
  Observations t = recording("x86", {"clone"});
  t.args.insert(ArgValue{"x86", *syscall_number("x86", "clone"), 0, 0x3d0f00});
  Profile tp = build(t, true);
  EXPECT_TRUE(allows(tp, "x86", "futex"));
  EXPECT_TRUE(allows(tp, "x86", "futex_time64"));
  EXPECT_EQ(widening_of(tp, "x86", "futex")->evidence, (std::vector<std::string>{"clone with CLONE_THREAD"}));
}

TEST(SyscallFamilies, AddedCallsAreRenderedIntoSeccompJson) {
  Profile p = build(recording("x86_64", {"readlink"}));
  auto files = render_all(p);
  ASSERT_TRUE(files.ok()) << files.error().message;
  std::string seccomp;
  for (const auto& f : *files)
    if (f.name == "seccomp.json") seccomp = f.content;
  auto j = nlohmann::json::parse(seccomp);
  std::set<std::string> allowed;
  for (const auto& r : j.at("syscalls"))
    if (r.at("action") == "SCMP_ACT_ALLOW")
      for (const auto& n : r.at("names")) allowed.insert(n.get<std::string>());
  EXPECT_EQ(allowed, p.syscalls.at("x86_64"));
  EXPECT_TRUE(allowed.count("readlinkat"));
  EXPECT_TRUE(allowed.count("write"));
}

TEST(SyscallFamilies, EveryFamilyIsDocumented) {
  std::string doc = test::read_file(std::string(PROFILE_SOURCE_DIR) + "/docs/policy.md");
  auto section = doc.find("## Syscall families");
  ASSERT_NE(section, std::string::npos);
  std::string body = doc.substr(section);
  for (const auto& f : syscall_families()) {
    EXPECT_NE(body.find("| " + std::string(f.name) + " |"), std::string::npos) << f.name;
    for (const char* m : f.members) EXPECT_NE(body.find(std::string("`") + m + "`"), std::string::npos) << m;
  }
  for (const auto& c : error_path_syscalls())
    EXPECT_NE(body.find(std::string("`") + c.name + "`"), std::string::npos) << c.name;
}

}  // namespace
}  // namespace profile
