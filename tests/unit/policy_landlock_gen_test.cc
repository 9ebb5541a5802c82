#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "profilegen/landlock_gen.h"
#include "runner/landlock.h"
#include "test_util.h"

namespace profile {
namespace {

using nlohmann::json;

uint64_t bits(std::initializer_list<const char*> names) {
  uint64_t b = 0;
  for (const char* n : names) {
    bool found = false;
    for (const auto& r : landlock_fs_rights())
      if (std::string(r.name) == n) {
        b |= r.bit;
        found = true;
      }
    EXPECT_TRUE(found) << n;
  }
  return b;
}

json render(const Profile& p) {
  auto t = render_landlock(p);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? json::parse(*t) : json::object();
}

std::map<std::string, std::set<std::string>> rules_of(const json& j) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& r : j["path_beneath"]) out[r["path"]] = r["access"].get<std::set<std::string>>();
  return out;
}

TEST(PolicyLandlockGen, AccessKindsMapToLandlockRights) {
  Profile p;
  p.name = "t";
  p.files["/etc/hosts"] = {"read"};
  p.files["/var/data/db"] = {"read", "write"};
  p.files["/usr/bin/tool"] = {"execute", "read"};
  p.files["/srv/www"] = {"list", "read"};
  p.files["/var/spool/out.txt"] = {"create", "write"};
  p.files["/dev/tty"] = {"read", "write"};
  auto r = rules_of(render(p));
  // A named path read may be a file or a directory: both read rights, the
  // runner drops the one that does not fit.
  EXPECT_EQ(r["/etc/hosts"], (std::set<std::string>{"read_file", "read_dir"}));
  EXPECT_EQ(r["/var/data/db"], (std::set<std::string>{"read_file", "read_dir", "write_file", "truncate"}));
  EXPECT_EQ(r["/usr/bin/tool"], (std::set<std::string>{"execute", "read_file", "read_dir"}));
  // A listed directory gets read_dir only: read_file there would open every file beneath.
  EXPECT_EQ(r["/srv/www"], (std::set<std::string>{"read_dir"}));
  // A created file does not exist yet: its rights go on its directory.
  EXPECT_EQ(r["/var/spool"], (std::set<std::string>{"make_reg", "write_file", "truncate"}));
  EXPECT_EQ(r.count("/var/spool/out.txt"), 0u);
  EXPECT_EQ(r["/dev/tty"], (std::set<std::string>{"read_file", "read_dir", "write_file", "truncate", "ioctl_dev"}));
}

TEST(PolicyLandlockGen, PatternsWidenToTheirFixedDirectoryAndSaySo) {
  Profile p;
  p.name = "t";
  p.files["/proc/@{pid}/status"] = {"read"};
  p.files["/tmp/tmp*"] = {"create", "write", "delete"};
  auto j = render(p);
  auto r = rules_of(j);
  EXPECT_EQ(r["/proc"], (std::set<std::string>{"read_file"}));
  EXPECT_EQ(r["/tmp"], (std::set<std::string>{"make_reg", "remove_file", "write_file", "truncate"}));
  auto notes = j["notes"].get<std::vector<std::string>>();
  int widened = 0;
  for (const auto& n : notes) widened += n.find("widened to everything beneath") != std::string::npos;
  EXPECT_EQ(widened, 2);
}

TEST(PolicyLandlockGen, PortsScopesAndAbi) {
  Profile p;
  p.name = "t";
  p.network.ports = {{"bind", "tcp", 80}, {"connect", "tcp", 443}, {"bind", "tcp", 443}, {"connect", "udp", 53}};
  auto j = render(p);
  EXPECT_EQ(j["handled_access_net"], json({"bind_tcp", "connect_tcp"}));
  EXPECT_EQ(j["net_port"], json::parse(R"([{"port":80,"access":["bind_tcp"]},{"port":443,"access":["bind_tcp","connect_tcp"]}])"));
  EXPECT_EQ(j["scoped"], json({"abstract_unix_socket", "signal"}));
  EXPECT_EQ(j["abi"], 6);

  Profile q = p;
  q.network.unix_sockets = {"@/tmp/.X11-unix/X0"};
  q.syscalls["x86_64"] = {"kill"};
  auto k = render(q);
  EXPECT_EQ(k["scoped"], json::array());
  EXPECT_EQ(k["abi"], 5);
}

TEST(PolicyLandlockGen, GeneratedFileParsesBackStrictly) {
  Profile p;
  p.name = "t";
  p.files["/etc/hosts"] = {"read"};
  p.files["/tmp/x.*"] = {"create", "write"};
  p.network.ports = {{"bind", "tcp", 8080}};
  auto text = render_landlock(p);
  ASSERT_TRUE(text.ok());
  auto spec = parse_landlock_json(*text, "landlock.json");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->abi, 6);
  ASSERT_EQ(spec->paths.size(), 2u);
  EXPECT_EQ(spec->paths[0].path, "/etc/hosts");
  EXPECT_EQ(spec->paths[0].access, bits({"read_file", "read_dir"}));
  ASSERT_EQ(spec->ports.size(), 1u);
  EXPECT_EQ(spec->ports[0].port, 8080u);
}

