// profile export: every format golden-tested from one fixed profile
// directory (tests/golden/export/web/profile.json, rendered here), the
// Kubernetes objects validated against the Security Profiles Operator's CRD
// schemas, and hostile names and paths kept from changing what the output
// means.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "cli/app/export.h"
#include "cli/app/generate.h"
#include "profilegen/apparmor.h"
#include "profilegen/export.h"
#include "test_util.h"

namespace profile {
namespace {

using test::TempDir;

void check_golden(const std::string& name, const std::string& actual) {
  std::string path = std::string(PROFILE_SOURCE_DIR) + "/tests/golden/export/" + name;
  const char* update = std::getenv("PROFILE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    test::write_file(path, actual);
    GTEST_SKIP() << "golden file " << name << " rewritten";
  }
  std::ifstream f(path);
  ASSERT_TRUE(f.good()) << "missing golden file " << path << " (PROFILE_UPDATE_GOLDEN=1 writes it)";
  EXPECT_EQ(actual, test::read_file(path)) << "golden " << name << " differs (PROFILE_UPDATE_GOLDEN=1 rewrites it)";
}

// The fixture rendered into a temporary directory, read back as `export`
// reads it, with a fixed directory path so that the flags are byte-stable.
class ExportFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(tmp_ / "profile.json",
                     test::read_file(std::string(PROFILE_SOURCE_DIR) + "/tests/golden/export/web/profile.json"));
    app::GenerateRequest req;
    req.dir = tmp_.path();
    auto g = app::generate(req, {});
    ASSERT_TRUE(g) << g.error().message;
    auto in = app::read_export_input(tmp_.path(), {});
    ASSERT_TRUE(in) << in.error().message;
    in_ = std::move(*in);
    in_.dir = "/srv/profiles/web server's";
  }
  TempDir tmp_;
  ExportInput in_;
};

TEST_F(ExportFixture, DockerAndPodmanFlagsMatchTheGolden) {
  auto docker = export_container_flags(in_);
  ASSERT_TRUE(docker) << docker.error().message;
  check_golden("docker.txt", *docker);
}

TEST_F(ExportFixture, OciFragmentMatchesTheGolden) {
  auto f = export_oci_fragment(in_, false);
  ASSERT_TRUE(f) << f.error().message;
  check_golden("oci.json", f->dump(2) + "\n");
  auto with_ambient = export_oci_fragment(in_, true);
  ASSERT_TRUE(with_ambient);
  EXPECT_EQ((*with_ambient)["process"]["capabilities"]["ambient"], nlohmann::json({"CAP_NET_BIND_SERVICE"}));
  EXPECT_FALSE((*f)["process"]["capabilities"].contains("ambient"));
}

TEST_F(ExportFixture, KubernetesObjectsMatchTheGolden) {
  auto k = export_kubernetes(in_, kubernetes_name(in_.profile.name));
  ASSERT_TRUE(k) << k.error().message;
  check_golden("kubernetes-objects.yaml", k->objects);
  check_golden("kubernetes-security-context.yaml", k->security_context);
}

TEST_F(ExportFixture, SystemdDropInMatchesTheGolden) {
  auto s = export_systemd(in_);
  ASSERT_TRUE(s) << s.error().message;
  check_golden("systemd.conf", *s);
}

// The words a POSIX shell makes of `line` with eval.
std::vector<std::string> shell_words(const std::string& line) {
  auto r = test::run({"sh", "-c", "eval \"set -- $1\"; for w in \"$@\"; do printf '%s\\0' \"$w\"; done", "sh", line});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> words;
  std::string w;
  for (char c : r.out) {
    if (c == '\0') {
      words.push_back(w);
      w.clear();
    } else {
      w.push_back(c);
    }
  }
  return words;
}

TEST_F(ExportFixture, ContainerFlagsSurviveAHostileDirectoryPath) {
  for (std::string dir : {std::string("/srv/a b/it's"), std::string("/srv/$(touch /tmp/pwned)/`id`"),
                          std::string("/srv/x\ny; echo injected"), std::string("/srv/''\"\\")}) {
    in_.dir = dir;
    auto flags = export_container_flags(in_);
    ASSERT_TRUE(flags) << flags.error().message;
    auto words = shell_words(*flags);
    ASSERT_GE(words.size(), 2u) << *flags;
    EXPECT_EQ(words[0], "--security-opt");
    EXPECT_EQ(words[1], "seccomp=" + dir + "/seccomp.json") << *flags;
    EXPECT_EQ(words.back(), "no-new-privileges") << *flags;
  }
}

// ---- an openAPIV3Schema validator: the subset the operator's CRDs use ----

