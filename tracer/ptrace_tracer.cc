// ptrace recorder.
//
// Every task of the tree is seized with PTRACE_O_TRACE{FORK,VFORK,CLONE,EXEC}
// so new tasks are traced before they run a single instruction, and resumed
// with PTRACE_SYSCALL: one stop at syscall entry (number, arch, arguments)
// and one at exit (return value). Both stops are needed: the entry because
// arguments (paths, sockaddrs) are read from memory the syscall may change,
// the exit because files, sockets and failures are only known from the
// result (an fd to readlink, an errno). A seccomp-filtered scheme
// (PTRACE_O_TRACESECCOMP) would save the exit stop only for syscalls we do
// not decode, but it would need a filter installed inside the workload, which
// is exactly what recording must not alter.
//
// Recording is per task: a task records once it or an ancestor has completed
// an execve (the supervisor's own code before execve, and a runner init
// process that never execs, are not the workload).
//
// This file is the event loop: waitpid, the PTRACE_* requests and the
// process tree. What a stop means as observations is ptrace_syscalls.cc;
// reading the tracee is ptrace_memory.cc.
#include "tracer/ptrace_tracer.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <climits>
#include <string>
#include <unordered_map>

#include "tracer/ptrace_decode.h"
#include "tracer/ptrace_memory.h"
#include "tracer/ptrace_syscalls.h"
#include "tracer/syscall_arch.h"

namespace profile {

namespace {

// Bounds on what a hostile workload can make us hold.
constexpr size_t kMaxTasks = 65536;

constexpr long kPtraceOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                                PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;

bool is_stop_signal(int sig) { return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

class PtraceTracer : public Tracer {
 public:
  std::string name() const override { return "ptrace"; }
  Status attach(pid_t root) override;
  Result<int> run(pid_t root, Observations& obs, const volatile int* stop_requested) override;

 private:
  Task* find(pid_t tid) {
    auto it = tasks_.find(tid);
    return it == tasks_.end() ? nullptr : &it->second;
  }
  Task* create(pid_t tid);
  Task* first_seen(pid_t tid);
  void on_syscall_stop(pid_t tid, Task& t);
  void on_new_task(pid_t tid, Task& parent);
  void on_exec(pid_t tid);
  void lost() { ++obs_->lost_events; }

  std::unordered_map<pid_t, Task> tasks_;
  SyscallObserver observer_;
  Observations* obs_ = nullptr;
  bool enabled_ = true;    // cleared when a stop is requested
  bool any_exec_ = false;  // some task of the tree has exec'd
};

Status PtraceTracer::attach(pid_t root) {
  if (ptrace(PTRACE_SEIZE, root, 0, kPtraceOptions) != 0)
    return make_error("ptrace(PTRACE_SEIZE) of pid " + std::to_string(root) + ": " + strerror(errno));
  // A seized task only gets syscall stops once restarted with PTRACE_SYSCALL
  // from a ptrace-stop, so make one: root is blocked in read() and the read
  // restarts transparently.
  if (ptrace(PTRACE_INTERRUPT, root, 0, 0) != 0)
    return make_error("ptrace(PTRACE_INTERRUPT) of pid " + std::to_string(root) + ": " + strerror(errno));
  int st = 0;
  for (;;) {
    pid_t w = waitpid(root, &st, __WALL);
    if (w == root) break;
    if (w < 0 && errno != EINTR) return make_error(std::string("waitpid after attach: ") + strerror(errno));
  }
  if (!WIFSTOPPED(st)) return make_error("pid " + std::to_string(root) + " exited while being attached");
  int sig = 0;
  // Anything but the interrupt's own stop is a real signal: deliver it.
  if ((st >> 16) == 0) sig = WSTOPSIG(st);
  if (ptrace(PTRACE_SYSCALL, root, 0, sig) != 0)
    return make_error("ptrace(PTRACE_SYSCALL) of pid " + std::to_string(root) + ": " + strerror(errno));
  tasks_.clear();
  tasks_.reserve(256);
  Task t;
  t.tgid = root;
  tasks_.emplace(root, t);
  return {};
}

Task* PtraceTracer::create(pid_t tid) {
  if (tasks_.size() >= kMaxTasks) {
    lost();
    return nullptr;
  }
  ++obs_->processes;
  return &tasks_[tid];
}

// A task seen before its creator's fork/clone event (the kernel does not
// order the two reports). Its recording flag is taken from its thread group
// or parent now; the creator's event, if it comes, overrides it.
Task* PtraceTracer::first_seen(pid_t tid) {
  Task* t = create(tid);
  if (t == nullptr) return nullptr;
  ProcStatus ps;
  t->recording = any_exec_;
  if (tracee::proc_status(tid, &ps)) {
    t->tgid = ps.tgid;
    Task* rel = nullptr;
    if (ps.tgid != tid) rel = find(ps.tgid);
    if (rel == nullptr && ps.ppid > 0) rel = find(ps.ppid);
    if (rel != nullptr && rel != t) t->recording = rel->recording;
  }
  return t;
}

void PtraceTracer::on_syscall_stop(pid_t tid, Task& t) {
  __ptrace_syscall_info info;
  memset(&info, 0, sizeof info);
  long n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info);
  if (n <= 0) {
    // ESRCH: killed (SIGKILL) while stopped; its exit is reported next and
    // the call it was making never ran.
    if (t.recording && enabled_ && errno != ESRCH) lost();
    return;
  }
  if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
    DecodedSyscall d = decode_syscall(info.arch, info.entry.nr);
    t.in_syscall = true;
    t.arch = d.arch;
    t.nr = d.nr;
    for (int i = 0; i < 6; ++i) t.args[i] = info.entry.args[i];
    SysKind k = observer_.table().kind(d.arch, d.nr);
    if (t.recording && enabled_) {
      if (d.nr < 0) {
        // An arch we have no tables for, or a number no table has: the
        // kernel answers ENOSYS, so allowing it is moot; record what we can.
        if (d.arch == SysArch::kUnknown) lost();
        return;
      }
      observer_.seen(d.arch, d.nr);
      observer_.on_entry(tid, t, k, true);
    } else if (k == SysKind::kExecve || k == SysKind::kExecveat) {
      // The first execve is made before recording starts; its filename is
      // still wanted (to record a script beside its interpreter).
      observer_.on_entry(tid, t, k, false);
    }
  } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
    // An exit without a seen entry (the syscall root was in at attach) has
    // nothing to pair with.
    if (!t.in_syscall) return;
    t.in_syscall = false;
    if (!t.recording || !enabled_ || t.nr < 0) return;
    SysKind k = observer_.table().kind(t.arch, t.nr);
    observer_.on_exit(tid, t, k, info.exit.rval, info.exit.is_error != 0);
  }
}

