#include <gtest/gtest.h>

#include "profilegen/profile.h"
#include "profilegen/render.h"

namespace profile {
namespace {

Observations sample_observations() {
  Observations o;
  o.tracer = "ptrace";
  for (int nr : {0, 1, 2, 3, 59, 60, 231}) o.add_syscall("x86_64", nr);
  o.add_syscall("x86", 1);  // exit on i386
  o.args.insert(ArgValue{"x86_64", 41, 0, 2});
  o.add_file("/etc/passwd", kAccessRead);
  o.add_file("/tmp/out", kAccessWrite | kAccessCreate);
  o.sockets.insert(SocketUse{2, 1, 0});
  o.ports.insert(PortUse{PortUse::kBind, "tcp", 2, 8080});
  return o;
}

// The names of `arch` that came from the recording, not from a widening.
std::set<std::string> recorded_names(const Profile& p, const std::string& arch) {
  std::set<std::string> names = p.syscalls.at(arch);
  for (const auto& w : p.widenings)
    if (w.rule.rfind("syscall " + arch + " ", 0) == 0) names.erase(w.rule.substr(w.rule.rfind(' ') + 1));
  return names;
}

TEST(ProfileModel, NamesResolvedPerArchitecture) {
  auto p = profile_from_observations(sample_observations(), "demo");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(recorded_names(*p, "x86_64"),
            (std::set<std::string>{"read", "write", "open", "close", "execve", "exit", "exit_group"}));
  // Number 1 is write on x86_64 but exit on i386: never confused.
  EXPECT_EQ(recorded_names(*p, "x86"), (std::set<std::string>{"exit"}));
}

TEST(ProfileModel, JsonRoundTripIsExact) {
  auto p = profile_from_observations(sample_observations(), "demo");
  ASSERT_TRUE(p.ok());
  std::string text = profile_to_json(*p);
  auto back = profile_from_json(text, "profile.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, *p);
  EXPECT_EQ(profile_to_json(*back), text);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
}

TEST(ProfileModel, SameObservationsGiveByteIdenticalFiles) {
  auto a = profile_from_observations(sample_observations(), "demo");
  auto b = profile_from_observations(sample_observations(), "demo");
  ASSERT_TRUE(a.ok() && b.ok());
  auto fa = render_all(*a);
  auto fb = render_all(*b);
  ASSERT_TRUE(fa.ok() && fb.ok());
  ASSERT_EQ(fa->size(), fb->size());
  for (size_t i = 0; i < fa->size(); ++i) {
    EXPECT_EQ((*fa)[i].name, (*fb)[i].name);
    EXPECT_EQ((*fa)[i].content, (*fb)[i].content) << (*fa)[i].name;
  }
}

TEST(ProfileModel, UnknownSyscallNumberIsAnError) {
  Observations o;
  o.add_syscall("x86_64", 100000);
  auto p = profile_from_observations(o, "x");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("100000"), std::string::npos);
}

struct BadProfile {
  const char* text;
  const char* expected;  // substring of the message
};

class BadProfileTest : public ::testing::TestWithParam<BadProfile> {};

TEST_P(BadProfileTest, RejectedWithNamedValue) {
  auto r = profile_from_json(GetParam().text, "p.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(GetParam().expected), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.rfind("p.json", 0), 0u) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, BadProfileTest,
    ::testing::Values(
        BadProfile{"{", "invalid JSON"},
        BadProfile{R"({"schema":2,"name":"a","syscalls":{}})", "unsupported schema 2"},
        BadProfile{R"({"schema":1,"name":"a","syscalls":{"x86_64":["read","frobnicate"]}})", "frobnicate"},
        BadProfile{R"({"schema":1,"name":"a","syscalls":{"vax":["read"]}})", "vax"},
        BadProfile{R"({"schema":1,"name":"a","syscalls":{"x86_64":"read"}})", "expected an array"},
        BadProfile{R"({"schema":1,"name":"a","syscalls":{},"bogus":1})", "unknown key 'bogus'"},
        BadProfile{R"({"schema":1,"name":"a","syscalls":{},"capabilities":[{"name":"CAP_FLY"}]})", "CAP_FLY"},
        BadProfile{R"({"schema":1,"name":"a","syscalls":{},"files":[{"path":"rel","access":["read"]}]})",
                   "not absolute"},
        BadProfile{R"({"schema":1,"name":"a","syscalls":{},"files":[{"path":"/x","access":["fly"]}]})", "fly"},
        BadProfile{R"({"schema":1,"name":7,"syscalls":{}})", "expected a string"},
        BadProfile{R"({"schema":1,"name":"a","syscalls":{},"network":{"ports":[{"kind":"bind","protocol":"tcp","port":70000}]}})",
                   "out of range"},
        BadProfile{R"({"schema":1,"name":"a","syscalls":{},"network":{"sockets":[{"family":"martian","type":"stream"}]}})",
                   "martian"}));

TEST(ProfileModel, CapabilityNamesNormalised) {
  EXPECT_EQ(*normalise_cap_name("cap_net_bind_service"), "NET_BIND_SERVICE");
  EXPECT_EQ(*normalise_cap_name("SYS_ADMIN"), "SYS_ADMIN");
  EXPECT_FALSE(normalise_cap_name("NOT_A_CAP").ok());
}

TEST(ProfileModel, SeccompJsonIsPlainOciForm) {
  auto p = profile_from_observations(sample_observations(), "demo");
  ASSERT_TRUE(p.ok());
  auto s = render_seccomp(*p);
  ASSERT_TRUE(s.ok());
  EXPECT_NE(s->find("\"defaultAction\": \"SCMP_ACT_ERRNO\""), std::string::npos);
  EXPECT_NE(s->find("\"SCMP_ARCH_X86_64\""), std::string::npos);
  EXPECT_NE(s->find("\"SCMP_ARCH_X86\""), std::string::npos);
  EXPECT_NE(s->find("\"errnoRet\": 38"), std::string::npos);  // clone3 -> ENOSYS
  EXPECT_EQ(s->find("archMap"), std::string::npos);
  EXPECT_EQ(s->find("includes"), std::string::npos);
}

}  // namespace
}  // namespace profile

namespace profile {
namespace {
TEST(ProfileModel, X32NumbersWithoutTheX32BitResolve) {
  Observations o;
  o.add_syscall("x32", 0);   // read, as recorders report it (bit stripped)
  o.add_syscall("x32", 39);  // getpid
  auto p = profile_from_observations(o, "x");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(recorded_names(*p, "x32"), (std::set<std::string>{"read", "getpid"}));
}
}  // namespace
}  // namespace profile

namespace profile {
namespace {
TEST(ProfileModel, TimingDependentSyscallsAreImplied) {
  Observations o;
  auto nr = [](const char* n) { return *syscall_number("x86_64", n); };
  o.add_syscall("x86_64", nr("read"));
  auto plain = profile_from_observations(o, "x");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->syscalls["x86_64"].count("futex"));
  EXPECT_FALSE(plain->syscalls["x86_64"].count("rt_sigreturn"));
  EXPECT_TRUE(plain->syscalls["x86_64"].count("restart_syscall"));
  // A thread created with clone(CLONE_THREAD) may contend on a lock later.
  o.add_syscall("x86_64", nr("clone"));
  o.args.insert(ArgValue{"x86_64", nr("clone"), 0, 0x3d0f00});
  o.add_syscall("x86_64", nr("rt_sigaction"));
  auto threaded = profile_from_observations(o, "x");
  ASSERT_TRUE(threaded.ok());
  EXPECT_TRUE(threaded->syscalls["x86_64"].count("futex"));
  EXPECT_TRUE(threaded->syscalls["x86_64"].count("rt_sigreturn"));
  // fork-style clone (no CLONE_THREAD) implies no futex.
  Observations f;
  f.add_syscall("x86_64", nr("clone"));
  f.args.insert(ArgValue{"x86_64", nr("clone"), 0, 0x1200011});
  auto forked = profile_from_observations(f, "x");
  ASSERT_TRUE(forked.ok());
  EXPECT_FALSE(forked->syscalls["x86_64"].count("futex"));
}
}  // namespace
}  // namespace profile
