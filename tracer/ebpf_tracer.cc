// The eBPF recorder's userspace: loads recorder.bpf.c through its skeleton,
// follows one process tree (or cgroup), decodes the event stream and reads
// the kernel-side deduplication maps into Observations at the end.
#ifdef PROFILE_HAVE_EBPF

#include "tracer/ebpf_tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "recorder.skel.h"
#include "tracer/ebpf_light.h"
#include "core/names.h"
#include "tracer/bpf/recorder.h"
#include "tracer/btf_cache.h"
#include "tracer/kernel_symbols.h"
#include "tracer/path_join.h"
#include "core/unique_fd.h"

namespace profile {

namespace {

// 2 MiB: its pages are mapped twice and resident (12 MB less than 8 MiB),
// and 20k path records of 3 KB each in a burst, or tar c /usr/share, lose
// nothing with it on a loaded machine (docs/recorders.md).
constexpr uint64_t kDefaultRingbufBytes = 2ull << 20;
constexpr uint64_t kMaxRingbufBytes = 1ull << 30;
// Consumer poll period. Records are sent without waking the consumer until
// a quarter of the ring is unread, so this bounds their latency, while the
// quarter leaves room for ~100k typical path records at any rate of arrival.
constexpr int kPollMs = 20;

// libbpf's messages: kept (the last few) to explain a load failure in one
// line instead of printing its verbose log.
std::mutex g_log_mu;
std::string g_last_log;

int libbpf_log(enum libbpf_print_level level, const char* fmt, va_list ap) {
  static const bool verbose = getenv("PROFILE_EBPF_DEBUG") != nullptr;
  if (verbose) {
    va_list copy;
    va_copy(copy, ap);
    vfprintf(stderr, fmt, copy);
    va_end(copy);
  }
  if (level == LIBBPF_DEBUG) return 0;
  char buf[512];
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  if (n <= 0) return 0;
  std::lock_guard<std::mutex> lock(g_log_mu);
  std::string line(buf);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  if (line.rfind("libbpf: ", 0) == 0) line.erase(0, 8);  // libbpf_reason() adds its own
  if (!line.empty()) g_last_log = line;
  return 0;
}

std::string libbpf_reason(int err) {
  std::lock_guard<std::mutex> lock(g_log_mu);
  std::string r = strerror(err < 0 ? -err : err);
  if (!g_last_log.empty()) r += " (libbpf: " + g_last_log + ")";
  return r;
}

uint64_t ringbuf_size(uint64_t requested) {
  uint64_t want = requested;
  if (want == 0) {
    const char* env = getenv("PROFILE_EBPF_RINGBUF_BYTES");
    if (env && *env) {
      char* end = nullptr;
      unsigned long long v = strtoull(env, &end, 10);
      if (end && *end == '\0') want = v;
    }
  }
  if (want == 0) want = kDefaultRingbufBytes;
  uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  if (want < page) want = page;
  if (want > kMaxRingbufBytes) want = kMaxRingbufBytes;
  uint64_t p = page;
  while (p < want) p <<= 1;
  return p;
}

struct SkelDeleter {
  void operator()(recorder_bpf* s) const { recorder_bpf__destroy(s); }
};
using SkelPtr = std::unique_ptr<recorder_bpf, SkelDeleter>;
struct RingDeleter {
  void operator()(ring_buffer* r) const { ring_buffer__free(r); }
};
using RingPtr = std::unique_ptr<ring_buffer, RingDeleter>;
struct LightDeleter {
  void operator()(eb_light* l) const { eb_light_destroy(l); }
};
using LightPtr = std::unique_ptr<eb_light, LightDeleter>;
using Bss = recorder_bpf::recorder_bpf__bss;

// The recorder as loaded, by the light skeleton or the regular one: the
// descriptors and the mapped .bss that recording and collection use. The
// descriptors belong to the skeleton it holds.
struct LoadedRecorder {
  SkelPtr skel;    // the regular skeleton, or
  LightPtr light;  // the light one
  eb_light_maps maps{};
  Bss* bss = nullptr;

