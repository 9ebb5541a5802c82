// profile lint: checks of the files of a profile directory that a reviewer
// or a CI job wants before a profile is committed or deployed. Each check
// takes the file's text and returns its findings, one sentence each; the
// caller prefixes the file name. No syscalls here.
#pragma once

#include <string>
#include <vector>

#include "core/profile.h"

namespace profile {

// seccomp JSON (OCI/Docker): syntax, unknown actions, architectures and
// syscall names unknown to a listed architecture, duplicate and
// contradictory rules, rules with the default action (they do nothing), a
// default action that allows, and risky syscalls allowed.
std::vector<std::string> lint_seccomp(const std::string& text);
// profile.json: the strict reader's error, else the risky grants of
// lint_profile_grants.
std::vector<std::string> lint_profile_json(const std::string& text, const std::string& origin);
// Risky grants of a profile: capabilities and syscalls that open the
// kernel or other processes, write access to system directories, access to
// sensitive paths (core/sensitive_paths.h), an incomplete recording.
std::vector<std::string> lint_profile_grants(const Profile& p);
// caps.txt: one known capability name a line, no repeats, risky ones.
std::vector<std::string> lint_caps_txt(const std::string& text);

// Syscalls whose grant deserves a reviewer's eye, and why.
const char* risky_syscall_reason(const std::string& name);
const char* risky_capability_reason(const std::string& name);

}  // namespace profile
