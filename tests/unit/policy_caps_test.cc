#include <errno.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "profilegen/caps_infer.h"
#include "profilegen/policy.h"

namespace profile {
namespace {

int nr(const char* name) {
  auto n = syscall_number("x86_64", name);
  EXPECT_TRUE(n.ok()) << name;
  return n.ok() ? *n : -1;
}

Observations with_syscall(const char* name) {
  Observations o;
  o.add_syscall("x86_64", nr(name));
  return o;
}

void with_arg(Observations* o, const char* name, int index, uint64_t value) {
  o->add_syscall("x86_64", nr(name));
  o->args.insert(ArgValue{"x86_64", nr(name), index, value});
}

std::set<std::string> caps_of(const Observations& o) {
  std::set<std::string> out;
  for (const auto& [c, ev] : infer_capabilities(o)) {
    EXPECT_FALSE(ev.reason.empty()) << c;
    out.insert(c);
  }
  return out;
}

using Caps = std::set<std::string>;

TEST(PolicyCaps, PrivilegedPortNeedsNetBindServiceUnprivilegedDoesNot) {
  Observations o;
  o.ports.insert(PortUse{PortUse::kBind, "tcp", AF_INET, 80});
  auto caps = infer_capabilities(o);
  ASSERT_EQ(caps.size(), 1u);
  EXPECT_EQ(caps.begin()->first, "NET_BIND_SERVICE");
  EXPECT_EQ(caps.begin()->second.kind, CapEvidenceKind::kInferred);
  EXPECT_EQ(caps.begin()->second.reason, "bind tcp port 80");

  Observations high;
  high.ports.insert(PortUse{PortUse::kBind, "tcp", AF_INET, 8080});
  high.ports.insert(PortUse{PortUse::kConnect, "tcp", AF_INET, 80});  // connecting to 80 is free
  high.ports.insert(PortUse{PortUse::kBind, "udp", AF_INET6, 0});
  EXPECT_EQ(caps_of(high), Caps{});
}

TEST(PolicyCaps, RawAndPacketSocketsNeedNetRaw) {
  Observations raw;
  raw.sockets.insert(SocketUse{AF_INET, SOCK_RAW, 1});
  EXPECT_EQ(caps_of(raw), Caps{"NET_RAW"});
  Observations packet;
  packet.sockets.insert(SocketUse{AF_PACKET, SOCK_DGRAM, 0});
  EXPECT_EQ(caps_of(packet), Caps{"NET_RAW"});
  Observations tcp;
  tcp.sockets.insert(SocketUse{AF_INET6, SOCK_STREAM, 0});
  tcp.sockets.insert(SocketUse{AF_UNIX, SOCK_DGRAM, 0});
  EXPECT_EQ(caps_of(tcp), Caps{});
}

TEST(PolicyCaps, IdChangesNeedSetuidOrSetgid) {
  for (const char* s : {"setuid", "setreuid", "setresuid", "setfsuid"}) EXPECT_EQ(caps_of(with_syscall(s)), Caps{"SETUID"}) << s;
  for (const char* s : {"setgid", "setregid", "setresgid", "setfsgid", "setgroups"})
    EXPECT_EQ(caps_of(with_syscall(s)), Caps{"SETGID"}) << s;
}

TEST(PolicyCaps, OneCallOneCapabilityTable) {
  struct Case {
    const char* syscall;
    const char* cap;
  } cases[] = {{"chroot", "SYS_CHROOT"},   {"mount", "SYS_ADMIN"},  {"umount2", "SYS_ADMIN"},
               {"sethostname", "SYS_ADMIN"}, {"reboot", "SYS_BOOT"}, {"init_module", "SYS_MODULE"},
               {"settimeofday", "SYS_TIME"}, {"acct", "SYS_PACCT"},  {"iopl", "SYS_RAWIO"},
               {"vhangup", "SYS_TTY_CONFIG"}, {"open_by_handle_at", "DAC_READ_SEARCH"}, {"bpf", "BPF"}};
  for (const auto& c : cases) EXPECT_EQ(caps_of(with_syscall(c.syscall)), Caps{c.cap}) << c.syscall;
  // Ordinary calls need nothing.
  Observations plain;
  for (const char* s : {"read", "write", "openat", "clone", "execve", "kill", "chown", "socket", "bind"})
    plain.add_syscall("x86_64", nr(s));
  EXPECT_EQ(caps_of(plain), Caps{});
}

TEST(PolicyCaps, MknodNeedsMknodOnlyForDevices) {
  Observations chr;
  with_arg(&chr, "mknodat", 2, S_IFCHR | 0600);
  EXPECT_EQ(caps_of(chr), Caps{"MKNOD"});
  Observations blk;
  with_arg(&blk, "mknod", 1, S_IFBLK | 0600);
  EXPECT_EQ(caps_of(blk), Caps{"MKNOD"});
  Observations fifo;
  with_arg(&fifo, "mknodat", 2, S_IFIFO | 0600);
  EXPECT_EQ(caps_of(fifo), Caps{});
  // Mode unknown: conservative, and the reason says so.
  auto unknown = infer_capabilities(with_syscall("mknod"));
  ASSERT_EQ(unknown.count("MKNOD"), 1u);
  EXPECT_NE(unknown.at("MKNOD").reason.find("not recorded"), std::string::npos);
}

TEST(PolicyCaps, NamespacesNeedSysAdminExceptWithAUserNamespace) {
  Observations net;
  with_arg(&net, "unshare", 0, CLONE_NEWNET);
  EXPECT_EQ(caps_of(net), Caps{"SYS_ADMIN"});
  Observations userns;
  with_arg(&userns, "unshare", 0, CLONE_NEWUSER | CLONE_NEWNET);
  EXPECT_EQ(caps_of(userns), Caps{});
  Observations thread;
  with_arg(&thread, "clone", 0, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND);
  EXPECT_EQ(caps_of(thread), Caps{});
}

TEST(PolicyCaps, RealTimeSchedulingAndPrivilegedSyslog) {
  Observations fifo;
  with_arg(&fifo, "sched_setscheduler", 1, 1);
  EXPECT_EQ(caps_of(fifo), Caps{"SYS_NICE"});
  Observations other;
  with_arg(&other, "sched_setscheduler", 1, 0);
  EXPECT_EQ(caps_of(other), Caps{});
  Observations readall;
  with_arg(&readall, "syslog", 0, 3);
  EXPECT_EQ(caps_of(readall), Caps{});
  Observations clear;
  with_arg(&clear, "syslog", 0, 5);
  EXPECT_EQ(caps_of(clear), Caps{"SYSLOG"});
}

TEST(PolicyCaps, RecorderEvidenceIsMergedAndWins) {
  Observations o;
  o.ports.insert(PortUse{PortUse::kBind, "tcp", AF_INET, 443});
  o.capabilities["NET_BIND_SERVICE"] = {CapEvidenceKind::kObserved, "cap_capable from bind"};
  o.capabilities["cap_chown"] = {CapEvidenceKind::kInferred, "chown of a file owned by uid 1000"};
  o.capabilities["NOT_A_CAP"] = {CapEvidenceKind::kObserved, "bogus"};
  auto caps = infer_capabilities(o);
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(caps.at("NET_BIND_SERVICE").kind, CapEvidenceKind::kObserved);
  EXPECT_EQ(caps.at("CHOWN").reason, "chown of a file owned by uid 1000");
}

TEST(PolicyCaps, FailureCandidates) {
  EXPECT_EQ(caps_for_failure("bind", EACCES), std::vector<std::string>{"NET_BIND_SERVICE"});
  EXPECT_EQ(caps_for_failure("fchownat", EPERM), std::vector<std::string>{"CHOWN"});
  EXPECT_EQ(caps_for_failure("kill", EPERM), std::vector<std::string>{"KILL"});
  EXPECT_EQ(caps_for_failure("openat", EACCES).front(), "DAC_OVERRIDE");
  EXPECT_EQ(caps_for_failure("socket", EPERM), std::vector<std::string>{"NET_RAW"});
  EXPECT_TRUE(caps_for_failure("openat", ENOENT).empty());
  EXPECT_TRUE(caps_for_failure("read", EPERM).empty());
}

TEST(PolicyCaps, NewReplayFailuresAreAttributedAndMarkedVerified) {
  Observations rec, replay;
  Failure old_fail{"x86_64", nr("openat"), EACCES};
  rec.failures[old_fail] = 1;
  replay.failures[old_fail] = 3;                              // seen in the recording: not new
  replay.failures[{"x86_64", nr("fchown"), EPERM}] = 1;       // new: CHOWN
  replay.failures[{"x86_64", nr("bind"), EACCES}] = 1;        // new: NET_BIND_SERVICE
  replay.failures[{"x86_64", nr("connect"), ENOENT}] = 1;     // not a permission error
  replay.failures[{"x86_64", nr("read"), EPERM}] = 1;         // no capability explains it
  auto a = attribute_new_failures(rec, replay, {});
  ASSERT_EQ(a.add.size(), 2u);
  EXPECT_EQ(a.add.at("CHOWN").kind, CapEvidenceKind::kVerified);
  EXPECT_NE(a.add.at("CHOWN").reason.find("fchown"), std::string::npos);
  EXPECT_EQ(a.add.at("NET_BIND_SERVICE").kind, CapEvidenceKind::kVerified);
  ASSERT_EQ(a.unexplained.size(), 1u);
  EXPECT_NE(a.unexplained[0].find("read"), std::string::npos);

  // A capability already granted is not the answer: the next candidate is.
  Observations rp2;
  rp2.failures[{"x86_64", nr("openat"), EPERM}] = 1;
  auto b = attribute_new_failures(rec, rp2, {"FOWNER"});
  ASSERT_EQ(b.add.size(), 1u);
  EXPECT_EQ(b.add.begin()->first, "SYS_ADMIN");
}

TEST(PolicyNetwork, FamiliesTypesPortsAndUnixSockets) {
  Observations o;
  o.sockets.insert(SocketUse{AF_INET, SOCK_STREAM, 6});
  o.sockets.insert(SocketUse{AF_UNIX, SOCK_DGRAM, 0});
  o.sockets.insert(SocketUse{-1, SOCK_STREAM, 0});  // garbage from a recorder
  o.ports.insert(PortUse{PortUse::kBind, "tcp", AF_INET, 80});
  o.ports.insert(PortUse{PortUse::kConnect, "udp", AF_INET6, 53});
  o.ports.insert(PortUse{PortUse::kBind, "sctp", AF_INET, 9});
  o.unix_sockets = {"/run/app.sock", "@abstract", "", "relative"};
  auto n = network_from_observations(o);
  EXPECT_EQ(n.sockets, (std::set<SocketRule>{{"inet", "stream", 6}, {"unix", "dgram", 0}}));
  EXPECT_EQ(n.ports, (std::set<PortRule>{{"bind", "tcp", 80}, {"connect", "udp", 53}}));
  EXPECT_EQ(n.unix_sockets, (std::set<std::string>{"/run/app.sock", "@abstract"}));
}

}  // namespace
}  // namespace profile