  static LoadedRecorder from_skel(SkelPtr s) {
    LoadedRecorder r;
#define EB_MAP_FD(name) r.maps.name = bpf_map__fd(s->maps.name);
    EB_RECORDER_MAPS(EB_MAP_FD)
#undef EB_MAP_FD
    r.bss = s->bss;
    r.skel = std::move(s);
    return r;
  }
};

// A map's capacity, from the kernel (either loader): bounds a walk of its
// keys. Should the kernel not say, a bound above every map of recorder.bpf.c
// (the largest holds 65536) still reads them all.
uint32_t map_max_entries(int fd) {
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0 || info.max_entries == 0) return 1u << 17;
  return info.max_entries;
}


// PROFILE_EBPF_TIMING=1: phase times on stderr.
void timing(const char* what) {
  static const bool on = getenv("PROFILE_EBPF_TIMING") != nullptr;
  if (!on) return;
  static const auto t0 = std::chrono::steady_clock::now();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  long long cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000ll + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  // The monotonic clock lets a caller that timed the whole process (the
  // benchmark suite) split it into start-up, recording and end; the
  // current and peak RSS show where the memory goes.
  long rss_pages = 0;
  if (FILE* f = fopen("/proc/self/statm", "re")) {
    long size_pages = 0;
    if (fscanf(f, "%ld %ld", &size_pages, &rss_pages) != 2) rss_pages = 0;
    fclose(f);
  }
  struct timespec mono {};
  clock_gettime(CLOCK_MONOTONIC, &mono);
  fprintf(stderr, "ebpf: %s at %lld us (recorder cpu %lld us, rss %ld kB, peak rss %ld kB, monotonic %lld us)\n",
          what, static_cast<long long>(us), cpu_us, rss_pages * (sysconf(_SC_PAGESIZE) / 1024), ru.ru_maxrss,
          static_cast<long long>(mono.tv_sec) * 1000000ll + mono.tv_nsec / 1000);
}

class EbpfTracer : public Tracer {
 public:
  EbpfTracer(LoadedRecorder rec, bool cap_hook) : rec_(std::move(rec)), cap_hook_(cap_hook) {}
  ~EbpfTracer() override {
    ring_.reset();
    rec_.light.reset();
    rec_.skel.reset();
    timing("unloaded");
  }

  Status init_ring() {
    ring_.reset(ring_buffer__new(rec_.maps.events, &EbpfTracer::on_event, this, nullptr));
    if (!ring_) return make_error("eBPF recorder: cannot open the ring buffer: " + libbpf_reason(errno));
    return {};
  }

  std::string name() const override { return "ebpf"; }

