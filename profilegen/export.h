// Exports: a profile directory's contents rendered for other consumers
// (Docker/Podman flags, an OCI config.json fragment, Kubernetes objects, a
// systemd drop-in). Pure renderers: the caller reads and checks the files;
// docs/exports.md says what maps to what and what is approximate.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/profile.h"

namespace profile {

struct ExportInput {
  // Absolute path of the profile directory (Docker and Podman read
  // seccomp.json from there).
  std::string dir;
  Profile profile;         // profile.json
  nlohmann::json seccomp;  // seccomp.json, already decoded and checked
  bool has_apparmor = false;          // apparmor.profile is present
  std::vector<std::string> caps;      // caps.txt, normalised names without CAP_
};

// The formats, sorted: "docker", "kubernetes", "oci", "podman", "systemd".
const std::vector<std::string>& export_formats();

// `docker run` / `podman run` options on one line, each word quoted for a
// POSIX shell (the profile directory's path is the workload's to choose).
Result<std::string> export_container_flags(const ExportInput& in);

// The parts of an OCI runtime-spec config.json the profile decides, as a
// JSON object with the same nesting (process.capabilities,
// process.noNewPrivileges, linux.seccomp, linux.maskedPaths,
// linux.readonlyPaths). `ambient`: also the inheritable and ambient sets, for
// a container process that is not uid 0 (its capabilities end at execve
// otherwise).
Result<nlohmann::json> export_oci_fragment(const ExportInput& in, bool ambient);
// Merges the fragment into a config.json object: each key the fragment has
// replaces the bundle's, everything else is kept.
void merge_oci_fragment(nlohmann::json* config, const nlohmann::json& fragment);

// A DNS-1123 subdomain made from a profile name: lower case, runs of other
// characters as '-', at most 253 characters. Empty when nothing is left.
std::string kubernetes_name(const std::string& profile_name);
// Whether `name` is a valid DNS-1123 subdomain.
bool is_dns1123_subdomain(const std::string& name);

struct KubernetesExport {
  // The Security Profiles Operator's SeccompProfile and (when the profile
  // has an AppArmor profile) AppArmorProfile objects, multi-document YAML.
  std::string objects;
  // A container `securityContext:` that uses them.
  std::string security_context;
  // What could not be carried over (a path the operator cannot take).
  std::vector<std::string> notes;
};
// `name`: the objects' metadata.name, a DNS-1123 subdomain.
Result<KubernetesExport> export_kubernetes(const ExportInput& in, const std::string& name);

// A systemd drop-in ([Service] section) confining a service the way the
// profile does, as far as systemd can express it.
Result<std::string> export_systemd(const ExportInput& in);

}  // namespace profile
