// profile enforce: run a command confined by a profile.
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/common.h"
#include "profilegen/profile.h"
#include "runner/profile_dir.h"
#include "runner/supervisor.h"

namespace profile::cli {

namespace {
struct EnforceOptions {
  std::string profile_dir;
  std::string seccomp;
  std::vector<std::string> command;
};

Result<std::set<std::string>> read_caps_file(const std::string& path) {
  auto text = read_text_file(path, 1 << 20);
  if (!text) return text.error();
  std::set<std::string> caps;
  std::istringstream in(*text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    auto c = normalise_cap_name(line);
    if (!c) return make_error(path + ":" + std::to_string(n) + ": " + c.error().message);
    caps.insert(*c);
  }
  return caps;
}

int run_enforce(const EnforceOptions& o) {
  if (o.profile_dir.empty() == o.seccomp.empty())
    return report(make_error("give exactly one of --profile DIR or --seccomp FILE"));
  RunSpec spec;
  spec.argv = o.command;
  std::string seccomp_path = o.seccomp;
  if (!o.profile_dir.empty()) {
    // profile.json must parse: a broken profile directory is refused whole.
    auto p = read_profile_dir(o.profile_dir);
    if (!p) return report(p.error());
    auto caps = read_caps_file(o.profile_dir + "/caps.txt");
    if (!caps) return report(caps.error());
    spec.caps = *caps;
    seccomp_path = o.profile_dir + "/seccomp.json";
  } else {
    spec.caps.insert(docker_default_caps().begin(), docker_default_caps().end());
  }
  SeccompContext ctx;
  ctx.caps = spec.caps;
  auto prog = compile_seccomp_file(seccomp_path, ctx);
  if (!prog) return report(prog.error());
  spec.seccomp = std::move(*prog);
  auto outcome = run_workload(spec, nullptr, nullptr);
  if (!outcome) return report(outcome.error());
  return outcome->exit_code;
}
}  // namespace

Runner add_enforce(CLI::App& app) {
  auto o = std::make_shared<EnforceOptions>();
  auto* sub = app.add_subcommand("enforce", "Run CMD confined by a profile (seccomp, capabilities, no_new_privs).");
  sub->add_option("--profile", o->profile_dir, "Profile directory (profile.json, seccomp.json, caps.txt, ...)");
  sub->add_option("--seccomp", o->seccomp,
                  "A seccomp JSON file in OCI/Docker format (Docker's own default profile included)");
  sub->add_option("command", o->command, "Command and arguments (after --)")->required();
  sub->footer(
      "Exit status: the command's own (128+N when killed by signal N); 125 when profile\n"
      "itself fails (bad profile, setup error), 126 when the command cannot be executed,\n"
      "127 when it is not found.");
  return [o] { return run_enforce(*o); };
}

}  // namespace profile::cli
