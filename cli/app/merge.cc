#include "cli/app/merge.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/app/profile_dir.h"
#include "core/file_io.h"

namespace profile::app {

Result<Profile> read_profile_input(const std::string& path, const Reporter& reporter) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return make_error("cannot read the profile " + quote_value(path) + ": no such file or directory");
  if (S_ISDIR(st.st_mode)) {
    std::string pj = path + "/profile.json";
    if (stat(pj.c_str(), &st) != 0)
      return make_error(quote_value(path) + " is not a profile directory (it has no profile.json)");
    return read_profile_dir(path, DirCheck::kSource, reporter);
  }
  if (!S_ISREG(st.st_mode)) return make_error(quote_value(path) + " is neither a profile directory nor a file");
  PROFILE_TRY(text, read_text_file(path));
  return profile_from_json(text, path);
}

Profile merge_all(const std::vector<Profile>& inputs, const std::string& name) {
  std::map<std::string, const Profile*> distinct;
  for (const auto& p : inputs) distinct.emplace(profile_to_json(p), &p);
  Profile out;
  bool first = true;
  for (const auto& [text, p] : distinct) {
    out = first ? *p : merge_profiles(out, *p);
    first = false;
  }
  if (!name.empty()) out.name = name;
  return out;
}

std::string coverage_json(const Profile& merged, const std::vector<Profile>& inputs) {
  using nlohmann::json;
  json sc = json::object(), files = json::object(), caps = json::object(), socks = json::object(),
       ports = json::object(), unix_socks = json::object();
  for (const auto& [arch, names] : merged.syscalls)
    for (const auto& n : names) {
      int c = 0;
      for (const auto& p : inputs) {
        auto it = p.syscalls.find(arch);
        c += it != p.syscalls.end() && it->second.count(n);
      }
      sc[arch][n] = c;
    }
  for (const auto& [path, acc] : merged.files) {
    int c = 0;
    for (const auto& p : inputs) c += p.files.count(path) != 0;
    files[path] = c;
  }
  for (const auto& [cap, e] : merged.capabilities) {
    int c = 0;
    for (const auto& p : inputs) c += p.capabilities.count(cap) != 0;
    caps[cap] = c;
  }
  for (const auto& s : merged.network.sockets) {
    int c = 0;
    for (const auto& p : inputs) c += p.network.sockets.count(s) != 0;
    socks[s.family + " " + s.type + " " + std::to_string(s.protocol)] = c;
  }
  for (const auto& r : merged.network.ports) {
    int c = 0;
    for (const auto& p : inputs) c += p.network.ports.count(r) != 0;
    ports[r.kind + " " + r.protocol + " " + std::to_string(r.port)] = c;
  }
  for (const auto& u : merged.network.unix_sockets) {
    int c = 0;
    for (const auto& p : inputs) c += p.network.unix_sockets.count(u) != 0;
    unix_socks[u] = c;
  }
  int incomplete = 0;
  for (const auto& p : inputs) incomplete += !p.recording.complete;
  json j = {{"inputs", inputs.size()},
            {"incomplete_inputs", incomplete},
            {"syscalls", sc},
            {"files", files},
            {"capabilities", caps},
            {"network", {{"sockets", socks}, {"ports", ports}, {"unix_sockets", unix_socks}}}};
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<MergeResult> merge(const MergeRequest& req, const Reporter& reporter) {
  if (req.inputs.empty()) return make_error("profile merge: no input profiles");
  if (req.out.empty()) return make_error("profile merge: no output directory (-o)");
  std::vector<Profile> inputs;
  for (const auto& in : req.inputs) {
    PROFILE_TRY(p, read_profile_input(in, reporter));
    inputs.push_back(std::move(p));
  }
  Profile merged = merge_all(inputs, req.name);
  bool missing = false;
  PROFILE_TRY(check_output_dir(req.out, &missing));
  if (missing) PROFILE_TRY(make_dirs(req.out));
  PROFILE_TRY(lock, ProfileDirLock::acquire(req.out, true, reporter));
  Profile written;
  // One generation with the profile: the manifest lists it.
  std::string coverage = coverage_json(merged, inputs);
  PROFILE_TRY(write_profile_dir_with_yaml(req.out, merged, reporter, &written, &coverage));
  return MergeResult{req.out, std::move(written), inputs.size()};
}

}  // namespace profile::app