// fork/vfork/clone event of `parent`: the new task inherits its recording flag.
void PtraceTracer::on_new_task(pid_t tid, Task& parent) {
  unsigned long msg = 0;
  if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) != 0 || msg == 0 || msg > INT_MAX) return;
  auto child = static_cast<pid_t>(msg);
  bool recording = parent.recording;
  Task* c = find(child);
  if (c == nullptr) c = create(child);
  if (c != nullptr) c->recording = recording;
}

void PtraceTracer::on_exec(pid_t tid) {
  unsigned long msg = 0;
  if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0 && msg != 0 && msg <= INT_MAX &&
      static_cast<pid_t>(msg) != tid) {
    // A non-leader thread exec'd: it now has the leader's tid, and the old
    // tid is never reported again. Its state (the execve entry) moves over.
    auto it = tasks_.find(static_cast<pid_t>(msg));
    if (it != tasks_.end()) {
      Task moved = std::move(it->second);
      tasks_.erase(it);
      tasks_[tid] = std::move(moved);
    }
  }
  Task* tp = find(tid);
  if (tp == nullptr) tp = first_seen(tid);
  if (tp == nullptr) return;
  Task& t = *tp;
  t.recording = true;
  t.creds_valid = false;  // setuid binaries change them
  t.tgid = tid;
  any_exec_ = true;
  std::string exec_path = std::move(t.exec_path);
  std::string exec_unresolved = std::move(t.exec_unresolved);
  t.exec_path.clear();
  t.exec_unresolved.clear();
  if (!enabled_) return;
  observer_.on_exec(tid, t, exec_path, exec_unresolved);
}

Result<int> PtraceTracer::run(pid_t root, Observations& obs, const volatile int* stop_requested) {
  obs_ = &obs;
  obs.tracer = "ptrace";
  observer_.begin(&obs);
  enabled_ = true;
  any_exec_ = false;
  if (find(root) == nullptr) return make_error("ptrace recorder: run() without attach()");
  ++obs.processes;

  bool root_done = false;
  bool killed_rest = false;
  int root_status = 0;
  for (;;) {
    if (stop_requested != nullptr && *stop_requested && enabled_) {
      enabled_ = false;
      obs.partial = true;
    }
    if (root_done && !enabled_ && !killed_rest) {
      // Interrupted and root is gone: what is left would keep the recording
      // open (daemons, stuck children). The supervisor already forwarded the
      // signal to root; end the rest so we return promptly.
      killed_rest = true;
      for (const auto& [tid, t] : tasks_) kill(tid, SIGKILL);
    }
    int st = 0;
    pid_t tid = waitpid(-1, &st, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) break;
      return make_error(std::string("ptrace recorder: waitpid: ") + strerror(errno));
    }
    if (WIFEXITED(st) || WIFSIGNALED(st)) {
      tasks_.erase(tid);
      if (tid == root) {
        root_done = true;
        root_status = st;
      }
      continue;
    }
    if (!WIFSTOPPED(st)) continue;
    Task* t = find(tid);
    if (t == nullptr) t = first_seen(tid);
    int sig = WSTOPSIG(st);
    int event = static_cast<unsigned>(st) >> 16;
    int inject = 0;
    if (sig == (SIGTRAP | 0x80)) {
      if (t != nullptr) on_syscall_stop(tid, *t);
    } else if (event != 0) {
      switch (event) {
        case PTRACE_EVENT_FORK:
        case PTRACE_EVENT_VFORK:
        case PTRACE_EVENT_CLONE:
          if (t != nullptr) on_new_task(tid, *t);
          break;
        case PTRACE_EVENT_EXEC:
          on_exec(tid);
          break;
        case PTRACE_EVENT_STOP:
          if (is_stop_signal(sig)) {
            // Group-stop: stay stopped (as the workload's job control asked)
            // but let us see the SIGCONT; PTRACE_LISTEN does both.
            ptrace(PTRACE_LISTEN, tid, 0, 0);
            continue;
          }
          break;  // new task's first stop, or our PTRACE_INTERRUPT
        default:
          break;
      }
    } else {
      inject = sig;  // signal-delivery-stop: never swallow the signal
    }
    // Overflowing tasks still run, just unobserved (counted as lost).
    if (t == nullptr)
      ptrace(PTRACE_CONT, tid, 0, inject);
    else
      ptrace(PTRACE_SYSCALL, tid, 0, inject);
    // ESRCH here means the task was killed meanwhile; its exit is reported.
  }
  if (!root_done) return make_error("ptrace recorder: the traced process was never reaped");

  observer_.finish();
  tasks_.clear();
  return root_status;
}

}  // namespace

std::unique_ptr<Tracer> make_ptrace_tracer() { return std::make_unique<PtraceTracer>(); }

}  // namespace profile
