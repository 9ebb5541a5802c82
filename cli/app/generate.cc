#include "cli/app/generate.h"

#include <set>

#include "cli/app/profile_dir.h"
#include "core/file_io.h"
#include "profilegen/arch_translate.h"
#include "profilegen/render.h"
#include "profilegen/runtime_sets.h"

namespace profile::app {

namespace {

void report_translation(const ArchTranslation& t, const Reporter& reporter) {
  for (const auto& n : t.notes) report(reporter, n);
}

}  // namespace

Result<GenerateResult> generate(const GenerateRequest& req, const Reporter& reporter) {
  std::string arch;
  if (!req.arch.empty()) {
    auto a = parse_target_arch(req.arch);
    if (!a) return with_context(a.error(), "--arch");
    arch = *a;
  } else if (!req.out.empty()) {
    return make_error("-o " + quote_value(req.out) + " needs --arch: without it generate writes the directory");
  }
  if (!req.out.empty()) {
    // Only the translation is written, from profile.json as generate
    // reads it (a hand edit counts), under the shared lock so that no
    // writer is halfway through the directory.
    PROFILE_TRY(lock, ProfileDirLock::acquire(req.dir, false, reporter));
    PROFILE_TRY(p, read_profile_dir(req.dir, req.force ? DirCheck::kNone : DirCheck::kSource, reporter));
    if (!req.runtime.empty()) {
      PROFILE_TRY(runtimes, parse_runtimes(req.runtime));
      PROFILE_TRY(apply_runtimes(&p, runtimes));
    }
    PROFILE_TRY(t, translate_profile(p, arch));
    PROFILE_TRY(text, render_seccomp(t.profile));
    PROFILE_TRY(write_file_atomic(req.out, text));
    report_translation(t, reporter);
    return GenerateResult{req.dir, req.out};
  }
  PROFILE_TRY(lock, ProfileDirLock::acquire(req.dir, true, reporter));
  PROFILE_TRY(p, read_profile_dir(req.dir, req.force ? DirCheck::kNone : DirCheck::kSource, reporter));
  if (!req.runtime.empty()) {
    PROFILE_TRY(runtimes, parse_runtimes(req.runtime));
    PROFILE_TRY(apply_runtimes(&p, runtimes));
  }
  if (req.strict_args) p.strict_args = true;
  std::set<std::string> add;
  if (!arch.empty()) add.insert(arch);
  Profile written;
  PROFILE_TRY(write_profile_dir_with_yaml(req.dir, std::move(p), reporter, &written, nullptr, add));
  GenerateResult out{req.dir, ""};
  if (!arch.empty()) {
    // Translated again only for its notes: the write above rendered it.
    PROFILE_TRY(t, translate_profile(written, arch));
    report_translation(t, reporter);
    out.written = req.dir + "/" + cross_arch_file_name(arch);
  }
  return out;
}

}  // namespace profile::app
