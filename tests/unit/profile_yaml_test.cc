// profile.yaml: strict parsing (every error names the file and the line)
// and how its additions and removals change a profile.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "profilegen/profile.h"
#include "profilegen/profile_yaml.h"
#include "profilegen/render.h"
#include "test_util.h"

namespace profile {
namespace {

// The error message of parsing `text`, or "" when it parses.
std::string parse_error(const std::string& text) {
  auto r = parse_profile_yaml(text, "dir/profile.yaml");
  return r ? "" : r.error().message;
}

std::map<std::string, std::string> rendered(const Profile& p) {
  std::map<std::string, std::string> out;
  auto files = render_all(p);
  EXPECT_TRUE(files.ok()) << files.error().message;
  if (files)
    for (auto& f : *files) out[f.name] = f.content;
  return out;
}

Profile recorded() {
  Profile p;
  p.name = "web";
  p.syscalls["x86_64"] = {"read", "write", "openat", "ptrace"};
  p.files["/srv/www/index.html"] = {"read"};
  p.files["/tmp/debug.log"] = {"append", "create", "write"};
  p.network.ports.insert(PortRule{"bind", "tcp", 8080});
  p.network.sockets.insert(SocketRule{"inet", "stream", 0});
  p.network.sockets.insert(SocketRule{"netlink", "raw", 0});
  p.capabilities["SYS_PTRACE"] = CapEvidence{CapEvidenceKind::kObserved, "ptrace"};
  add_widening(&p, "syscall-family", "syscall x86_64 ptrace", "a family member", {"syscall x86_64 read"});
  add_widening(&p, "temporary-name", "/tmp/debug.log", "a random name", {"/tmp/debug.log"});
  return p;
}

const char* kExample = R"(# Hand-written changes, kept across recordings.
add:
  files:
    - path: /srv/www/**
      access: [read, list]
      reason: serve every page, not only the ones the tests fetched
  syscalls:
    - names: [sendfile]
      reason: large files are sent with sendfile
  ports:
    - kind: bind
      protocol: tcp
      port: 8443
      reason: TLS listener, not exercised by the tests
  sockets:
    - family: inet6
      type: stream
      reason: IPv6 clients
  capabilities:
    - name: CAP_NET_BIND_SERVICE
      reason: binds port 443 in production
remove:
  files:
    - path: /tmp/debug.log
      access: [write]
      reason: debug logging is off in production
  syscalls:
    - names: [ptrace]
      reason: the crash handler must not ptrace
  sockets:
    - family: netlink
      reason: no netlink in production
  capabilities:
    - name: sys_ptrace
      reason: see ptrace above
)";

TEST(ProfileYaml, AdditionsAndRemovalsAreAppliedAndEveryRenderedFileSeesThem) {
  auto y = parse_profile_yaml(kExample, "dir/profile.yaml");
  ASSERT_TRUE(y.ok()) << y.error().message;
  EXPECT_EQ(y->add.size(), 5u);
  EXPECT_EQ(y->remove.size(), 4u);
  EXPECT_EQ(y->add.files[0].line, 4);
  std::vector<std::string> notes;
  auto p = apply_profile_yaml(recorded(), *y, &notes);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(notes.empty()) << notes[0];

  EXPECT_EQ(p->files.at("/srv/www/**"), (std::set<std::string>{"list", "read"}));
  EXPECT_EQ(p->files.at("/tmp/debug.log"), (std::set<std::string>{"append", "create"}));
  EXPECT_EQ(p->syscalls.at("x86_64"), (std::set<std::string>{"openat", "read", "sendfile", "write"}));
  EXPECT_TRUE(p->network.ports.count(PortRule{"bind", "tcp", 8443}));
  EXPECT_TRUE(p->network.sockets.count(SocketRule{"inet6", "stream", 0}));
  EXPECT_FALSE(p->network.sockets.count(SocketRule{"netlink", "raw", 0}));
  ASSERT_TRUE(p->capabilities.count("NET_BIND_SERVICE"));
  EXPECT_EQ(p->capabilities.at("NET_BIND_SERVICE").kind, CapEvidenceKind::kManual);
  EXPECT_EQ(p->capabilities.at("NET_BIND_SERVICE").reason, "binds port 443 in production");
  EXPECT_FALSE(p->capabilities.count("SYS_PTRACE"));

  // A reviewer reads every addition, with its reason, in profile.json.
  std::map<std::string, std::string> manual;
  for (const auto& w : p->widenings) {
    EXPECT_NE(w.rule, "syscall x86_64 ptrace") << "the widening of a removed syscall stays";
    if (w.kind == "manual") manual[w.rule] = w.reason;
  }
  EXPECT_EQ(manual, (std::map<std::string, std::string>{
                        {"/srv/www/**", "serve every page, not only the ones the tests fetched"},
                        {"capability NET_BIND_SERVICE", "binds port 443 in production"},
                        {"port bind tcp 8443", "TLS listener, not exercised by the tests"},
                        {"socket inet6 stream 0", "IPv6 clients"},
                        {"syscall x86_64 sendfile", "large files are sent with sendfile"},
                    }));
  // Only some access of /tmp/debug.log went: its rule and widening stay.
  EXPECT_EQ(p->widenings.size(), manual.size() + 1);

  auto files = rendered(*p);
  EXPECT_NE(files["seccomp.json"].find("\"sendfile\""), std::string::npos);
  EXPECT_EQ(files["seccomp.json"].find("\"ptrace\""), std::string::npos);
  EXPECT_EQ(files["caps.txt"], "NET_BIND_SERVICE\n");
  EXPECT_NE(files["landlock.json"].find("/srv/www"), std::string::npos);
  EXPECT_NE(files["apparmor.profile"].find("/srv/www/**"), std::string::npos);
  EXPECT_NE(files["profile.json"].find("binds port 443 in production"), std::string::npos);
  auto back = profile_from_json(files["profile.json"], "profile.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, *p);
}

TEST(ProfileYaml, AnEditedReasonReplacesTheOneAPreviousRunWrote) {
  auto first = parse_profile_yaml("add:\n  syscalls:\n    - names: [getpid]\n      reason: old\n", "f");
  auto second = parse_profile_yaml("add:\n  syscalls:\n    - names: [getpid]\n      reason: new\n", "f");
  ASSERT_TRUE(first.ok() && second.ok());
  auto once = apply_profile_yaml(recorded(), *first, nullptr);
  ASSERT_TRUE(once.ok());
  auto again = apply_profile_yaml(*once, *second, nullptr);
  ASSERT_TRUE(again.ok());
  bool found = false;
  for (const auto& w : again->widenings)
    if (w.kind == "manual" && w.rule == "syscall x86_64 getpid") {
      found = true;
      EXPECT_EQ(w.reason, "new");
    }
  EXPECT_TRUE(found);
}

TEST(ProfileYaml, ApplyingTwiceChangesNothingMore) {
  auto y = parse_profile_yaml(kExample, "dir/profile.yaml");
  ASSERT_TRUE(y.ok()) << y.error().message;
  auto once = apply_profile_yaml(recorded(), *y, nullptr);
  ASSERT_TRUE(once.ok());
  auto twice = apply_profile_yaml(*once, *y, nullptr);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(profile_to_json(*once), profile_to_json(*twice));
}

TEST(ProfileYaml, ARemovalOfSomethingNotRecordedIsANoteNamingTheLine) {
  auto y = parse_profile_yaml(
      "remove:\n"
      "  syscalls:\n"
      "    - names: [mount]\n"
      "      reason: never\n"
      "  files:\n"
      "    - path: /etc/shadow\n"
      "      reason: never\n",
      "dir/profile.yaml");
  ASSERT_TRUE(y.ok()) << y.error().message;
  std::vector<std::string> notes;
  auto p = apply_profile_yaml(recorded(), *y, &notes);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(*p, recorded());
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("dir/profile.yaml:6:"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("/etc/shadow"), std::string::npos) << notes[0];
  EXPECT_NE(notes[1].find("dir/profile.yaml:3:"), std::string::npos) << notes[1];
  EXPECT_NE(notes[1].find("mount"), std::string::npos) << notes[1];
}

TEST(ProfileYaml, ASyscallWithoutArchGoesToEveryArchitectureOfTheProfile) {
  Profile p = recorded();
  p.syscalls["x86"] = {"read"};
  auto y = parse_profile_yaml("add:\n  syscalls:\n    - names: [getpid]\n      reason: r\n", "f");
  ASSERT_TRUE(y.ok()) << y.error().message;
  auto out = apply_profile_yaml(p, *y, nullptr);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_TRUE(out->syscalls.at("x86").count("getpid"));
  EXPECT_TRUE(out->syscalls.at("x86_64").count("getpid"));

  // newfstatat does not exist on x86 (i386: fstatat64): named, with the line.
  auto bad = parse_profile_yaml("add:\n  syscalls:\n    - names: [newfstatat]\n      reason: r\n", "f");
  ASSERT_TRUE(bad.ok()) << bad.error().message;
  auto r = apply_profile_yaml(p, *bad, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("f:3:"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("newfstatat"), std::string::npos) << r.error().message;

  auto none = apply_profile_yaml(Profile{}, *y, nullptr);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("f:3:"), std::string::npos) << none.error().message;
}

TEST(ProfileYaml, AnEmptyFileChangesNothing) {
  for (const char* text : {"", "# nothing yet\n", "add: {}\nremove: {}\n"}) {
    auto y = parse_profile_yaml(text, "f");
    ASSERT_TRUE(y.ok()) << text << ": " << y.error().message;
    EXPECT_EQ(y->add.size() + y->remove.size(), 0u) << text;
  }
}

TEST(ProfileYaml, ALiteralSensitivePathMayBeAddedAWideningWildcardMayNot) {
  auto lit = parse_profile_yaml("add:\n  files:\n    - path: /etc/shadow\n      access: [read]\n      reason: r\n", "f");
  ASSERT_TRUE(lit.ok()) << lit.error().message;
  auto p = apply_profile_yaml(recorded(), *lit, nullptr);
  ASSERT_TRUE(p.ok());
  EXPECT_NE(rendered(*p)["landlock.json"].find("/etc/shadow"), std::string::npos);
  EXPECT_EQ(rendered(*p)["apparmor.profile"].find("deny /etc/shadow "), std::string::npos);

  // A wildcard addition keeps sensitive paths out, as a recorded one does.
  auto wild = parse_profile_yaml("add:\n  files:\n    - path: /etc/**\n      access: [read]\n      reason: r\n", "f");
  ASSERT_TRUE(wild.ok()) << wild.error().message;
  auto w = apply_profile_yaml(recorded(), *wild, nullptr);
  ASSERT_TRUE(w.ok());
  EXPECT_NE(rendered(*w)["apparmor.profile"].find("deny /etc/shadow "), std::string::npos);

  std::string e = parse_error("add:\n  files:\n    - path: /etc/**\n      access: [write]\n      reason: r\n");
  EXPECT_NE(e.find("dir/profile.yaml:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("'/etc'"), std::string::npos) << e;
  // A directory below is the user's to name.
  EXPECT_EQ(parse_error("add:\n  files:\n    - path: /etc/app/**\n      access: [write]\n      reason: r\n"), "");
}

// The examples of the documentation, taken from the pages themselves so
// they cannot drift from what the parser accepts.
std::vector<std::string> yaml_blocks(const std::string& page) {
  std::vector<std::string> out;
  const std::string text = test::read_file(std::string(PROFILE_SOURCE_DIR) + "/" + page);
  size_t at = 0;
  while ((at = text.find("```yaml\n", at)) != std::string::npos) {
    at += 8;
    size_t end = text.find("```\n", at);
    if (end == std::string::npos) break;
    out.push_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

TEST(ProfileYaml, TheDocumentedExamplesParseAndApply) {
  for (const char* page : {"README.md", "docs/policy.md"}) {
    auto blocks = yaml_blocks(page);
    ASSERT_FALSE(blocks.empty()) << page << " has no yaml example";
    for (const auto& b : blocks) {
      auto y = parse_profile_yaml(b, page);
      ASSERT_TRUE(y.ok()) << y.error().message;
      EXPECT_GT(y->add.size() + y->remove.size(), 0u) << b;
      auto p = apply_profile_yaml(recorded(), *y, nullptr);
      EXPECT_TRUE(p.ok()) << p.error().message;
    }
  }
}

struct BadCase {
  const char* what;
  const char* text;
  int line;
  const char* names;  // the bad value, as the message must quote it
};

TEST(ProfileYaml, EveryErrorNamesTheFileTheLineAndTheBadValue) {
  const BadCase cases[] = {
      {"unknown top-level key", "add: {}\nallow:\n  files: []\n", 3, "'allow'"},
      {"unknown kind", "add:\n  paths: []\n", 2, "'paths'"},
      {"unknown entry key", "add:\n  files:\n    - path: /a\n      acess: [read]\n      reason: r\n", 4, "'acess'"},
      {"missing reason", "add:\n  files:\n    - path: /a\n      access: [read]\n", 3, "'reason'"},
      {"empty reason", "add:\n  files:\n    - path: /a\n      access: [read]\n      reason: '  '\n", 5, "reason"},
      {"reason not a string", "add:\n  files:\n    - path: /a\n      access: [read]\n      reason: [x]\n", 5,
       "reason"},
      {"wrong type", "add:\n  files:\n    path: /a\n", 3, "expected a list"},
      {"unknown access", "add:\n  files:\n    - path: /a\n      access: [read, exec]\n      reason: r\n", 4, "'exec'"},
      {"relative path", "add:\n  files:\n    - path: srv/www\n      access: [read]\n      reason: r\n", 3,
       "'srv/www'"},
      {"bad pattern", "add:\n  files:\n    - path: /a/@{user}\n      access: [read]\n      reason: r\n", 3,
       "@{user}"},
      {"unknown syscall", "add:\n  syscalls:\n    - names: [sendfiel]\n      arch: x86_64\n      reason: r\n", 3,
       "sendfiel"},
      {"unknown syscall without arch", "remove:\n  syscalls:\n    - names: [read, ptrce]\n      reason: r\n", 3,
       "'ptrce'"},
      {"unknown arch", "add:\n  syscalls:\n    - names: [read]\n      arch: vax\n      reason: r\n", 4, "'vax'"},
      {"unknown capability", "add:\n  capabilities:\n    - name: NET_BIND\n      reason: r\n", 3, "NET_BIND"},
      {"unknown family", "add:\n  sockets:\n    - family: inet7\n      type: stream\n      reason: r\n", 3,
       "inet7"},
      {"unknown socket type", "add:\n  sockets:\n    - family: inet\n      type: strem\n      reason: r\n", 4,
       "strem"},
      {"port out of range",
       "add:\n  ports:\n    - kind: bind\n      protocol: tcp\n      port: 70000\n      reason: r\n", 5, "70000"},
      {"quoted port", "add:\n  ports:\n    - kind: bind\n      protocol: tcp\n      port: '80'\n      reason: r\n", 5,
       "'80'"},
      {"unknown port kind",
       "add:\n  ports:\n    - kind: listen\n      protocol: tcp\n      port: 80\n      reason: r\n", 3, "'listen'"},
      {"repeated key", "add:\n  files: []\n  files: []\n", 3, "'files'"},
      {"invalid YAML", "add:\n  files: [\n    - x\n", 3, "invalid YAML"},
      {"alias", "add:\n  files: &f []\nremove:\n  files: *f\n", 2, "anchors"},
      {"tag", "add:\n  files: !!seq []\n", 2, "tags"},
      {"add and remove the same file",
       "add:\n  files:\n    - path: /a\n      access: [read]\n      reason: r\nremove:\n  files:\n    - path: /a\n"
       "      reason: r\n",
       8, "'/a'"},
      {"name listed twice", "add:\n  syscalls:\n    - names: [read, read]\n      reason: r\n", 3, "'read'"},
      {"control byte in a path", "add:\n  files:\n    - path: \"/a\\x01\"\n      access: [read]\n      reason: r\n", 3,
       "\\x01"},
      {"not UTF-8", "add:\n  files:\n    - path: \"/a\xff\"\n      access: [read]\n      reason: r\n", 3, "\\xff"},
  };
  for (const auto& c : cases) {
    std::string e = parse_error(c.text);
    ASSERT_FALSE(e.empty()) << c.what << ": accepted";
    std::string where = "dir/profile.yaml:" + std::to_string(c.line) + ":";
    EXPECT_EQ(e.rfind(where, 0), 0u) << c.what << ": " << e;
    EXPECT_NE(e.find(c.names), std::string::npos) << c.what << ": " << e;
  }
}

TEST(ProfileYaml, HostileInputIsRefusedCheaply) {
  std::string deep = "add:\n  files: " + std::string(5000, '[') + "\n";
  std::string e = parse_error(deep);
  EXPECT_NE(e.find("dir/profile.yaml:"), std::string::npos) << e;
  std::string big(kMaxProfileYamlBytes + 1, '#');
  e = parse_error(big);
  EXPECT_NE(e.find("larger than"), std::string::npos) << e;
  e = parse_error("add: {}\n---\nadd: {}\n");
  EXPECT_NE(e.find("more than one"), std::string::npos) << e;
}

}  // namespace
}  // namespace profile
