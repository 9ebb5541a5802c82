#include "tracer/kernel_symbols.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace profile {

namespace {
constexpr size_t kMaxLines = 4'000'000;
constexpr size_t kMaxName = 512;
}  // namespace

Result<KernelSymbols> KernelSymbols::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error("cannot read " + path + ": " + strerror(errno));
  return parse(in);
}

KernelSymbols KernelSymbols::parse(std::istream& in) {
  KernelSymbols k;
  std::string line;
  for (size_t n = 0; n < kMaxLines && std::getline(in, line); ++n) {
    // ADDR TYPE NAME[\t[module]]
    size_t a = line.find(' ');
    if (a == 0 || a == std::string::npos || a > 16 || a + 3 > line.size() || line[a + 2] != ' ') continue;
    char type = line[a + 1];
    if (type != 't' && type != 'T' && type != 'w' && type != 'W') continue;
    uint64_t addr = 0;
    bool ok = true;
    for (size_t i = 0; i < a && ok; ++i) {
      char c = line[i];
      int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (v < 0) ok = false;
      addr = addr << 4 | static_cast<uint64_t>(v < 0 ? 0 : v);
    }
    if (!ok || addr == 0) continue;
    size_t start = a + 3;
    size_t end = line.find_first_of(" \t", start);
    std::string name = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (name.empty() || name.size() > kMaxName) continue;
    k.syms_.emplace_back(addr, std::move(name));
  }
  std::sort(k.syms_.begin(), k.syms_.end());
  return k;
}

std::string KernelSymbols::name_of(uint64_t addr) const {
  auto it = std::upper_bound(syms_.begin(), syms_.end(), addr,
                             [](uint64_t a, const std::pair<uint64_t, std::string>& s) { return a < s.first; });
  if (it == syms_.begin()) return {};
  return std::prev(it)->second;
}

}  // namespace profile
