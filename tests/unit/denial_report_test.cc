// core/denial_report: the JSON of enforce --report, written and read back
// strictly, and its one-line form with every workload byte escaped.
#include "core/denial_report.h"

#include <gtest/gtest.h>

namespace profile {
namespace {

Denial sample() {
  Denial d;
  d.mechanism = "seccomp";
  d.action = "denied";
  d.arch = "x86_64";
  d.syscall = "openat";
  d.pid = 42;
  d.comm = std::string("ev\x1b[1mil\n", 9);
  d.path = std::string("/tmp/a\\b\xff\x01", 10);
  d.access = {"read", "write"};
  d.count = 3;
  return d;
}

TEST(DenialReport, RoundTripKeepsEveryByte) {
  DenialReport r;
  r.mode = "complain";
  r.denials.push_back(sample());
  Denial b;
  b.mechanism = "landlock";
  b.action = "allowed";
  b.syscall = "bind";
  b.family = "inet";
  b.protocol = "tcp";
  b.port = 8080;
  b.count = 1;
  r.denials.push_back(b);
  Denial c;
  c.mechanism = "capability";
  c.action = "allowed";
  c.capability = "CHOWN";
  c.count = 2;
  r.denials.push_back(c);
  r.overflow = 7;
  r.invisible = {"capabilities: not visible"};
  std::string text = denial_report_to_json(r);
  auto back = parse_denial_report(text, "r.json");
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->denials.size(), 3u);
  EXPECT_EQ(back->denials[2].capability, "CHOWN");
  EXPECT_EQ(back->denials[0].comm, sample().comm);
  EXPECT_EQ(back->denials[0].path, sample().path);
  EXPECT_EQ(back->denials[0].access, sample().access);
  EXPECT_EQ(back->denials[0].count, 3u);
  EXPECT_EQ(back->denials[1].port, 8080);
  EXPECT_EQ(back->denials[1].protocol, "tcp");
  EXPECT_EQ(back->overflow, 7u);
  EXPECT_EQ(back->invisible, r.invisible);
  EXPECT_EQ(denial_report_to_json(*back), text);
}

TEST(DenialReport, LineEscapesWorkloadBytes) {
  std::string line = denial_line(sample());
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_NE(line.find("seccomp: denied openat (x86_64) path '/tmp/a\\\\b\\xff\\x01' (read,write) by pid 42 "
                      "'ev\\x1b[1mil\\x0a'"),
            std::string::npos)
      << line;
}

TEST(DenialReport, DistinctByCallNotByProcess) {
  Denial a = sample(), b = sample();
  b.pid = 7;
  b.comm = "other";
  EXPECT_EQ(a.key(), b.key());
  b.path = "/tmp/other";
  EXPECT_NE(a.key(), b.key());
  Denial c = sample();
  c.access = {"read"};
  EXPECT_NE(a.key(), c.key());
}

void expect_refused(const std::string& text, const std::string& needle) {
  auto r = parse_denial_report(text, "bad.json");
  ASSERT_FALSE(r) << text;
  EXPECT_NE(r.error().message.find("bad.json"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

const char* kEntry =
    R"({"mechanism":"seccomp","action":"denied","arch":"x86_64","syscall":"mkdir","pid":1,"comm":"x","count":1)";

std::string doc(const std::string& entry_tail, const std::string& top = "") {
  return R"({"version":1,"mode":"enforce",)" + top + R"("denials":[)" + kEntry + entry_tail + "]}";
}

TEST(DenialReport, StrictReader) {
  ASSERT_TRUE(parse_denial_report(doc("}"), "ok.json"));
  expect_refused(doc(R"(,"colour":"red"})"), "unknown key 'colour'");
  expect_refused(doc(R"(,"count":2})"), "duplicate key 'count'");
  expect_refused(doc(R"(,"port":70000})"), "70000 is out of range");
  expect_refused(doc(R"(,"path":"/a\\q"})"), "denials[0].path");
  expect_refused(doc(R"(,"protocol":"sctp"})"), "'sctp'");
  expect_refused(doc(R"(,"capability":"FLY"})"), "denials[0].capability");
  expect_refused(doc("}", R"("overflow":-1,)"), "overflow");
  expect_refused(R"({"version":2,"mode":"enforce","denials":[]})", "version");
  expect_refused(R"({"version":1,"mode":"audit","denials":[]})", "unknown mode 'audit'");
  std::string apparmor = doc("}");
  apparmor.replace(apparmor.find("seccomp"), 7, "apparmor");
  expect_refused(apparmor, "unknown mechanism 'apparmor'");
  expect_refused(R"({"version":1,"mode":"enforce","denials":[{"mechanism":"seccomp"}]})", "missing key 'action'");
  expect_refused(R"({"version":1,"mode":"enforce"})", "missing key 'denials'");
  expect_refused("[[[[[[[[[[[[1]]]]]]]]]]]]", "nested");
  expect_refused("{", "invalid JSON");
  std::string zero = R"({"version":1,"mode":"enforce","denials":[{"mechanism":"seccomp","action":"denied",)"
                     R"("arch":"x86_64","syscall":"mkdir","pid":1,"comm":"x","count":0}]})";
  expect_refused(zero, "denials[0].count");
}

}  // namespace
}  // namespace profile
