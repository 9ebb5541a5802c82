#include "runner/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>

#include "runner/apparmor_loader.h"
#include "runner/caps.h"
#include "runner/init.h"
#include "runner/seccomp_notify.h"

extern char** environ;

namespace profile {

namespace {

// What the child reports through the sync pipe when a setup step fails.
// Small enough for one atomic pipe write.
struct ChildReport {
  int32_t err;
  char step[220];
};

volatile pid_t g_child = -1;
volatile int g_stop = 0;
// Stop requests (SIGINT, SIGTERM) of this run, and the last one's number,
// for the escalation thread; it is woken through g_wake_fd.
volatile sig_atomic_t g_stop_count = 0;
volatile sig_atomic_t g_stop_signal = 0;
volatile int g_wake_fd = -1;

void forward_signal(int sig, siginfo_t* info, void*) {
  if (sig == SIGINT || sig == SIGTERM) {
    int saved = errno;
    g_stop = 1;
    g_stop_count = g_stop_count + 1;
    g_stop_signal = sig;
    if (g_wake_fd >= 0) {
      ssize_t w = write(g_wake_fd, "s", 1);
      (void)w;
    }
    errno = saved;
  }
  if (g_child <= 0) return;
  // A signal the kernel sent (the terminal's Ctrl-C, Ctrl-\, hangup) went
  // to the whole foreground process group, the workload included when it
  // is still in ours: forwarding it would deliver it twice.
  if (info != nullptr && info->si_code == SI_KERNEL && getpgid(g_child) == getpgrp()) return;
  kill(g_child, sig);
}

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

class SignalForwarder {
 public:
  SignalForwarder() {
    struct sigaction sa {};
    sa.sa_sigaction = forward_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO;  // no SA_RESTART: waitpid must see EINTR
    for (size_t i = 0; i < std::size(kForwarded); ++i) sigaction(kForwarded[i], &sa, &old_[i]);
  }
  ~SignalForwarder() {
    for (size_t i = 0; i < std::size(kForwarded); ++i) sigaction(kForwarded[i], &old_[i], nullptr);
    g_child = -1;
  }

 private:
  struct sigaction old_[std::size(kForwarded)];
};

// Stopping must always work, even for a workload that ignores or blocks
// every signal: the first SIGINT/SIGTERM is forwarded (forward_signal) and
// starts a grace period; when it ends, or at the second stop signal, every
// process of the run's cgroup is killed, as `docker stop` does after its
// timeout. A thread, because the main thread is blocked in waitpid or in
// the watcher's loop, and a cgroup is no thing to kill from a signal handler.
class StopEscalator {
 public:
  StopEscalator(pid_t root, RunCgroup* cgroup, uint64_t timeout_ms, Reporter reporter)
      : root_(root), cgroup_(cgroup), timeout_ms_(timeout_ms), reporter_(std::move(reporter)) {
    // One pipe for the life of the process, never closed: a handler
    // running on another thread may still write to it after a run ended,
    // and must not hit a reused descriptor.
    static int wake[2] = {-1, -1};
    if (wake[0] < 0 && pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
      wake[0] = wake[1] = -1;
      report(reporter_, std::string("warning: cannot create a pipe (") + strerror(errno) +
                            "): stop signals will not escalate");
      return;
    }
    pipe_[0] = wake[0];
    pipe_[1] = wake[1];
    char buf[64];
    while (read(pipe_[0], buf, sizeof buf) > 0) {
    }
    // The thread must not run the handlers itself (the main thread's
    // EINTR is what the waits rely on).
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    g_wake_fd = pipe_[1];
    thread_ = std::thread([this] { loop(); });
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  ~StopEscalator() { stop(); }
  // Ends the thread; the caller then owns the cgroup alone again.
  void stop() {
    if (thread_.joinable()) {
      g_wake_fd = -1;
      ssize_t w = write(pipe_[1], "q", 1);
      (void)w;
      thread_.join();
    }
  }
  StopEscalator(const StopEscalator&) = delete;
  StopEscalator& operator=(const StopEscalator&) = delete;

 private:
  void loop() {
    using Clock = std::chrono::steady_clock;
    std::optional<Clock::time_point> deadline;
    bool killed = false;
    int first_signal = 0;
    // A stop signal that arrived between the clone and this thread.
    bool pending = g_stop_count > 0;
    for (;;) {
      int timeout = -1;
      if (deadline && !killed) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
        timeout = left > 0 ? static_cast<int>(std::min<long long>(left, 1 << 30)) : 0;
      }
      pollfd p{pipe_[0], POLLIN, 0};
      int n = pending ? 1 : poll(&p, 1, timeout);
      bool got_stop = pending;
      pending = false;
      if (n > 0 && !got_stop) {
        char buf[64];
        ssize_t r;
        while ((r = read(pipe_[0], buf, sizeof buf)) > 0)
          for (ssize_t i = 0; i < r; ++i) {
            if (buf[i] == 'q') return;
            got_stop = true;
          }
      }
      if (killed) continue;
      int count = g_stop_count;
      if (got_stop && count >= 1 && !deadline) {
        first_signal = g_stop_signal;
        deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
        if (timeout_ms_ > 0 && count < 2)
          report(reporter_, std::string("SIG") + signal_abbrev(first_signal) + " forwarded to the workload; it is killed in " +
                                seconds(timeout_ms_) + " unless it exits first (Ctrl-C again to kill it now)");
      }
      if (!deadline) continue;
      if (count >= 2) {
        report(reporter_, "second stop signal: killing the workload and every process of its run");
        kill_all();
        killed = true;
      } else if (Clock::now() >= *deadline) {
        report(reporter_, "the workload did not exit within " + seconds(timeout_ms_) + " of SIG" +
                              signal_abbrev(first_signal) + ": killing it and every process of its run (SIGKILL)");
        kill_all();
        killed = true;
      }
    }
  }

