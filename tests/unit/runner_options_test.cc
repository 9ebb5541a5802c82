// Hermetic tests of the runner's parsers and of the mount plan's ordering.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#include <algorithm>
#include <filesystem>

#include "runner/caps.h"
#include "runner/cgroup.h"
#include "runner/mounts.h"
#include "runner/namespaces.h"
#include "runner/proxy.h"
#include "runner/secrets.h"
#include "runner/userns.h"
#include "test_util.h"

namespace profile {
namespace {

TEST(RunnerParse, ShareListOptsOutOneByOne) {
  auto all = namespaces_sharing({});
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->pid && all->mnt && all->net && all->ipc && all->uts && all->cgroup);
  EXPECT_FALSE(all->user);
  auto some = namespaces_sharing({"net,ipc", "uts"});
  ASSERT_TRUE(some);
  EXPECT_FALSE(some->net);
  EXPECT_FALSE(some->ipc);
  EXPECT_FALSE(some->uts);
  EXPECT_TRUE(some->pid && some->mnt && some->cgroup);
  auto bad = namespaces_sharing({"net,bogus"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'bogus'"), std::string::npos);
  EXPECT_EQ(clone_flags(*some) & (CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), 0);
  EXPECT_EQ(clone_flags(*all) & CLONE_NEWCGROUP, 0) << "the cgroup namespace is unshared after joining the cgroup";
}

TEST(RunnerParse, MemorySizes) {
  EXPECT_EQ(parse_memory_size("256M").value(), 256ull << 20);
  EXPECT_EQ(parse_memory_size("1g").value(), 1ull << 30);
  EXPECT_EQ(parse_memory_size("8192k").value(), 8ull << 20);
  EXPECT_EQ(parse_memory_size("6291456").value(), 6ull << 20);
  EXPECT_FALSE(parse_memory_size("5M"));
  EXPECT_FALSE(parse_memory_size("12Q"));
  EXPECT_FALSE(parse_memory_size("-1M"));
  EXPECT_FALSE(parse_memory_size(""));
  EXPECT_FALSE(parse_memory_size("99999999999999999999"));
}

TEST(RunnerParse, CpuCounts) {
  EXPECT_DOUBLE_EQ(parse_cpus("1.5").value(), 1.5);
  EXPECT_DOUBLE_EQ(parse_cpus("2").value(), 2.0);
  EXPECT_FALSE(parse_cpus("0"));
  EXPECT_FALSE(parse_cpus("1.5x"));
  EXPECT_FALSE(parse_cpus("nan"));
  EXPECT_FALSE(parse_cpus(""));
}

TEST(RunnerParse, PortSpecs) {
  auto p = parse_port_spec("8080:80");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host_port, 8080);
  EXPECT_EQ(p->port, 80);
  EXPECT_TRUE(parse_port_spec("1:65535/tcp"));
  EXPECT_FALSE(parse_port_spec("8080:80/udp"));
  EXPECT_FALSE(parse_port_spec("8080"));
  EXPECT_FALSE(parse_port_spec("0:80"));
  EXPECT_FALSE(parse_port_spec("70000:80"));
  EXPECT_FALSE(parse_port_spec("a:80"));
}

TEST(RunnerParse, UsernsMaps) {
  auto m = parse_userns_map("200000:1000");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->host_base, 200000u);
  EXPECT_EQ(m->count, 1000u);
  EXPECT_EQ(parse_userns_map("300000")->count, 65536u);
  EXPECT_FALSE(parse_userns_map("0:10"));
  EXPECT_FALSE(parse_userns_map("10:0"));
  EXPECT_FALSE(parse_userns_map("4294967000:1000"));
  EXPECT_FALSE(parse_userns_map("x"));
}

TEST(RunnerParse, Users) {
  CapPlan p;
  ASSERT_TRUE(parse_user("1000", &p));
  EXPECT_TRUE(p.change_ids);
  EXPECT_EQ(p.uid, 1000u);
  EXPECT_EQ(p.gid, 1000u);
  ASSERT_TRUE(parse_user("5:7", &p));
  EXPECT_EQ(p.uid, 5u);
  EXPECT_EQ(p.gid, 7u);
  EXPECT_FALSE(parse_user("nobody", &p));
  EXPECT_FALSE(parse_user("1:", &p));
}

TEST(RunnerParse, SecretsAreReadAndNamesChecked) {
  test::TempDir d;
  test::write_file(d / "f", "value");
  auto s = load_secret("db=" + (d / "f"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name, "db");
  EXPECT_EQ(s->data, "value");
  EXPECT_FALSE(load_secret("../x=" + (d / "f")));
  EXPECT_FALSE(load_secret("a/b=" + (d / "f")));
  EXPECT_FALSE(load_secret("..=" + (d / "f")));
  EXPECT_FALSE(load_secret("db"));
  EXPECT_FALSE(load_secret("db=" + (d / "missing")));
  EXPECT_FALSE(load_secret("db=" + d.path())) << "a directory is not a secret";
}

TEST(RunnerParse, BindsResolveSourceAndRefuseDotDot) {
  test::TempDir d;
  auto b = parse_bind(d.path() + "/./:/data", true);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->src, d.path());
  EXPECT_EQ(b->dst, "/data");
  EXPECT_TRUE(b->read_only);
  EXPECT_EQ(parse_bind(d.path(), false)->dst, d.path());
  EXPECT_FALSE(parse_bind(d.path() + ":/a/../etc", false));
  EXPECT_FALSE(parse_bind(d.path() + ":relative", false));
  EXPECT_FALSE(parse_bind(d.path() + ":/", false));
  EXPECT_FALSE(parse_bind("/nonexistent-src", false));
}

size_t index_of(const MountPlan& p, MountOp::Kind k, const std::string& b) {
  for (size_t i = 0; i < p.ops.size(); ++i)
    if (p.ops[i].kind == k && p.ops[i].b == b) return i;
  return SIZE_MAX;
}

TEST(RunnerMountPlan, RootfsOrder) {
  test::TempDir d;
  std::string root = d / "root";
  std::filesystem::create_directories(root);
  MountRequest req;
  req.rootfs = root;
  req.binds.push_back(*parse_bind(d.path() + ":/data", true));
  req.secrets.push_back(Secret{"k", "v"});
  auto plan = plan_mounts(req);
  ASSERT_TRUE(plan) << plan.error().message;
  const auto& ops = plan->ops;
  ASSERT_GE(ops.size(), 10u);
  // Private propagation first, so nothing leaks back to the host.
  EXPECT_EQ(ops[0].kind, MountOp::kMount);
  EXPECT_EQ(ops[0].flags, static_cast<unsigned long>(MS_REC | MS_PRIVATE));
  // Bind sources are opened before anything can cover them.
  size_t open_src = 0;
  while (open_src < ops.size() && ops[open_src].kind != MountOp::kOpenSource) ++open_src;
  ASSERT_LT(open_src, ops.size());
  size_t bind = index_of(*plan, MountOp::kMount, root + "/data");
  ASSERT_NE(bind, SIZE_MAX);
  EXPECT_LT(open_src, index_of(*plan, MountOp::kMount, root + "/tmp"));
  EXPECT_EQ(ops[bind].src_op, static_cast<int>(open_src));
  EXPECT_LT(bind, index_of(*plan, MountOp::kSetReadOnly, root + "/data"));
  size_t secret = index_of(*plan, MountOp::kWriteFile, root + "/run/secrets/k");
  ASSERT_NE(secret, SIZE_MAX);
  EXPECT_EQ(ops[secret].data, "v");
  EXPECT_LT(secret, index_of(*plan, MountOp::kSetReadOnly, root + "/run/secrets"));
  // pivot_root, then the read-only root, come last.
  EXPECT_EQ(ops[ops.size() - 2].kind, MountOp::kPivotRoot);
  EXPECT_EQ(ops.back().kind, MountOp::kSetReadOnly);
  EXPECT_EQ(ops.back().b, "/");
  EXPECT_FALSE(ops.back().recursive) << "only the image is read-only, not /tmp or the secrets";
  req.rootfs_rw = true;
  EXPECT_EQ(plan_mounts(req)->ops.back().kind, MountOp::kPivotRoot);
}

TEST(RunnerMountPlan, HostRootReadOnlyKeepsRwBindsWritable) {
  test::TempDir d;
  MountRequest req;
  req.read_only = true;
  req.binds.push_back(*parse_bind(d.path() + ":/tmp/w", false));
  auto plan = plan_mounts(req);
  ASSERT_TRUE(plan) << plan.error().message;
  size_t ro = index_of(*plan, MountOp::kSetReadOnly, "/");
  size_t tmp = index_of(*plan, MountOp::kMount, "/tmp");
  size_t bind = index_of(*plan, MountOp::kMount, "/tmp/w");
  size_t rw = index_of(*plan, MountOp::kClearReadOnly, "/tmp/w");
  ASSERT_NE(ro, SIZE_MAX);
  EXPECT_TRUE(plan->ops[ro].recursive);
  EXPECT_LT(ro, tmp);
  EXPECT_LT(tmp, bind) << "a bind under /tmp must land in the private /tmp";
  EXPECT_LT(bind, rw);
}

TEST(RunnerMountPlan, HostMountPointsMustExistOutsideFreshTmpfs) {
  test::TempDir d;
  MountRequest req;
  req.binds.push_back(*parse_bind(d.path() + ":/nonexistent-dir/x", false));
  auto plan = plan_mounts(req);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("does not exist on the host"), std::string::npos);
  req.binds[0].dst = "/tmp/never-on-host/x";
  EXPECT_TRUE(plan_mounts(req)) << "mount points under the private /tmp are created there";
  req.tmpfs = {"/nonexistent-dir"};
  req.binds[0].dst = "/nonexistent-dir/x";
  EXPECT_FALSE(plan_mounts(req)) << "the --tmpfs mount point itself must exist";
}

TEST(RunnerCgroup, VersionMatchesTheFilesystem) {
  struct statfs s;
  ASSERT_EQ(statfs("/sys/fs/cgroup", &s), 0);
  EXPECT_EQ(cgroup_version() == CgroupVersion::kV2, s.f_type == CGROUP2_SUPER_MAGIC);
}

}  // namespace
}  // namespace profile
