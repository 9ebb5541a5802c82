// Cross-architecture translation (profilegen/arch_translate): the table of
// equivalents resolves through libseccomp on every target, argument rules
// move to the target's positions and spellings, and what cannot be carried
// over fails the translation instead of producing a profile that cannot work.
#include <gtest/gtest.h>
#include <seccomp.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "profilegen/arch_translate.h"
#include "profilegen/render.h"

namespace profile {
namespace {

const char* const kTableArches[] = {"aarch64", "arm", "riscv64", "ppc64le", "s390x", "x86"};

bool resolves(const std::string& arch, const std::string& name) {
  int nr = seccomp_syscall_resolve_name_arch(seccomp_arch_resolve_name(arch.c_str()), name.c_str());
  // Below -10000: libseccomp's marker of a call the arch lacks; between it
  // and 0: a call reached through a multiplexer (socket via socketcall).
  return nr != __NR_SCMP_ERROR && nr > -10000;
}

const ArgRule* rule(const Profile& p, const std::string& arch, const std::string& sc, int index) {
  for (const auto& r : p.args)
    if (r.arch == arch && r.syscall == sc && r.index == index) return &r;
  return nullptr;
}

bool has(const Profile& p, const std::string& arch, const std::string& sc) {
  auto it = p.syscalls.find(arch);
  return it != p.syscalls.end() && it->second.count(sc);
}

TEST(ArchTranslate, EveryRowOfTheTableResolvesOnEveryTarget) {
  ASSERT_FALSE(equivalent_syscalls().empty());
  for (const auto& row : equivalent_syscalls()) {
    for (const char* arch : kTableArches) {
      auto names = target_names(row.from, arch);
      EXPECT_FALSE(names.empty()) << row.from << " has no equivalent on " << arch;
      for (const auto& n : names) EXPECT_TRUE(resolves(arch, n)) << row.from << " -> " << n << " on " << arch;
      // A replacement is used only where the call itself is missing.
      if (resolves(arch, row.from)) {
        EXPECT_EQ(names, std::vector<std::string>{row.from}) << row.from << " on " << arch;
      }
    }
    // No misspelt replacement: each exists on some architecture.
    for (const auto& r : row.to) {
      bool somewhere = resolves("x86_64", r.name);
      for (const char* arch : kTableArches) somewhere |= resolves(arch, r.name);
      EXPECT_TRUE(somewhere) << row.from << " -> " << r.name << " resolves nowhere";
    }
    // Argument moves stay inside the six registers.
    for (const auto& [a, b] : row.moves) {
      EXPECT_TRUE(a >= 0 && a <= 5 && b >= 0 && b <= 5) << row.from;
    }
  }
  // The calls aarch64 lacks that every x86_64 program makes or that the
  // issue names all have a row.
  for (const char* n : {"open", "stat", "lstat", "access", "pipe", "dup2", "fork", "vfork", "poll", "select",
                        "epoll_wait", "mkdir", "rename", "unlink", "rmdir", "readlink", "chmod", "chown", "lchown",
                        "link", "symlink", "getdents", "creat", "time", "getpgrp", "alarm", "pause", "utime",
                        "utimes", "eventfd", "signalfd", "inotify_init", "epoll_create"}) {
    EXPECT_FALSE(target_names(n, "aarch64").empty()) << n;
  }
  for (const auto& u : unneeded_elsewhere_syscalls())
    EXPECT_TRUE(resolves("x86_64", u.name) || resolves("x86", u.name)) << u.name;
}

TEST(ArchTranslate, TheIssuesExamplesMapToTheirModernCalls) {
  auto one = [](const char* from, const char* arch) { return target_names(from, arch); };
  EXPECT_EQ(one("open", "aarch64"), std::vector<std::string>{"openat"});
  EXPECT_EQ(one("stat", "aarch64"), std::vector<std::string>{"newfstatat"});
  EXPECT_EQ(one("lstat", "riscv64"), std::vector<std::string>{"newfstatat"});
  EXPECT_EQ(one("fstat", "aarch64"), std::vector<std::string>{"fstat"});
  EXPECT_EQ(one("access", "aarch64"), (std::vector<std::string>{"faccessat", "faccessat2"}));
  EXPECT_EQ(one("rename", "aarch64"), (std::vector<std::string>{"renameat", "renameat2"}));
  // riscv64 has no renameat at all.
  EXPECT_EQ(one("rename", "riscv64"), std::vector<std::string>{"renameat2"});
  EXPECT_EQ(one("fork", "aarch64"), std::vector<std::string>{"clone"});
  EXPECT_EQ(one("time", "aarch64"), std::vector<std::string>{"clock_gettime"});
  EXPECT_EQ(one("ioperm", "aarch64"), std::vector<std::string>{});
}

TEST(ArchTranslate, ArchitectureSpellingsAndUnknownOnes) {
  for (const char* s : {"aarch64", "arm64", "ARM64", "SCMP_ARCH_AARCH64"}) {
    auto a = parse_target_arch(s);
    ASSERT_TRUE(a.ok()) << s;
    EXPECT_EQ(*a, "aarch64") << s;
  }
  EXPECT_EQ(*parse_target_arch("amd64"), "x86_64");
  EXPECT_EQ(*parse_target_arch("i386"), "x86");
  EXPECT_EQ(*parse_target_arch("SCMP_ARCH_PPC64LE"), "ppc64le");
  auto bad = parse_target_arch("sparc64");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'sparc64'"), std::string::npos) << bad.error().message;
  EXPECT_EQ(bad.error().exit_code, 125);
  EXPECT_FALSE(parse_target_arch("").ok());
  EXPECT_EQ(compat_arches("aarch64"), std::vector<std::string>{"arm"});
  EXPECT_TRUE(compat_arches("riscv64").empty());
}

Profile x86_64_profile(std::set<std::string> names) {
  Profile p;
  p.name = "web";
  p.syscalls["x86_64"] = std::move(names);
  return p;
}

TEST(ArchTranslate, X86_64ToAarch64) {
  Profile p = x86_64_profile({"open", "stat", "fstat", "access", "read", "write", "exit_group", "arch_prctl",
                              "dup2", "pipe", "getdents64"});
  auto t = translate_profile(p, "aarch64");
  ASSERT_TRUE(t.ok()) << t.error().message;
  const Profile& q = t->profile;
  ASSERT_EQ(q.syscalls.size(), 1u);
  EXPECT_EQ(q.syscalls.at("aarch64"),
            (std::set<std::string>{"dup3", "exit_group", "faccessat", "faccessat2", "fstat", "getdents64",
                                   "newfstatat", "openat", "pipe2", "read", "write"}));
  // The replacements are narrowed to what the replaced calls did.
  ASSERT_NE(rule(q, "aarch64", "pipe2", 1), nullptr);
  EXPECT_EQ(rule(q, "aarch64", "pipe2", 1)->values, std::set<uint64_t>{0});
  ASSERT_NE(rule(q, "aarch64", "newfstatat", 3), nullptr);
  EXPECT_EQ(rule(q, "aarch64", "newfstatat", 3)->values, std::set<uint64_t>{0});
  // arch_prctl is x86's thread pointer: dropped with a note, not an error.
  bool noted = false;
  for (const auto& n : t->notes) noted |= n.find("arch_prctl") != std::string::npos;
  EXPECT_TRUE(noted);
  auto sec = render_seccomp(q);
  ASSERT_TRUE(sec.ok());
  auto j = nlohmann::json::parse(*sec);
  EXPECT_EQ(j["architectures"], nlohmann::json::array({"SCMP_ARCH_AARCH64"}));
}

TEST(ArchTranslate, ArgumentRulesMoveToTheTargetsPositionsAndSpelling) {
  Profile p = x86_64_profile({"open", "clone", "fork"});
  // open(path, flags): O_RDONLY|O_DIRECTORY|O_CLOEXEC in x86's spelling.
  constexpr uint64_t kX86Directory = 0200000, kArmDirectory = 040000, kCloexec = 02000000;
  p.args.insert(ArgRule{"x86_64", "open", 1, {kX86Directory | kCloexec, 0}});
  p.args.insert(ArgRule{"x86_64", "clone", 0, {0x3d0f00}});
  auto t = translate_profile(p, "aarch64");
  ASSERT_TRUE(t.ok()) << t.error().message;
  // open's flags argument 1 is openat's argument 2; O_DIRECTORY is 040000 on arm64.
  EXPECT_EQ(rule(t->profile, "aarch64", "open", 1), nullptr);
  const ArgRule* flags = rule(t->profile, "aarch64", "openat", 2);
  ASSERT_NE(flags, nullptr);
  EXPECT_EQ(flags->values, (std::set<uint64_t>{0, kArmDirectory | kCloexec}));
  // fork is clone(SIGCHLD): added to the recorded clone flags.
  const ArgRule* cl = rule(t->profile, "aarch64", "clone", 0);
  ASSERT_NE(cl, nullptr);
  EXPECT_EQ(cl->values, (std::set<uint64_t>{17, 0x3d0f00}));
  // On s390x clone's flags are its second argument; s390x has fork itself.
  auto s = translate_profile(p, "s390x");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(has(s->profile, "s390x", "fork"));
  EXPECT_EQ(rule(s->profile, "s390x", "clone", 0), nullptr);
  ASSERT_NE(rule(s->profile, "s390x", "clone", 1), nullptr);
  EXPECT_EQ(rule(s->profile, "s390x", "clone", 1)->values, std::set<uint64_t>{0x3d0f00});
  // s390x keeps open: the same values, the same position.
  ASSERT_NE(rule(s->profile, "s390x", "open", 1), nullptr);
  EXPECT_EQ(rule(s->profile, "s390x", "open", 1)->values, (std::set<uint64_t>{0, kX86Directory | kCloexec}));
}

TEST(ArchTranslate, ARuleThatCannotBeCarriedOverFailsUnlessAGrantCoversIt) {
  // mmap's arguments are in memory on s390x (old_mmap): its prot rule
  // cannot be kept there, and allowing every mmap would widen it.
  Profile p = x86_64_profile({"mmap", "read"});
  p.args.insert(ArgRule{"x86_64", "mmap", 2, {1, 3}});
  auto t = translate_profile(p, "s390x");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("x86_64 mmap argument 2"), std::string::npos) << t.error().message;
  EXPECT_EQ(t.error().exit_code, 125);
  // open's mode (argument 2) has no known meaning across arches; dropping
  // it is fine only because openat was recorded without any rule.
  Profile q = x86_64_profile({"open"});
  q.args.insert(ArgRule{"x86_64", "open", 2, {0644}});
  auto lost = translate_profile(q, "aarch64");
  ASSERT_FALSE(lost.ok());
  EXPECT_NE(lost.error().message.find("x86_64 open argument 2 -> aarch64 openat"), std::string::npos)
      << lost.error().message;
  q.syscalls["x86_64"].insert("openat");
  auto covered = translate_profile(q, "aarch64");
  ASSERT_TRUE(covered.ok()) << covered.error().message;
  EXPECT_TRUE(has(covered->profile, "aarch64", "openat"));
  EXPECT_EQ(rule(covered->profile, "aarch64", "openat", 3), nullptr);
  EXPECT_TRUE(covered->profile.args.empty());
}

TEST(ArchTranslate, CallsWithoutAnEquivalentAreAllListed) {
  Profile p = x86_64_profile({"read", "ioperm", "iopl", "modify_ldt"});
  auto t = translate_profile(p, "aarch64");
  ASSERT_FALSE(t.ok());
  for (const char* n : {"x86_64 ioperm", "x86_64 iopl", "x86_64 modify_ldt"})
    EXPECT_NE(t.error().message.find(n), std::string::npos) << t.error().message;
  EXPECT_EQ(t.error().message.find('\n'), std::string::npos);
}

TEST(ArchTranslate, CompatSectionsGoToTheTargetsCompatArch) {
  Profile p = x86_64_profile({"read", "exit_group"});
  p.syscalls["x86"] = {"getpid", "socketcall", "exit_group"};
  auto t = translate_profile(p, "aarch64");
  // arm has no socketcall: the i386 program's multiplexed sockets cannot run.
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("x86 socketcall"), std::string::npos) << t.error().message;
  p.syscalls["x86"].erase("socketcall");
  t = translate_profile(p, "aarch64");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_TRUE(has(t->profile, "arm", "getpid"));
  EXPECT_FALSE(has(t->profile, "aarch64", "getpid"));
  auto j = nlohmann::json::parse(*render_seccomp(t->profile));
  EXPECT_EQ(j["architectures"], nlohmann::json::array({"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
  // riscv64 runs no 32-bit processes: the section is left out, with a note.
  auto r = translate_profile(p, "riscv64");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->profile.syscalls.count("x86"), 0u);
  EXPECT_EQ(r->profile.syscalls.size(), 1u);
  EXPECT_FALSE(r->notes.empty());
}

TEST(ArchTranslate, AnotherWordSizeIsRefused) {
  auto t = translate_profile(x86_64_profile({"read"}), "arm");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("32-bit"), std::string::npos) << t.error().message;
}

TEST(ArchTranslate, TheSameArchitectureIsTheIdentity) {
  Profile p = x86_64_profile({"open", "read", "ioctl"});
  p.args.insert(ArgRule{"x86_64", "ioctl", 1, {0x5401}});
  p.args.insert(ArgRule{"x86_64", "open", 2, {0644}});
  auto t = translate_profile(p, "x86_64");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->profile.syscalls, p.syscalls);
  EXPECT_EQ(t->profile.args, p.args);
  EXPECT_TRUE(t->notes.empty());
  // ioctl request numbers are spelt differently on powerpc.
  auto ppc = translate_profile(p, "ppc64le");
  ASSERT_FALSE(ppc.ok());
  EXPECT_NE(ppc.error().message.find("x86_64 ioctl argument 1"), std::string::npos) << ppc.error().message;
}

}  // namespace
}  // namespace profile