  static const char* signal_abbrev(int sig) { return sigabbrev_np(sig) ? sigabbrev_np(sig) : "?"; }

  static std::string seconds(uint64_t ms) {
    char buf[32];
    if (ms % 1000 == 0)
      std::snprintf(buf, sizeof buf, "%llu s", static_cast<unsigned long long>(ms / 1000));
    else
      std::snprintf(buf, sizeof buf, "%llu ms", static_cast<unsigned long long>(ms));
    return buf;
  }

  void kill_all() {
    // The root first: without a cgroup it is all we can name, and as the
    // PID namespace's init its death takes the namespace with it.
    kill(root_, SIGKILL);
    if (cgroup_ != nullptr) cgroup_->kill_all();
  }

  pid_t root_;
  RunCgroup* cgroup_;
  uint64_t timeout_ms_;
  Reporter reporter_;
  int pipe_[2] = {-1, -1};
  std::thread thread_;
};

// Everything the child needs, prepared by the parent; the child only reads it.
struct ChildContext {
  int go_read = -1, go_write = -1, report_read = -1, report_write = -1;
  pid_t parent = 0;
  const CapPlan* caps = nullptr;
  const SeccompProgram* seccomp = nullptr;
  // Handshake socket of the seccomp notifier (child end; the supervisor's
  // end, closed in the child); -1: the filter has no listener.
  int notify_sock = -1, notify_parent = -1;
  const LandlockPlan* landlock = nullptr;  // null: no Landlock
  const std::string* apparmor_exec = nullptr;  // null or empty: no AppArmor switch
  char* const* argv = nullptr;
  const char* path_env = nullptr;
  bool isolated = false;
  bool new_pid = false, new_net = false, new_user = false, new_cgroup = false;
  const MountPlan* mounts = nullptr;   // null: no mount namespace
  const char* hostname = nullptr;      // null: leave it
  const char* workdir = nullptr;       // null: stay
  bool workdir_explicit = false;
  std::pair<char*, size_t> args{nullptr, 0};  // our argument area, retitled in init
};

[[noreturn]] void child_fail(int fd, const char* step, int err) {
  ChildReport r{};
  r.err = err;
  size_t n = strlen(step);
  if (n >= sizeof(r.step)) n = sizeof(r.step) - 1;
  memcpy(r.step, step, n);
  ssize_t w = write(fd, &r, sizeof(r));
  (void)w;
  _exit(125);
}

// execvp without allocation: argv0 with '/' is used as is, else each PATH
// entry is tried. Returns the most telling errno.
int exec_search(const char* file, char* const argv[], const char* path_env) {
  if (strchr(file, '/') != nullptr) {
    execve(file, argv, environ);
    return errno;
  }
  if (path_env == nullptr) path_env = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";
  char buf[4096];
  size_t flen = strlen(file);
  int best = ENOENT;
  const char* p = path_env;
  for (int guard = 0; guard < 1024; ++guard) {
    const char* end = strchr(p, ':');
    size_t dlen = end ? static_cast<size_t>(end - p) : strlen(p);
    if (dlen == 0) {
      dlen = 1;
      p = ".";
    }
    if (dlen + 1 + flen + 1 <= sizeof(buf)) {
      memcpy(buf, p, dlen);
      buf[dlen] = '/';
      memcpy(buf + dlen + 1, file, flen + 1);
      execve(buf, argv, environ);
      if (errno == EACCES || errno == ENOEXEC || errno == EPERM) best = errno;
    }
    if (end == nullptr) break;
    p = end + 1;
  }
  return best;
}

// The process that execs: the root itself, or the init's child.
[[noreturn]] void workload_main(const void* p) noexcept {
  const ChildContext& c = *static_cast<const ChildContext*>(p);
  // Default dispositions and mask: the workload must not inherit ours.
  for (int s : kForwarded) signal(s, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (c.workdir != nullptr && chdir(c.workdir) != 0) {
    if (c.workdir_explicit) child_fail(c.report_write, "chdir to --workdir", errno);
    // The supervisor's directory may be hidden by the new mounts (/tmp).
    if (chdir("/") != 0) child_fail(c.report_write, "chdir /", errno);
  }
  const char* step = "";
  int err = apply_caps(*c.caps, &step);
  if (err != 0) child_fail(c.report_write, step, err);
  if (c.caps->change_ids) {
    // --user cleared the parent-death signal; without a PID namespace it is
    // what ties the workload to the supervisor.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) child_fail(c.report_write, "set parent-death signal", errno);
    if (!c.new_pid && getppid() != c.parent) _exit(125);
  }
  // The file policy comes after no_new_privs and before seccomp, so that
  // seccomp stays the very last step.
  if (c.apparmor_exec != nullptr && !c.apparmor_exec->empty()) {
    err = apparmor_change_onexec(c.apparmor_exec->data(), c.apparmor_exec->size());
    if (err != 0) child_fail(c.report_write, "apparmor: set exec profile", err);
  }
  if (c.landlock != nullptr) {
    err = apply_landlock(*c.landlock, &step);
    if (err != 0) child_fail(c.report_write, step, err);
  }
  if (c.seccomp != nullptr && c.notify_sock >= 0) {
    err = notify_child_install(*c.seccomp, c.notify_sock, &step);
    if (err != 0) child_fail(c.report_write, step, err);
  } else if (c.seccomp != nullptr) {
    err = install_seccomp(*c.seccomp);
    if (err != 0) child_fail(c.report_write, "install seccomp filter", err);
  }
  err = exec_search(c.argv[0], c.argv, c.path_env);
  child_fail(c.report_write, err == ENOENT ? "exec: not found" : "exec", err);
}

[[noreturn]] void root_main(const ChildContext& c) noexcept {
  close(c.go_write);
  close(c.report_read);
  if (c.notify_parent >= 0) close(c.notify_parent);
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) child_fail(c.report_write, "set parent-death signal", errno);
  // Outside a new PID namespace a dead parent shows as a changed ppid; inside
  // getppid() is 0, and the closed sync pipe tells the same.
  if (!c.new_pid && getppid() != c.parent) _exit(125);
  char ch;
  ssize_t n;
  do {
    n = read(c.go_read, &ch, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) _exit(125);  // the supervisor gave up on us
  if (c.isolated && c.new_user) {
    // Become the namespace's root (the mapped unprivileged host id). Raw
    // syscalls: glibc would broadcast to the supervisor's threads.
    if (syscall(SYS_setgroups, 0, nullptr) != 0) child_fail(c.report_write, "setgroups in the user namespace", errno);
    if (syscall(SYS_setresgid, 0, 0, 0) != 0) child_fail(c.report_write, "setresgid 0 in the user namespace", errno);
    if (syscall(SYS_setresuid, 0, 0, 0) != 0) child_fail(c.report_write, "setresuid 0 in the user namespace", errno);
    // A uid change clears the parent-death signal: arm it again, then make
    // sure the supervisor did not die in between (it holds the sync pipe's
    // write end open for the whole run).
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
      child_fail(c.report_write, "set parent-death signal", errno);
    struct pollfd p = {c.go_read, POLLIN, 0};
    if (poll(&p, 1, 0) != 0) _exit(125);
  }
  close(c.go_read);
  if (c.isolated) {
    // Now that the supervisor has moved us into the run's cgroup, it
    // becomes the root of our cgroup namespace.
    if (c.new_cgroup && unshare(CLONE_NEWCGROUP) != 0)
      child_fail(c.report_write, "create the cgroup namespace", errno);
    if (c.mounts != nullptr) {
      const char* step = "mounts";
      int err = apply_mounts(*c.mounts, &step);
      if (err != 0) child_fail(c.report_write, step, err);
    }
    if (c.hostname != nullptr && sethostname(c.hostname, strlen(c.hostname)) != 0)
      child_fail(c.report_write, "set the hostname", errno);
    if (c.new_net) {
      int err = bring_loopback_up();
      if (err != 0) child_fail(c.report_write, "bring up the loopback interface", err);
    }
    if (c.new_pid) {
      int err = run_init(workload_main, &c, c.report_write, c.args.first, c.args.second);
      child_fail(c.report_write, "fork the workload from init", err);
    }
  }
  workload_main(&c);
}

std::string sys_error(const char* what) { return std::string(what) + ": " + strerror(errno); }

}  // namespace

int exit_code_from_wait_status(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return 125;
}

Result<RunOutcome> run_workload(const RunSpec& spec, WorkloadWatcher* watcher) {
  if (spec.argv.empty()) return make_error("no command given");
  auto caps = plan_caps(spec.caps, spec.all_caps);
  if (!caps) return caps.error();
  if (spec.user) {
    caps->change_ids = true;
    caps->uid = spec.user->first;
    caps->gid = spec.user->second;
  }

  // Everything the child needs is prepared here: it must not allocate.
  ChildContext ctx;
  ctx.parent = getpid();
  ctx.caps = &*caps;
  ctx.seccomp = spec.seccomp ? &*spec.seccomp : nullptr;
  ctx.landlock = spec.landlock ? &*spec.landlock : nullptr;
  ctx.apparmor_exec = &spec.apparmor_exec;
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ctx.argv = argv.data();
  ctx.path_env = getenv("PATH");

  int flags = 0;
  std::optional<MountPlan> mounts;
  std::unique_ptr<PortProxy> proxy;
  std::unique_ptr<RunCgroup> cgroup;
  std::string cwd;
  if (spec.isolation) {
    const Isolation& iso = *spec.isolation;
    const MountRequest& mr = iso.mounts;
    bool wants_mounts = !mr.rootfs.empty() || !mr.binds.empty() || !mr.tmpfs.empty() || mr.read_only ||
                        !mr.secrets.empty();
    if (!iso.ns.mnt && wants_mounts)
      return make_error("--rootfs, --bind, --ro-bind, --tmpfs, --read-only and --secret need a mount namespace "
                        "(remove mnt from --share)");
    if (!iso.ns.net && !iso.ports.empty())
      return make_error("-p publishes a port of an isolated network namespace (remove net from --share)");
    if (!iso.ns.uts && !iso.hostname.empty())
      return make_error("--hostname needs a UTS namespace (remove uts from --share)");
    if (iso.hostname.size() > 64) return make_error("--hostname '" + iso.hostname + "' is longer than 64 bytes");
    if (iso.ns.user && spec.user && (spec.user->first >= iso.userns.count || spec.user->second >= iso.userns.count))
      return make_error("--user " + std::to_string(spec.user->first) + ":" + std::to_string(spec.user->second) +
                        " is outside the user namespace's range of " + std::to_string(iso.userns.count) + " ids");
    flags = clone_flags(iso.ns);
    ctx.isolated = true;
    ctx.new_pid = iso.ns.pid;
    ctx.new_net = iso.ns.net;
    ctx.new_user = iso.ns.user;
    ctx.new_cgroup = iso.ns.cgroup;
    if (iso.ns.pid) ctx.args = own_argument_area();
    if (iso.ns.mnt) {
      MountRequest req = mr;
      req.new_pid_ns = iso.ns.pid;
      req.new_user_ns = iso.ns.user;
      if (spec.user) {
        req.owner_uid = spec.user->first;
        req.owner_gid = spec.user->second;
      }
      auto plan = plan_mounts(req);
      if (!plan) return plan.error();
      mounts = std::move(*plan);
      ctx.mounts = &*mounts;
    }
    if (iso.ns.uts && !iso.hostname.empty()) ctx.hostname = iso.hostname.c_str();
    if (!iso.workdir.empty()) {
      ctx.workdir = iso.workdir.c_str();
      ctx.workdir_explicit = true;
    } else if (!mr.rootfs.empty()) {
      ctx.workdir = "/";
    } else if (iso.ns.mnt) {
      // Re-resolve the current directory inside the new mounts: a directory
      // under the host's /tmp must not stay reachable through the cwd.
      char buf[4096];
      if (getcwd(buf, sizeof buf) != nullptr) cwd = buf;
      ctx.workdir = cwd.empty() ? "/" : cwd.c_str();
    }
    if (!iso.ports.empty()) {
      auto p = PortProxy::bind_ports(iso.ports, spec.reporter);
      if (!p) return p.error();
      proxy = std::move(*p);
    }
    auto cg = create_run_cgroup(iso.limits);
    if (!cg) return cg.error();
    cgroup = std::move(*cg);
  }

  const bool notify = spec.seccomp && spec.seccomp->notify;
  if (notify && spec.notifier == nullptr) return make_error("the seccomp filter notifies, but no notifier was given");
  int notify_sv[2] = {-1, -1};
  if (notify && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, notify_sv) != 0)
    return make_error(sys_error("socketpair"));
  ctx.notify_parent = notify_sv[0];
  ctx.notify_sock = notify_sv[1];
  // Closed on every return below; the supervisor's end moves to the notifier.
  struct SocketGuard {
    int* fds;
    ~SocketGuard() {
      for (int i = 0; i < 2; ++i)
        if (fds[i] >= 0) close(fds[i]);
    }
  } notify_guard{notify_sv};
  // Stopped on every return below: nothing under the filter outlives the
  // run by then (the cgroup was killed), and the listener is closed.
  struct NotifierStop {
    SeccompNotifier* n;
    ~NotifierStop() {
      if (n) n->stop();
    }
  } notifier_stop{notify ? spec.notifier : nullptr};