void validate(const YAML::Node& schema, const YAML::Node& v, const std::string& at, std::vector<std::string>* errs) {
  auto fail = [&](const std::string& m) { errs->push_back(at + ": " + m); };
  std::string type = schema["type"] ? schema["type"].as<std::string>() : "";
  if (type == "object") {
    if (!v.IsMap()) return fail("not an object");
    if (schema["required"])
      for (const auto& r : schema["required"])
        if (!v[r.as<std::string>()]) fail("missing required " + r.as<std::string>());
    bool open = schema["x-kubernetes-preserve-unknown-fields"] || schema["additionalProperties"] ||
                !schema["properties"];
    for (const auto& kv : v) {
      std::string k = kv.first.as<std::string>();
      if (schema["properties"] && schema["properties"][k])
        validate(schema["properties"][k], kv.second, at + "." + k, errs);
      else if (!open)
        fail("unknown field " + k);
    }
    return;
  }
  if (type == "array") {
    if (!v.IsSequence()) return fail("not an array");
    if (schema["maxItems"] && v.size() > schema["maxItems"].as<size_t>()) fail("too many items");
    if (schema["minItems"] && v.size() < schema["minItems"].as<size_t>()) fail("too few items");
    for (size_t i = 0; i < v.size(); ++i)
      if (schema["items"]) validate(schema["items"], v[i], at + "[" + std::to_string(i) + "]", errs);
    return;
  }
  if (!v.IsScalar()) return fail("not a scalar");
  // A plain scalar's YAML type: what a Kubernetes API server decodes it as.
  const std::string s = v.Scalar();
  bool quoted = v.Tag() == "!";
  static const std::regex int_re("-?[0-9]+"), bool_re("true|false");
  if (type == "string") {
    if (!quoted && (std::regex_match(s, int_re) || std::regex_match(s, bool_re) || s == "null" || s == "~"))
      return fail("not a string: " + s);
    if (schema["enum"]) {
      bool found = false;
      for (const auto& e : schema["enum"]) found = found || e.as<std::string>() == s;
      if (!found) fail("'" + s + "' not in enum");
    }
    if (schema["pattern"] && !std::regex_search(s, std::regex(schema["pattern"].as<std::string>())))
      fail("'" + s + "' does not match " + schema["pattern"].as<std::string>());
    if (schema["maxLength"] && s.size() > schema["maxLength"].as<size_t>()) fail("too long");
    if (schema["minLength"] && s.size() < schema["minLength"].as<size_t>()) fail("too short");
  } else if (type == "integer") {
    if (quoted || !std::regex_match(s, int_re)) return fail("not an integer: " + s);
    long double n = std::stold(s);
    if (schema["minimum"] && n < schema["minimum"].as<long double>()) fail("below minimum");
    std::string fmt = schema["format"] ? schema["format"].as<std::string>() : "";
    if (fmt == "int32" && (n > 2147483647.0L || n < -2147483648.0L)) fail("not int32: " + s);
    if (fmt == "int64" && (n > 9223372036854775807.0L || n < -9223372036854775808.0L)) fail("not int64: " + s);
  } else if (type == "boolean") {
    if (quoted || !std::regex_match(s, bool_re)) fail("not a boolean: " + s);
  }
}

// The openAPIV3Schema of `version` in a CRD fixture.
YAML::Node crd_schema(const std::string& file, const std::string& version) {
  auto crd = YAML::LoadFile(std::string(PROFILE_FIXTURES_DIR) + "/spo/" + file);
  for (const auto& v : crd["spec"]["versions"])
    if (v["name"].as<std::string>() == version) return v["schema"]["openAPIV3Schema"];
  ADD_FAILURE() << file << " has no version " << version;
  return YAML::Node();
}

// Errors of each document against the CRD of its kind and apiVersion.
std::vector<std::string> validate_objects(const std::string& yaml, int* seen) {
  std::vector<std::string> errs;
  *seen = 0;
  for (const auto& doc : YAML::LoadAll(yaml)) {
    std::string kind = doc["kind"].as<std::string>();
    std::string api = doc["apiVersion"].as<std::string>();
    const std::string group = "security-profiles-operator.x-k8s.io/";
    if (api.rfind(group, 0) != 0) {
      errs.push_back("unexpected apiVersion " + api);
      continue;
    }
    std::string file = kind == "SeccompProfile" ? "seccompprofile-crd.yaml" : "apparmorprofile-crd.yaml";
    validate(crd_schema(file, api.substr(group.size())), doc, kind, &errs);
    if (!is_dns1123_subdomain(doc["metadata"]["name"].as<std::string>()))
      errs.push_back(kind + ": metadata.name is not DNS-1123");
    ++*seen;
  }
  return errs;
}

