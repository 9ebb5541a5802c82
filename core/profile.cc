#include "core/profile.h"

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

}  // namespace profile
