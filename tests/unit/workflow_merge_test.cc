// profile merge on synthetic profiles: order independence, counts,
// idempotence, completeness.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/app/merge.h"
#include "cli/app/profile_dir.h"
#include "profilegen/profile.h"
#include "test_util.h"

namespace profile {
namespace {

Profile shard(int i) {
  Profile p;
  p.name = "web";
  p.recording.tracer = "ptrace";
  p.syscalls["x86_64"] = {"read", "write"};
  if (i == 1) {
    p.syscalls["x86_64"].insert("getpid");
    p.files["/etc/passwd"] = {"read"};
    p.capabilities["NET_BIND_SERVICE"] = CapEvidence{CapEvidenceKind::kObserved, "bind tcp port 80"};
    add_widening(&p, "syscall-family", "syscall x86_64 getpid", "one reason", {"a"});
  }
  if (i == 2) {
    p.files["/etc/passwd"] = {"read", "write"};
    p.files["/etc/group"] = {"read"};
    p.network.ports.insert(PortRule{"connect", "tcp", 443});
    add_widening(&p, "syscall-family", "syscall x86_64 getpid", "another reason", {"b"});
  }
  if (i == 3) p.capabilities["NET_BIND_SERVICE"] = CapEvidence{CapEvidenceKind::kInferred, "other evidence"};
  return p;
}

TEST(WorkflowMerge, TheResultDoesNotDependOnTheOrderOfInputs) {
  std::vector<Profile> in = {shard(0), shard(1), shard(2), shard(3)};
  std::string first = profile_to_json(app::merge_all(in, ""));
  std::string cov = app::coverage_json(app::merge_all(in, ""), in);
  auto by_text = [](const Profile& a, const Profile& b) { return profile_to_json(a) < profile_to_json(b); };
  std::sort(in.begin(), in.end(), by_text);
  int orders = 0;
  do {
    ++orders;
    EXPECT_EQ(profile_to_json(app::merge_all(in, "")), first);
    EXPECT_EQ(app::coverage_json(app::merge_all(in, ""), in), cov);
  } while (std::next_permutation(in.begin(), in.end(), by_text));
  EXPECT_EQ(orders, 24);
}

TEST(WorkflowMerge, IsTheUnionWithPerRuleCounts) {
  std::vector<Profile> in = {shard(0), shard(1), shard(2)};
  Profile m = app::merge_all(in, "");
  EXPECT_EQ(m.syscalls["x86_64"], (std::set<std::string>{"getpid", "read", "write"}));
  EXPECT_EQ(m.files["/etc/passwd"], (std::set<std::string>{"read", "write"}));
  auto j = nlohmann::json::parse(app::coverage_json(m, in));
  EXPECT_EQ(j["inputs"], 3);
  EXPECT_EQ(j["syscalls"]["x86_64"]["read"], 3);
  EXPECT_EQ(j["syscalls"]["x86_64"]["getpid"], 1);
  EXPECT_EQ(j["files"]["/etc/passwd"], 2);
  EXPECT_EQ(j["files"]["/etc/group"], 1);
  EXPECT_EQ(j["capabilities"]["NET_BIND_SERVICE"], 1);
  EXPECT_EQ(j["network"]["ports"]["connect tcp 443"], 1);
}

TEST(WorkflowMerge, MergingAProfileWithItselfGivesItBack) {
  Profile p = shard(1);
  p.recording.lost_events = 3;
  p.recording.complete = false;
  EXPECT_EQ(app::merge_all({p, p}, ""), p);
  EXPECT_EQ(app::merge_all({p}, ""), p);
}

TEST(WorkflowMerge, AnIncompleteInputMakesTheResultIncomplete) {
  Profile p = shard(2);
  p.recording.complete = false;
  Profile m = app::merge_all({shard(1), p}, "");
  EXPECT_FALSE(m.recording.complete);
  auto j = nlohmann::json::parse(app::coverage_json(m, {shard(1), p}));
  EXPECT_EQ(j["incomplete_inputs"], 1);
}

TEST(WorkflowMerge, WritesEveryRenderedFileAndCoverageAndRefusesBadInput) {
  test::TempDir a, b, root;
  ASSERT_TRUE(write_profile_dir(a.path(), shard(1)).ok());
  ASSERT_TRUE(write_profile_dir(b.path(), shard(2)).ok());
  app::MergeRequest req;
  req.inputs = {b.path(), a / "profile.json"};
  req.out = root / "x/merged";
  auto r = app::merge(req, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto back = read_profile_dir(req.out);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, app::merge_all({shard(1), shard(2)}, ""));
  EXPECT_NE(test::read_file(req.out + "/seccomp.json").find("\"getpid\""), std::string::npos);
  EXPECT_NE(test::read_file(req.out + "/coverage.json").find("\"/etc/group\": 1"), std::string::npos);

  req.inputs = {a.path(), root.path()};
  r = app::merge(req, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().exit_code, 125);
  EXPECT_NE(r.error().message.find(root.path()), std::string::npos) << r.error().message;
  test::write_file(root / "bad.json", "{\"schema\": 1, \"nme\": 2}");
  req.inputs = {a.path(), root / "bad.json"};
  r = app::merge(req, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("bad.json"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace profile
