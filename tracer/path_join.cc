#include "tracer/path_join.h"

#include <vector>

#include "core/error.h"
#include "core/path_lex.h"

namespace profile {

namespace {

// Components of a directory the kernel resolved; "." and ".." cannot occur
// in one (d_path and the dentry walk produce none), so they are kept as
// names rather than reinterpreted.
void push_resolved(std::string_view s, std::vector<std::string_view>* parts) {
  for_each_path_component(s, [parts](std::string_view c) {
    parts->push_back(c);
    return true;
  });
}

bool is_under(const std::vector<std::string_view>& dir, const std::vector<std::string_view>& root) {
  if (dir.size() < root.size()) return false;
  for (size_t i = 0; i < root.size(); ++i)
    if (dir[i] != root[i]) return false;
  return true;
}

}  // namespace

PathJoin join_resolved(std::string_view root, std::string_view dir, std::string_view name, std::string* out) {
  if (root.empty() || root[0] != '/') return PathJoin::kInvalid;
  std::vector<std::string_view> root_parts;
  push_resolved(root, &root_parts);
  LexPath path;
  if (!name.empty() && name[0] == '/') {
    path.parts = root_parts;
    path.floor = root_parts.size();
  } else {
    if (dir.empty() || dir[0] != '/') return PathJoin::kInvalid;
    push_resolved(dir, &path.parts);
    // A directory outside the root (a chroot without chdir) climbs freely:
    // the kernel stops a ".." only at the root itself.
    if (is_under(path.parts, root_parts)) path.floor = root_parts.size();
  }
  path.resolved = path.parts.size();  // what came from the kernel
  if (lex_walk(&path, name, /*trust_names=*/false) != LexWalk::kOk) return PathJoin::kDotDotAfterName;
  *out = lex_join(path.parts);
  return PathJoin::kOk;
}

std::string escape_for_message(std::string_view s, size_t max) {
  // Pure ASCII: the path is shown in double quotes in a note.
  static constexpr ByteEscaping kAsciiBytes{false, "", "\\\""};
  std::string out;
  if (kAsciiBytes.append(&out, s, max) < s.size()) out += "...";
  return out;
}

}  // namespace profile
