#include "runner/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/file_io.h"

namespace profile {

namespace {

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";
constexpr const char* kRunPrefix = "profile-";

struct Hierarchy {
  std::string mount;                 // mount point
  std::set<std::string> controllers;  // empty for a cgroup2 tree
  bool v2 = false;
  std::string own;                   // the supervisor's cgroup directory in it
};

std::string read_small(const std::string& path) {
  auto r = read_text_file(path, 512 << 10);
  return r ? std::move(r.value()) : std::string();
}

Status write_file(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return make_error("cannot open " + path + ": " + strerror(errno));
  ssize_t w = write(fd, value.data(), value.size());
  int e = errno;
  close(fd);
  if (w != static_cast<ssize_t>(value.size()))
    return make_error("cannot write '" + value + "' to " + path + ": " + strerror(w < 0 ? e : EIO));
  return {};
}

bool exists(const std::string& p) { return access(p.c_str(), F_OK) == 0; }

std::optional<uint64_t> read_u64(const std::string& path) {
  std::string s = read_small(path);
  if (s.empty() || !isdigit(static_cast<unsigned char>(s[0]))) return std::nullopt;
  return std::stoull(s);
}

// "key value" lines (memory.events, cpu.stat, memory.oom_control).
std::optional<uint64_t> read_keyed(const std::string& path, const std::string& key) {
  std::istringstream in(read_small(path));
  std::string k;
  uint64_t v;
  while (in >> k >> v)
    if (k == key) return v;
  return std::nullopt;
}

void sleep_ms(int ms) {
  struct timespec ts {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, nullptr);
}

std::vector<pid_t> procs_of(const std::string& dir) {
  std::vector<pid_t> out;
  std::istringstream in(read_small(dir + "/cgroup.procs"));
  long p;
  while (in >> p && out.size() < 100000) out.push_back(static_cast<pid_t>(p));
  return out;
}

// mountinfo + /proc/self/cgroup -> the hierarchies and our place in them.
std::vector<Hierarchy> discover() {
  std::vector<Hierarchy> hs;
  std::istringstream mi(read_small("/proc/self/mountinfo"));
  std::string line;
  std::map<std::string, std::string> roots;  // mount -> root inside the hierarchy
  while (std::getline(mi, line)) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream pre(line.substr(0, dash)), post(line.substr(dash + 3));
    std::string id, parent, dev, root, mnt, fstype, src, opts;
    pre >> id >> parent >> dev >> root >> mnt;
    post >> fstype >> src >> opts;
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    if (mnt.rfind(kCgroupRoot, 0) != 0) continue;
    Hierarchy h;
    h.mount = mnt;
    h.v2 = fstype == "cgroup2";
    if (!h.v2) {
      std::istringstream o(opts);
      std::string tok;
      while (std::getline(o, tok, ','))
        if (tok != "rw" && tok != "ro" && tok.find('=') == std::string::npos && tok != "relatime" &&
            tok != "nosuid" && tok != "nodev" && tok != "noexec" && tok != "clone_children" &&
            tok != "noprefix" && tok != "xattr")
          h.controllers.insert(tok);
      if (h.controllers.empty()) continue;  // named hierarchy (name=systemd): not ours
    }
    roots[mnt] = root;
    hs.push_back(h);
  }
  std::istringstream cg(read_small("/proc/self/cgroup"));
  while (std::getline(cg, line)) {
    auto c1 = line.find(':');
    auto c2 = line.find(':', c1 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos) continue;
    std::string ctrls = line.substr(c1 + 1, c2 - c1 - 1);
    std::string path = line.substr(c2 + 1);
    std::set<std::string> set;
    std::istringstream o(ctrls);
    std::string tok;
    while (std::getline(o, tok, ',')) set.insert(tok);
    for (auto& h : hs) {
      bool match = h.v2 ? ctrls.empty() : set == h.controllers;
      if (!match) continue;
      std::string root = roots[h.mount];
      if (root != "/" && path.rfind(root, 0) == 0) path = path.substr(root.size());
      h.own = h.mount + (path == "/" ? "" : path);
    }
  }
  std::vector<Hierarchy> out;
  for (auto& h : hs)
    if (!h.own.empty()) out.push_back(h);
  return out;
}

bool has(const Hierarchy& h, const char* c) { return h.controllers.count(c) != 0; }

}  // namespace

