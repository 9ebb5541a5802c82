// Argument rules of seccomp.json, derived from profile.json's "arguments".
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "profilegen/lint.h"
#include "profilegen/profile.h"
#include "profilegen/render.h"
#include "profilegen/runtime_sets.h"
#include "profilegen/seccomp_args.h"

namespace profile {
namespace {

using nlohmann::json;

Profile base(std::set<std::string> names) {
  Profile p;
  p.name = "t";
  p.syscalls["x86_64"] = std::move(names);
  return p;
}

void arg(Profile* p, const std::string& name, int index, std::set<uint64_t> values, const std::string& arch = "x86_64") {
  p->args.insert(ArgRule{arch, name, index, std::move(values)});
}

json rendered(const Profile& p) {
  auto text = render_seccomp(p);
  EXPECT_TRUE(text.ok());
  return json::parse(*text);
}

// The names of the rule without conditions.
std::set<std::string> unconditional(const json& j) {
  std::set<std::string> out;
  for (const auto& r : j["syscalls"])
    if (r["action"] == "SCMP_ACT_ALLOW" && !r.contains("args"))
      for (const auto& n : r["names"]) out.insert(n.get<std::string>());
  return out;
}

// Each conditional allow rule of `name` as its list of (index, value, valueTwo, op).
using Cond = std::tuple<unsigned, uint64_t, uint64_t, std::string>;
std::set<std::vector<Cond>> conditions(const json& j, const std::string& name) {
  std::set<std::vector<Cond>> out;
  for (const auto& r : j["syscalls"]) {
    if (r["action"] != "SCMP_ACT_ALLOW" || !r.contains("args") || r["names"] != json::array({name})) continue;
    std::vector<Cond> c;
    for (const auto& a : r["args"])
      c.emplace_back(a["index"].get<unsigned>(), a["value"].get<uint64_t>(), a["valueTwo"].get<uint64_t>(),
                     a["op"].get<std::string>());
    out.insert(c);
  }
  return out;
}

// Emulates the kernel's evaluation of the rules of `name` for `args`.
bool allows(const json& j, const std::string& name, std::vector<uint64_t> args) {
  args.resize(6, 0);
  for (const auto& r : j["syscalls"]) {
    if (r["action"] != "SCMP_ACT_ALLOW") continue;
    bool named = false;
    for (const auto& n : r["names"]) named = named || n == name;
    if (!named) continue;
    if (!r.contains("args")) return true;
    bool all = true;
    for (const auto& a : r["args"]) {
      uint64_t v = args[a["index"].get<unsigned>()];
      uint64_t value = a["value"].get<uint64_t>(), two = a["valueTwo"].get<uint64_t>();
      bool hit = a["op"] == "SCMP_CMP_EQ" ? v == value : (v & value) == two;
      all = all && hit;
    }
    if (all) return true;
  }
  return false;
}

const std::string kEq = "SCMP_CMP_EQ", kMasked = "SCMP_CMP_MASKED_EQ";

TEST(SeccompArgs, SocketLimitedToRecordedFamiliesAndTypes) {
  Profile p = base({"socket", "read"});
  arg(&p, "socket", 0, {AF_UNIX, AF_INET});
  arg(&p, "socket", 1, {SOCK_STREAM, SOCK_DGRAM});
  p.network.sockets = {{"unix", "dgram", 0}, {"inet", "stream", 0}};
  json j = rendered(p);
  EXPECT_EQ(unconditional(j), std::set<std::string>({"read"}));
  EXPECT_TRUE(allows(j, "socket", {AF_UNIX, SOCK_DGRAM}));
  EXPECT_TRUE(allows(j, "socket", {AF_INET, SOCK_STREAM}));
  // Creation flags do not matter, whichever recorder stored the type.
  EXPECT_TRUE(allows(j, "socket", {AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC}));
  // UDP under a profile of unix datagrams and TCP: the example.
  EXPECT_FALSE(allows(j, "socket", {AF_INET, SOCK_DGRAM}));
  EXPECT_FALSE(allows(j, "socket", {AF_NETLINK, SOCK_RAW}));
  EXPECT_FALSE(allows(j, "socket", {AF_PACKET, SOCK_RAW}));
  // Upper bits of an int argument are ignored by the kernel, and by the rule.
  EXPECT_TRUE(allows(j, "socket", {(1ull << 32) | AF_INET, SOCK_STREAM}));
}

TEST(SeccompArgs, SocketTypeFromARawEbpfRecordingStillMatches) {
  // A recording that kept SOCK_CLOEXEC in the type (the eBPF recorder did).
  Profile p = base({"socket"});
  arg(&p, "socket", 0, {AF_INET6});
  arg(&p, "socket", 1, {SOCK_STREAM | SOCK_CLOEXEC});
  p.network.sockets = {{"inet6", "stream", 0}};
  json j = rendered(p);
  EXPECT_TRUE(allows(j, "socket", {AF_INET6, SOCK_STREAM}));
  EXPECT_TRUE(allows(j, "socket", {AF_INET6, SOCK_STREAM | SOCK_CLOEXEC}));
  EXPECT_FALSE(allows(j, "socket", {AF_INET6, SOCK_DGRAM}));
}

TEST(SeccompArgs, FamilyWithoutKnownTypesKeepsEveryType) {
  Profile p = base({"socket"});
  arg(&p, "socket", 0, {AF_UNIX});
  json j = rendered(p);
  EXPECT_EQ(conditions(j, "socket"), (std::set<std::vector<Cond>>{{{0, 0xffffffff, AF_UNIX, kMasked}}}));
  EXPECT_TRUE(allows(j, "socket", {AF_UNIX, SOCK_SEQPACKET}));
  EXPECT_FALSE(allows(j, "socket", {AF_INET, SOCK_STREAM}));
}

TEST(SeccompArgs, CallWithoutRecordedValuesStaysUnconditional) {
  // Hand-written or widened: nothing says what it needs.
  Profile p = base({"socket", "prctl", "personality", "unshare", "ioctl"});
  p.strict_args = true;
  json j = rendered(p);
  for (const char* n : {"socket", "prctl", "personality", "unshare", "ioctl"}) EXPECT_TRUE(unconditional(j).count(n)) << n;
  // One architecture without values is enough: rules are not per architecture.
  Profile two = base({"prctl"});
  two.syscalls["x86"] = {"prctl"};
  arg(&two, "prctl", 0, {PR_SET_NAME});
  EXPECT_TRUE(unconditional(rendered(two)).count("prctl"));
  arg(&two, "prctl", 0, {PR_GET_NAME}, "x86");
  json both = rendered(two);
  EXPECT_FALSE(unconditional(both).count("prctl"));
  EXPECT_TRUE(allows(both, "prctl", {PR_SET_NAME}));
  EXPECT_TRUE(allows(both, "prctl", {PR_GET_NAME}));
  EXPECT_FALSE(allows(both, "prctl", {PR_SET_DUMPABLE}));
}

TEST(SeccompArgs, CloneWithoutNamespaceFlagsUnlessRecorded) {
  const uint64_t thread = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
  Profile p = base({"clone"});
  arg(&p, "clone", 0, {thread, SIGCHLD});
  json j = rendered(p);
  EXPECT_EQ(conditions(j, "clone"), (std::set<std::vector<Cond>>{{{0, kCloneNamespaceFlags, 0, kMasked}}}));
  EXPECT_TRUE(allows(j, "clone", {thread}));
  EXPECT_TRUE(allows(j, "clone", {CLONE_VFORK | CLONE_VM | SIGCHLD}));
  for (uint64_t ns : {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWCGROUP})
    EXPECT_FALSE(allows(j, "clone", {SIGCHLD | ns})) << ns;
  // A recorded combination is allowed, exactly.
  Profile q = base({"clone"});
  arg(&q, "clone", 0, {SIGCHLD | CLONE_NEWNS | CLONE_NEWPID});
  json k = rendered(q);
  EXPECT_TRUE(allows(k, "clone", {SIGCHLD | CLONE_NEWNS | CLONE_NEWPID}));
  EXPECT_TRUE(allows(k, "clone", {SIGCHLD}));
  EXPECT_FALSE(allows(k, "clone", {SIGCHLD | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER}));
  EXPECT_FALSE(allows(k, "clone", {SIGCHLD | CLONE_NEWUSER}));
}

TEST(SeccompArgs, WidenedCloneCreatesNoNamespace) {
  // clone added by the fork family: no recorded values, still no namespaces.
  Profile p = base({"clone", "fork"});
  json j = rendered(p);
  EXPECT_FALSE(unconditional(j).count("clone"));
  EXPECT_TRUE(allows(j, "clone", {SIGCHLD}));
  EXPECT_FALSE(allows(j, "clone", {SIGCHLD | CLONE_NEWUSER}));
}

TEST(SeccompArgs, Clone3AnswersEnosysAndBringsClone) {
  Profile p = base({"clone3", "read"});
  arg(&p, "clone3", 0, {CLONE_VM | CLONE_THREAD});
  json j = rendered(p);
  EXPECT_FALSE(unconditional(j).count("clone3"));
  const json& last = j["syscalls"].back();
  EXPECT_EQ(last["names"], json::array({"clone3"}));
  EXPECT_EQ(last["errnoRet"], 38);
  // glibc's fallback must work.
  EXPECT_TRUE(allows(j, "clone", {CLONE_VM | CLONE_THREAD}));
  EXPECT_FALSE(allows(j, "clone", {CLONE_NEWUSER}));
}

TEST(SeccompArgs, Clone3WithRecordedNamespaceStaysAllowed) {
  Profile p = base({"clone3", "clone"});
  arg(&p, "clone3", 0, {CLONE_NEWUSER | CLONE_NEWNS});
  arg(&p, "clone", 0, {SIGCHLD});
  json j = rendered(p);
  EXPECT_TRUE(unconditional(j).count("clone3"));
  for (const auto& r : j["syscalls"]) EXPECT_NE(r["action"], "SCMP_ACT_ERRNO") << r.dump();
  EXPECT_FALSE(allows(j, "clone", {SIGCHLD | CLONE_NEWUSER}));
}

TEST(SeccompArgs, UnshareIncludesNewTime) {
  Profile p = base({"unshare"});
  arg(&p, "unshare", 0, {CLONE_FILES, CLONE_NEWNS});
  json j = rendered(p);
  EXPECT_TRUE(allows(j, "unshare", {CLONE_FILES}));
  EXPECT_TRUE(allows(j, "unshare", {CLONE_NEWNS}));
  EXPECT_TRUE(allows(j, "unshare", {CLONE_FS}));
  EXPECT_FALSE(allows(j, "unshare", {CLONE_NEWUSER}));
  EXPECT_FALSE(allows(j, "unshare", {0x80 /* CLONE_NEWTIME */}));
}

TEST(SeccompArgs, PersonalityAndPrctlToRecordedValues) {
  Profile p = base({"personality", "prctl"});
  arg(&p, "personality", 0, {0xffffffff});
  arg(&p, "prctl", 0, {PR_SET_NAME, PR_GET_DUMPABLE});
  json j = rendered(p);
  EXPECT_TRUE(allows(j, "personality", {0xffffffff}));
  EXPECT_FALSE(allows(j, "personality", {0x0040000 /* ADDR_NO_RANDOMIZE */}));
  EXPECT_TRUE(allows(j, "prctl", {PR_SET_NAME}));
  EXPECT_FALSE(allows(j, "prctl", {PR_SET_DUMPABLE}));
  EXPECT_FALSE(allows(j, "prctl", {PR_SET_SECCOMP}));
}

TEST(SeccompArgs, RuntimePrctlOptionsJoinTheRule) {
  Profile p = base({"prctl", "read"});
  arg(&p, "prctl", 0, {PR_SET_NAME});
  json without = rendered(p);
  EXPECT_FALSE(allows(without, "prctl", {PR_CAPBSET_DROP}));
  ASSERT_TRUE(apply_runtimes(&p, {"runc"}).ok());
  json j = rendered(p);
  for (uint64_t o : {PR_SET_NAME, PR_SET_KEEPCAPS, PR_CAPBSET_DROP, PR_CAP_AMBIENT}) EXPECT_TRUE(allows(j, "prctl", {o})) << o;
  EXPECT_FALSE(allows(j, "prctl", {PR_SET_DUMPABLE}));
  // A profile without prctl of its own: the runtime's options only.
  Profile q = base({"read"});
  ASSERT_TRUE(apply_runtimes(&q, {"crun"}).ok());
  json k = rendered(q);
  EXPECT_TRUE(allows(k, "prctl", {PR_CAP_AMBIENT}));
  EXPECT_FALSE(allows(k, "prctl", {PR_SET_NAME}));
}

TEST(SeccompArgs, StrictArgsOnlyWhenAsked) {
  Profile p = base({"ioctl", "mmap", "mprotect"});
  arg(&p, "ioctl", 1, {0x5401 /* TCGETS */});
  arg(&p, "mmap", 2, {PROT_READ, PROT_READ | PROT_EXEC});
  json loose = rendered(p);
  EXPECT_EQ(unconditional(loose), std::set<std::string>({"ioctl", "mmap", "mprotect"}));
  p.strict_args = true;
  json j = rendered(p);
  EXPECT_TRUE(unconditional(j).empty());
  EXPECT_TRUE(allows(j, "ioctl", {1, 0x5401}));
  EXPECT_FALSE(allows(j, "ioctl", {1, 0x5412 /* TIOCSTI */}));
  for (const char* n : {"mmap", "mprotect"}) {
    EXPECT_TRUE(allows(j, n, {0, 4096, PROT_READ | PROT_WRITE})) << n;
    EXPECT_TRUE(allows(j, n, {0, 4096, PROT_READ | PROT_EXEC})) << n;
    EXPECT_FALSE(allows(j, n, {0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC})) << n;
  }
}

TEST(SeccompArgs, StrictArgsSurvivesProfileJsonAndMerge) {
  Profile p = base({"ioctl"});
  EXPECT_EQ(profile_to_json(p).find("strict_args"), std::string::npos);
  p.strict_args = true;
  std::string text = profile_to_json(p);
  EXPECT_NE(text.find("\"strict_args\": true"), std::string::npos) << text;
  auto back = profile_from_json(text, "profile.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p);
  EXPECT_TRUE(merge_profiles(base({"read"}), p).strict_args);
  std::string bad = text;
  bad.replace(bad.find("\"strict_args\": true"), 19, "\"strict_args\": 1");
  auto refused = profile_from_json(bad, "profile.json");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("strict_args"), std::string::npos) << refused.error().message;
}

TEST(SeccompArgs, RenderIsDeterministicAndValidOci) {
  Profile p = base({"socket", "clone", "prctl", "personality"});
  arg(&p, "socket", 0, {AF_INET, AF_UNIX});
  arg(&p, "prctl", 0, {PR_SET_NAME});
  arg(&p, "personality", 0, {0});
  auto a = render_seccomp(p), b = render_seccomp(p);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, *b);
  json j = json::parse(*a);
  for (const auto& r : j["syscalls"]) {
    if (!r.contains("args")) continue;
    EXPECT_EQ(r["names"].size(), 1u);
    for (const auto& c : r["args"]) {
      EXPECT_EQ(c.size(), 4u);
      EXPECT_TRUE(c["op"] == kEq || c["op"] == kMasked);
      if (c["op"] == kMasked) {
        EXPECT_EQ(c["valueTwo"].get<uint64_t>() & ~c["value"].get<uint64_t>(), 0u);
      }
    }
  }
}

bool mentions(const std::vector<std::string>& findings, const std::string& what) {
  for (const auto& f : findings)
    if (f.find(what) != std::string::npos) return true;
  return false;
}

TEST(SeccompArgs, LintSaysWhenClone3IsAllowedWhole) {
  Profile p = base({"clone3"});
  arg(&p, "clone3", 0, {CLONE_VM | CLONE_THREAD});
  EXPECT_FALSE(mentions(lint_profile_grants(p), "clone3"));
  p.args.clear();
  arg(&p, "clone3", 0, {CLONE_VM | CLONE_THREAD, CLONE_NEWUSER});
  EXPECT_TRUE(mentions(lint_profile_grants(p), "allows clone3 on x86_64 with any flags"));
}

TEST(SeccompArgs, LintKnowsUnshareWithoutNamespaces) {
  Profile p = base({"unshare"});
  arg(&p, "unshare", 0, {CLONE_FILES});
  EXPECT_FALSE(mentions(lint_profile_grants(p), "unshare"));
  EXPECT_FALSE(mentions(lint_seccomp(*render_seccomp(p)), "unshare"));
  // Recorded creating one: the warning stays, on both.
  Profile q = base({"unshare"});
  arg(&q, "unshare", 0, {CLONE_FILES, CLONE_NEWNS});
  EXPECT_TRUE(mentions(lint_profile_grants(q), "allows unshare"));
  EXPECT_TRUE(mentions(lint_seccomp(*render_seccomp(q)), "allows unshare"));
  // No values: unconditional, warned.
  Profile r = base({"unshare"});
  EXPECT_TRUE(mentions(lint_profile_grants(r), "allows unshare"));
  EXPECT_TRUE(mentions(lint_seccomp(*render_seccomp(r)), "allows unshare"));
}

}  // namespace
}  // namespace profile