TEST(PolicyLandlockGen, StrictParserNamesTheBadValue) {
  const std::string head = R"({"schema":1,"abi":6,"handled_access_fs":["read_file","read_dir"],"handled_access_net":["bind_tcp"],)";
  struct Case {
    std::string text;
    const char* needle;
  } cases[] = {
      {head + R"("bogus":1})", "bogus"},
      {head + R"("path_beneath":[{"path":"etc","access":["read_file"]}]})", "etc"},
      {head + R"("path_beneath":[{"path":"/etc","access":["write_file"]}]})", "handled_access_fs"},
      {head + R"("path_beneath":[{"path":"/etc","access":["fly"]}]})", "fly"},
      {head + R"("path_beneath":[{"path":"/etc","access":[]}]})", "no rights"},
      {head + R"("net_port":[{"port":70000,"access":["bind_tcp"]}]})", "net_port[0].port"},
      {head + R"("net_port":[{"port":80,"access":["connect_tcp"]}]})", "handled_access_net"},
      {R"({"schema":2,"abi":6,"handled_access_fs":[]})", "schema"},
      {"{not json", "invalid JSON"},
  };
  for (const auto& c : cases) {
    auto r = parse_landlock_json(c.text, "ll.json");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.error().message.find(c.needle), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.rfind("ll.json", 0), 0u) << r.error().message;
  }
}

TEST(PolicyLandlockGen, PlanCutsRightsToTheKernelAbiAndNotesIt) {
  LandlockSpec s;
  s.abi = 6;
  s.handled_fs = bits({"read_file", "read_dir", "make_reg", "truncate", "ioctl_dev", "refer"});
  s.handled_net = 3;
  s.scoped = 3;
  s.paths = {{"/usr", bits({"read_file", "make_reg", "truncate"})},
             {"/etc/passwd", bits({"read_file", "read_dir", "make_reg"})},  // dir-only rights on a file are dropped
             {"/nonexistent/path/for/test", bits({"read_file"})}};
  s.ports = {{80, 1}};
  std::vector<std::string> notes;
  auto plan = plan_landlock(s, 3, &notes);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->handled_fs, bits({"read_file", "read_dir", "make_reg", "truncate", "refer"}));
  EXPECT_EQ(plan->handled_net, 0u);
  EXPECT_EQ(plan->scoped, 0u);
  EXPECT_TRUE(plan->ports.empty());
  // A path absent on the host is kept: the child opens rule paths in the
  // workload's own mounts, where it may exist.
  ASSERT_EQ(plan->paths.size(), 3u);
  EXPECT_EQ(plan->paths[0].access, bits({"read_file", "make_reg", "truncate"}));
  EXPECT_STREQ(plan->paths[0].path, "/usr");
  EXPECT_EQ(plan->paths[1].access, bits({"read_file"}));
  EXPECT_STREQ(plan->paths[2].path, "/nonexistent/path/for/test");
  // Copies of a plan share the path storage.
  LandlockPlan copy = *plan;
  EXPECT_EQ(copy.paths[1].path, plan->paths[1].path);
  std::string all;
  for (const auto& n : notes) all += n + "\n";
  EXPECT_NE(all.find("ioctl_dev (ABI 5)"), std::string::npos) << all;
  EXPECT_NE(all.find("bind_tcp (ABI 4)"), std::string::npos) << all;
  EXPECT_NE(all.find("signal (ABI 6)"), std::string::npos) << all;
  EXPECT_NE(all.find("/nonexistent/path/for/test"), std::string::npos) << all;

  std::vector<std::string> none;
  auto full = plan_landlock(s, 7, &none);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->handled_net, 3u);
  EXPECT_EQ(full->scoped, 3u);
  EXPECT_FALSE(plan_landlock(s, 0, &none).ok());
}

TEST(PolicyLandlockGen, PlanGrantsExecuteOnTheInterpretersExecveOpens) {
  test::TempDir dir;
  test::write_file(dir / "script", "#!/bin/sh\necho hi\n");
  LandlockSpec s;
  s.abi = 6;
  s.handled_fs = bits({"execute", "read_file"});
  s.paths = {{dir / "script", bits({"execute", "read_file"})}};
  std::vector<std::string> notes;
  auto plan = plan_landlock(s, 6, &notes);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  // The script, /bin/sh, and /bin/sh's ELF interpreter (it is dynamically linked).
  EXPECT_EQ(plan->paths.size(), 3u);
  for (const auto& r : plan->paths) EXPECT_EQ(r.access, bits({"execute", "read_file"}));
  ASSERT_FALSE(notes.empty());
  // Interpreters are named by their resolved paths (rules are opened without
  // following symlinks).
  char* sh = realpath("/bin/sh", nullptr);
  ASSERT_NE(sh, nullptr);
  EXPECT_NE(notes.back().find(sh), std::string::npos) << notes.back();
  free(sh);
  EXPECT_NE(notes.back().find("ld-linux"), std::string::npos) << notes.back();
}

}  // namespace
}  // namespace profile