uint64_t process_start_time(pid_t pid) {
  std::string stat = read_small("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  // Field 3 is the first after the command name; starttime is field 22.
  for (int n = 3; n <= 22 && in >> field; ++n)
    if (n == 22) return std::strtoull(field.c_str(), nullptr, 10);
  return 0;
}

std::string run_cgroup_name(pid_t supervisor) {
  return kRunPrefix + std::to_string(supervisor) + "-" + std::to_string(process_start_time(supervisor));
}

namespace {

// Is the supervisor that named a run cgroup still running? Its pid and start
// time must both match, so a reused pid does not keep a stale cgroup alive.
// (The supervisor may be any program using the runner, not only profile.)
bool supervisor_alive(pid_t pid, uint64_t start_time) {
  return process_start_time(pid) == start_time;
}

// Kills what is in `dirs`, waits until they are empty, removes them.
bool destroy_dirs(const std::vector<std::string>& dirs) {
  for (const auto& d : dirs)
    if (exists(d + "/cgroup.kill")) (void)write_file(d + "/cgroup.kill", "1");
  // Without cgroup.kill: freeze so nothing forks while we kill, then kill.
  std::vector<std::string> frozen;
  for (const auto& d : dirs) {
    if (exists(d + "/freezer.state") && !procs_of(d).empty() && write_file(d + "/freezer.state", "FROZEN")) {
      frozen.push_back(d);
    }
  }
  for (int round = 0; round < 250; ++round) {
    bool busy = false;
    for (const auto& d : dirs) {
      auto procs = procs_of(d);
      if (!procs.empty()) busy = true;
      for (pid_t p : procs) kill(p, SIGKILL);
    }
    if (round == 0)
      for (const auto& d : frozen) (void)write_file(d + "/freezer.state", "THAWED");
    if (!busy) break;
    sleep_ms(20);
  }
  bool ok = true;
  for (const auto& d : dirs) {
    if (!exists(d)) continue;
    bool removed = false;
    for (int i = 0; i < 100 && !removed; ++i) {
      if (rmdir(d.c_str()) == 0 || errno == ENOENT) {
        removed = true;
      } else if (errno == EBUSY) {
        sleep_ms(20);
      } else {
        break;
      }
    }
    ok = ok && removed;
  }
  return ok;
}

class RunCgroupImpl : public RunCgroup {
 public:
  RunCgroupImpl(CgroupVersion v, std::vector<std::pair<Hierarchy, std::string>> dirs)
      : version_(v), dirs_(std::move(dirs)) {}
  ~RunCgroupImpl() override { (void)remove(); }

  Status add(pid_t pid) override {
    for (const auto& [h, d] : dirs_) PROFILE_TRY(write_file(d + "/cgroup.procs", std::to_string(pid)));
    return {};
  }

  void kill_all() override {
    std::vector<std::string> ds;
    for (const auto& [h, d] : dirs_) ds.push_back(d);
    for (const auto& d : ds)
      if (exists(d + "/cgroup.kill")) (void)write_file(d + "/cgroup.kill", "1");
    for (int round = 0; round < 250; ++round) {
      bool busy = false;
      for (const auto& d : ds) {
        auto procs = procs_of(d);
        if (procs.empty()) continue;
        busy = true;
        for (pid_t p : procs) kill(p, SIGKILL);
      }
      if (!busy) return;
      sleep_ms(20);
    }
  }

  ResourceUsage usage() const override {
    ResourceUsage u;
    for (const auto& [h, d] : dirs_) {
      if (version_ == CgroupVersion::kV2) {
        u.peak_memory_bytes = read_u64(d + "/memory.peak");
        u.cpu_usec = read_keyed(d + "/cpu.stat", "usage_usec");
        u.pids_peak = read_u64(d + "/pids.peak");
        auto oom = read_keyed(d + "/memory.events", "oom_kill");
        u.oom_killed = oom && *oom > 0;
        continue;
      }
      if (h.v2) {
        if (!u.cpu_usec) u.cpu_usec = read_keyed(d + "/cpu.stat", "usage_usec");
        continue;
      }
      if (has(h, "memory")) {
        u.peak_memory_bytes = read_u64(d + "/memory.max_usage_in_bytes");
        auto oom = read_keyed(d + "/memory.oom_control", "oom_kill");
        u.oom_killed = oom && *oom > 0;
      }
      if (has(h, "cpuacct")) {
        auto ns = read_u64(d + "/cpuacct.usage");
        if (ns) u.cpu_usec = *ns / 1000;
      }
      if (has(h, "pids")) u.pids_peak = read_u64(d + "/pids.peak");
    }
    return u;
  }

  Status remove() override {
    if (removed_) return {};
    removed_ = true;
    std::vector<std::string> ds;
    for (const auto& [h, d] : dirs_) ds.push_back(d);
    if (!destroy_dirs(ds)) return make_error("could not remove the run's cgroup " + ds.front());
    return {};
  }

  std::vector<std::string> paths() const override {
    std::vector<std::string> out;
    for (const auto& [h, d] : dirs_) out.push_back(d);
    return out;
  }

 private:
  CgroupVersion version_;
  std::vector<std::pair<Hierarchy, std::string>> dirs_;
  bool removed_ = false;
};

std::string fmt_cpus(double cpus) {
  std::ostringstream o;
  o << cpus;
  return o.str();
}

Status apply_v1_limits(const Hierarchy& h, const std::string& d, const CgroupLimits& l) {
  if (has(h, "memory") && l.memory_bytes) {
    auto s = write_file(d + "/memory.limit_in_bytes", std::to_string(l.memory_bytes));
    if (!s) return make_error("--memory " + std::to_string(l.memory_bytes) + ": " + s.error().message);
    // No swap beyond the limit, as with Docker's default --memory-swap.
    if (exists(d + "/memory.memsw.limit_in_bytes"))
      (void)write_file(d + "/memory.memsw.limit_in_bytes", std::to_string(l.memory_bytes));
  }
  if (has(h, "cpu") && l.cpus > 0) {
    const int64_t period = 100000;
    auto quota = static_cast<int64_t>(std::llround(l.cpus * period));
    PROFILE_TRY(write_file(d + "/cpu.cfs_period_us", std::to_string(period)));
    auto s = write_file(d + "/cpu.cfs_quota_us", std::to_string(quota));
    if (!s) return make_error("--cpus " + fmt_cpus(l.cpus) + ": " + s.error().message);
  }
  if (has(h, "pids") && l.pids > 0) PROFILE_TRY(write_file(d + "/pids.max", std::to_string(l.pids)));
  if (has(h, "blkio") && l.io_weight > 0) {
    std::string f = exists(d + "/blkio.weight") ? d + "/blkio.weight" : d + "/blkio.bfq.weight";
    auto s = write_file(f, std::to_string(l.io_weight));
    if (!s) return make_error("--io-weight " + std::to_string(l.io_weight) + ": " + s.error().message);
  }
  return {};
}

Status apply_v2_limits(const std::string& d, const CgroupLimits& l) {
  if (l.memory_bytes) {
    auto s = write_file(d + "/memory.max", std::to_string(l.memory_bytes));
    if (!s) return make_error("--memory " + std::to_string(l.memory_bytes) + ": " + s.error().message);
    if (exists(d + "/memory.swap.max")) (void)write_file(d + "/memory.swap.max", "0");
  }
  if (l.cpus > 0) {
    const int64_t period = 100000;
    auto quota = static_cast<int64_t>(std::llround(l.cpus * period));
    auto s = write_file(d + "/cpu.max", std::to_string(quota) + " " + std::to_string(period));
    if (!s) return make_error("--cpus " + fmt_cpus(l.cpus) + ": " + s.error().message);
  }
  if (l.pids > 0) PROFILE_TRY(write_file(d + "/pids.max", std::to_string(l.pids)));
  if (l.io_weight > 0) {
    Status s = exists(d + "/io.weight") ? write_file(d + "/io.weight", "default " + std::to_string(l.io_weight))
                                       : write_file(d + "/io.bfq.weight", std::to_string(l.io_weight));
    if (!s) return make_error("--io-weight " + std::to_string(l.io_weight) + ": " + s.error().message);
  }
  return {};
}

// v2: controllers must be enabled in the parent's subtree_control. A parent
// that holds processes (other than the root cgroup) cannot do that.
Status enable_v2_controllers(const std::string& parent, const CgroupLimits& l) {
  std::string avail = " " + read_small(parent + "/cgroup.controllers");
  for (auto& c : avail)
    if (c == '\n') c = ' ';
  struct Want {
    const char* name;
    bool required;
  } wants[] = {{"memory", l.memory_bytes > 0}, {"pids", l.pids > 0}, {"cpu", l.cpus > 0}, {"io", l.io_weight > 0}};
  for (const auto& w : wants) {
    bool present = avail.find(std::string(" ") + w.name + " ") != std::string::npos;
    if (!present) {
      if (w.required)
        return make_error(std::string("the cgroup v2 controller '") + w.name + "' is not available in " + parent);
      continue;
    }
    auto s = write_file(parent + "/cgroup.subtree_control", std::string("+") + w.name);
    if (!s && w.required)
      return make_error(std::string("cannot enable the '") + w.name + "' controller for run cgroups in " + parent +
                        " (" + s.error().message +
                        "; a cgroup holding processes cannot delegate controllers: start profile in its own "
                        "cgroup, e.g. systemd-run --scope -p Delegate=yes)");
  }
  return {};
}

// Which hierarchies a v1 run uses.
bool v1_wanted(const Hierarchy& h) {
  if (h.v2) return true;  // the controller-less tree: cgroup.kill and cpu.stat
  for (const char* c : {"memory", "cpu", "cpuacct", "pids", "blkio", "freezer"})
    if (has(h, c)) return true;
  return false;
}

}  // namespace

CgroupVersion cgroup_version() {
  static const CgroupVersion v = [] {
    struct statfs s;
    if (statfs(kCgroupRoot, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC) return CgroupVersion::kV2;
    return CgroupVersion::kV1;
  }();
  return v;
}

Result<uint64_t> parse_memory_size(const std::string& text) {
  if (text.empty()) return make_error("--memory: empty size");
  size_t i = 0;
  while (i < text.size() && isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 15) return make_error("--memory: '" + text + "' is not a size (e.g. 256M)");
  uint64_t v = std::stoull(text.substr(0, i));
  std::string suffix = text.substr(i);
  uint64_t mult = 1;
  if (suffix.empty() || suffix == "b" || suffix == "B") {
    mult = 1;
  } else if (suffix == "k" || suffix == "K") {
    mult = 1ull << 10;
  } else if (suffix == "m" || suffix == "M") {
    mult = 1ull << 20;
  } else if (suffix == "g" || suffix == "G") {
    mult = 1ull << 30;
  } else {
    return make_error("--memory: '" + text + "' has an unknown unit (b, k, m or g)");
  }
  if (v > (uint64_t{1} << 50) / mult) return make_error("--memory: '" + text + "' is too large");
  v *= mult;
  if (v < kMinMemoryBytes)
    return make_error("--memory: '" + text + "' is below the minimum the kernel and runtime can work with (6M)");
  return v;
}

Result<double> parse_cpus(const std::string& text) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || !(v >= 0.01) || v > 4096)
    return make_error("--cpus: '" + text + "' is not a CPU count between 0.01 and 4096 (e.g. 1.5)");
  return v;
}

