#include "cli/app/export.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "cli/app/enforce_plan.h"
#include "cli/app/profile_dir.h"
#include "core/file_io.h"
#include "core/json_read.h"
#include "profilegen/apparmor.h"
#include "profilegen/export.h"
#include "runner/seccomp_decode.h"

namespace profile::app {

namespace {

// A bundle's config.json is the runtime's input; bounded like seccomp.json.
constexpr size_t kMaxConfigBytes = 16 << 20;
constexpr int kMaxConfigDepth = 64;

}  // namespace

Result<ExportInput> read_export_input(const std::string& dir, const Reporter& reporter) {
  // One shared lock over every read: a writer renames the files one by one.
  PROFILE_TRY(lock, ProfileDirLock::acquire(dir, false, reporter));
  ExportInput in;
  PROFILE_TRY(p, read_profile_dir(dir, DirCheck::kAll, reporter));
  in.profile = std::move(p);
  // Docker and Podman read seccomp.json themselves, from wherever they run.
  char abs[PATH_MAX];
  if (realpath(dir.c_str(), abs) == nullptr)
    return make_error(quote_value(dir) + ": " + strerror(errno));
  in.dir = abs;
  std::string spath = dir + "/seccomp.json";
  PROFILE_TRY(text, read_text_file(spath));
  PROFILE_TRY(decode_seccomp_json(text, spath));
  StrictJson parsed = parse_json_strict(text, "");
  if (!parsed.ok) return make_error(spath + ": malformed JSON");  // decode accepted it: not reached
  in.seccomp = std::move(parsed.value);
  PROFILE_TRY(caps, read_caps_file(dir + "/caps.txt"));
  in.caps.assign(caps.begin(), caps.end());
  struct stat st;
  std::string aa = dir + "/apparmor.profile";
  if (lstat(aa.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) return make_error(aa + " is not a regular file");
    in.has_apparmor = true;
  } else if (errno != ENOENT) {
    return make_error(aa + ": " + strerror(errno));
  }
  return in;
}

namespace {

Status write_output(const std::string& path, const std::string& text) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return make_error(quote_value(path) + " is a directory; -o names the file to write");
  return write_file_atomic(path, text);
}

Status merge_into_bundle(const std::string& bundle, const ExportInput& in) {
  std::string path = bundle + "/config.json";
  PROFILE_TRY(text, read_text_file(path, kMaxConfigBytes));
  if (auto deep = json_nesting_error(text, kMaxConfigDepth)) return make_error(path + ": " + *deep);
  StrictJson parsed = parse_json_strict(text, "");
  if (parsed.duplicate_at)
    return make_error(path + ": duplicate key " + quote_value(parsed.duplicate_key) +
                      (parsed.duplicate_at->empty() ? "" : " in " + *parsed.duplicate_at));
  if (!parsed.ok) return make_error(path + ": malformed JSON: " + strip_json_exception_prefix(parsed.syntax_error));
  nlohmann::json config = std::move(parsed.value);
  if (!config.is_object()) return make_error(path + ": not a JSON object");
  for (const char* section : {"process", "linux"})
    if (config.contains(section) && !config[section].is_object())
      return make_error(path + ": '" + section + "' is not an object");
  // A process that is not uid 0 keeps capabilities across execve only as
  // ambient ones (which must also be inheritable).
  bool ambient = false;
  if (config.contains("process") && config["process"].contains("user")) {
    const auto& user = config["process"]["user"];
    if (!user.is_object() || (user.contains("uid") && !user["uid"].is_number_unsigned()))
      return make_error(path + ": process.user.uid " + user.dump() + " is not a number");
    ambient = user.value("uid", 0u) != 0;
  }
  PROFILE_TRY(fragment, export_oci_fragment(in, ambient));
  merge_oci_fragment(&config, fragment);
  return write_file_atomic(path, config.dump(2) + "\n");
}

}  // namespace

Result<std::string> run_export(const ExportRequest& req, const Reporter& reporter) {
  const auto& formats = export_formats();
  if (std::find(formats.begin(), formats.end(), req.format) == formats.end()) {
    std::string list;
    for (const auto& f : formats) list += (list.empty() ? "" : ", ") + f;
    return make_error("--format: unknown format " + quote_value(req.format) + " (one of " + list + ")");
  }
  if (!req.bundle.empty() && req.format != "oci") return make_error("--bundle is for --format oci only");
  if (!req.bundle.empty() && !req.output.empty()) return make_error("--bundle and -o exclude each other");
  if (!req.name.empty() && req.format != "kubernetes") return make_error("--name is for --format kubernetes only");
  PROFILE_TRY(in, read_export_input(req.dir, reporter));

  std::string text;
  if (req.format == "docker" || req.format == "podman") {
    PROFILE_TRY(t, export_container_flags(in));
    text = std::move(t);
  } else if (req.format == "oci") {
    if (!req.bundle.empty()) {
      PROFILE_TRY(merge_into_bundle(req.bundle, in));
      return std::string();
    }
    PROFILE_TRY(fragment, export_oci_fragment(in, false));
    text = fragment.dump(2) + "\n";
  } else if (req.format == "kubernetes") {
    std::string name = req.name;
    if (name.empty()) {
      name = kubernetes_name(in.profile.name);
      if (name.empty())
        return make_error(req.dir + "/profile.json: name " + quote_value(in.profile.name) +
                          " leaves no valid Kubernetes name; give one with --name");
      if (name != in.profile.name)
        report(reporter, "Kubernetes name " + quote_value(name) + " made from the profile name " +
                             quote_value(in.profile.name) + " (--name sets another)");
    } else if (!is_dns1123_subdomain(name)) {
      return make_error("--name " + quote_value(name) +
                        ": not a DNS-1123 subdomain (lower case letters, digits, '-' and '.', at most 253)");
    }
    PROFILE_TRY(k, export_kubernetes(in, name));
    for (const auto& n : k.notes) report(reporter, n);
    if (!req.output.empty()) {
      PROFILE_TRY(make_dirs(req.output));
      // Both files prepared before either is renamed into place.
      PROFILE_TRY(a, write_temporary(req.output + "/objects.yaml", k.objects));
      auto b = write_temporary(req.output + "/security-context.yaml", k.security_context);
      if (!b) {
        unlink(a.tmp.c_str());
        return b.error();
      }
      auto ca = commit_temporary(a);
      if (!ca) {
        unlink(b->tmp.c_str());
        return ca.error();
      }
      PROFILE_TRY(commit_temporary(*b));
      return std::string();
    }
    text = k.objects + "---\n# Not an object: the container's securityContext that uses the objects above.\n" +
           k.security_context;
  } else {
    PROFILE_TRY(t, export_systemd(in));
    text = std::move(t);
  }
  if (req.output.empty()) return text;
  PROFILE_TRY(write_output(req.output, text));
  return std::string();
}

}  // namespace profile::app
