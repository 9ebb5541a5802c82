// profile keygen: a new Ed25519 key pair for signing profile directories.
#include <iostream>
#include <memory>

#include "cli/app/signing.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace profile::cli {

Runner add_keygen(CLI::App& app) {
  auto o = std::make_shared<app::KeygenRequest>();
  auto* sub = app.add_subcommand(
      "keygen", "Write a new Ed25519 key pair for `profile sign`: KEY (private, mode 0600) and KEY.pub (public).");
  sub->add_option("key", o->path, "Private key file to write; the public key goes to KEY.pub")->required();
  sub->add_flag("--force", o->force, "Replace KEY and KEY.pub when they exist");
  return [o] {
    auto r = app::keygen(*o);
    if (!r) return report(r.error());
    std::cerr << "profile: wrote " << r->private_path << " (private, mode 0600) and " << r->public_path
              << " (public), key " << r->fingerprint << "\n";
    return 0;
  };
}

}  // namespace profile::cli
