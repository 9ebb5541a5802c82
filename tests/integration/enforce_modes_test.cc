// enforce --mode enforce|complain|kill and --report: every call outside the
// profile is named (seccomp user notification), answered as the mode says,
// and reported; the report feeds `profile learn`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "recording_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

using test::BuildTempDir;
using test::helper;
using test::run_profile;

struct Recorded {
  BuildTempDir dir{"enforce-modes"};
  std::string prof;
  std::string file;  // a file the recording never opened
  int port = -1;
};

// A profile of `HELPER base`, and a file and port it never used.
void record_base(Recorded* r, const std::string& name) {
  r->prof = r->dir / "prof";
  r->file = r->dir / "unrecorded.txt";
  test::write_file(r->file, "data\n");
  r->port = test::free_loopback_port();
  auto rec = run_profile({"record", "--tracer", "ptrace", "-o", r->prof, "--", helper(name), "base"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
}

nlohmann::json read_report(const std::string& path) { return nlohmann::json::parse(test::read_file(path)); }

const nlohmann::json* find_denial(const nlohmann::json& rep, const std::string& syscall) {
  for (const auto& d : rep["denials"])
    if (d["syscall"] == syscall) return &d;
  return nullptr;
}

TEST(EnforceModes, EnforceDeniesAndNamesEachCall) {
  PROFILE_NEEDS_ROOT();
  Recorded r;
  record_base(&r, "md_violate");
  std::string report = r.dir / "report.json";
  auto e = run_profile({"enforce", "--profile", r.prof, "--report", report, "--", helper("md_violate"), "all", r.file,
                        std::to_string(r.port)});
  EXPECT_EQ(e.exit_code, 1) << e.out << e.err;
  EXPECT_NE(e.out.find("sysinfo errno=1\n"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("bind errno="), std::string::npos) << e.out;
  // One line as it happens, and again in the summary with the count.
  EXPECT_NE(e.err.find("seccomp: denied sysinfo (x86_64) by pid "), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("seccomp: denied socket (x86_64) family inet stream"), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("'md_violate'"), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("distinct calls outside the profile"), std::string::npos) << e.err;
  auto rep = read_report(report);
  EXPECT_EQ(rep["mode"], "enforce");
  const auto* d = find_denial(rep, "sysinfo");
  ASSERT_NE(d, nullptr) << rep.dump(2);
  EXPECT_EQ((*d)["action"], "denied");
  EXPECT_EQ((*d)["mechanism"], "seccomp");
  EXPECT_EQ((*d)["count"], 1);
  EXPECT_EQ((*d)["comm"], "md_violate");
  const auto* s = find_denial(rep, "socket");
  ASSERT_NE(s, nullptr) << rep.dump(2);
  EXPECT_EQ((*s)["family"], "inet");
  EXPECT_EQ((*s)["type"], "stream");
}

TEST(EnforceModes, ComplainAllowsAndReports) {
  PROFILE_NEEDS_ROOT();
  Recorded r;
  record_base(&r, "md_violate");
  std::string report = r.dir / "report.json";
  auto e = run_profile({"enforce", "--mode", "complain", "--profile", r.prof, "--report", report, "--",
                        helper("md_violate"), "all", r.file, std::to_string(r.port)});
  EXPECT_EQ(e.exit_code, 0) << e.out << e.err;
  EXPECT_EQ(e.out, "base\nsysinfo ok\nread ok\nbind ok\n") << e.err;
  EXPECT_NE(e.err.find("seccomp: allowed sysinfo (x86_64)"), std::string::npos) << e.err;
  auto rep = read_report(report);
  EXPECT_EQ(rep["mode"], "complain");
  const auto* b = find_denial(rep, "bind");
  ASSERT_NE(b, nullptr) << rep.dump(2);
  EXPECT_EQ((*b)["action"], "allowed");
  EXPECT_EQ((*b)["port"], r.port);
  EXPECT_EQ((*b)["family"], "inet");
  EXPECT_EQ((*b)["protocol"], "tcp");
  EXPECT_NE(find_denial(rep, "sysinfo"), nullptr);
  // Landlock is not applied; the recorder saw the read and the bind it
  // would have refused.
  bool file = false, port = false;
  for (const auto& d : rep["denials"]) {
    if (d["mechanism"] != "landlock") continue;
    EXPECT_EQ(d["action"], "allowed");
    if (d.contains("path") && d["path"] == r.file) file = true;
    if (d.contains("port") && d["port"] == r.port && d["syscall"] == "bind") port = true;
  }
  EXPECT_TRUE(file) << rep.dump(2);
  EXPECT_TRUE(port) << rep.dump(2);
  EXPECT_NE(e.err.find("landlock: allowed (would be denied) path '" + r.file + "' (read)"), std::string::npos) << e.err;
}

TEST(EnforceModes, KillKillsTheProcessAtTheFirstCall) {
  PROFILE_NEEDS_ROOT();
  Recorded r;
  record_base(&r, "md_violate");
  std::string report = r.dir / "report.json";
  auto e = run_profile({"enforce", "--mode", "kill", "--profile", r.prof, "--report", report, "--",
                        helper("md_violate"), "all", r.file, std::to_string(r.port)});
  EXPECT_EQ(e.exit_code, 128 + 9) << e.out << e.err;
  // Killed before sysinfo returned: nothing after it ran.
  EXPECT_EQ(e.out, "base\n") << e.err;
  EXPECT_NE(e.err.find("seccomp: killed sysinfo (x86_64)"), std::string::npos) << e.err;
  auto rep = read_report(report);
  EXPECT_EQ(rep["mode"], "kill");
  ASSERT_EQ(rep["denials"].size(), 1u) << rep.dump(2);
  EXPECT_EQ(rep["denials"][0]["syscall"], "sysinfo");
  EXPECT_EQ(rep["denials"][0]["action"], "killed");
}

TEST(EnforceModes, ThreadsViolatingAtOnceAreAllReported) {
  PROFILE_NEEDS_ROOT();
  Recorded r;
  record_base(&r, "md_threads");
  std::string report = r.dir / "report.json";
  auto e = run_profile({"enforce", "--profile", r.prof, "--report", report, "--", helper("md_threads")});
  EXPECT_EQ(e.exit_code, 0) << e.out << e.err;
  EXPECT_EQ(e.out, "done\n");
  auto rep = read_report(report);
  for (const char* sc :
       {"sysinfo", "times", "getpriority", "getrusage", "uname", "getsid", "getpgid", "sched_getscheduler"}) {
    const auto* d = find_denial(rep, sc);
    ASSERT_NE(d, nullptr) << sc << " missing from " << rep.dump(2);
    EXPECT_EQ((*d)["count"], 1) << sc;
  }
}

TEST(EnforceModes, WorkloadControlledNamesAreEscaped) {
  PROFILE_NEEDS_ROOT();
  Recorded r;
  record_base(&r, "md_violate");
  std::string report = r.dir / "report.json";
  auto e = run_profile(
      {"enforce", "--mode", "complain", "--profile", r.prof, "--report", report, "--", helper("md_violate"), "comm"});
  EXPECT_EQ(e.exit_code, 0) << e.out << e.err;
  EXPECT_EQ(e.err.find('\x1b'), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("seccomp: allowed sysinfo (x86_64) by pid "), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("'\\x1b[31mred\\x0ax'"), std::string::npos) << e.err;
  auto rep = read_report(report);
  const auto* d = find_denial(rep, "sysinfo");
  ASSERT_NE(d, nullptr) << rep.dump(2);
  EXPECT_EQ((*d)["comm"], "\\x1b[31mred\\x0ax");
}

TEST(EnforceModes, LearnFoldsAComplainReportIntoTheProfile) {
  PROFILE_NEEDS_ROOT();
  Recorded r;
  record_base(&r, "md_violate");
  std::vector<std::string> cmd = {helper("md_violate"), "all", r.file, std::to_string(r.port)};
  std::string report = r.dir / "report.json";
  std::vector<std::string> args = {"enforce", "--mode", "complain", "--profile", r.prof, "--report", report, "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  auto c = run_profile(args);
  ASSERT_EQ(c.exit_code, 0) << c.err;
  auto l = run_profile({"learn", r.prof, report});
  ASSERT_EQ(l.exit_code, 0) << l.out << l.err;
  EXPECT_NE(l.err.find("+ syscall x86_64 sysinfo"), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("+ port bind tcp " + std::to_string(r.port)), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("+ socket inet stream"), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("+ file " + r.file + " read"), std::string::npos) << l.err;
  auto pj = nlohmann::json::parse(test::read_file(r.prof + "/profile.json"));
  EXPECT_NE(pj.dump().find("\"learned\""), std::string::npos);
  // Under the learned profile the same run is clean: nothing denied.
  std::string again = r.dir / "again.json";
  args = {"enforce", "--profile", r.prof, "--report", again, "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  auto e = run_profile(args);
  EXPECT_EQ(e.exit_code, 0) << e.out << e.err;
  EXPECT_EQ(e.out, "base\nsysinfo ok\nread ok\nbind ok\n") << e.err;
  EXPECT_NE(e.err.find("seccomp: no call outside the profile"), std::string::npos) << e.err;
  EXPECT_TRUE(read_report(again)["denials"].empty());
}

// A profile of `md_violate base` that also allows the socket and bind
// syscalls, so the bind reaches Landlock's port check instead of stopping at
// seccomp's (and sysinfo too when `also_sysinfo`).
void allow_socket_calls(Recorded* r, bool also_sysinfo = false) {
  std::string grant = r->dir / "grant.json";
  std::string sysinfo =
      R"({"mechanism":"seccomp","action":"denied","arch":"x86_64","syscall":"sysinfo","pid":1,"comm":"x","count":1},)";
  test::write_file(grant,
                   R"({"version":1,"mode":"enforce","denials":[)" + (also_sysinfo ? sysinfo : std::string()) +
                   R"({"mechanism":"seccomp","action":"denied","arch":"x86_64","syscall":"socket","family":"inet",)"
                   R"("type":"stream","pid":1,"comm":"md_violate","count":1},)"
                   R"({"mechanism":"seccomp","action":"denied","arch":"x86_64","syscall":"bind","pid":1,)"
                   R"("comm":"md_violate","count":1}],"overflow":0,"invisible":[]})");
  auto l = run_profile({"learn", r->prof, grant});
  ASSERT_EQ(l.exit_code, 0) << l.out << l.err;
}

bool has_landlock_note(const nlohmann::json& rep) {
  for (const auto& n : rep["invisible"])
    if (n.get<std::string>().rfind("landlock: its denials", 0) == 0) return true;
  return false;
}

// --watch: Landlock refuses the read and the bind, seccomp the call, and all
// three are named in one run; the report, learned, gives a profile the same
// run passes cleanly under.
TEST(EnforceModes, WatchNamesLandlockDenialsInEnforceMode) {
  PROFILE_NEEDS_ROOT();
  Recorded r;
  record_base(&r, "md_violate");
  allow_socket_calls(&r);
  std::vector<std::string> cmd = {helper("md_violate"), "all", r.file, std::to_string(r.port)};
  std::string report = r.dir / "report.json";
  std::vector<std::string> args = {"enforce", "--watch", "--profile", r.prof, "--report", report, "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  auto e = run_profile(args);
  EXPECT_EQ(e.exit_code, 1) << e.out << e.err;
  EXPECT_EQ(e.out, "base\nsysinfo errno=1\nread errno=13\nbind errno=13\n") << e.err;
  EXPECT_NE(e.err.find("seccomp: denied sysinfo (x86_64)"), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("landlock: denied path '" + r.file + "' (read)"), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("landlock: denied bind family inet tcp port " + std::to_string(r.port)), std::string::npos)
      << e.err;
  auto rep = read_report(report);
  EXPECT_EQ(rep["mode"], "enforce");
  const auto* s = find_denial(rep, "sysinfo");
  ASSERT_NE(s, nullptr) << rep.dump(2);
  EXPECT_EQ((*s)["action"], "denied");
  bool file = false, port = false;
  for (const auto& d : rep["denials"]) {
    if (d["mechanism"] != "landlock") continue;
    EXPECT_EQ(d["action"], "denied") << d.dump();
    if (d.contains("path") && d["path"] == r.file) file = true;
    if (d.contains("port") && d["port"] == r.port && d["syscall"] == "bind") port = true;
  }
  EXPECT_TRUE(file) << rep.dump(2);
  EXPECT_TRUE(port) << rep.dump(2);
  EXPECT_FALSE(has_landlock_note(rep)) << rep.dump(2);

  auto l = run_profile({"learn", r.prof, report});
  ASSERT_EQ(l.exit_code, 0) << l.out << l.err;
  EXPECT_NE(l.err.find("+ file " + r.file + " read"), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("+ port bind tcp " + std::to_string(r.port)), std::string::npos) << l.err;
  auto again = run_profile({"enforce", "--profile", r.prof, "--", cmd[0], cmd[1], cmd[2], cmd[3]});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out, "base\nsysinfo ok\nread ok\nbind ok\n") << again.err;
}

// Without --watch the same run names only the seccomp denial and says that
// Landlock's were not watched, and how to watch them.
TEST(EnforceModes, WithoutWatchLandlockDenialsAreSaidUnwatched) {
  PROFILE_NEEDS_ROOT();
  Recorded r;
  record_base(&r, "md_violate");
  allow_socket_calls(&r);
  std::string report = r.dir / "report.json";
  auto e = run_profile({"enforce", "--profile", r.prof, "--report", report, "--", helper("md_violate"), "all", r.file,
                        std::to_string(r.port)});
  EXPECT_EQ(e.exit_code, 1) << e.out << e.err;
  EXPECT_EQ(e.out, "base\nsysinfo errno=1\nread errno=13\nbind errno=13\n") << e.err;
  EXPECT_EQ(e.err.find("landlock: denied"), std::string::npos) << e.err;
  auto rep = read_report(report);
  ASSERT_TRUE(has_landlock_note(rep)) << rep.dump(2);
  bool names_watch = false;
  for (const auto& n : rep["invisible"])
    if (n.get<std::string>().find("--watch") != std::string::npos) names_watch = true;
  EXPECT_TRUE(names_watch) << rep.dump(2);
  for (const auto& d : rep["denials"]) EXPECT_EQ(d["mechanism"], "seccomp") << d.dump();
}

// Kill mode kills for seccomp only; a workload that makes no call outside
// seccomp.json lives on, and Landlock's refusals are named.
TEST(EnforceModes, WatchNamesLandlockDenialsInKillMode) {
  PROFILE_NEEDS_ROOT();
  Recorded r;
  record_base(&r, "md_violate");
  allow_socket_calls(&r, true);
  std::string report = r.dir / "report.json";
  auto e = run_profile({"enforce", "--mode", "kill", "--watch", "--profile", r.prof, "--report", report, "--",
                        helper("md_violate"), "all", r.file, std::to_string(r.port)});
  EXPECT_EQ(e.exit_code, 1) << e.out << e.err;
  EXPECT_EQ(e.out, "base\nsysinfo ok\nread errno=13\nbind errno=13\n") << e.err;
  auto rep = read_report(report);
  EXPECT_EQ(rep["mode"], "kill");
  bool file = false, port = false;
  for (const auto& d : rep["denials"]) {
    EXPECT_EQ(d["mechanism"], "landlock") << d.dump();
    EXPECT_EQ(d["action"], "denied") << d.dump();
    if (d.contains("path") && d["path"] == r.file) file = true;
    if (d.contains("port") && d["port"] == r.port) port = true;
  }
  EXPECT_TRUE(file) << rep.dump(2);
  EXPECT_TRUE(port) << rep.dump(2);
}

TEST(EnforceModes, WatchIsRefusedInComplainMode) {
  auto e = run_profile({"enforce", "--mode", "complain", "--watch", "--", "true"});
  EXPECT_EQ(e.exit_code, 125) << e.err;
  EXPECT_NE(e.err.find("--watch applies to --mode enforce and kill"), std::string::npos) << e.err;
}

TEST(EnforceModes, HelpNamesWatch) {
  auto e = run_profile({"enforce", "--help"});
  EXPECT_EQ(e.exit_code, 0) << e.err;
  auto mode = e.out.find("--mode");
  ASSERT_NE(mode, std::string::npos) << e.out;
  auto next = e.out.find("\n  --", mode + 1);
  EXPECT_NE(e.out.substr(mode, next - mode).find("--watch"), std::string::npos) << e.out;
}

// Eight threads blocked in notifications at once, and the first answer kills
// them all: the run ends (nothing left waiting on the listener) and says
// which call did it.
TEST(EnforceModes, KillWithManyThreadsWaitingEnds) {
  PROFILE_NEEDS_ROOT();
  Recorded r;
  record_base(&r, "md_threads");
  std::string report = r.dir / "report.json";
  auto e = run_profile({"enforce", "--mode", "kill", "--profile", r.prof, "--report", report, "--",
                        helper("md_threads")},
                       60);
  EXPECT_EQ(e.exit_code, 128 + 9) << e.out << e.err;
  EXPECT_EQ(e.out, "");
  auto rep = read_report(report);
  ASSERT_GE(rep["denials"].size(), 1u) << rep.dump(2);
  EXPECT_EQ(rep["denials"][0]["action"], "killed");
}

// Complain mode with any seccomp file: Docker's default profile lets the
// user namespace through and names the calls it would have refused.
TEST(EnforceModes, ComplainWithDockersProfileAllowsAndNames) {
  PROFILE_NEEDS_ROOT();
  auto e = run_profile({"enforce", "--mode", "complain", "--seccomp", test::kDockerDefaultSeccomp, "--", "unshare",
                        "-U", "true"});
  EXPECT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.err.find("seccomp: allowed unshare (x86_64)"), std::string::npos) << e.err;
}

// Complain mode grants Docker's default capabilities and reports the ones
// the kernel checked and the profile lacks; learn adds them to caps.txt.
TEST(EnforceModes, ComplainReportsCapabilitiesTheProfileLacks) {
  PROFILE_NEEDS_ROOT();
  Recorded r;
  record_base(&r, "md_violate");
  std::string report = r.dir / "report.json";
  auto e = run_profile({"enforce", "--mode", "complain", "--profile", r.prof, "--report", report, "--",
                        helper("md_violate"), "chown", r.file});
  if (e.err.find("the ebpf recorder") == std::string::npos)
    GTEST_SKIP() << "the eBPF recorder (cap_capable tracepoint) is not available: " << e.err;
  EXPECT_EQ(e.exit_code, 0) << e.out << e.err;
  EXPECT_EQ(e.out, "base\nchown ok\n");
  EXPECT_NE(e.err.find("capability: allowed (would be denied) CHOWN"), std::string::npos) << e.err;
  auto l = run_profile({"learn", r.prof, report});
  ASSERT_EQ(l.exit_code, 0) << l.err;
  EXPECT_NE(l.err.find("+ capability CHOWN"), std::string::npos) << l.err;
  EXPECT_NE(test::read_file(r.prof + "/caps.txt").find("CHOWN"), std::string::npos);
  test::write_file(r.file, "data\n");
  auto again = run_profile({"enforce", "--profile", r.prof, "--", helper("md_violate"), "chown", r.file});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out, "base\nchown ok\n");
}

// A workload that makes more distinct denied calls than are kept: memory
// stays bounded (the rest are counted as overflow) and stderr is
// rate-limited, while every call is still answered.
TEST(EnforceModes, DistinctDenialsAreBoundedAndLinesRateLimited) {
  PROFILE_NEEDS_ROOT();
  BuildTempDir dir("enforce-many");
  auto rec = run_profile({"record", "--tracer", "ptrace", "-o", dir / "prof", "--", helper("md_many"), "0"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  std::string report = dir / "report.json";
  auto e = run_profile({"enforce", "--profile", dir / "prof", "--report", report, "--", helper("md_many"), "1100"});
  EXPECT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(e.out, "done\n");
  auto rep = read_report(report);
  EXPECT_EQ(rep["denials"].size(), 1024u);
  EXPECT_EQ(rep["overflow"], 1100 - 1024);
  EXPECT_EQ(rep["denials"][0]["syscall"], "#1000");
  EXPECT_NE(e.err.find("76 more not described"), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("were not printed as they happened"), std::string::npos) << e.err;
  // Live lines (without the summary's indentation) stay far below one per call.
  size_t live = 0;
  for (size_t at = e.err.find("profile: seccomp: denied #"); at != std::string::npos;
       at = e.err.find("profile: seccomp: denied #", at + 1))
    ++live;
  EXPECT_LT(live, 200u) << e.err.substr(0, 2000);
}

// A call an argument rule does not let through falls to the default action,
// so it is reported like any other, and still answered with the profile's
// errno.
TEST(EnforceModes, CallsDeniedByArgumentRulesAreReported) {
  PROFILE_NEEDS_ROOT();
  auto e =
      run_profile({"enforce", "--seccomp", test::kDockerDefaultSeccomp, "--", helper("try_syscall"), "socket", "40"});
  EXPECT_EQ(e.exit_code, 1) << e.err;
  EXPECT_EQ(e.out, "errno=1 (EPERM)\n");
  EXPECT_NE(e.err.find("seccomp: denied socket (x86_64) family vsock"), std::string::npos) << e.err;
  auto ok =
      run_profile({"enforce", "--seccomp", test::kDockerDefaultSeccomp, "--", helper("try_syscall"), "socket", "1"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.err.find("seccomp: denied"), std::string::npos) << ok.err;
}

}  // namespace
}  // namespace profile
