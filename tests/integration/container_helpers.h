// What the tests that run real containers share: finding runc and podman,
// a rootfs built from one test helper and the libraries it loads (nothing
// is pulled), and a runc bundle over it.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.h"

namespace profile::test {

// The absolute path of a program, or "" when it is not installed.
inline std::string which(const std::string& prog) {
  auto r = run({"sh", "-c", "command -v \"$1\"", "sh", prog});
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return r.exit_code == 0 ? out : "";
}

// Copies `file` to `dest` under `root`, creating the directories.
inline void copy_into(const std::string& root, const std::string& file, const std::string& dest) {
  auto r = run({"sh", "-c", "mkdir -p \"$(dirname \"$2$3\")\" && cp -L \"$1\" \"$2$3\"", "sh", file, root, dest});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// A rootfs holding the test helper `name` as /name and the shared libraries
// it loads. Callers check HasFatalFailure().
inline void build_rootfs(const std::string& root, const std::string& name) {
  ASSERT_EQ(mkdir(root.c_str(), 0755), 0);
  copy_into(root, helper(name), "/" + name);
  auto ldd = run({"ldd", helper(name)});
  ASSERT_EQ(ldd.exit_code, 0) << ldd.err;
  std::istringstream in(ldd.out);
  std::string tok;
  int libs = 0;
  while (in >> tok) {
    if (tok[0] != '/') continue;
    copy_into(root, tok, tok);
    ++libs;
  }
  ASSERT_GE(libs, 2) << ldd.out;  // libc and the dynamic loader at least
}

// `runc spec` in a new directory `bundle`, over `rootfs` (read-only, no
// terminal) running `args`: the config to adjust and write with
// write_runc_config().
inline nlohmann::json runc_config(const std::string& runc, const std::string& bundle, const std::string& rootfs,
                                  const std::vector<std::string>& args) {
  EXPECT_EQ(mkdir(bundle.c_str(), 0755), 0);
  auto spec = run({runc, "spec", "-b", bundle});
  EXPECT_EQ(spec.exit_code, 0) << spec.err;
  auto config = nlohmann::json::parse(read_file(bundle + "/config.json"));
  config["root"]["path"] = rootfs;
  config["root"]["readonly"] = true;
  config["process"]["terminal"] = false;
  config["process"]["args"] = args;
  return config;
}

inline void write_runc_config(const std::string& bundle, const nlohmann::json& config) {
  write_file(bundle + "/config.json", config.dump(1));
}

// A container id no other test process uses at the same time: runc names
// the container's cgroups after it (/sys/fs/cgroup/<controller>/<id>).
inline std::string container_id(const std::string& prefix, int serial) {
  return prefix + std::to_string(getpid()) + "-" + std::to_string(serial);
}

}  // namespace profile::test
