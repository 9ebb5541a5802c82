#include "profilegen/render.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "profilegen/render_extra.h"

namespace profile {

using nlohmann::ordered_json;

Result<std::string> render_seccomp(const Profile& p) {
  // Key order follows Docker's own files so diffs against them read naturally.
  ordered_json j;
  j["defaultAction"] = "SCMP_ACT_ERRNO";
  j["defaultErrnoRet"] = 1;
  ordered_json arches = ordered_json::array();
  std::set<std::string> all_names;
  for (const auto& [arch, names] : p.syscalls) {
    if (names.empty()) continue;
    auto oci = arch_to_oci(arch);
    if (!oci) return oci.error();
    arches.push_back(*oci);
    all_names.insert(names.begin(), names.end());
  }
  j["architectures"] = arches;
  ordered_json rules = ordered_json::array();
  if (!all_names.empty()) {
    ordered_json allow;
    allow["names"] = all_names;
    allow["action"] = "SCMP_ACT_ALLOW";
    rules.push_back(allow);
  }
  // glibc tries clone3 first and falls back to clone only on ENOSYS; EPERM
  // would make thread creation fail outright.
  if (!all_names.count("clone3")) {
    ordered_json enosys;
    enosys["names"] = {"clone3"};
    enosys["action"] = "SCMP_ACT_ERRNO";
    enosys["errnoRet"] = 38;
    rules.push_back(enosys);
  }
  j["syscalls"] = rules;
  return j.dump(2) + "\n";
}

std::string render_caps(const Profile& p) {
  std::string out;
  for (const auto& [name, ev] : p.capabilities) out += name + "\n";
  return out;
}

Result<std::vector<RenderedFile>> render_all(const Profile& p) {
  std::vector<RenderedFile> out;
  out.reserve(3 + extra_renderers().size());
  out.push_back({"profile.json", profile_to_json(p)});
  auto sec = render_seccomp(p);
  if (!sec) return with_context(sec.error(), "seccomp.json");
  out.push_back({"seccomp.json", std::move(*sec)});
  out.push_back({"caps.txt", render_caps(p)});
  for (const auto& r : extra_renderers()) {
    auto text = r.render(p);
    if (!text) return with_context(text.error(), r.name);
    out.push_back({r.name, std::move(*text)});  // megabytes for large profiles
  }
  return out;
}

}  // namespace profile