TEST_F(ExportFixture, KubernetesObjectsValidateAgainstTheOperatorsCrds) {
  // An argument rule and an errno action, which the fixture's rendering may lack.
  in_.seccomp["syscalls"].push_back({{"names", {"ioctl"}},
                                     {"action", "SCMP_ACT_ALLOW"},
                                     {"args", {{{"index", 1}, {"value", 21505}, {"op", "SCMP_CMP_EQ"}}}}});
  in_.seccomp["syscalls"].push_back({{"names", {"ptrace"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 38}});
  auto k = export_kubernetes(in_, kubernetes_name(in_.profile.name));
  ASSERT_TRUE(k) << k.error().message;
  int seen = 0;
  auto errs = validate_objects(k->objects, &seen);
  EXPECT_EQ(seen, 2);
  for (const auto& e : errs) ADD_FAILURE() << e;
  // The operator's own examples pass the same validator...
  for (const char* ex : {"example-seccompprofile.yaml", "example-apparmorprofile.yaml"}) {
    auto ok = validate_objects(test::read_file(std::string(PROFILE_FIXTURES_DIR) + "/spo/" + ex), &seen);
    EXPECT_TRUE(ok.empty()) << ex << ": " << ok[0];
  }
  // ...and it is no rubber stamp: planted defects are each caught.
  const std::vector<std::pair<std::string, std::string>> planted = {
      {"SCMP_ACT_ALLOW", "SCMP_ACT_FLY"},          // enum
      {"defaultAction:", "defaultActionX:"},       // unknown field, missing required
      {"index: 1", "index: one"},                  // integer
      {"allowTcp: true", "allowTcp: \"yes\""},     // boolean
      {"errnoRet: 38", "errnoRet: -38"},           // minimum
      {"- SCMP_ARCH_X86_64", "- x86_64"},           // enum in items
  };
  for (const auto& [from, to] : planted) {
    std::string bad = k->objects;
    auto pos = bad.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    bad.replace(pos, from.size(), to);
    EXPECT_FALSE(validate_objects(bad, &seen).empty()) << "not caught: " << to;
  }
}

TEST_F(ExportFixture, KubernetesPathsReadBackAsThemselves) {
  const std::vector<std::string> kept = {"/srv/x:\\{y\\}/-\\[z\\]#c", "/srv/true", "/srv/'q'/&a*b", "/srv/- x"};
  for (const auto& p : kept) in_.profile.files[p] = {"read"};
  in_.profile.files["/srv/\\x0a- injected"] = {"read"};
  auto k = export_kubernetes(in_, "web");
  ASSERT_TRUE(k) << k.error().message;
  std::set<std::string> ro;
  for (const auto& doc : YAML::LoadAll(k->objects))
    if (doc["kind"].as<std::string>() == "AppArmorProfile")
      for (const auto& p : doc["spec"]["abstract"]["filesystem"]["readOnlyPaths"]) ro.insert(p.as<std::string>());
  for (const auto& p : kept) {
    auto glob = apparmor_path(p);
    ASSERT_TRUE(glob);
    if ((*glob)[0] == '"') continue;  // needs quotes: left out, as below
    EXPECT_TRUE(ro.count(*glob)) << *glob << "\n" << k->objects;
  }
  for (const auto& p : ro) EXPECT_EQ(p.find('\n'), std::string::npos) << p;
  // The one that needs quotes is left out, and said so.
  ASSERT_FALSE(k->notes.empty());
  EXPECT_NE(k->notes.back().find("left out of the AppArmorProfile"), std::string::npos) << k->notes.back();
  int seen = 0;
  auto errs = validate_objects(k->objects, &seen);
  EXPECT_TRUE(errs.empty()) << errs[0];
}

TEST(ExportNames, KubernetesNamesAreDns1123) {
  EXPECT_EQ(kubernetes_name("Web Server_1"), "web-server-1");
  EXPECT_EQ(kubernetes_name("--ls--"), "ls");
  EXPECT_EQ(kubernetes_name("../../etc"), "etc");
  EXPECT_EQ(kubernetes_name("ünïcode"), "n-code");
  EXPECT_EQ(kubernetes_name("___"), "");
  EXPECT_EQ(kubernetes_name(std::string(300, 'a')).size(), 253u);
  EXPECT_TRUE(is_dns1123_subdomain("web-1.prod"));
  for (const char* bad : {"", "Web", "-web", "web-", "a..b", "a_b", "a/b", ".a"})
    EXPECT_FALSE(is_dns1123_subdomain(bad)) << bad;
  EXPECT_FALSE(is_dns1123_subdomain(std::string(254, 'a')));
}

TEST_F(ExportFixture, SystemdPathsCannotInjectSettings) {
  in_.profile.files["/srv/data\\x0aExecStartPre=/bin/sh -c evil/out"] = {"write"};
  in_.profile.files["/srv/two words/log"] = {"write"};
  in_.profile.files["/srv/quote\\\"d/log"] = {"write"};
  auto s = export_systemd(in_);
  ASSERT_TRUE(s) << s.error().message;
  std::istringstream lines(*s);
  std::string line;
  while (std::getline(lines, line)) {
    EXPECT_EQ(line.find("ExecStartPre"), std::string::npos) << line;
    if (line.rfind("ReadWritePaths=", 0) == 0) {
      EXPECT_EQ(line.find(' ', 0) == std::string::npos || line.find("two") == std::string::npos, true) << line;
      EXPECT_EQ(line.find('"'), std::string::npos) << line;
    }
  }
  // Cut to the directory a unit file can spell: wider, never another setting.
  EXPECT_NE(s->find("-/srv "), std::string::npos) << *s;
  // A path whose writable ancestor would be "/" is refused.
  in_.profile.files["/two words/x"] = {"write"};
  auto refused = export_systemd(in_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("'/two words/x'"), std::string::npos) << refused.error().message;
}

TEST_F(ExportFixture, ValuesAFormatCannotTakeAreRefusedByName) {
  ExportInput in = in_;
  in.seccomp["defaultErrnoRet"] = 38;
  auto k = export_kubernetes(in, "web");
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message.find("defaultErrnoRet 38"), std::string::npos) << k.error().message;
  auto sd = export_systemd(in);
  ASSERT_TRUE(sd) << sd.error().message;
  EXPECT_NE(sd->find("SystemCallErrorNumber=ENOSYS\n"), std::string::npos);

  in = in_;
  in.seccomp["defaultAction"] = "SCMP_ACT_LOG";
  auto log = export_systemd(in);
  ASSERT_FALSE(log);
  EXPECT_NE(log.error().message.find("'SCMP_ACT_LOG'"), std::string::npos) << log.error().message;

  in = in_;
  in.seccomp["syscalls"][0]["args"] = {{{"index", 1}, {"op", "SCMP_CMP_EQ"}, {"value", 18446744073709551615ull}}};
  auto big = export_kubernetes(in, "web");
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("18446744073709551615"), std::string::npos) << big.error().message;

  in = in_;
  in.seccomp["syscalls"][0]["includes"] = {{"caps", {"SYS_ADMIN"}}};
  for (auto r : {export_container_flags(in), export_systemd(in)}) {
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("syscalls[0]: 'includes'"), std::string::npos) << r.error().message;
  }

  auto bad_name = export_kubernetes(in_, "Web_1");
  ASSERT_FALSE(bad_name);
  EXPECT_NE(bad_name.error().message.find("'Web_1'"), std::string::npos);
}