  Status attach(pid_t root) override {
    uint32_t tid = static_cast<uint32_t>(root);
    uint8_t st = EB_TASK_WAITING;
    if (bpf_map_update_elem(rec_.maps.tracked, &tid, &st, BPF_ANY) != 0)
      return make_error(std::string("eBPF recorder: cannot track pid ") + std::to_string(root) + ": " +
                        strerror(errno));
    // Task storage is keyed by a pidfd from userspace.
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, root, 0)));
    eb_task task{};
    task.state = EB_TASK_WAITING;
    int key = pidfd.get();
    if (key < 0 || bpf_map_update_elem(rec_.maps.task_state, &key, &task, BPF_ANY) != 0)
      return make_error(std::string("eBPF recorder: cannot track pid ") + std::to_string(root) +
                        " (task storage): " + strerror(errno));
    __atomic_add_fetch(&rec_.bss->live_tasks, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&rec_.bss->tasks_seen, 1, __ATOMIC_SEQ_CST);
    return {};
  }

  Result<int> run(pid_t root, Observations& obs, const volatile int* stop) override {
    obs_ = &obs;
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, root, 0)));
    UniqueFd ep(epoll_create1(EPOLL_CLOEXEC));
    if (ep.get() < 0) return make_error(std::string("epoll_create1: ") + strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = 0;
    if (epoll_ctl(ep.get(), EPOLL_CTL_ADD, ring_buffer__epoll_fd(ring_.get()), &ev) != 0)
      return make_error(std::string("epoll_ctl: ") + strerror(errno));
    if (pidfd.get() >= 0) {
      ev.data.u32 = 1;
      epoll_ctl(ep.get(), EPOLL_CTL_ADD, pidfd.get(), &ev);
    }
    int status = 0;
    bool reaped = false;
    auto last_sweep = std::chrono::steady_clock::now();
    for (;;) {
      if (stop && *stop) obs.partial = true;
      if (!reaped) {
        pid_t w = waitpid(root, &status, WNOHANG);
        if (w == root) {
          reaped = true;
        } else if (w < 0 && errno != EINTR) {
          return make_error(std::string("waitpid: ") + strerror(errno));
        }
      }
      if (reaped) {
        if (obs.partial || __atomic_load_n(&rec_.bss->live_tasks, __ATOMIC_SEQ_CST) <= 0) break;
        // Descendants outlive root: make sure each still exists, in case an
        // exit was missed (the only way the count could stay up forever).
        auto now = std::chrono::steady_clock::now();
        if (now - last_sweep > std::chrono::milliseconds(500)) {
          sweep_dead_tasks();
          last_sweep = now;
        }
      }
      epoll_event out[2];
      // Records below the wakeup threshold arrive without a wakeup: poll.
      int n = epoll_wait(ep.get(), out, 2, reaped ? 20 : kPollMs);
      if (n < 0 && errno != EINTR) return make_error(std::string("epoll_wait: ") + strerror(errno));
      if (!stall_consumer_ || reaped) consume();
      start_symbols_if_needed();
    }
    timing("workload done");
    consume();
    timing("ring drained");
    collect(obs);
    release_freed_memory();
    timing("maps read");
    obs_ = nullptr;
    return status;
  }

  // Attach mode: no tree to wait for, only a deadline and the stop flag.
  void run_until(std::chrono::steady_clock::time_point deadline, bool has_deadline, const volatile int* stop,
                 Observations& obs) {
    obs_ = &obs;
    for (;;) {
      if (stop && *stop) {
        obs.partial = true;
        break;
      }
      int timeout = kPollMs;
      if (has_deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) break;
        if (left < timeout) timeout = static_cast<int>(left);
      }
      // A timeout consumes nothing in ring_buffer__poll, and records below
      // the wakeup threshold never wake it: drain on every round.
      ring_buffer__poll(ring_.get(), timeout);
      consume();
      start_symbols_if_needed();
    }
    consume();
    collect(obs);
    release_freed_memory();
    obs_ = nullptr;
  }

 private:
  void consume() {
    // Bounded: a flood cannot keep us here forever, the outer loop resumes.
    for (int i = 0; i < 64; ++i) {
      int n = ring_buffer__consume(ring_.get());
      if (n <= 0) break;
    }
  }

  // What the recording freed (the kernel's symbol table, ~10 MB of small
  // strings for a stock kernel) goes back to the system before profile
  // generation allocates its own; see load() for why this can work.
  static void release_freed_memory() { malloc_trim(0); }

  void sweep_dead_tasks() {
    int fd = rec_.maps.tracked;
    uint32_t key = 0, next = 0;
    std::vector<uint32_t> dead;
    bool first = true;
    uint32_t max = map_max_entries(fd);
    for (uint32_t i = 0; i < max + 1; ++i) {
      if (bpf_map_get_next_key(fd, first ? nullptr : &key, &next) != 0) break;
      first = false;
      key = next;
      std::string proc = "/proc/" + std::to_string(next);
      if (access(proc.c_str(), F_OK) != 0 && errno == ENOENT) dead.push_back(next);
    }
    for (uint32_t d : dead)
      if (bpf_map_delete_elem(fd, &d) == 0) __atomic_sub_fetch(&rec_.bss->live_tasks, 1, __ATOMIC_SEQ_CST);
  }

  static int on_event(void* ctx, void* data, size_t size) {
    static_cast<EbpfTracer*>(ctx)->decode(data, size);
    return 0;
  }

  // One switch from event type to its handler; every field is validated.
  void decode(const void* data, size_t size) {
    if (obs_ == nullptr || size < sizeof(eb_event_hdr)) return;
    eb_event_hdr hdr;
    memcpy(&hdr, data, sizeof hdr);
    switch (hdr.type) {
      case EB_EV_FILE:
      case EB_EV_EXEC:
      case EB_EV_UNIX:
        return on_path(data, size);
      case EB_EV_BIGNR: {
        if (size < sizeof(eb_bignr_event)) return bad_event();
        const auto& e = *static_cast<const eb_bignr_event*>(data);
        std::string arch = ebpf_detail::arch_name(e.arch);
        if (arch.empty() || e.nr > 0x3fffffffu) return bad_event();
        obs_->add_syscall(arch, ebpf_detail::seccomp_nr(e.arch, e.nr));
        return;
      }
      default:
        return bad_event();
    }
  }

  void bad_event() { obs_->lost_events++; }

  // A path record: its fixed header, then only the bytes the kernel used.
  struct PathRecord {
    eb_path_event hdr;  // data[] not valid: see rel/dir
    const char* rel;
    const char* dir;
  };

  // Absolute path of a path event, or false when it cannot be trusted whole.
  // A path whose string has a ".." after one of its own names is not
  // resolved (tracer/path_join.h): *unresolved then holds it as given.
  bool event_path(const PathRecord& r, std::string* out, std::string* unresolved) {
    const eb_path_event& e = r.hdr;
    if (e.flags & (EB_PF_TRUNCATED | EB_PF_REL_TRUNC | EB_PF_NO_FILE)) return false;
    std::string dir;
    if (e.flags & EB_PF_HAVE_DIR) {
      if (e.ncomp > EB_MAX_COMPONENTS) return false;
      if (!ebpf_detail::join_components(r.dir, e.dir_len, e.ncomp, &dir)) return false;
    }
    if (e.rel_len == 0) {
      if (dir.empty()) return false;
      *out = dir;
      return true;
    }
    std::string rel(r.rel, strnlen(r.rel, e.rel_len));
    if (rel.empty()) return false;
    if (rel[0] != '/' && dir.empty()) return false;
    // The walked directory is relative to the task's root already.
    switch (join_resolved("/", dir, rel, out)) {
      case PathJoin::kOk:
        return true;
      case PathJoin::kDotDotAfterName:
        *unresolved = rel[0] == '/' ? rel : dir + "/" + rel;
        return false;
      case PathJoin::kInvalid:
        return false;
    }
    return false;
  }

  void on_path(const void* data, size_t size) {
    if (size < EB_PATH_HDR_SIZE) return bad_event();
    PathRecord r;
    memcpy(&r.hdr, data, EB_PATH_HDR_SIZE);
    const eb_path_event& e = r.hdr;
    // The variable part must hold exactly rel then dir, within the buffers
    // the kernel side has.
    size_t body = size - EB_PATH_HDR_SIZE;
    if (e.dir_off > EB_REL_BUF || e.dir_len > EB_DIR_BUF || e.rel_len > e.dir_off ||
        static_cast<size_t>(e.dir_off) + e.dir_len > body)
      return bad_event();
    r.rel = static_cast<const char*>(data) + EB_PATH_HDR_SIZE;
    r.dir = r.rel + e.dir_off;
    if (e.hdr.type == EB_EV_UNIX && (e.kind & 0x100)) {
      if (e.rel_len > 107) return bad_event();
      std::string name(r.rel, e.rel_len);
      for (char& c : name)
        if (c == '\0') c = '@';
      obs_->unix_sockets.insert("@" + name);
      return;
    }
    std::string path, unresolved;
    if (!event_path(r, &path, &unresolved)) {
      if (unresolved.empty()) return bad_event();
      obs_->add_unresolved_path(unresolved);
      return;
    }
    switch (e.hdr.type) {
      case EB_EV_FILE:
        obs_->add_file(path, e.access & 0x7ff);
        break;
      case EB_EV_EXEC:
        if (e.kind == EB_EXEC_SCRIPT && ebpf_detail::is_magic_exec_path(path)) break;
        obs_->execs.insert(path);
        obs_->add_file(path, kAccessExecute);
        break;
      case EB_EV_UNIX:
        obs_->unix_sockets.insert(path);
        if ((e.kind & 0xff) == EB_UNIX_BIND) obs_->add_file(path, kAccessCreate);
        break;
    }
  }

  template <class Key, class Fn>
  void for_each_key(int fd, Fn fn) {
    Key key{}, next{};
    bool first = true;
    uint32_t max = map_max_entries(fd);
    for (uint32_t i = 0; i < max + 1; ++i) {
      if (bpf_map_get_next_key(fd, first ? nullptr : &key, &next) != 0) break;
      first = false;
      key = next;
      fn(next);
    }
  }

  void collect(Observations& obs) {
    const auto& seen = rec_.bss->seen_sys;
    for (uint32_t a = 0; a < EB_NARCH; ++a)
      for (uint32_t nr = 0; nr < EB_MAX_NR; ++nr)
        if (seen[a][nr]) obs.add_syscall(ebpf_detail::arch_name(a), ebpf_detail::seccomp_nr(a, nr));

    for_each_key<eb_arg_key>(rec_.maps.args_seen, [&](const eb_arg_key& k) {
      std::string arch = ebpf_detail::arch_name(k.arch);
      if (arch.empty() || k.index > 5) return;
      obs.args.insert(ArgValue{arch, ebpf_detail::seccomp_nr(k.arch, k.nr), static_cast<int>(k.index), k.value});
    });
    for_each_key<eb_socket_key>(rec_.maps.sockets_seen, [&](const eb_socket_key& k) {
      obs.sockets.insert(SocketUse{k.family, k.type, k.protocol});
    });
    for_each_key<eb_port_key>(rec_.maps.ports_seen, [&](const eb_port_key& k) {
      if (k.port > 65535) return;
      // SOCK_STREAM is tcp, SOCK_DGRAM udp; other types carry no port policy.
      const char* proto = k.sock_type == 1 ? "tcp" : k.sock_type == 2 ? "udp" : nullptr;
      if (proto == nullptr) return;
      obs.ports.insert(PortUse{k.kind == 0 ? PortUse::kBind : PortUse::kConnect, proto, static_cast<int>(k.family),
                               static_cast<uint16_t>(k.port)});
    });

    int ncpu = libbpf_num_possible_cpus();
    if (ncpu > 0) {
      std::vector<uint64_t> per(static_cast<size_t>(ncpu));
      uint32_t zero = 0;
      if (bpf_map_lookup_elem(rec_.maps.lost, &zero, per.data()) == 0)
        for (uint64_t v : per) obs.lost_events += v;
    }
    obs.processes += __atomic_load_n(&rec_.bss->tasks_seen, __ATOMIC_SEQ_CST);
    obs.tracer = "ebpf";
    if (cap_hook_) collect_capabilities(obs);
  }

  // Naming the stacks of capability checks needs /proc/kallsyms, which
  // takes tens of milliseconds to read: it is read on another thread from
  // the first granted check on, while the workload runs, and never for a
  // workload that needed no capability.
  void start_symbols_if_needed() {
    if (!cap_hook_ || symbols_.valid() || __atomic_load_n(&rec_.bss->caps_granted, __ATOMIC_RELAXED) == 0) return;
    symbols_ = std::async(std::launch::async, [] { return KernelSymbols::load(); });
  }

  // Capabilities from the kernel's own checks: a capability counts when at
  // least one granted check of it was not a probe (noaudit, memory
  // accounting). The stacks are named only when there are checks at all,
  // since reading kallsyms takes tens of milliseconds. Without symbols
  // (kptr_restrict) nothing can be told apart, and capabilities are left to
  // inference.
  void collect_capabilities(Observations& obs) {
    std::map<uint32_t, std::vector<std::vector<uint64_t>>> stacks;
    for_each_key<eb_cap_key>(rec_.maps.caps_seen, [&](const eb_cap_key& k) {
      if (k.cap >= 64) return;
      std::vector<uint64_t> ips;
      for (uint64_t ip : k.ips) {
        if (ip == 0) break;
        ips.push_back(ip);
      }
      stacks[k.cap].push_back(std::move(ips));
    });
    start_symbols_if_needed();
    if (!symbols_.valid()) return;  // no granted check at all
    auto syms = symbols_.get();
    if (stacks.empty()) return;
    if (!syms || !syms->usable()) {
      fprintf(stderr,
              "profile: the kernel's symbols are hidden (kptr_restrict), so its capability checks cannot be "
              "told apart; capabilities are inferred\n");
      return;
    }
    for (const auto& [cap, list] : stacks) {
      bool needed = false;
      std::string caller;
      for (const auto& ips : list) {
        std::vector<std::string> frames;
        for (uint64_t ip : ips) frames.push_back(syms->name_of(ip));
        auto c = ebpf_detail::classify_cap_stack(frames);
        if (c.known && c.probe_only) continue;
        needed = true;
        if (caller.empty()) caller = c.caller;
      }
      if (!needed) continue;
      std::string name = cap_name(static_cast<int>(cap));
      if (name.empty()) continue;
      obs.capabilities.emplace(name, CapEvidence{CapEvidenceKind::kObserved, caller.empty() ? "granted by a kernel capability check"
                                                                           : "granted by a kernel capability check in " + caller});
    }
  }

  LoadedRecorder rec_;
  bool cap_hook_ = false;  // on_cap_capable is loaded
  std::future<Result<KernelSymbols>> symbols_;
  RingPtr ring_;
  Observations* obs_ = nullptr;
  // Tests: read nothing until the root has exited, as a consumer that
  // cannot keep up would, so that ring losses are deterministic.
  bool stall_consumer_ = getenv("PROFILE_EBPF_STALL_CONSUMER") != nullptr;
};

