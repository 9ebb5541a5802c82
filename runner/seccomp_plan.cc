#include "runner/seccomp_plan.h"

#include <algorithm>

#include "core/names.h"

namespace profile {

namespace {

std::string lib_name_of_oci(const std::string& oci) {
  for (const auto& a : oci_arches())
    if (oci == a.oci) return a.lib;
  return {};  // the decoder refuses names outside the table
}

bool kernel_at_least(const SeccompKernelVersion& have, const SeccompKernelVersion& want) {
  return have.major != want.major ? have.major > want.major : have.minor >= want.minor;
}

// Docker's rule: includes need every condition (all caps, native arch in
// the list, kernel >= minKernel); excludes drop the rule on any of them.
bool condition_keeps(const SeccompCondition& c, bool include, const SeccompPlanInput& in) {
  bool any = false, all = true;
  if (!c.arches.empty()) {
    std::set<std::string> native_names;
    for (const auto& a : oci_arches())
      if (a.lib == in.native_arch) native_names = {a.oci, a.lib, a.go};
    bool hit = std::any_of(c.arches.begin(), c.arches.end(), [&](const std::string& a) { return native_names.count(a) > 0; });
    any = any || hit;
    all = all && hit;
  }
  for (const auto& cap : c.caps) {
    bool have = in.caps.count(cap) > 0;
    any = any || have;
    all = all && have;
  }
  if (c.min_kernel) {
    bool new_enough = kernel_at_least(in.kernel, *c.min_kernel);
    any = any || new_enough;
    all = all && new_enough;
  }
  return include ? all : !any;
}

}  // namespace

SeccompPlan plan_seccomp(const SeccompDoc& doc, const SeccompPlanInput& in) {
  SeccompPlan plan;
  plan.default_action = in.default_action_override.value_or(doc.default_action);
  plan.flags = doc.flags;

  std::vector<std::string> wanted;
  std::set<std::string> listed(doc.architectures.begin(), doc.architectures.end());
  for (const auto& oci : doc.architectures) wanted.push_back(lib_name_of_oci(oci));
  for (const auto& m : doc.arch_map) {
    // Docker takes the entry of the native arch; an entry whose main arch
    // is also listed in "architectures" brings its sub-arches along too.
    std::string main = lib_name_of_oci(m.architecture);
    if (main == in.native_arch || listed.count(m.architecture)) {
      wanted.push_back(main);
      for (const auto& s : m.sub_architectures) wanted.push_back(lib_name_of_oci(s));
    }
  }
  plan.arches = {in.native_arch};
  for (const auto& w : wanted)
    if (std::find(plan.arches.begin(), plan.arches.end(), w) == plan.arches.end()) plan.arches.push_back(w);

  for (const auto& r : doc.syscalls) {
    bool keep = true;
    if (r.excludes) keep = keep && condition_keeps(*r.excludes, false, in);
    if (r.includes) keep = keep && condition_keeps(*r.includes, true, in);
    // libseccomp refuses a rule that repeats the default action; runc drops
    // those too, they change nothing.
    if (!keep || r.action == plan.default_action) continue;
    std::vector<scmp_arg_cmp> conds;
    bool repeated_index = false;
    for (const auto& a : r.args) {
      for (const auto& c : conds)
        if (c.arg == a.index) repeated_index = true;
      conds.push_back(scmp_arg_cmp{a.index, a.op, a.value, a.value_two});
    }
    for (const auto& n : r.names) {
      if (repeated_index) {
        // libseccomp cannot AND two conditions on one argument; runc then
        // adds one rule per condition (they OR), and so do we.
        for (const auto& c : conds) plan.rules.push_back({r.path, n, r.action, {c}});
      } else {
        plan.rules.push_back({r.path, n, r.action, conds});
      }
    }
  }
  return plan;
}

}  // namespace profile
