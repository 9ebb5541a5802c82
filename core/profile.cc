#include "core/profile.h"

#include <algorithm>

namespace profile {

const std::vector<std::string>& access_names() {
  static const std::vector<std::string> names = {
      "read", "write", "append", "create", "delete", "execute",
      "mmap-exec", "link", "lock", "chmod", "list"};
  return names;
}

Result<uint32_t> access_from_name(const std::string& name) {
  const auto& names = access_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return uint32_t{1u << i};
  return make_error("unknown file access " + quote_value(name));
}

Result<uint32_t> access_from_names(const std::set<std::string>& names) {
  uint32_t bits = 0;
  for (const auto& n : names) {
    auto bit = access_from_name(n);
    if (!bit) return bit.error();
    bits |= *bit;
  }
  return bits;
}

std::set<std::string> access_to_names(uint32_t bits) {
  std::set<std::string> out;
  const auto& names = access_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (bits & (1u << i)) out.insert(names[i]);
  return out;
}

const std::vector<std::string>& widening_kinds() {
  static const std::vector<std::string> kinds = {
      "collapse",        // several files of one directory became dir/*
      "content-tree",    // a read-only tree read in several places
      "created-tree",    // a directory the workload created is its own
      "data-tree",       // the working directory or an operand the user launched it with
      "error-path",      // what every process needs to report an error and exit
      "interpreter",     // what execve needs to run a granted executable
      "learned",         // folded in by `profile learn` from an enforce report
      "manual",          // added by hand in profile.yaml
      "runtime",         // what the container runtime needs after installing the filter
      "syscall-family",  // another member of a family a recorded call belongs to
      "temporary-name",  // a random per-run name became a pattern
      "timing",          // a call whose use depends on timing, implied by what made it possible
      "volatile-name",   // pids, fd and terminal numbers
  };
  return kinds;
}

bool is_widening_kind(const std::string& kind) {
  const auto& k = widening_kinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

void add_widening(Profile* p, const std::string& kind, const std::string& rule, const std::string& reason,
                  const std::vector<std::string>& evidence) {
  Widening probe;
  probe.kind = kind;
  probe.rule = rule;
  auto it = p->widenings.find(probe);
  Widening w = it == p->widenings.end() ? probe : *it;
  if (it == p->widenings.end()) {
    w.reason = reason;
  } else {
    p->widenings.erase(it);
  }
  for (const auto& e : evidence) {
    if (w.evidence.size() >= kMaxWideningEvidence) break;
    if (std::find(w.evidence.begin(), w.evidence.end(), e) == w.evidence.end()) w.evidence.push_back(e);
  }
  p->widenings.insert(std::move(w));
}

}  // namespace profile
