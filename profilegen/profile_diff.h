// profile diff: what one profile grants beyond another, per section, for a
// pull-request review (text) or a machine (JSON).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/profile.h"

namespace profile {

// An argument rule that grants more than the other side: values it allows
// that the other does not, or `unrestricted` when the other side's rule on
// that argument has no counterpart (every value allowed).
struct ArgChange {
  std::string arch, syscall;
  int index = 0;
  std::set<uint64_t> values;
  bool unrestricted = false;
  bool operator==(const ArgChange&) const = default;
};

// What one side has that the other does not.
struct ProfileDelta {
  std::map<std::string, std::set<std::string>> syscalls;  // arch -> names
  std::vector<ArgChange> args;
  // path or pattern -> access kinds no rule of the other side covers
  std::map<std::string, std::set<std::string>> files;
  NetworkPolicy network;
  std::set<std::string> capabilities;
  // (kind, rule) pairs; explanations, not grants
  std::set<std::pair<std::string, std::string>> widenings;
  // Does it grant anything (widenings alone do not)?
  bool grants() const;
  bool empty() const { return !grants() && widenings.empty(); }
  bool operator==(const ProfileDelta&) const = default;
};

struct ProfileDiff {
  ProfileDelta added;    // in NEW beyond OLD
  ProfileDelta dropped;  // in OLD beyond NEW
};

ProfileDiff diff_profiles(const Profile& old_p, const Profile& new_p);

// Does every path the pattern `inner` matches also match `outer`? Both in
// profile.json pattern syntax; a literal path is a pattern too. Answers
// false (not covered) when either does not parse or when the pair is too
// large to decide within a fixed bound: the diff then shows the rule as an
// addition, which a reviewer can dismiss, rather than hide it.
bool pattern_covers(const std::string& outer, const std::string& inner);

// One line per change, "+" added and "-" dropped, grouped by section;
// "no changes" when both are empty.
std::string diff_to_text(const ProfileDiff& d);
// {"added": {...}, "dropped": {...}, "grants_more": bool}, canonical.
std::string diff_to_json(const ProfileDiff& d);
// The additions alone, one line each ("syscall x86_64 getpid", "file
// /etc/passwd read"): what `check` lists.
std::vector<std::string> delta_lines(const ProfileDelta& d);

}  // namespace profile