  int go[2], report[2];
  if (pipe2(go, O_CLOEXEC) != 0) return make_error(sys_error("pipe"));
  if (pipe2(report, O_CLOEXEC) != 0) {
    close(go[0]);
    close(go[1]);
    return make_error(sys_error("pipe"));
  }
  ctx.go_read = go[0];
  ctx.go_write = go[1];
  ctx.report_read = report[0];
  ctx.report_write = report[1];

  // A raw clone behaves like fork() here (no CLONE_VM) and can create the
  // namespaces at once; the child is pid 1 of a new PID namespace.
  long cl = syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (cl < 0) {
    int e = errno;
    close(go[0]);
    close(go[1]);
    close(report[0]);
    close(report[1]);
    if (e == EPERM || e == EACCES)
      return make_error(std::string("cannot create the namespaces: ") + strerror(e) +
                        " (isolation needs root, or use --share to keep namespaces)");
    if (e == EINVAL && (flags & CLONE_NEWUSER))
      return make_error(std::string("cannot create the user namespace: ") + strerror(e));
    return make_error(std::string("clone: ") + strerror(e));
  }
  pid_t pid = static_cast<pid_t>(cl);
  if (pid == 0) root_main(ctx);

  close(go[0]);
  close(report[1]);
  if (notify) {
    close(notify_sv[1]);
    notify_sv[1] = -1;
  }
  g_child = pid;
  g_stop = 0;
  g_stop_count = 0;
  SignalForwarder forwarder;

