// The Kubernetes manifests of deploy/kubernetes (docs/kubernetes.md),
// checked offline: there is no cluster here. Each is parsed with yaml-cpp
// and held to the fields the DaemonSet schema requires and the recorder
// needs; when kubectl is installed, `kubectl kustomize` also builds them
// (it parses every object and its known fields' shapes without a server).
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_util.h"

namespace profile {
namespace {

const std::string kDir = std::string(PROFILE_SOURCE_DIR) + "/deploy/kubernetes";

std::vector<YAML::Node> documents(const std::string& file) {
  std::vector<YAML::Node> out;
  for (const auto& n : YAML::LoadAllFromFile(kDir + "/" + file))
    if (n && !n.IsNull()) out.push_back(n);
  return out;
}

std::string str(const YAML::Node& n) { return n && n.IsScalar() ? n.as<std::string>() : ""; }

TEST(FleetManifests, EveryObjectHasTheRequiredTopLevelFields) {
  std::map<std::string, int> kinds;
  for (const char* f : {"recorder-rbac.yaml", "recorder-daemonset.yaml"}) {
    auto docs = documents(f);
    ASSERT_FALSE(docs.empty()) << f;
    for (const auto& d : docs) {
      ASSERT_TRUE(d.IsMap()) << f;
      EXPECT_FALSE(str(d["apiVersion"]).empty()) << f;
      EXPECT_FALSE(str(d["kind"]).empty()) << f;
      EXPECT_FALSE(str(d["metadata"]["name"]).empty()) << f << " " << str(d["kind"]);
      ++kinds[str(d["kind"])];
    }
  }
  for (const char* k : {"Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "DaemonSet"})
    EXPECT_EQ(kinds[k], 1) << k;
}

TEST(FleetManifests, TheDaemonSetFollowsItsSchemaAndMountsWhatTheRecorderNeeds) {
  auto docs = documents("recorder-daemonset.yaml");
  ASSERT_EQ(docs.size(), 1u);
  const YAML::Node& ds = docs[0];
  EXPECT_EQ(str(ds["apiVersion"]), "apps/v1");
  EXPECT_EQ(str(ds["kind"]), "DaemonSet");
  EXPECT_EQ(str(ds["metadata"]["namespace"]), "profile-system");
  // apps/v1 requires a selector, and it must match the template's labels.
  const YAML::Node match = ds["spec"]["selector"]["matchLabels"];
  ASSERT_TRUE(match.IsMap());
  ASSERT_GT(match.size(), 0u);
  const YAML::Node labels = ds["spec"]["template"]["metadata"]["labels"];
  for (const auto& kv : match)
    EXPECT_EQ(str(labels[kv.first.as<std::string>()]), kv.second.as<std::string>()) << kv.first.as<std::string>();
  const YAML::Node pod = ds["spec"]["template"]["spec"];
  EXPECT_TRUE(pod["hostPID"].as<bool>());
  EXPECT_EQ(str(pod["serviceAccountName"]), "profile-recorder");
  ASSERT_TRUE(pod["containers"].IsSequence());
  ASSERT_EQ(pod["containers"].size(), 1u);
  const YAML::Node c = pod["containers"][0];
  EXPECT_FALSE(str(c["name"]).empty());
  EXPECT_FALSE(str(c["image"]).empty());
  ASSERT_TRUE(c["command"].IsSequence());
  std::string script;
  for (const auto& a : c["command"]) script += a.as<std::string>() + "\n";
  EXPECT_NE(script.find("profile record --cgroup"), std::string::npos) << script;
  EXPECT_NE(script.find("--duration"), std::string::npos);
  EXPECT_TRUE(c["securityContext"]["privileged"].as<bool>());
  std::set<std::string> env;
  for (const auto& e : c["env"]) env.insert(str(e["name"]));
  for (const char* e : {"NODE_NAME", "SELECTOR", "NAMESPACE", "DURATION"}) EXPECT_TRUE(env.count(e)) << e;
  // Every mount names a volume, and the host paths the recorder needs are there.
  std::map<std::string, std::string> host_paths;
  for (const auto& v : pod["volumes"]) host_paths[str(v["name"])] = str(v["hostPath"]["path"]);
  std::set<std::string> host;
  for (const auto& m : c["volumeMounts"]) {
    ASSERT_TRUE(host_paths.count(str(m["name"]))) << str(m["name"]);
    EXPECT_FALSE(str(m["mountPath"]).empty());
    host.insert(host_paths[str(m["name"])]);
  }
  for (const char* p : {"/sys/fs/cgroup", "/sys/kernel/btf", "/sys/fs/bpf"}) EXPECT_TRUE(host.count(p)) << p;
}

TEST(FleetManifests, KubectlBuildsThemOffline) {
  if (test::run({"sh", "-c", "command -v kubectl"}).exit_code != 0)
    GTEST_SKIP() << "kubectl is not installed (Debian: kubernetes-client)";
  test::TempDir d;
  std::string k = "resources:\n";
  for (const char* f : {"recorder-rbac.yaml", "recorder-daemonset.yaml"}) {
    test::write_file(d / f, test::read_file(kDir + "/" + f));
    k += std::string("- ") + f + "\n";
  }
  test::write_file(d / "kustomization.yaml", k);
  auto r = test::run({"kubectl", "kustomize", d.path()}, 60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("kind: DaemonSet"), std::string::npos) << r.out;
  // The check can fail: a container list that is not a list is refused.
  test::write_file(d / "recorder-daemonset.yaml",
                   "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\n"
                   "spec: {template: {spec: {containers: 5}}}\n");
  EXPECT_NE(test::run({"kubectl", "kustomize", d.path()}, 60).exit_code, 0);
}

}  // namespace
}  // namespace profile
