// Ctrl-C at a terminal reaches the whole foreground process group: the
// workload must get it once, not once more through each forwarder.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "test_util.h"

namespace profile {
namespace {

// Reads from the pty master until `needle` shows up or `ms` pass.
bool read_until(int fd, std::string* out, const std::string& needle, int ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (out->find(needle) == std::string::npos) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, left) <= 0) continue;
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    out->append(buf, static_cast<size_t>(n));
  }
  return true;
}

std::string count_sigint_under(const std::vector<std::string>& extra) {
  const char* script =
      "import signal,time\n"
      "n=[0]\n"
      "signal.signal(signal.SIGINT, lambda *a: n.__setitem__(0, n[0]+1))\n"
      "print('ready', flush=True)\n"
      "time.sleep(1.5)\n"
      "print('count=%d' % n[0], flush=True)\n";
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return "forkpty failed";
  if (pid == 0) {
    std::vector<std::string> args = {PROFILE_BIN, "enforce"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--", "/usr/bin/python3", "-c", script});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(PROFILE_BIN, argv.data());
    _exit(127);
  }
  std::string out;
  bool ready = read_until(master, &out, "ready", 20000);
  if (ready) {
    char ctrl_c = 3;  // the terminal's VINTR: SIGINT to the foreground group
    if (write(master, &ctrl_c, 1) != 1) ready = false;
  }
  read_until(master, &out, "count=", 20000);
  kill(pid, SIGKILL);
  int st;
  waitpid(pid, &st, 0);
  close(master);
  auto at = out.find("count=");
  return at == std::string::npos ? "no count in: " + out : out.substr(at, 7);
}

TEST(TerminalSignals, CtrlCReachesTheWorkloadOnce) {
  PROFILE_NEEDS_ROOT();
  if (access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "needs /usr/bin/python3";
  // With a PID namespace (init forwards) and without one.
  EXPECT_EQ(count_sigint_under({}), "count=1");
  EXPECT_EQ(count_sigint_under({"--share", "pid"}), "count=1");
}

}  // namespace
}  // namespace profile
