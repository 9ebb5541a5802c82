#include "runner/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <string_view>

#include "core/path_lex.h"

namespace profile {

namespace {

// Lexical normalisation of an absolute path; ".." is refused so that a
// destination cannot climb out of the rootfs.
Result<std::string> normalise_dst(const std::string& p, const std::string& what) {
  if (p.empty() || p[0] != '/') return make_error(what + ": '" + p + "' is not an absolute path");
  bool dotdot = false;
  for_each_path_component(p, [&dotdot](std::string_view c) {
    dotdot = c == "..";
    return !dotdot;
  });
  if (dotdot) return make_error(what + ": '" + p + "' contains '..'");
  std::string out = lexical_normalise(p);
  if (out.size() >= PATH_MAX - 256) return make_error(what + ": '" + p + "' is too long");
  return out;
}

Result<std::string> real_path(const std::string& p, const std::string& what) {
  char buf[PATH_MAX];
  if (realpath(p.c_str(), buf) == nullptr) return make_error(what + ": '" + p + "': " + strerror(errno));
  return std::string(buf);
}

bool is_dir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& p) {
  struct stat st;
  return lstat(p.c_str(), &st) == 0;
}

bool under(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

MountOp op(MountOp::Kind k, std::string a, std::string b, std::string step) {
  MountOp o;
  o.kind = k;
  o.a = std::move(a);
  o.b = std::move(b);
  o.step = std::move(step);
  if (o.step.size() > 200) o.step.resize(200);
  return o;
}

MountOp mnt(std::string src, std::string dst, std::string fstype, unsigned long flags, std::string data,
            std::string step) {
  MountOp o = op(MountOp::kMount, std::move(src), std::move(dst), std::move(step));
  o.fstype = std::move(fstype);
  o.flags = flags;
  o.data = std::move(data);
  return o;
}

// mkdir -p into a stack buffer.
int mkdir_p(const char* path) noexcept {
  struct stat st;
  if (stat(path, &st) == 0) return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  char buf[PATH_MAX];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) return ENAMETOOLONG;
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; ++i) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    char saved = buf[i];
    buf[i] = '\0';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) return errno;
    buf[i] = saved;
  }
  return 0;
}

int ensure_file(const char* path) noexcept {
  struct stat st;
  if (stat(path, &st) == 0) return 0;
  char buf[PATH_MAX];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) return ENAMETOOLONG;
  memcpy(buf, path, n + 1);
  char* slash = strrchr(buf, '/');
  if (slash != nullptr && slash != buf) {
    *slash = '\0';
    int e = mkdir_p(buf);
    if (e != 0) return e;
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return errno;
  close(fd);
  return 0;
}

// "/proc/self/fd/N" without snprintf.
void fd_path(int fd, char* out) noexcept {
  const char prefix[] = "/proc/self/fd/";
  memcpy(out, prefix, sizeof prefix - 1);
  char digits[16];
  int n = 0;
  unsigned v = fd < 0 ? 0u : static_cast<unsigned>(fd);
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && n < 15);
  size_t pos = sizeof prefix - 1;
  while (n > 0) out[pos++] = digits[--n];
  out[pos] = '\0';
}

int set_mount_attr(const char* path, uint64_t attr_flag, bool set, bool recursive) noexcept {
  struct mount_attr attr;
  memset(&attr, 0, sizeof attr);
  if (set)
    attr.attr_set = attr_flag;
  else
    attr.attr_clr = attr_flag;
  unsigned flags = AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW | (recursive ? AT_RECURSIVE : 0);
  if (syscall(SYS_mount_setattr, AT_FDCWD, path, flags, &attr, sizeof attr) != 0) return errno;
  return 0;
}

int set_read_only(const char* path, bool read_only, bool recursive) noexcept {
  return set_mount_attr(path, MOUNT_ATTR_RDONLY, read_only, recursive);
}

// The source was resolved by the supervisor into a path without symbolic
// links; any symlink found now was put there since, so it is refused rather
// than followed.
int open_source(const char* path) noexcept {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW;
  how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
  if (fd < 0 && errno == ENOSYS) fd = open(path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
  return static_cast<int>(fd);
}

int write_sysctl(const char* path, const std::string& value) noexcept {
  int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return errno;
  ssize_t w = write(fd, value.data(), value.size());
  int e = w == static_cast<ssize_t>(value.size()) ? 0 : (w < 0 ? errno : EIO);
  close(fd);
  return e;
}

bool is_device(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
}

// Docker's maskedPaths and readonlyPaths (moby oci/defaults.go): kernel
// interfaces that read host-wide state or change it.
constexpr const char* kMaskedPaths[] = {
    "/proc/asound",     "/proc/acpi",   "/proc/interrupts", "/proc/kcore",   "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
    "/sys/firmware",    "/sys/devices/virtual/powercap",
};
constexpr const char* kReadOnlyPaths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};
// Docker's default device set; ptmx and pts come from a new devpts instance.
constexpr const char* kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};

