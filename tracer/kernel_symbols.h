// The kernel's text symbols (/proc/kallsyms), to name the functions of a
// kernel stack the eBPF recorder captured.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace profile {

class KernelSymbols {
 public:
  // Reads /proc/kallsyms (or `path`). Fails when it cannot be read; an
  // empty table (every address shown as 0 under kptr_restrict) is not an
  // error, usable() tells.
  static Result<KernelSymbols> load(const std::string& path = "/proc/kallsyms");
  // Parses kallsyms text: "ADDR TYPE NAME [module]" per line. Keeps text
  // symbols (t, T, w, W) with a non-zero address; malformed lines, names
  // over 512 bytes and lines past the first 4 million are skipped.
  static KernelSymbols parse(std::istream& in);

  bool usable() const { return !syms_.empty(); }
  // The symbol `addr` falls in (the closest one at or below it), or empty
  // when it lies below the first symbol.
  std::string name_of(uint64_t addr) const;

 private:
  std::vector<std::pair<uint64_t, std::string>> syms_;  // sorted by address
};

}  // namespace profile