  auto cleanup = [&] {
    if (cgroup) {
      cgroup->kill_all();
      (void)cgroup->remove();
    }
    proxy.reset();
  };
  auto abort_child = [&](const Error& e) -> Error {
    kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    close(go[1]);
    close(report[0]);
    cleanup();
    return e;
  };

  if (spec.isolation) {
    if (spec.isolation->ns.user) {
      auto m = write_id_maps(pid, spec.isolation->userns);
      if (!m) return abort_child(with_context(m.error(), "--userns"));
    }
    auto a = cgroup->add(pid);
    if (!a) return abort_child(a.error());
    if (proxy) {
      auto s = proxy->start(pid);
      if (!s) return abort_child(s.error());
    }
  }
  if (watcher) {
    auto a = watcher->attach(pid);
    if (!a) return abort_child(a.error());
  }
  if (notify) {
    int sock = notify_sv[0];
    notify_sv[0] = -1;
    auto s = spec.notifier->start(sock, pid);
    if (!s) return abort_child(s.error());
  }
  if (write(go[1], "g", 1) != 1) return abort_child(make_error(sys_error("release child")));
  // go[1] stays open until the run ends: its closing tells a root that
  // re-arms its parent-death signal whether the supervisor is still there.
  struct CloseAtEnd {
    int fd;
    ~CloseAtEnd() { close(fd); }
  } go_write_guard{go[1]};

