// The plan step of the seccomp loader on its own: Docker's semantics
// (archMap, includes/excludes, default action, repeated argument indexes)
// on a hand-built decoded document, for a chosen native arch, capability
// set and kernel. No libseccomp call is made.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runner/seccomp_decode.h"
#include "runner/seccomp_plan.h"

namespace profile {
namespace {

SeccompSyscallDoc entry(const std::string& path, std::vector<std::string> names, uint32_t action) {
  SeccompSyscallDoc e;
  e.path = path;
  e.names = std::move(names);
  e.action = action;
  return e;
}

SeccompPlanInput x86_64_input() {
  SeccompPlanInput in;
  in.native_arch = "x86_64";
  in.caps = {"CHOWN", "SYS_ADMIN"};
  in.kernel = {5, 10};
  return in;
}

std::vector<std::string> rule_names(const SeccompPlan& p) {
  std::vector<std::string> out;
  for (const auto& r : p.rules) out.push_back(r.name);
  return out;
}

TEST(SeccompPlan, ArchMapTakesTheNativeEntryAndListedOnes) {
  SeccompDoc doc;
  doc.default_action = SCMP_ACT_ERRNO(1);
  doc.architectures = {"SCMP_ARCH_PPC64LE"};
  doc.arch_map = {{"SCMP_ARCH_X86_64", {"SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
                  {"SCMP_ARCH_AARCH64", {"SCMP_ARCH_ARM"}},   // neither native nor listed
                  {"SCMP_ARCH_PPC64LE", {"SCMP_ARCH_PPC64"}}};  // listed: brings its sub-arch
  auto p = plan_seccomp(doc, x86_64_input());
  EXPECT_EQ(p.arches, (std::vector<std::string>{"x86_64", "ppc64le", "x86", "x32", "ppc64"}));

  auto in = x86_64_input();
  in.native_arch = "aarch64";
  p = plan_seccomp(doc, in);
  EXPECT_EQ(p.arches, (std::vector<std::string>{"aarch64", "ppc64le", "arm", "ppc64"}));
}

TEST(SeccompPlan, IncludesNeedEveryConditionExcludesDropOnAny) {
  SeccompDoc doc;
  doc.default_action = SCMP_ACT_ERRNO(1);
  auto admin = entry("syscalls[0]", {"mount"}, SCMP_ACT_ALLOW);
  admin.includes = SeccompCondition{{"SYS_ADMIN"}, {"amd64"}, std::nullopt};
  auto two_caps = entry("syscalls[1]", {"bpf"}, SCMP_ACT_ALLOW);
  two_caps.includes = SeccompCondition{{"SYS_ADMIN", "BPF"}, {}, std::nullopt};
  auto other_arch = entry("syscalls[2]", {"s390_pci_mmio_read"}, SCMP_ACT_ALLOW);
  other_arch.includes = SeccompCondition{{}, {"s390x"}, std::nullopt};
  auto new_kernel = entry("syscalls[3]", {"clone3"}, SCMP_ACT_ALLOW);
  new_kernel.includes = SeccompCondition{{}, {}, SeccompKernelVersion{5, 11}};
  auto old_kernel = entry("syscalls[4]", {"openat2"}, SCMP_ACT_ALLOW);
  old_kernel.includes = SeccompCondition{{}, {}, SeccompKernelVersion{5, 6}};
  auto not_chown = entry("syscalls[5]", {"chown"}, SCMP_ACT_ALLOW);
  not_chown.excludes = SeccompCondition{{"CHOWN", "NET_ADMIN"}, {}, std::nullopt};  // either held: dropped
  auto not_arm = entry("syscalls[6]", {"getpid"}, SCMP_ACT_ALLOW);
  not_arm.excludes = SeccompCondition{{}, {"arm64"}, std::nullopt};  // not native: kept
  doc.syscalls = {admin, two_caps, other_arch, new_kernel, old_kernel, not_chown, not_arm};

  auto p = plan_seccomp(doc, x86_64_input());
  EXPECT_EQ(rule_names(p), (std::vector<std::string>{"mount", "openat2", "getpid"}));
  ASSERT_EQ(p.rules.size(), 3u);
  EXPECT_EQ(p.rules[1].path, "syscalls[4]");

  auto in = x86_64_input();
  in.caps = {"SYS_ADMIN", "BPF"};
  in.kernel = {6, 1};
  p = plan_seccomp(doc, in);
  EXPECT_EQ(rule_names(p), (std::vector<std::string>{"mount", "bpf", "clone3", "openat2", "chown", "getpid"}));
}

TEST(SeccompPlan, OverrideReplacesTheDefaultAndRulesRepeatingItAreDropped) {
  SeccompDoc doc;
  doc.default_action = SCMP_ACT_ERRNO(1);
  doc.flags = 2;
  doc.syscalls = {entry("syscalls[0]", {"read", "write"}, SCMP_ACT_ALLOW),
                  entry("syscalls[1]", {"ptrace"}, SCMP_ACT_ERRNO(1)),
                  entry("syscalls[2]", {"reboot"}, SCMP_ACT_LOG)};
  auto p = plan_seccomp(doc, x86_64_input());
  EXPECT_EQ(p.default_action, SCMP_ACT_ERRNO(1));
  EXPECT_EQ(p.flags, 2u);
  EXPECT_EQ(rule_names(p), (std::vector<std::string>{"read", "write", "reboot"}));

  auto in = x86_64_input();
  in.default_action_override = SCMP_ACT_LOG;
  p = plan_seccomp(doc, in);
  EXPECT_EQ(p.default_action, SCMP_ACT_LOG);
  EXPECT_EQ(rule_names(p), (std::vector<std::string>{"read", "write", "ptrace"}));
}

TEST(SeccompPlan, RepeatedArgumentIndexBecomesOneRulePerCondition) {
  SeccompDoc doc;
  doc.default_action = SCMP_ACT_ERRNO(1);
  auto pers = entry("syscalls[0]", {"personality"}, SCMP_ACT_ALLOW);
  pers.args = {{0, SCMP_CMP_EQ, 0, 0}, {0, SCMP_CMP_EQ, 8, 0}};
  auto clone = entry("syscalls[1]", {"clone"}, SCMP_ACT_ALLOW);
  clone.args = {{0, SCMP_CMP_MASKED_EQ, 0x7e020000, 0}, {1, SCMP_CMP_EQ, 0, 0}};
  doc.syscalls = {pers, clone};
  auto p = plan_seccomp(doc, x86_64_input());
  ASSERT_EQ(p.rules.size(), 3u);
  EXPECT_EQ(p.rules[0].name, "personality");
  ASSERT_EQ(p.rules[0].conds.size(), 1u);
  EXPECT_EQ(p.rules[0].conds[0].datum_a, 0u);
  ASSERT_EQ(p.rules[1].conds.size(), 1u);
  EXPECT_EQ(p.rules[1].conds[0].datum_a, 8u);
  EXPECT_EQ(p.rules[2].name, "clone");
  ASSERT_EQ(p.rules[2].conds.size(), 2u);
  EXPECT_EQ(p.rules[2].conds[0].op, SCMP_CMP_MASKED_EQ);
  EXPECT_EQ(p.rules[2].conds[1].arg, 1u);
}

// The decode step is strict about the document itself.
TEST(SeccompDecode, RepeatedKeyIsRefusedWithItsPath) {
  struct Case {
    std::string text, message;
  } cases[] = {
      {R"({"defaultAction":"SCMP_ACT_ALLOW","defaultAction":"SCMP_ACT_ERRNO"})",
       "in.json: duplicate key 'defaultAction' (each key may appear once)"},
      {R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ERRNO","action":"SCMP_ACT_ALLOW"}]})",
       "in.json: syscalls[0]: duplicate key 'action' (each key may appear once)"},
      {R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},)"
       R"({"names":["getpid"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ","op":"SCMP_CMP_NE"}]}]})",
       "in.json: syscalls[1].args[0]: duplicate key 'op' (each key may appear once)"},
  };
  for (const auto& c : cases) {
    auto r = decode_seccomp_json(c.text, "in.json");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().message, c.message);
  }
}