// Optional tracepoints, by the name the kernel's BTF gives them: without
// one, its program would make the whole object fail to load.
struct OptionalHooks {
  bool cap_capable = false;   // Linux 6.14+: capability checks
  bool prepare_exec = false;  // Linux 6.10+: the exec syscall's own number
};

OptionalHooks probe_hooks() {
  auto have = ebpf_detail::btf_names_present("/sys/kernel/btf/vmlinux",
                                             {"btf_trace_cap_capable", "btf_trace_sched_prepare_exec"});
  OptionalHooks h;
  h.cap_capable = have.count("btf_trace_cap_capable") && getenv("PROFILE_EBPF_NO_CAP_HOOK") == nullptr;
  h.prepare_exec = have.count("btf_trace_sched_prepare_exec") > 0;
  return h;
}

// What every syscall number means, for the programs' .rodata. Built once:
// resolving every row through libseccomp is the same work for every load
// (auto mode may load twice).
Result<const ebpf_detail::SemTable*> sem_table() {
  static const auto sem = [] {
    auto t = std::make_unique<ebpf_detail::SemTable>();
    Status st = ebpf_detail::build_sem_table(t.get());
    return std::make_pair(std::move(t), std::move(st));
  }();
  if (!sem.second) return sem.second.error();
  return sem.first.get();
}

