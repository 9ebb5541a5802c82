// cli/app: the record and enforce commands as library calls. Each bad
// request here must fail before the workload starts: the workload would
// leave a marker file.
#include <sys/stat.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/app/enforce.h"
#include "cli/app/isolation.h"
#include "cli/app/record.h"
#include "test_util.h"

namespace profile {
namespace {

bool exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

std::vector<std::string> touch(const std::string& marker) { return {"/bin/sh", "-c", "touch '" + marker + "'"}; }

struct Captured {
  std::vector<std::string> notes;
  bool exited = false;
  Reporter reporter() {
    return [this](const std::string& n) { notes.push_back(n); };
  }
  std::function<void(const RunOutcome&)> on_exit() {
    return [this](const RunOutcome&) { exited = true; };
  }
};

TEST(AppCommands, RecordIntoARegularFileFailsBeforeTheWorkloadRuns) {
  test::TempDir dir;
  test::write_file(dir / "out", "not a directory\n");
  Captured c;
  app::RecordRequest req;
  req.out = dir / "out";
  req.tracer = "ptrace";
  req.command = touch(dir / "ran");
  req.on_exit = c.on_exit();
  auto r = app::record(req, c.reporter());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(dir / "out"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().exit_code, 125);
  EXPECT_FALSE(exists(dir / "ran")) << "the workload ran although the output was unusable";
  EXPECT_FALSE(c.exited);
  EXPECT_EQ(test::read_file(dir / "out"), "not a directory\n");
}

TEST(AppCommands, RecordWithAnUnknownTracerFailsBeforeTheWorkloadRunsOrTheOutputIsCreated) {
  test::TempDir dir;
  Captured c;
  app::RecordRequest req;
  req.out = dir / "new/profile";
  req.tracer = "strace";
  req.command = touch(dir / "ran");
  req.on_exit = c.on_exit();
  auto r = app::record(req, c.reporter());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unknown tracer 'strace' (auto, ebpf or ptrace)");
  EXPECT_FALSE(exists(dir / "ran"));
  EXPECT_FALSE(exists(dir / "new"));
  EXPECT_FALSE(c.exited);
}

TEST(AppCommands, RecordRefusesConflictingModesAndBadNames) {
  test::TempDir dir;
  app::RecordRequest req;
  req.out = dir / "p";
  req.cgroup = "/sys/fs/cgroup";
  req.command = touch(dir / "ran");
  auto both = app::record(req, nullptr);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().message, "--cgroup records a running service: give no command");

  app::RecordRequest none;
  none.out = dir / "p";
  auto empty = app::record(none, nullptr);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "no command given: profile record [OPTIONS] -- CMD [ARGS...]");

  app::RecordRequest named;
  named.name = "../escape";
  named.command = touch(dir / "ran");
  auto bad = app::record(named, nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "invalid profile name '../escape'");
  EXPECT_FALSE(exists(dir / "ran"));
  EXPECT_FALSE(exists(dir / "p"));
}

TEST(AppCommands, EnforceWithProfileAndSeccompFailsBeforeTheWorkloadRuns) {
  test::TempDir dir;
  Captured c;
  app::EnforceRequest req;
  req.profile_dir = dir.path();
  req.seccomp = "unconfined";
  req.command = touch(dir / "ran");
  req.on_exit = c.on_exit();
  auto r = app::enforce(req, c.reporter());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "give at most one of --profile DIR or --seccomp FILE");
  EXPECT_FALSE(exists(dir / "ran"));
  EXPECT_FALSE(c.exited);
  EXPECT_TRUE(c.notes.empty());
}

TEST(AppCommands, EnforceWithAMissingSecretFileNamesItAndRunsNothing) {
  test::TempDir dir;
  Captured c;
  app::EnforceRequest req;
  req.seccomp = "unconfined";
  req.isolation.secrets = {"token=" + (dir / "missing")};
  req.command = touch(dir / "ran");
  req.on_exit = c.on_exit();
  auto r = app::enforce(req, c.reporter());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(dir / "missing"), std::string::npos) << r.error().message;
  EXPECT_FALSE(exists(dir / "ran"));
  EXPECT_FALSE(c.exited);
  // The unconfined note comes after the plan is complete, so not here.
  EXPECT_TRUE(c.notes.empty());
}

TEST(AppCommands, IsolationAppliesCapabilitiesAndPassesTheReporterDown) {
  app::IsolationOptions o;
  o.cap_drop = {"NET_RAW,chown"};
  o.cap_add = {"sys_ptrace"};
  o.workdir = "/tmp";
  RunSpec spec;
  std::vector<std::string> notes;
  Reporter r = [&](const std::string& n) { notes.push_back(n); };
  ASSERT_TRUE(app::apply_isolation(o, {"CHOWN", "NET_RAW", "KILL"}, "host", r, &spec).ok());
  EXPECT_EQ(spec.caps, (std::set<std::string>{"KILL", "SYS_PTRACE"}));
  EXPECT_FALSE(spec.all_caps);
  ASSERT_TRUE(spec.reporter);
  spec.reporter("x");
  EXPECT_EQ(notes, std::vector<std::string>{"x"});

  o.workdir = "relative";
  auto bad = app::apply_isolation(o, {}, "host", r, &spec);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "--workdir 'relative' is not an absolute path");
}

}  // namespace
}  // namespace profile