TEST(SeccompDecode, DocumentMirrorsTheFile) {
  auto r = decode_seccomp_json(
      R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"architectures":["SCMP_ARCH_X86_64"],)"
      R"("archMap":[{"architecture":"SCMP_ARCH_AARCH64","subArchitectures":["SCMP_ARCH_ARM"]}],)"
      R"("syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"],"minKernel":"5.4"}}]})",
      "in.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->default_action, SCMP_ACT_ERRNO(38));
  EXPECT_EQ(r->architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64"}));
  ASSERT_EQ(r->arch_map.size(), 1u);
  EXPECT_EQ(r->arch_map[0].sub_architectures, (std::vector<std::string>{"SCMP_ARCH_ARM"}));
  ASSERT_EQ(r->syscalls.size(), 1u);
  ASSERT_TRUE(r->syscalls[0].includes.has_value());
  EXPECT_EQ(r->syscalls[0].includes->caps, (std::vector<std::string>{"SYS_ADMIN"}));
  ASSERT_TRUE(r->syscalls[0].includes->min_kernel.has_value());
  EXPECT_EQ(r->syscalls[0].includes->min_kernel->minor, 4);
  EXPECT_FALSE(r->syscalls[0].excludes.has_value());
}

}  // namespace
}  // namespace profile