// The light skeleton (tracer/ebpf_light.h): every program, attached, or an
// error and nothing left loaded.
Result<LoadedRecorder> load_light(const EbpfOptions& options) {
  auto sem = sem_table();
  if (!sem) return sem.error();
  uint64_t ring_bytes = ringbuf_size(options.ringbuf_bytes);
  eb_light_config cfg{};
  cfg.cgroup_id = options.cgroup_id;
  cfg.wakeup_bytes = ring_bytes / 4;
  cfg.sem = (*sem)->sem;
  cfg.sem_size = sizeof((*sem)->sem);
  cfg.sigreturn_64 = (*sem)->sigreturn_64;
  cfg.sigreturn_32 = (*sem)->sigreturn_32;
  cfg.rt_sigreturn_32 = (*sem)->rt_sigreturn_32;
  cfg.ring_bytes = static_cast<uint32_t>(ring_bytes);
  // Tests: a ring size the kernel refuses (not a power of two), so that the
  // loader program really fails and the regular loader takes over.
  if (getenv("PROFILE_EBPF_TEST_REFUSE_LIGHT") != nullptr) cfg.ring_bytes += 1;
  eb_light* raw = nullptr;
  eb_light_maps maps{};
  const char* why = "";
  int err = eb_light_load(&cfg, &raw, &maps, &why);
  if (err) return make_error(std::string("light skeleton: ") + why + ": " + strerror(-err));
  LoadedRecorder r;
  r.light.reset(raw);
  r.maps = maps;
  r.bss = static_cast<Bss*>(maps.bss);
  timing("loader: light skeleton");
  timing("loaded");
  err = eb_light_attach(r.light.get());
  if (err) return make_error(std::string("light skeleton: cannot attach: ") + strerror(-err));
  timing("attached");
  return r;
}

