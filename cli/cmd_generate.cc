// profile generate: re-render every output of a profile directory from its
// profile.json (after a hand edit, say).
#include <iostream>
#include <memory>

#include "cli/app/profile_dir.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace profile::cli {

Runner add_generate(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("generate", "Re-render every file of a profile directory from its profile.json.");
  sub->add_option("dir", *dir, "Profile directory")->required();
  sub->add_flag("--force", *force,
                "Render from profile.json even when the directory mixes files of different generations");
  return [dir, force] {
    auto lock = ProfileDirLock::acquire(*dir, true, cli::reporter());
    if (!lock) return report(lock.error());
    auto p = read_profile_dir(*dir, *force ? DirCheck::kNone : DirCheck::kSource, cli::reporter());
    if (!p) return report(p.error());
    auto w = write_profile_dir(*dir, *p);
    if (!w) return report(w.error());
    std::cerr << "profile: regenerated " << *dir << "/\n";
    return 0;
  };
}

}  // namespace profile::cli
