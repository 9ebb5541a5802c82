// profile sign: sign a profile directory with an Ed25519 private key.
#include <iostream>
#include <memory>

#include "cli/app/signing.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace profile::cli {

Runner add_sign(CLI::App& app) {
  auto o = std::make_shared<app::SignRequest>();
  auto* sub = app.add_subcommand("sign", "Sign a profile directory (writes DIR/SIGNATURE over its SHA256SUMS).");
  sub->add_option("--key", o->key, "Ed25519 private key (PEM, from `profile keygen`)")->required();
  sub->add_option("dir", o->dir, "Profile directory")->required();
  return [o] {
    auto r = app::sign(*o, cli::reporter());
    if (!r) return report(r.error());
    std::cerr << "profile: signed " << o->dir << " (" << r->files << " files, key " << r->fingerprint << ")\n";
    return 0;
  };
}

}  // namespace profile::cli
