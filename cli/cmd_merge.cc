// profile merge: one profile from several recordings of the same workload.
#include <iostream>
#include <memory>

#include "cli/app/merge.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace profile::cli {

Runner add_merge(CLI::App& app) {
  auto o = std::make_shared<app::MergeRequest>();
  auto* sub = app.add_subcommand(
      "merge", "Merge profiles recorded on different runs or machines into one directory, with per-rule counts.");
  sub->add_option("inputs", o->inputs, "Profile directories (or profile.json files) to merge")->required();
  sub->add_option("-o,--output", o->out, "Profile directory to write; created with its missing parents")->required();
  sub->add_option("--name", o->name, "Profile name (default: the inputs')");
  sub->footer(
      "Example: profile merge shard-1/web shard-2/web shard-3/web -o profiles/web\n"
      "The result is the same whatever the order of the inputs. OUT gets every rendered file and\n"
      "coverage.json: for each syscall, file, capability and network rule, how many inputs needed it.\n"
      "Exit status: 0, or 125 when an input cannot be read.");
  return [o] {
    auto r = app::merge(*o, cli::reporter());
    if (!r) return report(r.error());
    std::cerr << "profile: merged " << r->inputs << " profile(s) into " << r->dir << "/\n";
    return 0;
  };
}

}  // namespace profile::cli