std::vector<std::string> cgroup_parent_dirs() {
  std::vector<std::string> out;
  if (cgroup_version() == CgroupVersion::kV2) {
    for (const auto& h : discover())
      if (h.v2) out.push_back(h.own);
    return out;
  }
  for (const auto& h : discover())
    if (v1_wanted(h)) out.push_back(h.own);
  return out;
}

int sweep_stale_cgroups() {
  // Group the stale directories by supervisor so that all hierarchies of one
  // run are killed before any is removed.
  std::map<pid_t, std::vector<std::string>> stale;
  pid_t self = getpid();
  for (const auto& parent : cgroup_parent_dirs()) {
    DIR* d = opendir(parent.c_str());
    if (!d) continue;
    int guard = 0;
    while (struct dirent* e = readdir(d)) {
      if (++guard > 100000) break;
      std::string n = e->d_name;
      if (n.rfind(kRunPrefix, 0) != 0) continue;
      std::string rest = n.substr(strlen(kRunPrefix));
      auto dash = rest.find('-');
      if (dash == std::string::npos) continue;
      std::string num = rest.substr(0, dash), start = rest.substr(dash + 1);
      if (num.empty() || num.size() > 9 || num.find_first_not_of("0123456789") != std::string::npos) continue;
      if (start.empty() || start.size() > 19 || start.find_first_not_of("0123456789") != std::string::npos) continue;
      pid_t pid = static_cast<pid_t>(std::stol(num));
      if (pid == self || supervisor_alive(pid, std::stoull(start))) continue;
      stale[pid].push_back(parent + "/" + n);
    }
    closedir(d);
  }
  int n = 0;
  for (auto& [pid, dirs] : stale)
    if (destroy_dirs(dirs)) ++n;
  return n;
}

