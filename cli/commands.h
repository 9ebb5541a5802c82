// Each subcommand registers its options on the app and returns a function
// that runs it once parsing is done.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace profile::cli {

using Runner = std::function<int()>;

Runner add_record(CLI::App& app);
Runner add_enforce(CLI::App& app);
Runner add_generate(CLI::App& app);
Runner add_merge(CLI::App& app);
Runner add_diff(CLI::App& app);
Runner add_check(CLI::App& app);
Runner add_lint(CLI::App& app);
Runner add_keygen(CLI::App& app);
Runner add_sign(CLI::App& app);
Runner add_verify(CLI::App& app);
Runner add_learn(CLI::App& app);
Runner add_export(CLI::App& app);

}  // namespace profile::cli