// Whether to try the light skeleton first. PROFILE_EBPF_LOADER=libbpf
// skips it (diagnosis, tests of the regular path); so do the test knobs
// that leave optional programs out, which only the regular path can do.
bool light_wanted() {
  const char* l = getenv("PROFILE_EBPF_LOADER");
  if (l && strcmp(l, "libbpf") == 0) return false;
  return getenv("PROFILE_EBPF_NO_CAP_HOOK") == nullptr && getenv("PROFILE_EBPF_REFUSE_OPTIONAL") == nullptr;
}

// `min_btf`: a minimised kernel BTF for CO-RE relocation (tracer/btf_cache.h),
// or empty for the kernel's own.
Result<SkelPtr> open_and_load(const EbpfOptions& options, const OptionalHooks& hooks, const std::string& min_btf) {
  LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = min_btf.empty() ? nullptr : min_btf.c_str());
  SkelPtr skel(recorder_bpf__open_opts(&open_opts));
  timing(min_btf.empty() ? "opened" : "opened with the cached minimised BTF");
  if (!skel) return make_error("eBPF recorder: cannot open the BPF object: " + libbpf_reason(errno));
  skel->rodata->cfg_cgroup_id = options.cgroup_id;
  auto sem = sem_table();
  if (!sem) return sem.error();
  static_assert(sizeof(skel->rodata->cfg_sem) == sizeof((*sem)->sem));
  memcpy(const_cast<eb_sem*>(&skel->rodata->cfg_sem[0][0]), (*sem)->sem, sizeof((*sem)->sem));
  skel->rodata->cfg_sigreturn_64 = (*sem)->sigreturn_64;
  skel->rodata->cfg_sigreturn_32 = (*sem)->sigreturn_32;
  skel->rodata->cfg_rt_sigreturn_32 = (*sem)->rt_sigreturn_32;
  uint64_t ring_bytes = ringbuf_size(options.ringbuf_bytes);
  skel->rodata->cfg_wakeup_bytes = ring_bytes / 4;
  int err = bpf_map__set_max_entries(skel->maps.events, static_cast<uint32_t>(ring_bytes));
  if (err) return make_error("eBPF recorder: cannot size the ring buffer: " + libbpf_reason(err));
  bpf_program__set_autoload(skel->progs.on_cap_capable, hooks.cap_capable);
  bpf_program__set_autoload(skel->progs.on_prepare_exec, hooks.prepare_exec);
  // Tests: a kernel that names the tracepoint but refuses the program (as
  // a socket filter, its tracing helpers fail verification on any kernel).
  if (hooks.cap_capable && getenv("PROFILE_EBPF_REFUSE_OPTIONAL") != nullptr)
    bpf_program__set_type(skel->progs.on_cap_capable, BPF_PROG_TYPE_SOCKET_FILTER);
  err = recorder_bpf__load(skel.get());
  if (err) return make_error("the kernel refused the eBPF recorder: " + libbpf_reason(err));
  timing("loaded");
  return skel;
}

