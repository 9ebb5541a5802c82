// The Tracer contract with an isolated run, checked with a minimal ptrace
// tracer of the test's own: root is blocked before execve at attach(); with
// a PID namespace root is the init, which never execs and forks the
// workload; everything it forks is followed; run() returns root's status.
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <map>

#include "cli/app/traced_run.h"
#include "runner/supervisor.h"
#include "test_util.h"

namespace profile::test {
namespace {

class MiniPtraceTracer : public Tracer {
 public:
  std::string name() const override { return "mini-ptrace"; }

  Status attach(pid_t root) override {
    root_ = root;
    // Blocked before execve: nothing has been exec'd yet.
    exe_at_attach_ = read_link("/proc/" + std::to_string(root) + "/exe");
    long opts = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
    if (ptrace(PTRACE_SEIZE, root, nullptr, reinterpret_cast<void*>(opts)) != 0)
      return make_error(std::string("PTRACE_SEIZE: ") + strerror(errno));
    return {};
  }

  Result<int> run(pid_t root, Observations& obs, const volatile int*) override {
    int root_status = -1;
    for (int guard = 0; guard < 100000; ++guard) {
      int st = 0;
      pid_t w = waitpid(-1, &st, __WALL);
      if (w < 0) {
        if (errno == EINTR) continue;
        break;  // ECHILD: every tracee and child is gone
      }
      if (WIFEXITED(st) || WIFSIGNALED(st)) {
        if (w == root) root_status = st;
        continue;
      }
      if (!WIFSTOPPED(st)) continue;
      int event = st >> 16;
      int sig = WSTOPSIG(st);
      if (event == PTRACE_EVENT_EXEC) execs_by_[w]++;
      if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_CLONE) forks_by_[w]++;
      int inject = (event == 0 && sig != SIGTRAP && sig != SIGSTOP) ? sig : 0;
      ptrace(PTRACE_CONT, w, nullptr, reinterpret_cast<void*>(static_cast<long>(inject)));
    }
    obs.tracer = name();
    if (root_status < 0) return make_error("root was not reaped");
    return root_status;
  }

  static std::string read_link(const std::string& p) {
    char buf[4096];
    ssize_t n = readlink(p.c_str(), buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }

  pid_t root_ = -1;
  std::string exe_at_attach_;
  std::map<pid_t, int> execs_by_, forks_by_;
};

TEST(RunnerTracerContract, InitIsRootNeverExecsAndItsWorkloadIsFollowed) {
  PROFILE_NEEDS_ROOT();
  RunSpec spec;
  spec.argv = {"busybox", "sh", "-c", "busybox true; exit 7"};
  spec.caps = {"CHOWN"};
  spec.isolation = Isolation{};
  MiniPtraceTracer t;
  Observations obs;
  auto out = run_workload(spec, &t, &obs);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->exit_code, 7);
  EXPECT_EQ(obs.tracer, "mini-ptrace");
  EXPECT_EQ(t.exe_at_attach_, MiniPtraceTracer::read_link("/proc/self/exe")) << "root had exec'd before attach";
  EXPECT_EQ(t.execs_by_.count(t.root_), 0u) << "the init must not exec";
  EXPECT_GE(t.forks_by_[t.root_], 1) << "the init's fork of the workload was not followed";
  int execs = 0;
  for (auto& [pid, n] : t.execs_by_) execs += n;
  EXPECT_EQ(execs, 2) << "sh, then busybox true in its child";
}

TEST(RunnerTracerContract, WithoutPidNamespaceRootIsTheWorkload) {
  PROFILE_NEEDS_ROOT();
  RunSpec spec;
  spec.argv = {"busybox", "true"};
  spec.isolation = Isolation{};
  spec.isolation->ns.pid = false;
  MiniPtraceTracer t;
  Observations obs;
  auto out = run_workload(spec, &t, &obs);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->exit_code, 0);
  EXPECT_EQ(t.execs_by_[t.root_], 1);
  ASSERT_TRUE(out->usage.has_value());
}

}  // namespace
}  // namespace profile::test