// Mount points that lie on the image itself (not inside a tmpfs or bind the
// child mounts first) are created here, by the supervisor: with --userns
// the child's root does not own the image's directories.
Status precreate_in_rootfs(const std::vector<MountOp>& ops, const std::string& root) {
  std::vector<std::string> mounted;
  for (const auto& o : ops) {
    if ((o.kind == MountOp::kEnsureDir || o.kind == MountOp::kEnsureFile) && under(o.b, root)) {
      bool covered = false;
      for (const auto& m : mounted) covered = covered || (under(o.b, m) && o.b != m);
      if (!covered) {
        std::error_code ec;
        std::filesystem::path p(o.b);
        std::filesystem::create_directories(o.kind == MountOp::kEnsureDir ? p : p.parent_path(), ec);
        if (ec) return make_error(o.step + ": " + ec.message());
        if (o.kind == MountOp::kEnsureFile && !exists(o.b)) {
          int fd = open(o.b.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
          if (fd < 0) return make_error(o.step + ": " + strerror(errno));
          close(fd);
        }
      }
    }
    if (o.kind == MountOp::kMount && o.b != root && o.b != "/") mounted.push_back(o.b);
  }
  return {};
}

int write_secret(const MountOp& o, uid_t uid, gid_t gid) noexcept {
  int fd = open(o.b.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
  if (fd < 0) return errno;
  const char* p = o.data.data();
  size_t left = o.data.size();
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int e = w < 0 ? errno : EIO;
      close(fd);
      return e;
    }
    p += w;
    left -= static_cast<size_t>(w);
  }
  int e = fchown(fd, uid, gid) != 0 ? errno : 0;
  close(fd);
  return e;
}

}  // namespace

Result<BindSpec> parse_bind(const std::string& arg, bool read_only) {
  const char* opt = read_only ? "--ro-bind" : "--bind";
  BindSpec b;
  b.read_only = read_only;
  auto colon = arg.find(':');
  std::string src = colon == std::string::npos ? arg : arg.substr(0, colon);
  std::string dst = colon == std::string::npos ? arg : arg.substr(colon + 1);
  if (src.empty()) return make_error(std::string(opt) + " '" + arg + "': empty source");
  auto rs = real_path(src, opt);
  if (!rs) return rs.error();
  std::string absolute = src;
  if (src[0] != '/') {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == nullptr) return make_error(std::string(opt) + ": getcwd: " + strerror(errno));
    absolute = std::string(cwd) + "/" + src;
  }
  if (lexical_normalise(absolute) != *rs)
    return make_error(std::string(opt) + " '" + arg + "': the source '" + src +
                      "' is or passes through a symbolic link (it resolves to '" + *rs +
                      "'); name the real path if that is what should be mounted");
  auto nd = normalise_dst(dst.empty() ? src : dst, opt);
  if (!nd) return nd.error();
  if (*nd == "/") return make_error(std::string(opt) + " '" + arg + "': cannot mount over /");
  b.src = *rs;
  b.dst = *nd;
  return b;
}