Result<std::unique_ptr<EbpfTracer>> load(const EbpfOptions& options) {
  static std::once_flag once;
  std::call_once(once, [] {
    libbpf_set_print(libbpf_log);
    // The kernel's symbol table is read on a thread; in a thread arena of
    // its own, glibc keeps its freed memory (the arena's top is never
    // trimmed, not even by malloc_trim), resident through profile
    // generation. One arena for the whole process lets it go.
    mallopt(M_ARENA_MAX, 1);
  });

  // Tests: a load slower than any sandbox set-up, to show that they
  // overlap; a load the kernel refuses, for the fallback.
  if (const char* d = getenv("PROFILE_EBPF_TEST_LOAD_DELAY_MS"))
    std::this_thread::sleep_for(std::chrono::milliseconds(atoi(d)));
  if (getenv("PROFILE_EBPF_TEST_REFUSE_LOAD") != nullptr)
    return make_error("the kernel refused the eBPF recorder: refused for a test (PROFILE_EBPF_TEST_REFUSE_LOAD)");
  // The light skeleton first: no kernel BTF parsed here, and every program
  // (the optional ones too). A kernel that refuses it (one without an
  // optional tracepoint, or older than in-kernel CO-RE) gets the regular
  // loader, which says what failed and can leave programs out.
  std::string light_error;
  if (light_wanted()) {
    auto light = load_light(options);
    if (light) {
      auto t = std::make_unique<EbpfTracer>(std::move(*light), true);
      PROFILE_TRY(t->init_ring());
      return t;
    }
    light_error = light.error().message;
    timing("light skeleton refused; loading with libbpf");
    if (getenv("PROFILE_EBPF_DEBUG") != nullptr) fprintf(stderr, "profile: %s\n", light_error.c_str());
  }
  OptionalHooks hooks = probe_hooks();
  size_t obj_size = 0;
  const void* obj = recorder_bpf__elf_bytes(&obj_size);
  MinBtfCache cache = min_btf_cache(obj, obj_size);
  std::string min_btf = min_btf_usable(cache) ? cache.path() : "";
  // Fallbacks, in this order: without the optional programs (a kernel
  // that names a tracepoint but refuses its program), then without the
  // cached BTF (an entry libbpf rejects, which is then deleted), then
  // without both. The first load that works is used.
  const OptionalHooks none;
  bool optional = hooks.cap_capable || hooks.prepare_exec;
  std::vector<std::pair<OptionalHooks, bool>> attempts = {{hooks, true}};
  if (optional) attempts.push_back({none, true});
  if (!min_btf.empty()) {
    attempts.push_back({hooks, false});
    if (optional) attempts.push_back({none, false});
  }
  timing("loader: libbpf");
  Result<SkelPtr> skel = make_error("no load attempted");
  std::string first_error;
  for (const auto& [try_hooks, with_btf] : attempts) {
    skel = open_and_load(options, try_hooks, with_btf ? min_btf : "");
    if (skel) {
      if (optional && !(try_hooks.cap_capable || try_hooks.prepare_exec))
        fprintf(stderr,
                "profile: recording without the optional eBPF programs (%s); capabilities are inferred%s\n",
                first_error.c_str(), hooks.prepare_exec ? ", and a successful execveat may be recorded as execve" : "");
      hooks = try_hooks;
      if (!with_btf && !min_btf.empty()) {
        unlink(min_btf.c_str());  // rebuilt below
        min_btf.clear();
      }
      break;
    }
    if (first_error.empty()) first_error = skel.error().message;
  }
  if (!skel) return make_error(first_error);
  int err = recorder_bpf__attach(skel->get());
  timing("attached");
  if (err) return make_error("cannot attach the eBPF recorder: " + libbpf_reason(err));
  if (min_btf.empty() && !cache.dir.empty()) {
    // Once per kernel build and build of the programs (~40 ms); later
    // recordings load ~15 ms faster. Failure only costs that speed.
    auto built = build_min_btf(cache, obj, obj_size);
    timing(built ? "minimised BTF cached" : "minimised BTF not cached");
  }
  auto t = std::make_unique<EbpfTracer>(LoadedRecorder::from_skel(std::move(*skel)), hooks.cap_capable);
  PROFILE_TRY(t->init_ring());
  return t;
}

