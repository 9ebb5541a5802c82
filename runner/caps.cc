#include "runner/caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>

#include "core/names.h"

namespace profile {

Result<CapPlan> plan_caps(const std::set<std::string>& names, bool all) {
  CapPlan plan;
  plan.last_cap = cap_last_cap();
  if (all) plan.keep = plan.last_cap >= 63 ? ~uint64_t{0} : (uint64_t{1} << (plan.last_cap + 1)) - 1;
  for (const auto& n : names) {
    auto nr = cap_number(n);
    if (!nr) return nr.error();
    if (*nr > plan.last_cap)
      return make_error("capability '" + n + "' is not known to this kernel");
    plan.keep |= uint64_t{1} << *nr;
  }
  return plan;
}

Status parse_user(const std::string& arg, CapPlan* plan) {
  auto num = [&](const std::string& s, uint32_t* out) -> Status {
    if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string::npos)
      return make_error("--user '" + arg + "': expected numeric UID[:GID]");
    unsigned long long v = std::stoull(s);
    if (v >= 0xffffffffull) return make_error("--user '" + arg + "': id out of range");
    *out = static_cast<uint32_t>(v);
    return {};
  };
  auto colon = arg.find(':');
  uint32_t uid = 0, gid = 0;
  PROFILE_TRY(num(arg.substr(0, colon), &uid));
  gid = uid;
  if (colon != std::string::npos) PROFILE_TRY(num(arg.substr(colon + 1), &gid));
  plan->change_ids = true;
  plan->uid = uid;
  plan->gid = gid;
  return {};
}

int apply_caps(const CapPlan& plan, const char** step) noexcept {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  *step = "capget";
  if (syscall(SYS_capget, &hdr, data) != 0) return errno;
  uint64_t permitted = (uint64_t{data[1].permitted} << 32) | data[0].permitted;
  bool have_setpcap = (permitted >> CAP_SETPCAP) & 1;

  // Without CAP_SETPCAP nothing can be dropped from the bounding set; such a
  // caller has no capabilities to lose, and no_new_privs stops gains.
  if (have_setpcap) {
    *step = "drop bounding set";
    for (int c = 0; c <= plan.last_cap; ++c) {
      if ((plan.keep >> c) & 1) continue;
      if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL) return errno;
    }
  }
  if (plan.change_ids) {
    // Keep the permitted set across the uid change; capset below trims it.
    *step = "keepcaps";
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return errno;
    // Raw syscalls: glibc's wrappers would try to broadcast the change to
    // the supervisor's threads, which do not exist in this copy.
    gid_t groups[1] = {plan.gid};
    *step = "setgroups";
    if (syscall(SYS_setgroups, 1, groups) != 0) return errno;
    *step = "setresgid";
    if (syscall(SYS_setresgid, plan.gid, plan.gid, plan.gid) != 0) return errno;
    *step = "setresuid";
    if (syscall(SYS_setresuid, plan.uid, plan.uid, plan.uid) != 0) return errno;
  }
  uint64_t keep = plan.keep & permitted;
  data[0].effective = data[0].permitted = data[0].inheritable = static_cast<uint32_t>(keep);
  data[1].effective = data[1].permitted = data[1].inheritable = static_cast<uint32_t>(keep >> 32);
  *step = "capset";
  if (syscall(SYS_capset, &hdr, data) != 0) return errno;
  *step = "clear ambient set";
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) return errno;
  // Ambient caps carry the kept set across execve for a non-root uid.
  *step = "raise ambient set";
  for (int c = 0; c <= plan.last_cap; ++c) {
    if (!((keep >> c) & 1)) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) != 0 && errno != EINVAL) return errno;
  }
  *step = "no_new_privs";
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  return 0;
}

}  // namespace profile
