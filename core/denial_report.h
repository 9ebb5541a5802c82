// The denials of one enforced run: what each mechanism refused (or, in
// complain mode, would have refused), written by `enforce --report` and read
// back by `profile learn`. Every string in it came from the workload (its
// command name, the paths it passed) and is stored escaped (\xHH, \\) so the
// file is valid JSON whatever the bytes were.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace profile {

inline constexpr int kDenialReportVersion = 1;
// A report larger than this is not one of ours.
inline constexpr size_t kMaxDenialReportBytes = 16 << 20;
// Distinct denials one report may hold.
inline constexpr size_t kMaxReportedDenials = 4096;

struct Denial {
  std::string mechanism;  // "seccomp"; "landlock", "capability" (complain mode: from the recorder)
  std::string action;     // "denied", "allowed" (complain), "killed"
  std::string arch;       // libseccomp name, e.g. "x86_64"; empty for landlock
  std::string syscall;    // name on `arch`; "#N" when libseccomp knows no name; landlock: bind/connect or empty
  int pid = 0;            // the first process that made it (the supervisor's pid namespace); 0: unknown
  std::string comm;       // its /proc/PID/comm, raw bytes
  // Read from the workload's memory while it waited: informational (another
  // thread of the workload may change it after it was read). Raw bytes.
  std::string path;
  // File access the call asks for on `path` (profile.json access names).
  std::vector<std::string> access;
  std::string family;    // socket, bind, connect: "inet", "inet6", "unix", ...
  std::string type;      // socket: "stream", "dgram", ...
  std::string protocol;  // bind, connect: "tcp" or "udp", from the socket itself
  int port = -1;         // bind, connect on inet/inet6; -1: none
  std::string capability;  // mechanism "capability": its name without CAP_
  uint64_t count = 0;    // how often this exact denial happened

  // What makes two denials the same one (the pid and command do not).
  std::string key() const;
};

struct DenialReport {
  std::string mode;  // "enforce", "complain", "kill"
  std::vector<Denial> denials;
  // Denials beyond the distinct ones kept, counted but not described.
  uint64_t overflow = 0;
  // What the run could not see (a mechanism whose denials the kernel does
  // not expose here), one sentence each.
  std::vector<std::string> invisible;
};

// Deterministic JSON (denials in the order given), trailing newline.
std::string denial_report_to_json(const DenialReport& r);

// Strict: unknown or repeated keys, wrong types, unknown mechanism or
// action, out-of-range numbers and bad escapes are errors naming `origin`,
// the JSON path and the value.
Result<DenialReport> parse_denial_report(const std::string& text, const std::string& origin);
Result<DenialReport> read_denial_report(const std::string& path);

// One line for a terminal, every workload-controlled byte escaped:
//   seccomp: denied mkdir (x86_64) path '/tmp/x' by pid 12 'md_violate'
std::string denial_line(const Denial& d);

}  // namespace profile
