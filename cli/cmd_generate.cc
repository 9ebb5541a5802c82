// profile generate: re-render every output of a profile directory from its
// profile.json (after a hand edit, say), or translate it to another
// architecture.
#include <iostream>
#include <memory>

#include "cli/app/generate.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace profile::cli {

Runner add_generate(CLI::App& app) {
  auto o = std::make_shared<app::GenerateRequest>();
  auto* sub = app.add_subcommand("generate", "Re-render every file of a profile directory from its profile.json.");
  sub->add_option("dir", o->dir, "Profile directory")->required();
  sub->add_flag("--force", o->force,
                "Render from profile.json even when the directory mixes files of different generations");
  sub->add_option("--runtime", o->runtime,
                  "Change the container runtimes seccomp.json allows for: runc, crun, runc,crun or none "
                  "(default: keep profile.json's \"runtime\")");
  sub->add_flag("--strict-args", o->strict_args,
                "Also limit ioctl to the recorded requests and deny memory both writable and executable "
                "(kept in profile.json)");
  sub->add_option("--arch", o->arch,
                  "Also write a seccomp.json for this architecture (aarch64, arm64, SCMP_ARCH_RISCV64, ...) "
                  "as DIR/seccomp.<arch>.json, the recorded calls translated to its equivalents");
  sub->add_option("-o,--output", o->out, "With --arch: write the translated seccomp.json to this file instead");
  return [o] {
    auto r = app::generate(*o, cli::reporter());
    if (!r) return report(r.error());
    if (!o->out.empty())
      std::cerr << "profile: wrote " << r->written << "\n";
    else
      std::cerr << "profile: regenerated " << r->dir << "/" << (r->written.empty() ? "" : " and " + r->written) << "\n";
    return 0;
  };
}

}  // namespace profile::cli
