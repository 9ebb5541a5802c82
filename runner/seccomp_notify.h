// The seccomp notification supervisor: the profile's default action becomes
// SCMP_ACT_NOTIFY (allowed calls stay ALLOW and cost nothing more), and a
// thread of the supervisor answers every call outside the profile as the
// mode says, naming it: syscall and arch, process, path or address.
//
// Getting the listener to the supervisor, with nothing allocated in the
// child and no assumption about which calls the profile allows:
//   child: pidfd of itself + the number the listener will get (the lowest
//          free descriptor) -> SCM_RIGHTS over a socketpair -> install the
//          filter with SECCOMP_FILTER_FLAG_NEW_LISTENER -> call a syscall
//          number no architecture has (kNotifyHandshakeNr), which the
//          filter can only send to the listener -> execve.
//   supervisor: pidfd_getfd(pidfd, number) until the filter is there (the
//          child blocks in the handshake call until it is answered, so the
//          listener cannot close at execve before it was taken) -> answer
//          the handshake -> answer everything else.
// If the supervisor cannot take the listener it kills the child: it never
// leaves a process blocked on a listener nobody reads.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/denial_report.h"
#include "core/error.h"
#include "core/reporter.h"
#include "runner/seccomp.h"

namespace profile {

// Far above every architecture's table (x86_64 ~470, MIPS n32 6000+), below
// the x32 bit: the filter's rules never match it, so it takes the default
// action, NOTIFY.
inline constexpr long kNotifyHandshakeNr = 0xbe11;
inline constexpr long kNotifyHandshakeAck = 0x5ecc0;

enum class DenialMode { kEnforce, kComplain, kKill };
const char* denial_mode_name(DenialMode m);
// "enforce", "complain", "kill"; anything else is an error naming it.
Result<DenialMode> parse_denial_mode(const std::string& s);

struct NotifyOptions {
  DenialMode mode = DenialMode::kEnforce;
  int deny_errno = 1;          // enforce: the profile's errno
  size_t max_distinct = 1024;  // beyond it, denials are only counted
  int lines_per_second = 20;   // live lines on the reporter
  Reporter reporter;           // live lines, one per distinct denial
};

// Child side, between clone and execve: no allocation, no exceptions.
// Returns 0 or an errno value, with *step naming what failed.
int notify_child_install(const SeccompProgram& prog, int sock, const char** step) noexcept;

class SeccompNotifier {
 public:
  explicit SeccompNotifier(NotifyOptions o);
  ~SeccompNotifier();
  SeccompNotifier(const SeccompNotifier&) = delete;
  SeccompNotifier& operator=(const SeccompNotifier&) = delete;

  // Supervisor side, before the child is released: takes ownership of the
  // socket's supervisor end and starts the answering thread. `root` is the
  // process the supervisor cloned, killed if the listener cannot be taken.
  Status start(int sock, pid_t root);
  // After the workload (and everything under its filter) has ended: stops
  // the thread and closes every descriptor. Idempotent.
  void stop();

  // After stop().
  std::vector<Denial> denials() const;
  uint64_t overflow() const;
  uint64_t lines_suppressed() const;
  uint64_t total() const;
  // Set when the listener could not be taken (the child was killed).
  std::string failure() const;
  const NotifyOptions& options() const { return opt_; }

 private:
  void run();
  bool take_listener();
  void handle_one();
  void record(Denial d);

  NotifyOptions opt_;
  int sock_ = -1;
  pid_t root_ = -1;
  int pidfd_ = -1;
  int listener_ = -1;
  int stop_fd_ = -1;  // eventfd
  bool handshaken_ = false;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Denial> denials_;
  std::map<std::string, size_t> index_;
  uint64_t overflow_ = 0;
  uint64_t total_ = 0;
  uint64_t suppressed_ = 0;
  int64_t window_start_ms_ = 0;
  int window_lines_ = 0;
  std::string failure_;
};

}  // namespace profile
