// profile verify: check a profile directory against its signature.
#include <iostream>
#include <memory>

#include "cli/app/signing.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace profile::cli {

Runner add_verify(CLI::App& app) {
  auto o = std::make_shared<app::VerifyRequest>();
  auto* sub = app.add_subcommand(
      "verify", "Check that a profile directory is signed by a key and unchanged since (DIR/SIGNATURE).");
  sub->add_option("--key", o->key, "Ed25519 public key (PEM, KEY.pub from `profile keygen`)")->required();
  sub->add_option("dir", o->dir, "Profile directory")->required();
  sub->footer(
      "Exit status: 0 when DIR is signed by the key and unchanged; 1 when it is not\n"
      "(unsigned, signed by another key, or a file changed, added or removed since);\n"
      "125 when it cannot be checked (a bad key or signature file).");
  return [o] {
    auto r = app::verify(*o, cli::reporter());
    if (!r) return report(r.error());
    std::cerr << "profile: " << o->dir << ": signature good (" << r->files << " files, key " << r->fingerprint
              << ")\n";
    return 0;
  };
}

}  // namespace profile::cli
