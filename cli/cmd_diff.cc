// profile diff: what a new profile grants beyond an old one.
#include <iostream>
#include <memory>

#include "cli/app/diff.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace profile::cli {

Runner add_diff(CLI::App& app) {
  auto o = std::make_shared<app::DiffRequest>();
  auto* sub = app.add_subcommand("diff", "Show what NEW grants beyond OLD and what it drops, per section.");
  sub->add_option("old", o->old_path, "Old profile directory or profile.json")->required();
  sub->add_option("new", o->new_path, "New profile directory or profile.json")->required();
  sub->add_flag("--json", o->json, "Print the difference as JSON");
  sub->footer(
      "Example: profile diff main-checkout/profiles/web profiles/web\n"
      "Lines start with + (NEW grants it, OLD does not) or - (OLD grants it, NEW does not). A file\n"
      "rule of NEW that a pattern of OLD covers with at least its access is not an addition.\n"
      "Exit status: 0 when NEW grants nothing beyond OLD, 1 when it does, 125 on bad input.");
  return [o] {
    auto r = app::diff(*o, cli::reporter());
    if (!r) return report(r.error());
    std::cout << r->text;
    return r->exit_code;
  };
}

}  // namespace profile::cli
