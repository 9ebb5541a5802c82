#!/usr/bin/env python3
"""The benchmark suite behind `make bench` (bench/run.sh prepares its tools).

Every workload runs under every tool in one sitting, in alternating rounds
(the tool order rotates each round), so that the ratios compare runs made
seconds apart on a noisy shared machine. Times are whole processes (wall
clock from fork to reap); peak RSS is the reaped process tree's maximum
(ru_maxrss of wait4). Writes a Markdown report and, with chart.py, an SVG.

Only the standard library: the suite must run on a fresh machine.
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import chart  # noqa: E402

# Tools too slow for workloads of millions of syscalls (a ptrace stop costs
# ~0.1-0.3 ms on these VMs, perf trace handles every event in userspace):
# they run only on workloads marked small.
SLOW_TOOLS = {"strace", "ptrace", "perf trace"}


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def run_timed(argv, env=None, cwd=None, stderr_path=None):
    """(seconds, peak RSS in KiB, exit status, stderr text) of one run."""
    err = open(stderr_path, "w+") if stderr_path else subprocess.DEVNULL
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.monotonic()
    dt = t1 - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    text = ""
    if stderr_path:
        err.seek(0)
        text = err.read()
        err.close()
    # CPU time of the whole tree: what the load of the machine inflates
    # least (wall time on a busy 2-CPU VM includes waiting for a CPU).
    return dt, (ru.ru_maxrss, ru.ru_utime + ru.ru_stime), p.returncode, text, (t0, t1)


class Suite:
    def __init__(self, a):
        self.a = a
        self.profile = os.path.realpath(os.path.join(a.build, "profile"))
        self.tmp = a.tmp
        self.results = []  # dicts per workload
        self.tools = self.detect_tools()

    # --- tools -----------------------------------------------------------
    def detect_tools(self):
        a = self.a
        tools = ["untraced", "slow path", "floor", "ebpf"]
        ok = run_timed([self.profile, "record", "--tracer", "ptrace", "-o", os.path.join(self.tmp, "probe"),
                        "--", "/bin/true"])[2] == 0
        if ok:
            tools.append("ptrace")
        else:
            log("the ptrace recorder is not available in this build; its column is skipped")
        if shutil.which("strace"):
            tools.append("strace")
        if shutil.which("bpftrace") and shutil.which("unshare"):
            tools.append("bpftrace")
        else:
            log("bpftrace is not installed; its column is skipped")
        if shutil.which("perf") and subprocess.run(["perf", "trace", "-h"], stdout=subprocess.DEVNULL,
                                                  stderr=subprocess.DEVNULL).returncode in (0, 129):
            tools.append("perf trace")
        else:
            log("perf trace is not available; its column is skipped")
        only = [t for t in (a.tools or "").split(",") if t]
        return [t for t in tools if not only or t in only or t == "untraced"]

    def argv(self, tool, script, out):
        sh = ["sh", script]
        # tracefs is mounted in a private mount namespace for the tracepoint
        # users, so that the machine is left as it was (the recorder itself
        # needs no tracefs).
        tracefs = "mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing; exec \"$@\""
        if tool == "untraced":
            return sh
        if tool == "slow path":
            return [self.a.slowpath_run, "sh " + script]
        if tool == "floor":
            return [self.a.floor_run, self.a.floor_obj, "sh " + script]
        if tool in ("ebpf", "ptrace"):
            return [self.profile, "record", "--tracer", tool, "--allow-loss", "-o", out, "--"] + sh
        if tool == "strace":
            return ["strace", "-f", "-qq", "-o", "/dev/null"] + sh
        if tool == "bpftrace":
            return ["unshare", "-m", "--propagation", "private", "sh", "-c", tracefs, "-", "bpftrace", "-q", "-o",
                    "/dev/null", "-e", "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }", "-c",
                    "/bin/sh " + script]
        if tool == "perf trace":
            return ["unshare", "-m", "--propagation", "private", "sh", "-c", tracefs, "-", "perf", "trace", "-s",
                    "-o", "/dev/null", "--"] + sh
        raise ValueError(tool)

    # --- one workload --------------------------------------------------------
    def measure(self, name, cmd, small, cwd=None, runs=None, tools=None):
        runs = runs or self.a.runs
        script = os.path.join(self.tmp, "w-" + re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".sh")
        with open(script, "w") as f:
            f.write(("cd '%s' || exit 1\n" % cwd if cwd else "") + cmd + "\n")
        tools = [t for t in (tools or self.tools) if small or t not in SLOW_TOOLS]
        times = {t: [] for t in tools}
        rss = {t: [] for t in tools}
        cpu = {t: [] for t in tools}
        phases = []
        failed = {}
        out = {t: os.path.join(self.tmp, "p-%s-%s" % (re.sub(r"\W", "_", name), t.replace(" ", "_"))) for t in tools}
        log("%s: %s (%d rounds of %s)" % (name, cmd, runs + 1, ", ".join(tools)))
        for r in range(runs + 1):  # round 0 warms the caches and is dropped
            order = tools[r % len(tools):] + tools[:r % len(tools)]
            for t in order:
                env = dict(os.environ)
                if t == "ebpf":
                    env["PROFILE_EBPF_TIMING"] = "1"
                errf = os.path.join(self.tmp, "stderr")
                dt, maxrss, rc, err, span = run_timed(self.argv(t, script, out[t]), env=env, stderr_path=errf)
                if rc != 0:
                    failed[t] = "exit %d: %s" % (rc, err.strip().splitlines()[-1] if err.strip() else "")
                if r == 0:
                    continue
                times[t].append(dt)
                rss[t].append(maxrss[0])
                cpu[t].append(maxrss[1])
                if t == "ebpf":
                    ph = parse_phases(err, span)
                    if ph:
                        phases.append(ph)
        res = {"name": name, "cmd": cmd, "tools": tools, "failed": failed}
        res["median"] = {t: statistics.median(v) for t, v in times.items() if v}
        res["range"] = {t: (min(v), max(v)) for t, v in times.items() if v}
        res["rss"] = {t: statistics.median(v) for t, v in rss.items() if v}
        res["cpu"] = {t: statistics.median(v) for t, v in cpu.items() if v}
        if phases:
            res["phases"] = tuple(statistics.median(p[i] for p in phases) for i in range(3))
        pj = os.path.join(out.get("ebpf", ""), "profile.json")
        if "ebpf" in tools and os.path.exists(pj):
            text = open(pj).read()
            res["profile_bytes"] = sum(os.path.getsize(os.path.join(out["ebpf"], f)) for f in os.listdir(out["ebpf"]))
            res["file_rules"] = text.count('"path"')
            m = re.search(r'"lost_events":\s*(\d+)', text)
            res["lost"] = int(m.group(1)) if m else 0
        for t, why in failed.items():
            log("%s under %s failed (%s)" % (name, t, why))
        return res, script

    # --- bpf_stats -------------------------------------------------------------
    def bpf_stats(self, script):
        """ns per call of the recorder's sys_exit program and of the floor's
        empty one, and the recorder's total program time, from the kernel's
        own statistics (kernel.bpf_stats_enabled), read while each runs."""
        if not shutil.which("bpftool"):
            return None
        stats_script = script + ".stats.sh"
        with open(stats_script, "w") as f:
            # The programs are gone once their process exits: stay a little
            # so that the last sample sees the final counts.
            f.write(open(script).read() + "sleep 0.4\n")
        got = {}
        for tool, progs in (("ebpf", None), ("floor", {"floor_exit"})):
            p = subprocess.Popen(self.argv(tool, stats_script, os.path.join(self.tmp, "p-stats")),
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            best = {}
            names = {}
            while p.poll() is None:
                # The process's own program descriptors (their fdinfo has the
                # counters), named through bpftool: other recorders may be
                # running on this machine at the same time.
                for prog_id, cnt, ns in prog_fdinfo(p.pid):
                    if prog_id not in names:
                        names.update(prog_names())
                    name = names.get(prog_id, str(prog_id))
                    if progs and name not in progs:
                        continue
                    if cnt >= best.get(name, (0, 0))[0]:
                        best[name] = (cnt, ns)
                time.sleep(0.1)
            got[tool] = best
        rec = got.get("ebpf", {})
        flo = got.get("floor", {}).get("floor_exit")
        sx = rec.get("on_sys_exit")
        if not sx or not flo or not sx[0] or not flo[0]:
            return None
        return {"calls": sx[0], "rec_ns": sx[1] / sx[0], "floor_ns": flo[1] / flo[0],
                "rec_total_ms": sum(v[1] for v in rec.values()) / 1e6,
                "floor_total_ms": flo[1] / 1e6}


def prog_fdinfo(pid):
    """(prog id, run_cnt, run_time_ns) of each BPF program descriptor of pid."""
    out = []
    d = "/proc/%d/fdinfo" % pid
    try:
        fds = os.listdir(d)
    except OSError:
        return out
    for fd in fds:
        try:
            text = open(os.path.join(d, fd)).read()
        except OSError:
            continue
        f = dict(re.findall(r"^(prog_id|run_cnt|run_time_ns):\s*(\d+)", text, re.M))
        if len(f) == 3:
            out.append((int(f["prog_id"]), int(f["run_cnt"]), int(f["run_time_ns"])))
    return out


def prog_names():
    q = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True, text=True)
    try:
        return {p["id"]: p.get("name", "") for p in json.loads(q.stdout or "[]")}
    except (ValueError, KeyError, TypeError):
        return {}


def parse_phases(err, span):
    """start-up, recorded, end (s) of one `profile record` run, from
    PROFILE_EBPF_TIMING's monotonic stamps and the run's own fork and reap
    times (time.monotonic is the same clock): start-up is fork to the
    programs attached, recorded is attached to the workload's tree gone,
    end is from there to the process reaped (draining, generating and
    writing the profile)."""
    t = {}
    for m in re.finditer(r"^ebpf: (.*?) at \d+ us .*monotonic (\d+) us", err, re.M):
        t[m.group(1)] = int(m.group(2)) / 1e6
    if "attached" not in t or "workload done" not in t:
        return None
    t0, t1 = span
    return (t["attached"] - t0, t["workload done"] - t["attached"], t1 - t["workload done"])


def fmt_ms(s):
    return "%.0f ms" % (s * 1000) if s < 10 else "%.1f s" % s


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return "%s, %d CPUs (%s), %.0f GiB, kernel %s" % (platform.node(), os.cpu_count(), cpu, mem, platform.release())


def loadavg():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--floor-run", dest="floor_run", required=True)
    ap.add_argument("--floor-obj", dest="floor_obj", required=True)
    ap.add_argument("--slowpath-run", dest="slowpath_run", required=True)
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")))
    ap.add_argument("--loop", type=int, default=int(os.environ.get("BENCH_LOOP", "10000000")))
    ap.add_argument("--small-loop", type=int, default=int(os.environ.get("BENCH_SMALL_LOOP", "20000")))
    ap.add_argument("--find-dir", default=os.environ.get("BENCH_FIND_DIR", "/usr"))
    ap.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "1000,10000,100000"))
    ap.add_argument("--tools", default=os.environ.get("BENCH_TOOLS", ""))
    ap.add_argument("--corpus", default=os.environ.get("BENCH_CORPUS", "sqlite3,tar,python3"))
    ap.add_argument("--out", default=os.environ.get("BENCH_OUT", "bench/results.md"))
    ap.add_argument("--svg", default=os.environ.get("BENCH_SVG", "bench/results.svg"))
    a = ap.parse_args()
    start = time.time()
    s = Suite(a)
    helpers = os.path.realpath(os.path.join(a.build, "helpers"))
    load0 = loadavg()

    work = []  # (name, cmd, small, cwd)
    work.append(("getppid x%s" % human(a.loop), "%s/eb_loop %d" % (helpers, a.loop), False, None))
    work.append(("find %s -xdev" % a.find_dir, "find %s -xdev > /dev/null" % a.find_dir, False, None))
    gdir = os.path.join(a.tmp, "gcc")
    os.makedirs(gdir, exist_ok=True)
    with open(os.path.join(gdir, "small.c"), "w") as f:
        f.write(SMALL_C)
    work.append(("gcc -O2 -c x6", "for i in 1 2 3 4 5 6; do gcc -O2 -c small.c -o small.o || exit 1; done", True, gdir))
    for entry in [c for c in a.corpus.split(",") if c]:
        cmd, cwd = corpus_job(entry, a.tmp)
        if cmd:
            work.append(("corpus: " + entry, cmd, True, None))
    work.append(("getppid x%s" % human(a.small_loop), "%s/eb_loop %d" % (helpers, a.small_loop), True, None))

    stats = {}
    for name, cmd, small, cwd in work:
        res, script = s.measure(name, cmd, small, cwd)
        res["load"] = loadavg()
        s.results.append(res)
        if not name.startswith("corpus") and "x" + human(a.small_loop) not in name:
            st = s.bpf_stats_guarded(script)
            if st:
                stats[name] = st

    scale = []
    for n in [int(x) for x in a.scale.split(",") if x]:
        # On tmpfs when there is one: on this VM's disk the same 100k files
        # take 4 s one time and 15 s the next, which drowns the recorder.
        d = ("/dev/shm" if os.path.isdir("/dev/shm") else "/var/tmp") + "/profile-bench-scale"
        cmd = ("rm -rf {d} && mkdir -p {d} && cd {d} && seq {n} | xargs touch && "
               "find . -type f -print0 | xargs -0 cat > /dev/null; cd / && rm -rf {d}").format(d=d, n=n)
        res, _ = s.measure("%s files" % human(n), cmd, False, None, runs=2,
                           tools=["untraced", "floor", "ebpf"])
        scale.append((n, res))

    # `record -- /bin/true`: start-up and end alone.
    true_res, _ = s.measure("record -- /bin/true", "exec /bin/true", False, None, runs=a.runs * 4,
                            tools=["untraced", "ebpf"])

    elapsed = time.time() - start
    write_report(a, s, stats, scale, true_res, load0, loadavg(), elapsed)
    chart.write_svg(a.svg, [r for r in s.results], s.tools,
                    "Wall time relative to the untraced run (%s, %s)" % (platform.release(),
                                                                        time.strftime("%Y-%m-%d", time.gmtime())))
    log("results in %s and %s (%.0f s)" % (a.out, a.svg, elapsed))


SMALL_C = r"""
#include <stdio.h>
#include <string.h>
struct item { const char* name; double price; };
static int cmp(const void* a, const void* b) {
  const struct item* x = a; const struct item* y = b;
  return (x->price > y->price) - (x->price < y->price);
}
int sort_items(struct item* v, int n) {
  for (int i = 1; i < n; ++i)
    for (int j = i; j > 0 && cmp(&v[j - 1], &v[j]) > 0; --j) { struct item t = v[j]; v[j] = v[j - 1]; v[j - 1] = t; }
  int total = 0;
  for (int i = 0; i < n; ++i) total += (int)strlen(v[i].name);
  printf("%d\n", total);
  return total;
}
"""


def human(n):
    for unit, div in (("M", 1000000), ("k", 1000)):
        if n >= div and n % div == 0:
            return "%d%s" % (n // div, unit)
    return str(n)


def corpus_job(entry, tmp):
    """The record job of tests/corpus/entries/ENTRY.sh, prepared in its own
    directory: (shell command, directory), or (None, None)."""
    path = os.path.join(HERE, "..", "tests", "corpus", "entries", entry + ".sh")
    if not os.path.exists(path):
        log("no corpus entry %s" % entry)
        return None, None
    # Under /var/tmp: the recorder's sandbox gives the workload a private /tmp.
    d = os.path.join("/var/tmp", "profile-bench-corpus-" + entry)
    shutil.rmtree(d, ignore_errors=True)
    shutil.rmtree(d + "-prepared", ignore_errors=True)
    os.makedirs(d)
    q = subprocess.run(["bash", "-c", '. "$1" && prepare >/dev/null && record_job && printf "%q " "${RECORD[@]}"',
                        "-", os.path.realpath(path)], cwd=d, capture_output=True, text=True)
    if q.returncode != 0 or not q.stdout.strip():
        log("corpus entry %s could not be prepared: %s" % (entry, q.stderr.strip()))
        return None, None
    # Every run starts from the prepared directory (sqlite3's job cannot run
    # twice on one database); the copy is part of every tool's time alike.
    os.rename(d, d + "-prepared")
    return "rm -rf %s && cp -a %s-prepared %s && cd %s && %s > /dev/null" % (d, d, d, d, q.stdout.strip()), d


def _bpf_stats_guarded(self, script):
    """bpf_stats with kernel.bpf_stats_enabled restored afterwards, even on
    an interrupt."""
    knob = "/proc/sys/kernel/bpf_stats_enabled"
    try:
        old = open(knob).read().strip()
    except OSError:
        return None
    prev = signal.getsignal(signal.SIGINT)
    try:
        with open(knob, "w") as f:
            f.write("1")
        return self.bpf_stats(script)
    except OSError:
        return None
    finally:
        with open(knob, "w") as f:
            f.write(old)
        signal.signal(signal.SIGINT, prev)


Suite.bpf_stats_guarded = _bpf_stats_guarded


def ratio(res, tool, base="untraced"):
    m = res["median"]
    if tool not in m or base not in m or m[base] <= 0:
        return None
    return m[tool] / m[base]


def write_report(a, s, stats, scale, true_res, load0, load1, elapsed):
    L = []
    day = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    L.append("# Benchmark results")
    L.append("")
    L.append("`make bench`, %s, on %s. Load average %s at the start, %s at the end; the whole run took %.0f s."
             % (day, machine(), load0, load1, elapsed))
    L.append("")
    L.append("Each workload ran under every tool in %d alternating rounds (after one warm-up round, dropped); the "
             "tool order rotates each round. Figures are medians of whole processes (fork to reap), ratios are "
             "to the untraced median of the same workload in this run, and the range is the fastest and slowest "
             "run divided by that median. *floor*: one empty `sys_exit` program (bench/floor/), the least a "
             "recorder on the syscall tracepoints costs. *eBPF* and *ptrace* are `profile record` end to end "
             "(start-up, recording, writing the profile). *bpftrace* counts syscalls by comm; *perf trace* is "
             "`perf trace -s`. strace and the ptrace recorder run only on the small workloads (a ptrace stop "
             "costs ~0.1-0.3 ms here)." % a.runs)
    L.append("")
    tools = s.tools
    L.append("| workload | untraced | " + " | ".join(t for t in tools if t != "untraced") + " | eBPF / floor |")
    L.append("|---|---:|" + "---:|" * (len(tools) - 1) + "---:|")
    for r in s.results:
        cells = []
        for t in tools:
            if t == "untraced":
                continue
            x = ratio(r, t)
            if x is None:
                cells.append("")
                continue
            lo, hi = (v / r["median"]["untraced"] for v in r["range"][t])
            cells.append("%.2fx (%.2f-%.2f)%s" % (x, lo, hi, " !" if t in r["failed"] else ""))
        ef = ratio(r, "ebpf", "floor")
        L.append("| %s | %s | %s | %s |" % (r["name"], fmt_ms(r["median"]["untraced"]), " | ".join(cells),
                                             "%.2fx" % ef if ef else ""))
    L.append("")
    bad = [(r["name"], t, why) for r in s.results for t, why in r["failed"].items()]
    if bad:
        L.append("`!`: at least one run exited non-zero: " + "; ".join("%s under %s (%s)" % b for b in bad))
        L.append("")
    L.append("## The recorder: phases, memory, profile")
    L.append("")
    L.append("*Start-up*: from `profile` started to the programs attached; *recorded*: attached to the workload's "
             "tree gone; *end*: draining, generating and writing the profile (PROFILE_EBPF_TIMING, median of the "
             "eBPF runs above); wall times, so a busy machine stretches them. *CPU*: user + system time of the "
             "whole process tree (median), which the machine's load stretches least. Peak RSS: the largest of `profile` and the workload's processes (ru_maxrss).")
    L.append("")
    L.append("| workload | start-up / recorded / end | CPU, untraced / eBPF | peak RSS, eBPF | peak RSS, ptrace | file rules | profile size | lost events | load |")
    L.append("|---|---|---|---:|---:|---:|---:|---:|---|")
    for r in s.results + [true_res]:
        ph = r.get("phases")
        c = r.get("cpu", {})
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["name"], "%.0f / %.0f / %.0f ms" % tuple(x * 1000 for x in ph) if ph else "",
            "%.0f / %.0f ms" % (c["untraced"] * 1000, c["ebpf"] * 1000) if "ebpf" in c and "untraced" in c else "",
            "%.1f MB" % (r["rss"]["ebpf"] / 1024) if "ebpf" in r["rss"] else "",
            "%.1f MB" % (r["rss"]["ptrace"] / 1024) if "ptrace" in r["rss"] else "",
            r.get("file_rules", ""), "%.0f kB" % (r["profile_bytes"] / 1000) if "profile_bytes" in r else "",
            r.get("lost", ""), r.get("load", "")))
    L.append("")
    m = true_res["median"]
    if "ebpf" in m:
        lo, hi = true_res["range"]["ebpf"]
        L.append("`profile record -- /bin/true`: %.1f ms median (%.1f-%.1f), %.1f ms of CPU, %d runs; `/bin/true` "
                 "alone %.1f ms." % (m["ebpf"] * 1000, lo * 1000, hi * 1000, true_res["cpu"]["ebpf"] * 1000, a.runs * 4,
                                     m["untraced"] * 1000))
        L.append("")
    L.append("## Per-call cost above the floor (bpf_stats)")
    L.append("")
    L.append("`kernel.bpf_stats_enabled=1` (restored afterwards), `bpftool prog show` run_time_ns / run_cnt of the "
             "recorder's `on_sys_exit` and of the floor's empty program, each in its own run of the workload. Both "
             "programs run for every syscall of the machine, so *calls* and the totals include other processes "
             "running at the time; the cost per call is what compares. The statistics add their own cost (two "
             "clock reads per call) to both.")
    L.append("")
    L.append("| workload | calls | recorder ns/call | floor ns/call | above the floor | recorder's programs in total | floor's in total |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    for name, st in stats.items():
        L.append("| %s | %d | %.0f | %.0f | %.0f ns | %.1f ms | %.1f ms |" % (
            name, st["calls"], st["rec_ns"], st["floor_ns"], st["rec_ns"] - st["floor_ns"], st["rec_total_ms"],
            st["floor_total_ms"]))
    L.append("")
    L.append("## Scaling with the number of distinct files")
    L.append("")
    L.append("The workload creates N empty files in one new directory on tmpfs (`seq N | xargs touch`) and reads "
             "them all back (`find | xargs cat`), then removes them; 2 rounds.")
    L.append("")
    L.append("| files | untraced | floor | eBPF end to end | eBPF / floor | end phase | peak RSS | file rules | profile size | lost events |")
    L.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in scale:
        ph = r.get("phases")
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            human(n), fmt_ms(r["median"]["untraced"]),
            "%.2fx" % ratio(r, "floor") if ratio(r, "floor") else "",
            "%.2fx" % ratio(r, "ebpf") if ratio(r, "ebpf") else "",
            "%.2fx" % ratio(r, "ebpf", "floor") if ratio(r, "ebpf", "floor") else "",
            "%.0f ms" % (ph[2] * 1000) if ph else "",
            "%.1f MB" % (r["rss"]["ebpf"] / 1024) if "ebpf" in r["rss"] else "",
            r.get("file_rules", ""), "%.0f kB" % (r["profile_bytes"] / 1000) if "profile_bytes" in r else "",
            r.get("lost", "")))
    L.append("")
    L.append("![ratio to untraced per workload and tool](results.svg)")
    L.append("")
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(L))
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
