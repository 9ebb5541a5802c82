#include <iostream>
#include <vector>

#include "cli/commands.h"
#include "cli/common.h"

int main(int argc, char** argv) {
  CLI::App app{
      "profile: record what a program really does and turn it into the tightest sandbox it can run in.\n"
      "\n"
      "  profile record  -o profiles/web -- ./server --port 8080\n"
      "  profile enforce --profile profiles/web -- ./server --port 8080\n"
      "  profile generate profiles/web\n"};
  app.name("profile");
  app.require_subcommand(1);
  app.set_version_flag("--version", "profile 0.1.0");

  std::vector<std::pair<CLI::App*, profile::cli::Runner>> commands;
  auto add = [&](profile::cli::Runner (*fn)(CLI::App&)) {
    size_t before = app.get_subcommands({}).size();
    auto run = fn(app);
    auto subs = app.get_subcommands({});
    if (subs.size() > before) commands.emplace_back(subs.back(), std::move(run));
  };
  add(profile::cli::add_record);
  add(profile::cli::add_enforce);
  add(profile::cli::add_generate);
  add(profile::cli::add_merge);
  add(profile::cli::add_diff);
  add(profile::cli::add_check);
  add(profile::cli::add_lint);
  add(profile::cli::add_keygen);
  add(profile::cli::add_sign);
  add(profile::cli::add_verify);
  add(profile::cli::add_learn);
  add(profile::cli::add_export);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // Usage errors are errors of profile itself (125), help is success.
    return rc == 0 ? 0 : 125;
  }
  try {
    for (auto& [sub, run] : commands)
      if (sub->parsed()) return run();
  } catch (const std::exception& e) {
    return profile::cli::report(profile::make_error(e.what()));
  }
  return 125;
}