TEST_F(ExportFixture, OciMasksOnlyWhatTheWorkloadDoesNotUse) {
  in_.profile.files["/proc/keys"] = {"read"};
  in_.profile.files["/proc/sys/net/*"] = {"write"};
  auto f = export_oci_fragment(in_, false);
  ASSERT_TRUE(f);
  const auto& masked = (*f)["linux"]["maskedPaths"];
  const auto& ro = (*f)["linux"]["readonlyPaths"];
  EXPECT_EQ(std::find(masked.begin(), masked.end(), "/proc/keys"), masked.end());
  EXPECT_NE(std::find(masked.begin(), masked.end(), "/proc/kcore"), masked.end());
  EXPECT_EQ(std::find(ro.begin(), ro.end(), "/proc/sys"), ro.end());
  EXPECT_NE(std::find(ro.begin(), ro.end(), "/proc/sysrq-trigger"), ro.end());
}

TEST_F(ExportFixture, MergeIntoAConfigKeepsTheRest) {
  nlohmann::json config = {{"ociVersion", "1.0.2"},
                           {"process", {{"args", {"sh"}}, {"capabilities", {{"bounding", {"CAP_SYS_ADMIN"}}}}}},
                           {"linux", {{"namespaces", {{{"type", "pid"}}}}}}};
  auto f = export_oci_fragment(in_, false);
  ASSERT_TRUE(f);
  merge_oci_fragment(&config, *f);
  EXPECT_EQ(config["ociVersion"], "1.0.2");
  EXPECT_EQ(config["process"]["args"], nlohmann::json({"sh"}));
  EXPECT_EQ(config["process"]["capabilities"]["bounding"], nlohmann::json({"CAP_NET_BIND_SERVICE"}));
  EXPECT_EQ(config["linux"]["namespaces"].size(), 1u);
  EXPECT_EQ(config["linux"]["seccomp"], in_.seccomp);
  EXPECT_EQ(config["process"]["noNewPrivileges"], true);
}

}  // namespace
}  // namespace profile