Result<MountPlan> plan_mounts(const MountRequest& req) {
  MountPlan plan;
  plan.owner_uid = req.owner_uid;
  plan.owner_gid = req.owner_gid;
  auto& ops = plan.ops;
  std::string root;
  if (!req.rootfs.empty()) {
    auto r = real_path(req.rootfs, "--rootfs");
    if (!r) return r.error();
    if (!is_dir(*r)) return make_error("--rootfs: '" + req.rootfs + "' is not a directory");
    if (*r == "/") return make_error("--rootfs: '/' is the host root; omit --rootfs instead");
    root = *r;
  }
  const bool have_root = !root.empty();
  auto at = [&](const std::string& p) { return have_root ? root + p : p; };

  // Mount points that are ours to create: inside the rootfs, or inside a
  // tmpfs this run mounts. Anything else would leave a directory on the host.
  std::vector<std::string> fresh_dirs = {"/tmp"};
  std::vector<std::string> tmpfs_dsts;
  for (const auto& t : req.tmpfs) {
    auto d = normalise_dst(t, "--tmpfs");
    if (!d) return d.error();
    if (*d == "/") return make_error("--tmpfs: cannot mount over /");
    tmpfs_dsts.push_back(*d);
  }
  auto check_mountpoint = [&](const std::string& dst, const std::string& what) -> Status {
    if (have_root) return {};
    for (const auto& f : fresh_dirs)
      if (under(dst, f) && dst != f) return {};
    if (!exists(dst))
      return make_error(what + ": '" + dst +
                        "' does not exist on the host (without --rootfs a mount point must exist, or lie "
                        "under /tmp or a --tmpfs directory)");
    return {};
  };

  ops.push_back(mnt("", "/", "", MS_REC | MS_PRIVATE, "", "make all mounts private"));
  // Bind sources are opened before anything covers them (they must be
  // opened in this mount namespace for the bind to be allowed).
  std::vector<int> source_op;
  for (const auto& b : req.binds) {
    source_op.push_back(static_cast<int>(ops.size()));
    ops.push_back(op(MountOp::kOpenSource, b.src, "", "open bind source " + b.src));
  }
  // The device nodes the workload gets, opened before the new /dev covers
  // the host's.
  std::vector<int> device_op;
  for (const char* d : kDevices) {
    device_op.push_back(static_cast<int>(ops.size()));
    ops.push_back(op(MountOp::kOpenSource, std::string("/dev/") + d, "", std::string("open /dev/") + d));
  }
  if (have_root) ops.push_back(mnt(root, root, "", MS_BIND | MS_REC, "", "bind the rootfs " + root));
  {
    // No device node opens through any mount the workload can see, except
    // the few bound into its /dev below: with CAP_MKNOD it could otherwise
    // create the host disk's node anywhere it can write (or an image could
    // ship one) and read the disk raw.
    MountOp o = op(MountOp::kSetNoDev, "", have_root ? root : "/", "forbid device nodes on every mount (nodev)");
    o.recursive = true;
    ops.push_back(o);
  }
  if (!have_root && req.read_only) {
    MountOp o = op(MountOp::kSetReadOnly, "", "/", "remount the host root read-only");
    o.recursive = true;
    ops.push_back(o);
  }
  if (req.new_pid_ns || have_root) {
    if (have_root) ops.push_back(op(MountOp::kEnsureDir, "", at("/proc"), "create /proc in the rootfs"));
    ops.push_back(mnt("proc", at("/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "", "mount /proc"));
  }
  if (req.new_pid_ns && !req.new_user_ns) {
    // Per PID namespace and inherited by nested ones: memfds are never
    // executable, so a workload cannot run code that is in no file the
    // file policy governs. Kernels before 6.3 lack it (ENOENT); inside a
    // user namespace the sysctl is not writable.
    MountOp o = op(MountOp::kWriteSysctl, "", at("/proc/sys/vm/memfd_noexec"), "set vm.memfd_noexec=2");
    o.data = "2";
    o.optional = true;
    ops.push_back(o);
  }
  if (have_root) ops.push_back(op(MountOp::kEnsureDir, "", at("/dev"), "create /dev in the rootfs"));
  ops.push_back(mnt("tmpfs", at("/dev"), "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=755,size=65536k",
                    "mount /dev"));
  for (size_t i = 0; i < std::size(kDevices); ++i) {
    std::string dev = std::string("/dev/") + kDevices[i];
    ops.push_back(op(MountOp::kEnsureFile, "", at(dev), "create " + dev));
    MountOp m = mnt("", at(dev), "", MS_BIND, "", "bind " + dev);
    m.src_op = device_op[i];
    ops.push_back(std::move(m));
    ops.push_back(op(MountOp::kClearNoDev, "", at(dev), "allow the device " + dev));
  }
  ops.push_back(op(MountOp::kEnsureDir, "", at("/dev/pts"), "create /dev/pts"));
  ops.push_back(mnt("devpts", at("/dev/pts"), "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620",
                    "mount /dev/pts"));
  ops.push_back(op(MountOp::kEnsureDir, "", at("/dev/shm"), "create /dev/shm"));
  ops.push_back(mnt("shm", at("/dev/shm"), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k",
                    "mount /dev/shm"));
  ops.push_back(op(MountOp::kSymlink, "pts/ptmx", at("/dev/ptmx"), "link /dev/ptmx"));
  ops.push_back(op(MountOp::kSymlink, "/proc/self/fd", at("/dev/fd"), "link /dev/fd"));
  ops.push_back(op(MountOp::kSymlink, "/proc/self/fd/0", at("/dev/stdin"), "link /dev/stdin"));
  ops.push_back(op(MountOp::kSymlink, "/proc/self/fd/1", at("/dev/stdout"), "link /dev/stdout"));
  ops.push_back(op(MountOp::kSymlink, "/proc/self/fd/2", at("/dev/stderr"), "link /dev/stderr"));
  fresh_dirs.push_back("/dev");
  if (have_root) ops.push_back(op(MountOp::kEnsureDir, "", at("/tmp"), "create /tmp in the rootfs"));
  ops.push_back(mnt("tmpfs", at("/tmp"), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", "mount a private /tmp"));

  for (const auto& d : tmpfs_dsts) {
    PROFILE_TRY(check_mountpoint(d, "--tmpfs"));
    ops.push_back(op(MountOp::kEnsureDir, "", at(d), "create --tmpfs mount point " + d));
    ops.push_back(mnt("tmpfs", at(d), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", "mount tmpfs on " + d));
    fresh_dirs.push_back(d);
  }

  for (size_t bi = 0; bi < req.binds.size(); ++bi) {
    const BindSpec& b = req.binds[bi];
    const char* what = b.read_only ? "--ro-bind" : "--bind";
    PROFILE_TRY(check_mountpoint(b.dst, what));
    ops.push_back(op(is_dir(b.src) ? MountOp::kEnsureDir : MountOp::kEnsureFile, "", at(b.dst),
                     std::string("create ") + what + " mount point " + b.dst));
    MountOp m = mnt("", at(b.dst), "", MS_BIND | MS_REC, "", std::string(what) + " " + b.src + " on " + b.dst);
    m.src_op = source_op[bi];
    ops.push_back(std::move(m));
    if (is_device(b.src) || under(b.src, "/dev")) {
      // Asked for by name: the one place a device opens besides /dev's own.
      MountOp o = op(MountOp::kClearNoDev, "", at(b.dst), "allow devices on " + b.dst);
      o.recursive = is_dir(b.src);
      ops.push_back(o);
    }
    if (b.read_only) {
      MountOp o = op(MountOp::kSetReadOnly, "", at(b.dst), "make " + b.dst + " read-only");
      o.recursive = true;
      ops.push_back(o);
    } else if (!have_root && req.read_only) {
      // A bind copies the flags of the (now read-only) source mount.
      MountOp o = op(MountOp::kClearReadOnly, "", at(b.dst), "make " + b.dst + " writable");
      o.recursive = true;
      ops.push_back(o);
    }
  }

  if (!req.secrets.empty()) {
    if (req.secrets.size() > kMaxSecrets) return make_error("too many --secret options (at most 64)");
    size_t total = 0;
    for (size_t i = 0; i < req.secrets.size(); ++i) {
      total += req.secrets[i].data.size();
      for (size_t j = 0; j < i; ++j)
        if (req.secrets[i].name == req.secrets[j].name)
          return make_error("--secret: '" + req.secrets[i].name + "' given twice");
    }
    // Hide the host's /run (its sockets are no business of the workload)
    // unless /run/secrets already exists to mount over.
    if (!is_dir(at("/run/secrets"))) {
      if (is_dir(at("/run"))) {
        ops.push_back(mnt("tmpfs", at("/run"), "tmpfs", MS_NOSUID | MS_NODEV, "mode=755", "mount tmpfs on /run"));
      } else if (!have_root) {
        return make_error("--secret: the host has no /run directory to hold /run/secrets");
      }
      ops.push_back(op(MountOp::kEnsureDir, "", at("/run/secrets"), "create /run/secrets"));
    }
    std::string size = "size=" + std::to_string(total + (1 << 20));
    ops.push_back(mnt("secrets", at("/run/secrets"), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755," + size,
                      "mount the secrets tmpfs"));
    for (const auto& s : req.secrets) {
      MountOp o = op(MountOp::kWriteFile, "", at("/run/secrets/" + s.name), "write secret " + s.name);
      o.data = s.data;
      ops.push_back(std::move(o));
    }
    ops.push_back(op(MountOp::kSetReadOnly, "", at("/run/secrets"), "make /run/secrets read-only"));
  }

  // Last, so that no bind or tmpfs of the request can uncover them.
  for (const char* p : kReadOnlyPaths) {
    if (!exists(p)) continue;
    MountOp b = mnt(at(p), at(p), "", MS_BIND | MS_REC, "", std::string("bind ") + p + " on itself");
    b.optional = true;
    ops.push_back(std::move(b));
    MountOp o = op(MountOp::kSetReadOnly, "", at(p), std::string("make ") + p + " read-only");
    o.recursive = true;
    o.optional = true;
    ops.push_back(o);
  }
  for (const char* p : kMaskedPaths) {
    // A rootfs gets no /sys at all.
    if ((have_root && under(p, "/sys")) || !exists(p)) continue;
    MountOp m = is_dir(p) ? mnt("tmpfs", at(p), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=555",
                                std::string("mask ") + p)
                          : mnt(at("/dev/null"), at(p), "", MS_BIND, "", std::string("mask ") + p);
    m.optional = true;
    ops.push_back(std::move(m));
  }
  if (!have_root && exists("/sys")) {
    // Sysfs writes reach the host (its cgroup tree above the run's own
    // cgroup included: cgroup.procs would move the workload out of its limits).
    ops.push_back(mnt("/sys", "/sys", "", MS_BIND | MS_REC, "", "bind /sys on itself"));
    MountOp o = op(MountOp::kSetReadOnly, "", "/sys", "make /sys read-only");
    o.recursive = true;
    ops.push_back(o);
  }

  if (have_root) {
    PROFILE_TRY(precreate_in_rootfs(ops, root));
    ops.push_back(op(MountOp::kPivotRoot, "", root, "pivot_root into " + root));
    if (!req.rootfs_rw) ops.push_back(op(MountOp::kSetReadOnly, "", "/", "make the rootfs read-only"));
  }
  return plan;
}

int apply_mounts(const MountPlan& plan, const char** step) noexcept {
  char src_buf[64];
  int result = 0;
  for (const MountOp& o : plan.ops) {
    *step = o.step.c_str();
    const char* a = o.a.c_str();
    const char* b = o.b.c_str();
    int err = 0;
    switch (o.kind) {
      case MountOp::kOpenSource:
        o.opened_fd = open_source(a);
        if (o.opened_fd < 0) err = errno;
        break;
      case MountOp::kSetNoDev:
        err = set_mount_attr(b, MOUNT_ATTR_NODEV, true, o.recursive);
        break;
      case MountOp::kClearNoDev:
        err = set_mount_attr(b, MOUNT_ATTR_NODEV, false, o.recursive);
        break;
      case MountOp::kWriteSysctl:
        err = write_sysctl(b, o.data);
        break;
      case MountOp::kMount:
        if (o.src_op >= 0) {
          fd_path(plan.ops[static_cast<size_t>(o.src_op)].opened_fd, src_buf);
          a = src_buf;
        }
        if (mount(o.a.empty() && o.src_op < 0 ? nullptr : a, b, o.fstype.empty() ? nullptr : o.fstype.c_str(), o.flags,
                  o.data.empty() ? nullptr : o.data.c_str()) != 0)
          err = errno;
        break;
      case MountOp::kSetReadOnly:
        err = set_read_only(b, true, o.recursive);
        break;
      case MountOp::kClearReadOnly:
        err = set_read_only(b, false, o.recursive);
        break;
      case MountOp::kEnsureDir:
        err = mkdir_p(b);
        break;
      case MountOp::kEnsureFile:
        err = ensure_file(b);
        break;
      case MountOp::kSymlink:
        if (symlink(a, b) != 0 && errno != EEXIST) err = errno;
        break;
      case MountOp::kWriteFile:
        err = write_secret(o, plan.owner_uid, plan.owner_gid);
        break;
      case MountOp::kChownDir:
        if (chown(b, plan.owner_uid, plan.owner_gid) != 0) err = errno;
        break;
      case MountOp::kPivotRoot:
        if (chdir(b) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 || umount2(".", MNT_DETACH) != 0 ||
            chdir("/") != 0)
          err = errno;
        break;
    }
    if (err == ENOENT && o.optional) err = 0;
    if (err != 0) {
      result = err;
      break;
    }
  }
  for (const MountOp& o : plan.ops)
    if (o.kind == MountOp::kOpenSource && o.opened_fd >= 0) close(o.opened_fd);
  return result;
}

}  // namespace profile
