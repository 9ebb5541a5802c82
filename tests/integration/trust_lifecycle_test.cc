// The life of a profile directory and of a run: concurrent writers, writers
// killed halfway, outputs checked before the workload runs, numeric options
// with clear messages, and stopping a workload that ignores every signal.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <dirent.h>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cli/app/profile_dir.h"
#include "test_util.h"

namespace profile {
namespace {

using test::helper;
using test::run_profile;
using test::TempDir;
using Clock = std::chrono::steady_clock;

bool exists(const std::string& p) { return access(p.c_str(), F_OK) == 0; }

// A running `profile` with its stdout and stderr captured in files (pipes
// would fill up, or keep the reader waiting on the workload's copy).
struct Spawned {
  pid_t pid = -1;
  std::string out_path, err_path;
};

Spawned spawn_profile(const std::vector<std::string>& args, const TempDir& d, const std::string& tag) {
  Spawned s;
  s.out_path = d / (tag + ".out");
  s.err_path = d / (tag + ".err");
  s.pid = fork();
  if (s.pid == 0) {
    int o = open(s.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(s.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int n = open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || n < 0) _exit(99);
    dup2(n, 0);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<std::string> all = {PROFILE_BIN};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(PROFILE_BIN, argv.data());
    _exit(127);
  }
  return s;
}

// Waits for `pid` up to `ms`; returns the exit code (128+N for a signal) or -1.
int wait_for(pid_t pid, int ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    int st = 0;
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool wait_for_text(const std::string& path, const std::string& needle, int ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  while (Clock::now() < deadline) {
    if (exists(path) && test::read_file(path).find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// Whether any process has `token` in its command line.
bool process_with_token_exists(const std::string& token) {
  DIR* d = opendir("/proc");
  if (d == nullptr) return false;
  bool found = false;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::string cmd = test::read_file(std::string("/proc/") + e->d_name + "/cmdline");
    for (char& c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(token) != std::string::npos) found = true;
  }
  closedir(d);
  return found;
}

// A shell that ignores SIGTERM and SIGINT and spins: only SIGKILL ends it.
std::vector<std::string> spinning_shell(const std::string& token) {
  return {"/bin/sh", "-c", "trap '' TERM INT; echo ready; while :; do :; done; echo " + token};
}

// The generated files of `dir` are exactly what its profile.json renders to.
::testing::AssertionResult consistent(const std::string& dir) {
  TempDir fresh;
  std::filesystem::copy_file(dir + "/profile.json", fresh / "profile.json");
  auto gen = run_profile({"generate", fresh.path()});
  if (gen.exit_code != 0) return ::testing::AssertionFailure() << "generate of a copy failed: " << gen.err;
  for (const char* f : {"seccomp.json", "apparmor.profile", "landlock.json", "caps.txt"})
    if (test::read_file(dir + "/" + f) != test::read_file(fresh / f))
      return ::testing::AssertionFailure() << f << " is not the rendering of " << dir << "/profile.json";
  return ::testing::AssertionSuccess();
}

TEST(TrustLifecycle, Sha256KnownAnswers) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Two blocks of padding.
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(TrustLifecycle, ConcurrentAppendsKeepEveryRecording) {
  PROFILE_NEEDS_ROOT();
  for (int trial = 0; trial < 2; ++trial) {
    TempDir d;
    std::string out = d / "prof";
    std::vector<test::CommandResult> results(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&, i] {
        results[i] = run_profile({"record", "--tracer", "ptrace", "--append", "--name", "lc", "-o", out, "--",
                                  helper("lc_touch"), d / ("touched" + std::to_string(i))});
      });
    for (auto& t : threads) t.join();
    for (int i = 0; i < 4; ++i) ASSERT_EQ(results[i].exit_code, 0) << results[i].err;
    std::string prof = test::read_file(out + "/profile.json");
    for (int i = 0; i < 4; ++i)
      EXPECT_NE(prof.find(d / ("touched" + std::to_string(i))), std::string::npos)
          << "trial " << trial << ": the recording of command " << i << " was lost:\n"
          << prof;
    EXPECT_TRUE(consistent(out));
  }
}

// SIGKILL the writer right after its k-th rename into the directory (seen
// with inotify, so the kill lands inside the write phase every time), for
// every k, several times: whatever is left must either be refused by
// `enforce` or be one consistent generation.
TEST(TrustLifecycle, KilledWriteNeverLeavesALoadableMixedDirectory) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  std::string out = d / "prof";
  auto first = run_profile({"record", "--tracer", "ptrace", "--name", "lc", "-o", out, "--", helper("lc_touch"),
                            d / "first"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  int refused = 0, loaded = 0;
  for (int trial = 0; trial < 32; ++trial) {
    int kill_after = 1 + trial % 6;
    int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    ASSERT_GE(in, 0);
    ASSERT_GE(inotify_add_watch(in, out.c_str(), IN_MOVED_TO), 0);
    // Alternate what is recorded, so that consecutive generations differ.
    auto s = spawn_profile({"record", "--tracer", "ptrace", "--name", "lc", "-o", out, "--", helper("lc_touch"),
                            d / ("gen" + std::to_string(trial % 2)), d / "x"},
                           d, "rec");
    int renames = 0;
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while (renames < kill_after && Clock::now() < deadline) {
      pollfd p{in, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) {
        if (waitpid(s.pid, nullptr, WNOHANG) == s.pid) {
          s.pid = -1;
          break;
        }
        continue;
      }
      alignas(inotify_event) char buf[4096];
      ssize_t n = read(in, buf, sizeof buf);
      for (ssize_t off = 0; off < n;) {
        auto* ev = reinterpret_cast<inotify_event*>(buf + off);
        std::string name = ev->len ? ev->name : "";
        if (name.find(".tmp.") == std::string::npos) ++renames;
        off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      }
    }
    if (s.pid > 0) {
      kill(s.pid, SIGKILL);
      waitpid(s.pid, nullptr, 0);
    }
    close(in);
    auto enf = run_profile({"enforce", "--profile", out, "--", helper("lc_touch")});
    if (enf.exit_code == 0) {
      ++loaded;
      EXPECT_TRUE(consistent(out)) << "trial " << trial << ", killed after rename " << kill_after
                                   << ": enforce loaded a mixed directory";
    } else {
      ++refused;
      EXPECT_EQ(enf.exit_code, 125) << enf.err;
      EXPECT_NE(enf.err.find("does not match"), std::string::npos) << enf.err;
      EXPECT_NE(enf.err.find(out), std::string::npos) << enf.err;
    }
  }
  // How often the kill left a refused mix depends on how quickly the renames
  // follow each other; a directory that always refuses would be no better.
  std::printf("killed writes: %d refused as mixed, %d loaded as consistent\n", refused, loaded);
  EXPECT_GT(loaded, 0);
}

TEST(TrustLifecycle, MixedDirectoryIsNamedAndGenerateRepairsFromProfileJson) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  auto a = run_profile({"record", "--tracer", "ptrace", "--name", "lc", "-o", d / "a", "--", helper("lc_touch"),
                        d / "only-in-a"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto b = run_profile({"record", "--tracer", "ptrace", "--name", "lc", "-o", d / "b", "--", helper("lc_touch"),
                        d / "only-in-b"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  ASSERT_TRUE(exists(d / ("a/" + std::string(kManifestName))));
  // landlock.json of another generation.
  std::filesystem::copy_file(d / "b/landlock.json", d / "a/landlock.json",
                             std::filesystem::copy_options::overwrite_existing);
  auto enf = run_profile({"enforce", "--profile", d / "a", "--", helper("lc_touch")});
  EXPECT_EQ(enf.exit_code, 125);
  EXPECT_NE(enf.err.find(d / "a/landlock.json does not match"), std::string::npos) << enf.err;
  // profile.json still matches: generate renders the directory whole again.
  auto gen = run_profile({"generate", d / "a"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  EXPECT_EQ(run_profile({"enforce", "--profile", d / "a", "--", helper("lc_touch")}).exit_code, 0);

  // profile.json and another file both of another generation: generate
  // cannot tell which is right and refuses, unless forced.
  std::filesystem::copy_file(d / "b/profile.json", d / "a/profile.json",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(d / "b/seccomp.json", d / "a/seccomp.json",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(d / "b/landlock.json", d / "a/landlock.json",
                             std::filesystem::copy_options::overwrite_existing);
  gen = run_profile({"generate", d / "a"});
  EXPECT_EQ(gen.exit_code, 125);
  EXPECT_NE(gen.err.find("does not match"), std::string::npos) << gen.err;
  EXPECT_NE(gen.err.find("--force"), std::string::npos) << gen.err;
  gen = run_profile({"generate", "--force", d / "a"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  EXPECT_EQ(test::read_file(d / "a/landlock.json"), test::read_file(d / "b/landlock.json"));
  EXPECT_EQ(run_profile({"enforce", "--profile", d / "a", "--", helper("lc_touch")}).exit_code, 0);
}

TEST(TrustLifecycle, HandEditedProfileJsonNeedsGenerate) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  auto a = run_profile({"record", "--tracer", "ptrace", "--name", "lc", "-o", d / "p", "--", helper("lc_touch"),
                        d / "f"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  std::string text = test::read_file(d / "p/profile.json");
  test::write_file(d / "p/profile.json", text.substr(0, text.size() - 1) + "\n\n");
  auto enf = run_profile({"enforce", "--profile", d / "p", "--", helper("lc_touch")});
  EXPECT_EQ(enf.exit_code, 125);
  EXPECT_NE(enf.err.find(d / "p/profile.json was changed after"), std::string::npos) << enf.err;
  EXPECT_NE(enf.err.find("profile generate"), std::string::npos) << enf.err;
  ASSERT_EQ(run_profile({"generate", d / "p"}).exit_code, 0);
  EXPECT_EQ(run_profile({"enforce", "--profile", d / "p", "--", helper("lc_touch")}).exit_code, 0);
}

TEST(TrustLifecycle, NumericOptionsNameTheOptionAndTheValue) {
  PROFILE_NEEDS_ROOT();  // --stop-timeout is checked after the recorder loads
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"--pids", "0"}, "--pids: '0' is not a valid number of processes (a whole number from 1 to 4194304)"},
      {{"--pids", "-3"}, "--pids: '-3' is not a valid number of processes"},
      {{"--pids", "lots"}, "--pids: 'lots' is not a valid number of processes"},
      {{"--pids", "99999999999999999999"}, "--pids: '99999999999999999999' is not a valid number of processes"},
      {{"--io-weight", "5"}, "--io-weight: '5' is not a valid I/O weight (a whole number from 10 to 1000)"},
      {{"--stop-timeout", "soon"}, "--stop-timeout: invalid duration 'soon'"},
  };
  TempDir d;
  for (const char* verb : {"record", "enforce"}) {
    for (const auto& c : cases) {
      std::vector<std::string> args = {verb};
      if (std::string(verb) == "record") args.insert(args.end(), {"-o", d / "p"});
      args.insert(args.end(), c.args.begin(), c.args.end());
      args.insert(args.end(), {"--", helper("lc_touch"), d / "ran"});
      auto r = run_profile(args);
      EXPECT_EQ(r.exit_code, 125) << verb << " " << c.args[0] << " " << c.args[1] << ": " << r.err;
      EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
      EXPECT_EQ(r.err.find("1.797"), std::string::npos) << r.err;
      EXPECT_FALSE(exists(d / "ran")) << "the workload ran despite " << c.args[0] << " " << c.args[1];
    }
  }
}

TEST(TrustLifecycle, UnusableOutputFailsBeforeTheWorkloadRuns) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  test::write_file(d / "file", "not a directory\n");
  for (const std::string& o : {d / "file", d / "file/sub/dir"}) {
    auto r = run_profile({"record", "--tracer", "ptrace", "-o", o, "--", helper("lc_touch"), d / "marker"});
    EXPECT_EQ(r.exit_code, 125) << r.err;
    EXPECT_NE(r.err.find("output directory '" + o + "'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not a directory"), std::string::npos) << r.err;
    EXPECT_FALSE(exists(d / "marker")) << "the workload ran before the output was checked: " << r.err;
  }
  EXPECT_EQ(test::read_file(d / "file"), "not a directory\n");
}

TEST(TrustLifecycle, MissingOutputParentsAreCreatedAndSaidSo) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  std::string out = d / "deep/er/prof";
  auto r = run_profile({"record", "--tracer", "ptrace", "-o", out, "--", helper("lc_touch"), d / "marker"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("created the output directory " + out), std::string::npos) << r.err;
  EXPECT_TRUE(exists(out + "/profile.json"));
  // Already there: nothing to say.
  r = run_profile({"record", "--tracer", "ptrace", "-o", out, "--", helper("lc_touch"), d / "marker"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("created the output directory"), std::string::npos) << r.err;
  // A workload that cannot start leaves no directory behind.
  r = run_profile({"record", "--tracer", "ptrace", "-o", d / "never/made", "--", d / "no-such-program"});
  EXPECT_EQ(r.exit_code, 127) << r.err;
  EXPECT_FALSE(exists(d / "never"));
}

// `profile` under SIGTERM/SIGINT with a workload that ignores both.
struct StopRun {
  int exit_code = -1;
  double seconds = 0;
  std::string err;
  bool workload_left = false;
};

StopRun stop_spinning(const std::vector<std::string>& prefix, const std::vector<int>& signals, int gap_ms) {
  TempDir d;
  std::string token = "lc-spin-" + std::to_string(getpid()) + "-" + std::to_string(Clock::now().time_since_epoch().count());
  std::vector<std::string> args = prefix;
  for (auto& a : args)
    if (a == "OUT") a = d / "prof";
  args.push_back("--");
  for (const auto& a : spinning_shell(token)) args.push_back(a);
  auto s = spawn_profile(args, d, "stop");
  StopRun r;
  if (!wait_for_text(s.out_path, "ready", 60000)) {
    kill(s.pid, SIGKILL);
    waitpid(s.pid, nullptr, 0);
    r.err = "the workload never started: " + test::read_file(s.err_path);
    return r;
  }
  auto start = Clock::now();
  for (size_t i = 0; i < signals.size(); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms));
    kill(s.pid, signals[i]);
  }
  r.exit_code = wait_for(s.pid, 15000);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (r.exit_code == -1) {
    kill(s.pid, SIGKILL);
    waitpid(s.pid, nullptr, 0);
  }
  r.err = test::read_file(s.err_path);
  r.workload_left = process_with_token_exists(token);
  if (exists(d / "prof/profile.json")) r.err += "\nPROFILE:\n" + test::read_file(d / "prof/profile.json");
  return r;
}

TEST(TrustLifecycle, SigtermEscalatesToKillAfterTheStopTimeout) {
  PROFILE_NEEDS_ROOT();
  auto r = stop_spinning({"enforce", "--stop-timeout", "1"}, {SIGTERM}, 0);
  EXPECT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
  EXPECT_LT(r.seconds, 6) << r.err;
  EXPECT_GT(r.seconds, 0.9) << "killed before the stop timeout: " << r.err;
  EXPECT_FALSE(r.workload_left);
  EXPECT_NE(r.err.find("SIGTERM forwarded to the workload; it is killed in 1 s"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did not exit within 1 s of SIGTERM: killing it"), std::string::npos) << r.err;
}

TEST(TrustLifecycle, SecondSigintKillsAtOnce) {
  PROFILE_NEEDS_ROOT();
  // The default timeout (10 s) would be far beyond the bound below.
  auto r = stop_spinning({"enforce"}, {SIGINT, SIGINT}, 300);
  EXPECT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
  EXPECT_LT(r.seconds, 5) << r.err;
  EXPECT_FALSE(r.workload_left);
  EXPECT_NE(r.err.find("killed in 10 s"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("second stop signal: killing the workload"), std::string::npos) << r.err;
}

TEST(TrustLifecycle, RecordStopsTooAndWritesAPartialProfile) {
  PROFILE_NEEDS_ROOT();
  for (const char* tracer : {"ptrace", "auto"}) {
    auto r = stop_spinning({"record", "--tracer", tracer, "--stop-timeout", "1", "--name", "lc", "-o", "OUT"},
                           {SIGTERM}, 0);
    EXPECT_EQ(r.exit_code, 128 + SIGKILL) << tracer << ": " << r.err;
    EXPECT_LT(r.seconds, 8) << tracer << ": " << r.err;
    EXPECT_FALSE(r.workload_left) << tracer;
    EXPECT_NE(r.err.find("killing it"), std::string::npos) << tracer << ": " << r.err;
    EXPECT_NE(r.err.find("the profile is marked partial"), std::string::npos) << tracer << ": " << r.err;
    EXPECT_NE(r.err.find("\"complete\": false"), std::string::npos) << tracer << ": " << r.err;
  }
}

}  // namespace
}  // namespace profile