// The load on a thread of its own, while the caller sets up the sandbox.
// Ordering stays the runner's: attach() runs before the workload is
// released, and it returns only once the programs are attached.
class BackgroundEbpfTracer : public Tracer {
 public:
  BackgroundEbpfTracer() : loading_(std::async(std::launch::async, [] { return load(EbpfOptions{}); })) {}

  std::string name() const override { return "ebpf"; }

  Status attach(pid_t root) override {
    timing("sandbox ready");
    if (!tracer_) {
      if (!loading_.valid()) return make_error("eBPF recorder: attached twice");
      auto r = loading_.get();
      if (!r) {
        load_failed_ = true;
        return r.error();
      }
      tracer_ = std::move(*r);
    }
    return tracer_->attach(root);
  }

  Result<int> run(pid_t root, Observations& obs, const volatile int* stop) override {
    if (!tracer_) return make_error("eBPF recorder: run without a successful attach");
    return tracer_->run(root, obs, stop);
  }

  bool load_failed() const { return load_failed_; }

 private:
  std::unique_ptr<EbpfTracer> tracer_;
  // Declared last, destroyed first: a tracer never attached (the sandbox
  // failed first) waits here for its load to end, then unloads.
  std::future<Result<std::unique_ptr<EbpfTracer>>> loading_;
  bool load_failed_ = false;
};

volatile sig_atomic_t g_cgroup_stop = 0;
void on_stop_signal(int) { g_cgroup_stop = 1; }

}  // namespace

Result<std::unique_ptr<Tracer>> make_ebpf_tracer() { return make_ebpf_tracer(EbpfOptions{}); }

std::unique_ptr<Tracer> start_ebpf_tracer() { return std::make_unique<BackgroundEbpfTracer>(); }

bool ebpf_load_failed(const Tracer& tracer) {
  const auto* b = dynamic_cast<const BackgroundEbpfTracer*>(&tracer);
  return b != nullptr && b->load_failed();
}

Result<std::unique_ptr<Tracer>> make_ebpf_tracer(const EbpfOptions& options) {
  auto t = load(options);
  if (!t) return t.error();
  return std::unique_ptr<Tracer>(std::move(*t));
}

Result<Observations> record_cgroup_ebpf(const std::string& cgroup_path, uint64_t duration_ms) {
  auto id = cgroup_v2_id(cgroup_path);
  if (!id) return id.error();
  EbpfOptions opt;
  opt.cgroup_id = *id;
  auto t = load(opt);
  if (!t) return t.error();

  g_cgroup_stop = 0;
  struct sigaction sa {}, old_int {}, old_term {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  Observations obs;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(duration_ms);
  static_assert(sizeof(sig_atomic_t) == sizeof(int));
  (*t)->run_until(deadline, duration_ms > 0, reinterpret_cast<const volatile int*>(&g_cgroup_stop), obs);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  return obs;
}

}  // namespace profile

#endif  // PROFILE_HAVE_EBPF
