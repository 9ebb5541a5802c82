// Paths no wildcard of a profile may grant (credentials, the kernel's
// control files, ...), shared by the generators that write rules and the
// runner that expands Landlock patterns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/path_pattern.h"

namespace profile {

// Paths no wildcard may grant: only a rule that names them literally does.
// Each entry stands for the path and everything beneath it.
struct SensitivePath {
  const char* pattern;  // plain path with at most `*` wildcards (no escapes), usable by glob(3)
  bool writes_only;     // only modifying it is sensitive (reading is harmless or allowed by Docker too)
  // Whether Landlock can keep it out of a grant on an ancestor directory (see
  // the table for the entries where it cannot).
  bool landlock;
};
const std::vector<SensitivePath>& sensitive_paths();

// The entry that the literal path `path` is, or lies beneath; nullptr when
// none. With `writes` false, writes-only entries do not count.
const SensitivePath* sensitive_entry(std::string_view path, bool writes);

// Could a path that `pattern` matches be `area` or lie beneath it? Both are
// parsed patterns; the answer errs on "yes" when both have wildcards in one
// component.
bool pattern_may_reach(const FlatPattern& pattern, const FlatPattern& area);

// The sensitive entries that a wildcard rule of `rules` (pattern, access
// bits) may reach while no literal rule names them or a path beneath them:
// AppArmor gets a deny rule for each (deny wins over any allow).
std::vector<const SensitivePath*> sensitive_reached(const std::vector<std::pair<const std::string*, uint32_t>>& rules);

// Does the one-component pattern `parts` (literal and `*` parts, as in a
// FlatPattern's last component) match the file name `name`?
bool component_matches(const FlatPattern& p, size_t component, std::string_view name);

}  // namespace profile
