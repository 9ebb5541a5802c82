// The container runtimes' syscall sets: the --runtime value, profile.json's
// "runtime", the "runtime" widenings and what seccomp.json allows for them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "profilegen/profile.h"
#include "profilegen/render.h"
#include "profilegen/runtime_sets.h"
#include "profilegen/summary.h"

namespace profile {
namespace {

Profile workload() {
  Profile p;
  p.name = "w";
  p.syscalls["x86_64"] = {"close", "execve", "exit_group", "getpid", "write"};
  return p;
}

std::set<std::string> allowed(const Profile& p) {
  auto text = render_seccomp(p);
  EXPECT_TRUE(text.ok());
  auto j = nlohmann::json::parse(*text);
  std::set<std::string> out;
  for (const auto& rule : j["syscalls"])
    if (rule["action"] == "SCMP_ACT_ALLOW")
      for (const auto& n : rule["names"]) out.insert(n.get<std::string>());
  return out;
}

TEST(RuntimeSets, ParsesTheOptionAndNamesBadValues) {
  EXPECT_EQ(*parse_runtimes("runc"), std::set<std::string>({"runc"}));
  EXPECT_EQ(*parse_runtimes("crun,runc"), std::set<std::string>({"crun", "runc"}));
  EXPECT_TRUE(parse_runtimes("none")->empty());
  auto bad = parse_runtimes("runc,docker");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'docker'"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(parse_runtimes("runc,runc").ok());
  EXPECT_FALSE(parse_runtimes("").ok());
  EXPECT_FALSE(parse_runtimes("runc,").ok());
  EXPECT_EQ(runtimes_to_string(*parse_runtimes("runc,crun")), "crun,runc");
  EXPECT_EQ(runtimes_to_string({}), "none");
  EXPECT_EQ(default_runtimes(), std::set<std::string>({"crun", "runc"}));
}

TEST(RuntimeSets, RuncSetIsRenderedAndRecordedAsWidenings) {
  Profile p = workload();
  ASSERT_TRUE(apply_runtimes(&p, {"runc"}).ok());
  auto names = allowed(p);
  // The call the issue names: runc checks /proc/self/fd with fstatfs after
  // installing the filter; and what it needs without no-new-privileges.
  for (const char* n : {"fstatfs", "futex", "nanosleep", "capget", "capset", "chdir", "fcntl", "fstat", "prctl",
                        "setgid", "setgroups", "setuid"})
    EXPECT_TRUE(names.count(n)) << n;
  EXPECT_FALSE(names.count("socket"));
  EXPECT_FALSE(names.count("setresuid"));  // crun's, not runc's
  // The recorded syscalls stay the workload's own.
  EXPECT_EQ(p.syscalls, workload().syscalls);
  Widening probe;
  probe.kind = "runtime";
  probe.rule = "syscall x86_64 fstatfs";
  auto it = p.widenings.find(probe);
  ASSERT_NE(it, p.widenings.end());
  EXPECT_NE(it->reason.find("runc needs fstatfs after installing the filter"), std::string::npos) << it->reason;
  EXPECT_EQ(it->evidence, std::vector<std::string>({"runc"}));
  // Calls the workload was recorded making are not widenings.
  probe.rule = "syscall x86_64 close";
  EXPECT_EQ(p.widenings.count(probe), 0u);
}

TEST(RuntimeSets, CrunSetDiffersFromRunc) {
  Profile p = workload();
  ASSERT_TRUE(apply_runtimes(&p, {"crun"}).ok());
  auto names = allowed(p);
  EXPECT_TRUE(names.count("setresuid"));
  EXPECT_TRUE(names.count("rt_sigprocmask"));
  EXPECT_FALSE(names.count("fstatfs"));
  EXPECT_FALSE(names.count("setgroups"));
}

TEST(RuntimeSets, NoneAndOldProfilesRenderAsBefore) {
  Profile p = workload();
  auto before = render_seccomp(p);
  ASSERT_TRUE(apply_runtimes(&p, {"runc"}).ok());
  ASSERT_TRUE(apply_runtimes(&p, {}).ok());
  EXPECT_TRUE(p.widenings.empty());
  EXPECT_EQ(*render_seccomp(p), *before);
  EXPECT_EQ(profile_to_json(p), profile_to_json(workload()));
  EXPECT_EQ(profile_to_json(p).find("\"runtime\""), std::string::npos);
}

TEST(RuntimeSets, ChoiceSurvivesProfileJsonAndMerge) {
  Profile p = workload();
  ASSERT_TRUE(apply_runtimes(&p, {"crun", "runc"}).ok());
  std::string text = profile_to_json(p);
  EXPECT_NE(text.find("\"runtime\": [\n    \"crun\",\n    \"runc\"\n  ]"), std::string::npos) << text;
  auto back = profile_from_json(text, "profile.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p);
  EXPECT_EQ(*render_seccomp(*back), *render_seccomp(p));
  Profile merged = merge_profiles(workload(), *back);
  EXPECT_EQ(merged.runtimes, p.runtimes);
}

TEST(RuntimeSets, ProfileJsonRefusesUnknownOrRepeatedRuntime) {
  std::string base = profile_to_json(workload());
  auto with = [&](const std::string& value) {
    std::string t = base;
    t.insert(t.find("  \"schema\""), "  \"runtime\": " + value + ",\n");
    return profile_from_json(t, "profile.json");
  };
  auto unknown = with("[\"dockerd\"]");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("runtime[0]"), std::string::npos) << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("'dockerd'"), std::string::npos) << unknown.error().message;
  EXPECT_FALSE(with("[\"runc\", \"runc\"]").ok());
  EXPECT_FALSE(with("\"runc\"").ok());
  EXPECT_TRUE(with("[\"runc\"]").ok());
}

TEST(RuntimeSets, NotAddedToA32BitPersonality) {
  Profile p = workload();
  p.syscalls["x86"] = {"write"};
  ASSERT_TRUE(apply_runtimes(&p, {"runc"}).ok());
  EXPECT_TRUE(runtime_syscalls(p, "x86").empty());
  EXPECT_TRUE(runtime_syscalls(p, "x86_64").count("fstatfs"));
  for (const auto& w : p.widenings) EXPECT_EQ(w.rule.rfind("syscall x86_64 ", 0), 0u) << w.rule;
}

// The runtime's calls are the same for every workload: one summary line,
// so they do not crowd out the widenings particular to this recording.
TEST(RuntimeSets, SummaryGivesThemOneLine) {
  Profile p = workload();
  add_widening(&p, "syscall-family", "syscall x86_64 readlinkat", "readlink was recorded", {"readlink"});
  ASSERT_TRUE(apply_runtimes(&p, {"runc"}).ok());
  std::string s = summarize(p);
  EXPECT_NE(s.find("syscall-family (1): readlinkat (x86_64)"), std::string::npos) << s;
  EXPECT_NE(s.find("    runtime: "), std::string::npos) << s;
  EXPECT_NE(s.find("container runtimes (runc)"), std::string::npos) << s;
  EXPECT_EQ(s.find("runtime: syscall"), std::string::npos) << s;
}

}  // namespace
}  // namespace profile
