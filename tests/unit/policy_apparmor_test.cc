#include <gtest/gtest.h>
#include <sys/socket.h>

#include <fstream>

#include "profilegen/apparmor.h"
#include "profilegen/landlock_gen.h"
#include "profilegen/profile.h"
#include "test_util.h"

namespace profile {
namespace {

using test::TempDir;

// A small web server's recording: the fixture of the golden files.
Observations web_observations() {
  Observations o;
  o.tracer = "ptrace";
  for (const char* s : {"read", "write", "openat", "close", "socket", "bind", "listen", "accept4", "execve", "mmap",
                        "exit_group", "getdents64"}) {
    auto nr = syscall_number("x86_64", s);
    EXPECT_TRUE(nr.ok()) << s;
    if (nr.ok()) o.add_syscall("x86_64", *nr);
  }
  o.execs.insert("/usr/bin/busybox");
  o.add_file("/etc/passwd", kAccessRead);
  o.add_file("/etc/ld.so.cache", kAccessRead);
  o.add_file("/lib64/ld-linux-x86-64.so.2", kAccessMmapExec);
  o.add_file("/usr/lib/x86_64-linux-gnu/libc.so.6", kAccessMmapExec | kAccessRead);
  o.add_file("/var/www", kAccessList | kAccessRead);
  o.add_file("/var/www/index.html", kAccessRead);
  o.add_file("/proc/self/status", kAccessRead);
  o.add_file("/proc/4242/stat", kAccessRead);
  o.add_file("/tmp/httpd.Xa9k2P", kAccessCreate | kAccessWrite | kAccessDelete);
  o.add_file("/var/log/httpd.log", kAccessAppend | kAccessLock);
  o.add_file("/dev/null", kAccessRead | kAccessWrite);
  o.sockets.insert(SocketUse{AF_INET, SOCK_STREAM, 0});
  o.sockets.insert(SocketUse{AF_UNIX, SOCK_DGRAM, 0});
  o.ports.insert(PortUse{PortUse::kBind, "tcp", AF_INET, 80});
  o.ports.insert(PortUse{PortUse::kConnect, "udp", AF_INET, 53});
  return o;
}

Profile web_profile() {
  auto p = profile_from_observations(web_observations(), "web");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : Profile{};
}

// Compiles a profile with the real parser (no kernel needed with -Q -K).
void expect_parser_accepts(const std::string& text, const std::string& what) {
  TempDir dir;
  test::write_file(dir / "p", text);
  auto r = test::run({"apparmor_parser", "-Q", "-K", dir / "p"}, 60);
  ASSERT_NE(r.exit_code, 127) << "apparmor_parser not found: install the package apparmor";
  EXPECT_EQ(r.exit_code, 0) << what << ":\n" << r.err << "\n" << text;
}

void check_golden(const std::string& name, const std::string& actual) {
  std::string path = std::string(PROFILE_SOURCE_DIR) + "/tests/golden/" + name;
  const char* update = std::getenv("PROFILE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    test::write_file(path, actual);
    GTEST_SKIP() << "golden file " << name << " rewritten";
  }
  std::ifstream f(path);
  ASSERT_TRUE(f.good()) << "missing golden file " << path << " (PROFILE_UPDATE_GOLDEN=1 writes it)";
  EXPECT_EQ(actual, test::read_file(path)) << "golden " << name << " differs (PROFILE_UPDATE_GOLDEN=1 rewrites it)";
}

TEST(PolicyAppArmor, GoldenWebProfile) {
  auto text = render_apparmor(web_profile());
  ASSERT_TRUE(text.ok()) << text.error().message;
  check_golden("apparmor/web.profile", *text);
}

TEST(PolicyAppArmor, GoldenWebLandlock) {
  auto text = render_landlock(web_profile());
  ASSERT_TRUE(text.ok()) << text.error().message;
  check_golden("landlock/web.json", *text);
}

TEST(PolicyAppArmor, StructureOfAGeneratedProfile) {
  auto text = render_apparmor(web_profile());
  ASSERT_TRUE(text.ok()) << text.error().message;
  const std::string& t = *text;
  EXPECT_NE(t.find("abi <abi/3.0>,\n"), std::string::npos);
  EXPECT_NE(t.find("profile \"web\" flags=(attach_disconnected,mediate_deleted) {\n"), std::string::npos);
  EXPECT_NE(t.find("  capability net_bind_service,"), std::string::npos);
  EXPECT_NE(t.find("  network inet stream,\n"), std::string::npos);
  EXPECT_NE(t.find("  network unix dgram,\n"), std::string::npos);
  EXPECT_EQ(t.find("network,"), std::string::npos) << "never a bare network rule";
  EXPECT_EQ(t.find("abstractions/base"), std::string::npos) << "explicit file rules make base unnecessary";
  EXPECT_NE(t.find("  signal (send, receive) peer=\"web\",\n"), std::string::npos);
  EXPECT_NE(t.find("  ptrace (read, readby) peer=\"web\",\n"), std::string::npos);
  EXPECT_NE(t.find("  /usr/bin/busybox rix,\n"), std::string::npos);
  EXPECT_NE(t.find("  /usr/lib/x86_64-linux-gnu/libc.so.6 rm,\n"), std::string::npos);
  EXPECT_NE(t.find("  /proc/@{pid}/status r,\n"), std::string::npos);
  EXPECT_NE(t.find("  /tmp/httpd.* w,\n"), std::string::npos);
  EXPECT_NE(t.find("  /var/log/httpd.log ak,\n"), std::string::npos);
  EXPECT_NE(t.find("  /var/www/ r,\n"), std::string::npos);
  for (const char* deny : {"deny @{PROC}/sysrq-trigger rwklx,", "deny @{PROC}/kcore rwklx,", "deny mount,",
                           "deny @{PROC}/* w,", "deny /sys/firmware/** rwklx,", "deny /sys/[^f]*/** wklx,"})
    EXPECT_NE(t.find(std::string("  ") + deny + "\n"), std::string::npos) << deny;
  EXPECT_EQ(t.back(), '\n');
  expect_parser_accepts(t, "web profile");
}

TEST(PolicyAppArmor, HardeningDeniesStepAsideOnlyForWhatTheWorkloadDoes) {
  Profile p = web_profile();
  p.files["/sys/fs/cgroup/memory/app/memory.limit_in_bytes"] = {"write"};
  p.files["/sys/firmware/acpi/tables/DSDT"] = {"read"};
  auto text = render_apparmor(p);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(text->find("  deny /sys/[^f]*/** wklx,\n"), std::string::npos);
  EXPECT_EQ(text->find("  deny /sys/firmware/** rwklx,\n"), std::string::npos);
  EXPECT_NE(text->find("# omitted (the recorded workload uses /sys/firmware/acpi/tables/DSDT)"), std::string::npos);
  // Untouched areas keep their denies; reads under /sys leave write denies alone.
  EXPECT_NE(text->find("  deny /sys/kernel/security/** rwklx,\n"), std::string::npos);
  EXPECT_NE(text->find("  deny @{PROC}/kcore rwklx,\n"), std::string::npos);
  expect_parser_accepts(*text, "profile with /sys accesses");

  Profile q = web_profile();
  q.files["/sys/class/net/eth0/mtu"] = {"read"};
  auto t2 = render_apparmor(q);
  ASSERT_TRUE(t2.ok());
  EXPECT_NE(t2->find("  deny /sys/[^f]*/** wklx,\n"), std::string::npos);
}

TEST(PolicyAppArmor, PatternOfDirectoriesAndFilesGetsBothRules) {
  Observations o;
  o.add_file("/tmp/tmpk2j3h4_q", kAccessCreate | kAccessList | kAccessDelete);  // mkdtemp
  o.add_file("/tmp/tmpa1b2c3d4", kAccessCreate | kAccessWrite | kAccessRead | kAccessDelete);  // mkstemp
  o.add_file("/var/www", kAccessList);
  auto p = profile_from_observations(o, "mix");
  ASSERT_TRUE(p.ok());
  auto text = render_apparmor(*p);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_NE(text->find("  /tmp/tmp*/ rw,\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("  /tmp/tmp* rw,\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("  /var/www/ r,\n"), std::string::npos) << *text;
  EXPECT_EQ(text->find("  /var/www r,\n"), std::string::npos) << "a named directory needs no file rule";
  expect_parser_accepts(*text, "mixed patterns");
}

TEST(PolicyAppArmor, BaseAbstractionOnlyWithoutRecordedFiles) {
  Profile p;
  p.name = "bare";
  auto text = render_apparmor(p);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_NE(text->find("  include <abstractions/base>\n"), std::string::npos);
  expect_parser_accepts(*text, "profile without files");
}

TEST(PolicyAppArmor, AwkwardPathsAreEscapedAndCompile) {
  Profile p;
  p.name = "odd.name-1_x";
  p.files["/tmp/with space/a\\*b"] = {"read"};
  p.files["/tmp/q\\\"uote\\{x\\,y\\}\\@z"] = {"read", "write"};
  p.files["/srv/caf\xc3\xa9/\\[1\\]\\?\\^"] = {"read"};
  p.files["/usr/lib/**"] = {"read", "mmap-exec"};
  p.files["/"] = {"list"};
  p.files["/var/lib/app/*"] = {"create", "delete", "write", "append", "link", "lock", "chmod", "execute"};
  p.syscalls["x86_64"] = {"ptrace"};
  auto text = render_apparmor(p);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_NE(text->find("  \"/tmp/with space/a\\*b\" r,\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("  / r,\n"), std::string::npos);
  EXPECT_NE(text->find("  /var/lib/app/* wixlk,\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("ptrace (read, readby, trace, tracedby)"), std::string::npos);
  expect_parser_accepts(*text, "awkward paths");
}

TEST(PolicyAppArmor, EveryNetworkFamilyAndTypeWeNameCompilesOrIsLeftAsAComment) {
  Profile p;
  p.name = "net";
  for (int fam = 0; fam < 46; ++fam)
    for (int type : {SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_DCCP})
      p.network.sockets.insert(SocketRule{family_name(fam), socket_type_name(type), 0});
  auto text = render_apparmor(p);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_NE(text->find("# network decnet stream: not expressible"), std::string::npos);
  EXPECT_NE(text->find("  network inet6 seqpacket,\n"), std::string::npos);
  expect_parser_accepts(*text, "all families");
}

TEST(PolicyAppArmor, ParserCheckIsReal) {
  // The compile check above would be worthless if the parser accepted anything.
  TempDir dir;
  test::write_file(dir / "bad", "profile x {\n  /tmp/x wa,\n}\n");
  auto r = test::run({"apparmor_parser", "-Q", "-K", dir / "bad"}, 60);
  ASSERT_NE(r.exit_code, 127) << "apparmor_parser not found";
  EXPECT_NE(r.exit_code, 0);
}

TEST(PolicyAppArmor, UnusableNamesAreSanitisedPatternsAreErrorsNamingThem) {
  Profile p;
  p.name = "bad\"name with space";
  auto r = render_apparmor(p);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NE(r->find("profile \"bad_name_with_space\" flags="), std::string::npos) << *r;
  EXPECT_EQ(apparmor_profile_name(""), "profile");
  expect_parser_accepts(*r, "sanitised name");
  Profile q;
  q.name = "ok";
  q.files["/tmp/[abc]"] = {"read"};
  auto r2 = render_apparmor(q);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("/tmp/[abc]"), std::string::npos);
}

}  // namespace
}  // namespace profile
