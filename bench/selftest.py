#!/usr/bin/env python3
"""Checks of the suite's own arithmetic and chart, on synthetic runs (no
root, no timing): run by tests/unit/bench_suite_test.cc."""
import os
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chart  # noqa: E402
import suite  # noqa: E402


def check(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)


def main():
    # A recording forked at 100.000 s and reaped at 100.500 s: the programs
    # were attached at 100.030, the workload's tree was gone at 100.300.
    # The tracer is unloaded before the profile is generated, so the end
    # phase runs to the reap, not to "unloaded".
    err = "\n".join([
        "ebpf: opened with the cached minimised BTF at 0 us (recorder cpu 1 us, peak rss 9000 kB, monotonic 100010000 us)",
        "ebpf: loaded at 15000 us (recorder cpu 2 us, peak rss 19000 kB, monotonic 100025000 us)",
        "ebpf: attached at 20000 us (recorder cpu 3 us, peak rss 19000 kB, monotonic 100030000 us)",
        "ebpf: workload done at 290000 us (recorder cpu 4 us, peak rss 25000 kB, monotonic 100300000 us)",
        "ebpf: unloaded at 300000 us (recorder cpu 5 us, peak rss 25000 kB, monotonic 100310000 us)",
    ])
    ph = suite.parse_phases(err, (100.0, 100.5))
    check(ph is not None, "phases parsed")
    start, rec, end = ph
    check(abs(start - 0.030) < 1e-6, "start-up is fork to attached: %r" % start)
    check(abs(rec - 0.270) < 1e-6, "recorded is attached to workload done: %r" % rec)
    check(abs(end - 0.200) < 1e-6, "end is workload done to reap: %r" % end)
    check(suite.parse_phases("ebpf: attached at 1 us (x)\n", (0, 1)) is None, "no phases without the stamps")

    res = [{"name": "loop", "median": {"untraced": 1.0, "floor": 1.5, "ebpf": 2.0}},
           {"name": "find <a&b>", "median": {"untraced": 0.5, "floor": 0.55, "ebpf": 0.6, "strace": 50.0}}]
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "c.svg")
        chart.write_svg(out, res, ["untraced", "floor", "ebpf", "strace"], "t")
        check(not os.path.exists(out + ".tmp"), "written through a temporary name")
        root = ET.parse(out).getroot()  # well-formed despite the <&> in a name
    ns = "{http://www.w3.org/2000/svg}"
    labels = [t.text for t in root.iter(ns + "text")]
    for want in ("1.50x", "2.00x", "1.10x", "1.20x", "100.00x", "find <a&b>"):
        check(want in labels, "label %s in %r" % (want, labels))
    check("0.00x" not in labels and not any(l == "1.00x" for l in labels), "no bar for untraced itself")
    bars = [r for r in root.iter(ns + "rect") if r.get("height") == "9"]
    check(len(bars) == 5, "one bar per workload and tool: %d" % len(bars))
    w = [float(b.get("width")) for b in bars]
    # loop: floor 1.5 < ebpf 2.0; find: floor 1.1 < ebpf 1.2 < strace 100.
    check(w[0] < w[1] and w[2] < w[3] < w[4] and w[2] < w[0], "bar lengths follow the ratios: %r" % w)
    print("bench selftest: ok")


if __name__ == "__main__":
    main()