  StopEscalator escalator(pid, cgroup.get(), spec.stop_timeout_ms, spec.reporter);
  int status = 0;
  if (watcher) {
    auto r = watcher->run(pid, &g_stop);
    escalator.stop();
    if (!r) {
      kill(pid, SIGKILL);
      close(report[0]);
      cleanup();
      return r.error();
    }
    status = *r;
  } else {
    for (;;) {
      pid_t w = waitpid(pid, &status, 0);
      if (w == pid) break;
      if (w < 0 && errno != EINTR) {
        int e = errno;
        escalator.stop();
        close(report[0]);
        cleanup();
        return make_error(std::string("waitpid: ") + strerror(e));
      }
    }
  }

  escalator.stop();
  RunOutcome out;
  if (cgroup) {
    // Nothing the workload started outlives the run.
    cgroup->kill_all();
    out.usage = cgroup->usage();
    auto r = cgroup->remove();
    if (!r) profile::report(spec.reporter, "warning: " + r.error().message);
  }
  proxy.reset();
  if (notify) {
    spec.notifier->stop();
    std::string failed = spec.notifier->failure();
    if (!failed.empty()) {
      close(report[0]);
      return make_error(failed);
    }
  }

  ChildReport rep{};
  ssize_t n;
  do {
    n = read(report[0], &rep, sizeof(rep));
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == static_cast<ssize_t>(sizeof(rep))) {
    rep.step[sizeof(rep.step) - 1] = '\0';
    std::string step(rep.step);
    int code = 125;
    std::string msg;
    if (step.rfind("exec", 0) == 0) {
      code = rep.err == ENOENT ? 127 : 126;
      msg = spec.argv[0] + ": " + (rep.err == ENOENT ? "command not found" : strerror(rep.err));
    } else {
      msg = "workload setup failed at step '" + step + "': " + strerror(rep.err);
    }
    return make_error(msg, code);
  }
  out.wait_status = status;
  out.exit_code = exit_code_from_wait_status(status);
  return out;
}

}  // namespace profile
