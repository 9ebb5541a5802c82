// profile learn: fold enforce reports into a profile directory.
#include <memory>

#include "cli/app/learn.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace profile::cli {

Runner add_learn(CLI::App& app) {
  auto o = std::make_shared<app::LearnRequest>();
  auto* sub = app.add_subcommand(
      "learn",
      "Add the calls, files and ports that `enforce --report FILE` reported as denied to profile DIR, "
      "show the diff and render every file again.\nSensitive paths and namespace, mount, module, bpf, keyring, "
      "ptrace and privilege calls are refused: add them by hand in DIR/profile.yaml.");
  sub->add_option("dir", o->dir, "Profile directory")->required();
  sub->add_option("reports", o->reports, "Reports written by enforce --report")->required();
  sub->footer(
      "Exit status: 0, or 1 when something was refused (the rest is learned); 125 on a bad report or\n"
      "directory (nothing is written).");
  return [o] {
    auto r = app::learn(*o, reporter());
    if (!r) return report(r.error());
    return r->refused.empty() ? 0 : 1;
  };
}

}  // namespace profile::cli
