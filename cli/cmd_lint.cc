// profile lint: mistakes and risky grants in a profile's files.
#include <iostream>
#include <memory>

#include "cli/app/lint.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace profile::cli {

Runner add_lint(CLI::App& app) {
  auto o = std::make_shared<app::LintRequest>();
  auto* sub = app.add_subcommand("lint", "Check a profile directory or file for mistakes and risky grants.");
  sub->add_option("path", o->path, "Profile directory, or one file: profile.json, seccomp.json, landlock.json, "
                                   "caps.txt, apparmor.profile")
      ->required();
  sub->footer(
      "Example: profile lint profiles/web        profile lint docker/seccomp.json\n"
      "Prints one line per finding, 'FILE: finding'. AppArmor profiles are compiled with\n"
      "apparmor_parser -QK when it is installed (a note says when it is not).\n"
      "Exit status: 0 when clean, 1 when there are findings, 125 when the input cannot be read.");
  return [o] {
    auto r = app::lint(*o, cli::reporter());
    if (!r) return report(r.error());
    for (const auto& f : r->findings) std::cout << printable_message(f) << "\n";
    return r->findings.empty() ? 0 : 1;
  };
}

}  // namespace profile::cli
