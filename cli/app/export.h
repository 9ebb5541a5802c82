// profile export: a profile directory rendered for Docker, Podman, an OCI
// runtime, Kubernetes or systemd (profilegen/export.h has the renderers).
#pragma once

#include <string>

#include "core/error.h"
#include "core/reporter.h"
#include "profilegen/export.h"

namespace profile::app {

struct ExportRequest {
  std::string format;  // one of export_formats()
  std::string dir;     // the profile directory
  // Where to write: "" for the returned text (stdout). A file for the
  // one-file formats, a directory for kubernetes (objects.yaml and
  // security-context.yaml).
  std::string output;
  // oci only: a bundle whose config.json gets the fragment merged in.
  std::string bundle;
  // kubernetes only: the objects' name; "" derives it from the profile's.
  std::string name;
};

// Reads DIR for the renderers: profile.json checked with every file against
// the manifest (under the directory's shared lock), seccomp.json through the
// seccomp decoder, caps.txt, and whether apparmor.profile is there.
Result<ExportInput> read_export_input(const std::string& dir, const Reporter& reporter);

// The text for stdout ("" when it was written to a file or a bundle).
// Errors (exit 125) name the file and the value: an unknown format, a
// missing or broken file of the directory, a value a format cannot take.
Result<std::string> run_export(const ExportRequest& req, const Reporter& reporter);

}  // namespace profile::app
