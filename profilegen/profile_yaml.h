// profile.yaml: the changes a user writes by hand beside a recorded
// profile.json ("serve all of /srv/www", "never allow ptrace"), kept across
// re-recordings. Each entry adds to or removes from the profile and says
// why. The syntax is in docs/policy.md ("profile.yaml").
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/profile.h"

namespace profile {

inline constexpr const char* kProfileYamlName = "profile.yaml";
// A hand-written list of changes; anything larger is not one.
inline constexpr size_t kMaxProfileYamlBytes = 1 << 20;

// Every entry keeps the line it starts on (1-based), for messages.
struct YamlFileEntry {
  std::string path;              // profile.json pattern syntax
  std::set<std::string> access;  // removal: empty = the whole rule
  std::string reason;
  int line = 0;
};
struct YamlSyscallEntry {
  std::string arch;  // libseccomp name; empty = every architecture of the profile
  std::set<std::string> names;
  std::string reason;
  int line = 0;
};
struct YamlPortEntry {
  PortRule rule;
  std::string reason;
  int line = 0;
};
struct YamlSocketEntry {
  std::string family;
  std::string type;             // removal: empty = every type
  std::optional<int> protocol;  // addition: 0 when absent; removal: any
  std::string reason;
  int line = 0;
};
struct YamlCapabilityEntry {
  std::string name;  // normalised: upper case without CAP_
  std::string reason;
  int line = 0;
};

struct ProfileChanges {
  std::vector<YamlFileEntry> files;
  std::vector<YamlSyscallEntry> syscalls;
  std::vector<YamlPortEntry> ports;
  std::vector<YamlSocketEntry> sockets;
  std::vector<YamlCapabilityEntry> capabilities;
  size_t size() const { return files.size() + syscalls.size() + ports.size() + sockets.size() + capabilities.size(); }
};

struct ProfileYaml {
  std::string origin;  // the file name, for messages
  ProfileChanges add, remove;
};

// Strict parse: unknown keys, repeated keys, wrong types, missing reasons,
// unknown architecture, syscall, capability, access, family or type names,
// bad path patterns, anchors and aliases are errors of the form
// "ORIGIN:LINE: ..." naming the bad value.
Result<ProfileYaml> parse_profile_yaml(const std::string& text, const std::string& origin);

// `p` with the removals and then the additions applied. Added capabilities
// not already in the profile get the evidence "manual" with the entry's
// reason. A removal that matches nothing in `p` is not an error: it gets a
// note in `notes` (the behaviour may come back with a later recording).
// Fails, naming the line, when a syscall without `arch` is unknown on one of
// the profile's architectures or the profile has none.
Result<Profile> apply_profile_yaml(const Profile& p, const ProfileYaml& y, std::vector<std::string>* notes);

}  // namespace profile
