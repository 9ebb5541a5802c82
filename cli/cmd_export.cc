// profile export: a profile directory for Docker, Podman, OCI runtimes,
// Kubernetes and systemd.
#include <iostream>
#include <memory>

#include "cli/app/export.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace profile::cli {

Runner add_export(CLI::App& app) {
  auto o = std::make_shared<app::ExportRequest>();
  auto* sub = app.add_subcommand("export", "Render a profile directory for Docker, Podman, OCI, Kubernetes or systemd.");
  sub->add_option("--format,-f", o->format, "docker, podman, oci, kubernetes or systemd")->required();
  sub->add_option("dir", o->dir, "Profile directory")->required();
  sub->add_option("-o,--output", o->output,
                  "Write to this file (atomically) instead of stdout; a directory for kubernetes");
  sub->add_option("--bundle", o->bundle, "oci: merge into BUNDLE/config.json (atomically)");
  sub->add_option("--name", o->name, "kubernetes: the objects' name (default: from the profile's name)");
  sub->footer(
      "Examples:\n"
      "  eval \"podman run $(profile export --format podman profiles/web) IMAGE\"\n"
      "  profile export --format oci --bundle ./bundle profiles/web\n"
      "  profile export --format kubernetes -o k8s/ profiles/web\n"
      "  profile export --format systemd -o /etc/systemd/system/web.service.d/profile.conf profiles/web\n"
      "Exit status: 0, or 125 when the directory or a value cannot be exported.");
  return [o] {
    auto r = app::run_export(*o, cli::reporter());
    if (!r) return report(r.error());
    std::cout << *r;
    std::cout.flush();
    return std::cout.good() ? 0 : 125;
  };
}

}  // namespace profile::cli
