#include "profilegen/render.h"

#include <nlohmann/json.hpp>
#include <iterator>
#include <optional>
#include <string_view>
#include <utility>

#include "core/parallel.h"
#include "profilegen/apparmor.h"
#include "profilegen/landlock_gen.h"
#include "profilegen/runtime_sets.h"
#include "profilegen/seccomp_args.h"

namespace profile {

using nlohmann::ordered_json;

namespace {

ordered_json oci_args(const std::vector<SeccompArgCmp>& args) {
  ordered_json out = ordered_json::array();
  for (const auto& a : args) {
    ordered_json c;
    c["index"] = a.index;
    c["value"] = a.value;
    c["valueTwo"] = a.value_two;
    c["op"] = a.masked ? "SCMP_CMP_MASKED_EQ" : "SCMP_CMP_EQ";
    out.push_back(c);
  }
  return out;
}

}  // namespace

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
    // A container runtime's own calls after it installs the filter: without
    // them the container never starts (profile.json "runtime").
    auto runtime = runtime_syscalls(p, arch);
    all_names.insert(runtime.begin(), runtime.end());
  }
  j["architectures"] = arches;
  SeccompArgPlan args = plan_seccomp_args(p, all_names);
  all_names.insert(args.added.begin(), args.added.end());
  // Calls without conditions stay in one rule of their own: the kernel's
  // action cache answers them without running the filter.
  std::set<std::string> unconditional;
  for (const auto& n : all_names)
    if (!args.conditional.count(n)) unconditional.insert(n);
  ordered_json rules = ordered_json::array();
  if (!unconditional.empty()) {
    ordered_json allow;
    allow["names"] = unconditional;
    allow["action"] = "SCMP_ACT_ALLOW";
    rules.push_back(allow);
  }
  for (const auto& r : args.rules) {
    ordered_json allow;
    allow["names"] = {r.name};
    allow["action"] = "SCMP_ACT_ALLOW";
    allow["args"] = oci_args(r.args);
    rules.push_back(allow);
  }
  // glibc tries clone3 first and falls back to clone only on ENOSYS; EPERM
  // would make thread creation fail outright.
  if (args.clone3_enosys) {
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

namespace {

Result<std::string> render_profile_json(const Profile& p) { return profile_to_json(p); }
Result<std::string> render_caps_file(const Profile& p) { return render_caps(p); }

struct OutputFile {
  std::string_view name;  // file name inside the profile directory
  Result<std::string> (*render)(const Profile&);
  bool large;  // grows with the file rules: rendered first
};

// The single registry of generated files: render_all and profile_dir_files
// both read it, so a new format is one row here.
constexpr OutputFile kOutputFiles[] = {
    {"profile.json", render_profile_json, true},
    {"seccomp.json", render_seccomp, false},
    {"caps.txt", render_caps_file, false},
    {"apparmor.profile", render_apparmor, true},
    {"landlock.json", render_landlock, true},
};

}  // namespace

Result<std::vector<RenderedFile>> render_all(const Profile& p) {
  // The renderers only read `p`: the files are rendered on two threads, the
  // large ones (megabytes each for a large profile) first. The first error
  // in registry order is the one reported, as when they ran one after the
  // other.
  constexpr size_t kFiles = std::size(kOutputFiles);
  std::vector<size_t> order;
  for (bool large : {true, false})
    for (size_t i = 0; i < kFiles; ++i)
      if (kOutputFiles[i].large == large) order.push_back(i);
  std::vector<std::optional<Result<std::string>>> texts(kFiles);
  run_two_lanes(kFiles, [&](size_t k) { texts[order[k]].emplace(kOutputFiles[order[k]].render(p)); });
  std::vector<RenderedFile> out;
  out.reserve(kFiles);
  for (size_t i = 0; i < kFiles; ++i) {
    auto& text = *texts[i];
    if (!text) return with_context(text.error(), std::string(kOutputFiles[i].name));
    out.push_back({std::string(kOutputFiles[i].name), std::move(*text)});  // megabytes for large profiles
  }
  return out;
}

const std::vector<std::string_view>& profile_dir_files() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const auto& f : kOutputFiles) v.push_back(f.name);
    return v;
  }();
  return names;
}

}  // namespace profile
