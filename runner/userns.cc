#include "runner/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <limits>

namespace profile {

namespace {
Result<uint64_t> parse_u32(const std::string& s, const std::string& what) {
  if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string::npos)
    return make_error(what + ": '" + s + "' is not a number");
  uint64_t v = std::stoull(s);
  if (v > std::numeric_limits<uint32_t>::max() - 1) return make_error(what + ": '" + s + "' is too large");
  return v;
}

Status write_proc(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return make_error("open " + path + ": " + strerror(errno));
  ssize_t w = write(fd, text.data(), text.size());
  int e = errno;
  close(fd);
  if (w != static_cast<ssize_t>(text.size())) return make_error("write " + path + " ('" + text + "'): " + strerror(e));
  return {};
}
}  // namespace

Result<UsernsMap> parse_userns_map(const std::string& arg) {
  UsernsMap m;
  auto colon = arg.find(':');
  auto base = parse_u32(arg.substr(0, colon), "--userns-map");
  if (!base) return base.error();
  m.host_base = static_cast<uint32_t>(*base);
  if (colon != std::string::npos) {
    auto count = parse_u32(arg.substr(colon + 1), "--userns-map");
    if (!count) return count.error();
    m.count = static_cast<uint32_t>(*count);
  }
  if (m.host_base == 0) return make_error("--userns-map: host id 0 would make root inside root outside");
  if (m.count == 0) return make_error("--userns-map: the range must hold at least one id");
  if (uint64_t{m.host_base} + m.count > std::numeric_limits<uint32_t>::max())
    return make_error("--userns-map: '" + arg + "' runs past the largest id");
  return m;
}

Status write_id_maps(pid_t child, const UsernsMap& map) {
  std::string line = "0 " + std::to_string(map.host_base) + " " + std::to_string(map.count) + "\n";
  std::string dir = "/proc/" + std::to_string(child);
  PROFILE_TRY(write_proc(dir + "/uid_map", line));
  PROFILE_TRY(write_proc(dir + "/gid_map", line));
  return {};
}

}  // namespace profile