Result<std::unique_ptr<RunCgroup>> create_run_cgroup(const CgroupLimits& limits) {
  sweep_stale_cgroups();
  const std::string name = run_cgroup_name(getpid());
  auto v = cgroup_version();
  std::vector<std::pair<Hierarchy, std::string>> dirs;
  auto hs = discover();
  if (hs.empty()) return make_error("no cgroup hierarchy found under /sys/fs/cgroup");
  for (const auto& h : hs) {
    if (v == CgroupVersion::kV2 ? !h.v2 : !v1_wanted(h)) continue;
    if (v == CgroupVersion::kV2) PROFILE_TRY(enable_v2_controllers(h.own, limits));
    std::string d = h.own + "/" + name;
    if (mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) {
      int e = errno;
      auto err = make_error("cannot create cgroup " + d + ": " + strerror(e) +
                            (e == EACCES || e == EPERM || e == EROFS ? " (a run's cgroup needs root)" : ""));
      std::vector<std::string> made;
      for (const auto& hd : dirs) made.push_back(hd.second);
      destroy_dirs(made);
      return err;
    }
    dirs.emplace_back(h, d);
  }
  if (dirs.empty()) return make_error("no usable cgroup hierarchy found under /sys/fs/cgroup");
  // Owned from here on: the destructor removes the directories if a limit fails.
  auto cg = std::make_unique<RunCgroupImpl>(v, dirs);
  bool mem = false, cpu = false, pids = false, io = false;
  for (const auto& [h, d] : dirs) {
    if (v == CgroupVersion::kV2) {
      PROFILE_TRY(apply_v2_limits(d, limits));
      mem = cpu = pids = io = true;
    } else {
      PROFILE_TRY(apply_v1_limits(h, d, limits));
      mem = mem || has(h, "memory");
      cpu = cpu || has(h, "cpu");
      pids = pids || has(h, "pids");
      io = io || has(h, "blkio");
    }
  }
  if (limits.memory_bytes && !mem) return make_error("--memory: no memory controller is available");
  if (limits.cpus > 0 && !cpu) return make_error("--cpus: no cpu controller is available");
  if (limits.pids > 0 && !pids) return make_error("--pids: no pids controller is available");
  if (limits.io_weight > 0 && !io) return make_error("--io-weight: no blkio/io controller is available");
  return std::unique_ptr<RunCgroup>(std::move(cg));
}

}  // namespace profile
