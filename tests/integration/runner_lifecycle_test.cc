// Runs that live while the test acts on them: published ports, signals,
// and cleanup after every way a run can end (no process, cgroup or mount
// left behind).
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "runner/cgroup.h"
#include "test_util.h"

namespace profile::test {
namespace {

// `profile` started in the background with stdout on a pipe.
class Background {
 public:
  explicit Background(std::vector<std::string> args) {
    args.insert(args.begin(), PROFILE_BIN);
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      std::vector<char*> a;
      for (auto& s : args) a.push_back(s.data());
      a.push_back(nullptr);
      execv(a[0], a.data());
      _exit(127);
    }
    close(out[1]);
    out_ = out[0];
  }
  ~Background() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }
  pid_t pid() const { return pid_; }

  // The next line of stdout, or "" after `timeout_ms`.
  std::string line(int timeout_ms = 10000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      auto nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string l = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return l;
      }
      int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
      if (left <= 0) return "";
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, left) <= 0) continue;
      char b[512];
      ssize_t n = read(out_, b, sizeof b);
      if (n <= 0) return "";
      buf_.append(b, static_cast<size_t>(n));
    }
  }

  // Exit code (128+N for a signal), or -1 after `timeout_s`.
  int wait(int timeout_s = 30) {
    for (int i = 0; i < timeout_s * 50; ++i) {
      int st = 0;
      pid_t w = waitpid(pid_, &st, WNOHANG);
      if (w == pid_) {
        reaped_ = true;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
  std::string buf_;
};

// Host pids whose command line contains `token`.
std::vector<pid_t> processes_with(const std::string& token) {
  std::vector<pid_t> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = read_file("/proc/" + n + "/cmdline");
    for (auto& c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(token) != std::string::npos && cmd.find(PROFILE_BIN) == std::string::npos)
      out.push_back(static_cast<pid_t>(std::stol(n)));
  }
  closedir(d);
  return out;
}

bool eventually(const std::function<bool()>& cond, int timeout_ms = 5000) {
  for (int i = 0; i < timeout_ms / 20; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

// Run cgroups named after `supervisor` (profile-PID-STARTTIME), in every hierarchy.
std::vector<std::string> run_cgroups_of(pid_t supervisor) {
  std::vector<std::string> out;
  std::string prefix = "profile-" + std::to_string(supervisor) + "-";
  for (const auto& parent : cgroup_parent_dirs()) {
    DIR* d = opendir(parent.c_str());
    if (!d) continue;
    while (dirent* e = readdir(d))
      if (std::string(e->d_name).rfind(prefix, 0) == 0) out.push_back(parent + "/" + e->d_name);
    closedir(d);
  }
  return out;
}

// A workload that leaves a background sleeper (named by a token unique to
// this test) and then reports that it is ready.
std::vector<std::string> sleeper_args(const std::string& token, std::vector<std::string> opts = {}) {
  std::vector<std::string> a = {"enforce"};
  a.insert(a.end(), opts.begin(), opts.end());
  a.insert(a.end(), {"--", "busybox", "sh", "-c", "busybox sleep " + token + " & echo ready; wait"});
  return a;
}

std::string unique_token() {
  // A sleep duration no other process on the machine uses.
  return "9" + std::to_string(getpid() % 100000) + "." + std::to_string(rand() % 1000 + 1000);
}

void expect_nothing_left(pid_t supervisor, const std::string& token, const std::string& mountinfo_before) {
  EXPECT_TRUE(eventually([&] { return processes_with(token).empty(); })) << "stray processes with " << token;
  EXPECT_TRUE(run_cgroups_of(supervisor).empty()) << "cgroup left: " << run_cgroups_of(supervisor).front();
  EXPECT_EQ(read_file("/proc/self/mountinfo"), mountinfo_before) << "the host's mounts changed";
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

TEST(RunnerLifecycle, PublishedPortAnswersOnHostLoopback) {
  PROFILE_NEEDS_ROOT();
  int host_port = test::free_loopback_port();
  ASSERT_GT(host_port, 0);
  sockaddr_in a = loopback(host_port);

  Background bg({"enforce", "-p", std::to_string(host_port) + ":8080/tcp", "--hostname", "inner", "--",
                 helper("rn_server"), "8080", "2"});
  ASSERT_EQ(bg.line(), "listening");
  for (int i = 0; i < 2; ++i) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << strerror(errno);
    std::string got;
    char b[128];
    ssize_t n;
    while ((n = read(c, b, sizeof b)) > 0) got.append(b, static_cast<size_t>(n));
    close(c);
    EXPECT_EQ(got, "pong inner\n") << "connection " << i;
  }
  EXPECT_EQ(bg.wait(), 0);
  // The port is free again once the run is over (the relayed connections
  // may linger in TIME_WAIT, as after any server).
  int again = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(again, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  EXPECT_EQ(bind(again, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  close(again);
}

TEST(RunnerLifecycle, ServerInsideIsNotReachableWithoutPublishing) {
  PROFILE_NEEDS_ROOT();
  int port = test::free_loopback_port();
  ASSERT_GT(port, 0);
  sockaddr_in a = loopback(port);
  Background bg({"enforce", "--", helper("rn_server"), std::to_string(port), "1"});
  ASSERT_EQ(bg.line(), "listening");
  int c = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_NE(connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  close(c);
  kill(bg.pid(), SIGTERM);
  EXPECT_EQ(bg.wait(), 128 + SIGTERM);
}

TEST(RunnerLifecycle, NothingLeftAfterNormalExit) {
  PROFILE_NEEDS_ROOT();
  std::string before = read_file("/proc/self/mountinfo");
  std::string token = unique_token();
  TempDir d;
  write_file(d / "s", "x");
  Background bg({"enforce", "--secret", "s=" + (d / "s"), "--tmpfs", "/mnt", "--", "busybox", "sh", "-c",
                 "busybox sleep " + token + " & echo ready"});
  ASSERT_EQ(bg.line(), "ready");
  EXPECT_EQ(bg.wait(), 0);
  expect_nothing_left(bg.pid(), token, before);
}

TEST(RunnerLifecycle, NothingLeftAfterCrash) {
  PROFILE_NEEDS_ROOT();
  std::string before = read_file("/proc/self/mountinfo");
  std::string token = unique_token();
  Background bg({"enforce", "--", "busybox", "sh", "-c", "busybox sleep " + token + " & echo ready; kill -SEGV $$"});
  ASSERT_EQ(bg.line(), "ready");
  EXPECT_EQ(bg.wait(), 128 + SIGSEGV);
  expect_nothing_left(bg.pid(), token, before);
}

TEST(RunnerLifecycle, SigtermIsForwardedAndNothingLeft) {
  PROFILE_NEEDS_ROOT();
  std::string before = read_file("/proc/self/mountinfo");
  std::string token = unique_token();
  Background bg(sleeper_args(token));
  ASSERT_EQ(bg.line(), "ready");
  ASSERT_FALSE(processes_with(token).empty());
  kill(bg.pid(), SIGTERM);
  EXPECT_EQ(bg.wait(), 128 + SIGTERM);
  expect_nothing_left(bg.pid(), token, before);
}

TEST(RunnerLifecycle, SignalsReachTheWorkloadThroughInit) {
  PROFILE_NEEDS_ROOT();
  Background bg({"enforce", "--", "busybox", "sh", "-c",
                 "trap 'echo got-usr1; exit 42' USR1; echo ready; while true; do busybox sleep 0.05; done"});
  ASSERT_EQ(bg.line(), "ready");
  kill(bg.pid(), SIGUSR1);
  EXPECT_EQ(bg.line(), "got-usr1");
  EXPECT_EQ(bg.wait(), 42);
}

TEST(RunnerLifecycle, SigkillOfProfileKillsTheSandboxAndTheNextRunSweepsItsCgroup) {
  PROFILE_NEEDS_ROOT();
  // (options, whether the sandbox dies with the supervisor by itself)
  const std::vector<std::pair<std::vector<std::string>, bool>> variants = {
      {{}, true},
      // Becoming root of the user namespace clears the parent-death signal:
      // it must be armed again.
      {{"--userns"}, true},
      {{"--share", "pid"}, false},
      {{"--share", "pid", "--user", "1000"}, false},
  };
  for (const auto& [opts, dies_alone] : variants) {
    std::string label;
    for (const auto& o : opts) label += o + " ";
    SCOPED_TRACE("options: " + label);
    std::string before = read_file("/proc/self/mountinfo");
    std::string token = unique_token();
    Background bg(sleeper_args(token, opts));
    ASSERT_EQ(bg.line(), "ready");
    ASSERT_FALSE(processes_with(token).empty());
    pid_t sup = bg.pid();
    ASSERT_FALSE(run_cgroups_of(sup).empty());
    kill(sup, SIGKILL);
    EXPECT_EQ(bg.wait(), 128 + SIGKILL);
    if (dies_alone) {
      // The init dies of its parent-death signal and takes the namespace along.
      EXPECT_TRUE(eventually([&] { return processes_with(token).empty(); }));
    } else {
      // The root process (the shell) dies of its parent-death signal, also
      // after --user changed its ids; only its orphan is left to the sweep.
      EXPECT_TRUE(eventually([&] { return processes_with(token + " & echo ready").empty(); }));
    }
    // A SIGKILLed supervisor cannot remove its cgroup (and without a PID
    // namespace the orphaned sleeper survives in it) until any later run
    // sweeps cgroups of dead supervisors, killing what they hold. (Not
    // asserted in between: a test running in parallel may sweep first.)
    auto next = run_profile({"enforce", "--", "true"}, 60);
    EXPECT_EQ(next.exit_code, 0) << next.err;
    expect_nothing_left(sup, token, before);
  }
}

}  // namespace
}  // namespace profile::test
