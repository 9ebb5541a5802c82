"""A dependency-free SVG bar chart: per workload, one bar per tool, the
median wall time relative to the untraced run, on a log scale (strace and
ptrace are two orders of magnitude above the rest)."""
import math
from xml.sax.saxutils import escape

COLOURS = {
    "slow path": "#c7b299",
    "floor": "#9e9e9e",
    "ebpf": "#1b7837",
    "ptrace": "#762a83",
    "strace": "#d6604d",
    "bpftrace": "#2166ac",
    "perf trace": "#e08214",
}
LABELS = {"ebpf": "profile record (eBPF)", "ptrace": "profile record (ptrace)", "floor": "floor (empty program)"}


def write_svg(path, results, tools, title):
    tools = [t for t in tools if t != "untraced"]
    bar_h, gap, left, right, top = 11, 10, 190, 70, 60
    rows = []
    for r in results:
        base = r["median"].get("untraced")
        bars = [(t, r["median"][t] / base) for t in tools if base and t in r["median"]]
        rows.append((r["name"], bars))
    height = top + sum(len(b) * bar_h + gap for _, b in rows) + 40
    width = 760
    hi = max([x for _, b in rows for _, x in b] + [2.0])
    lmax = math.log10(hi) * 1.05
    plot_w = width - left - right

    def xpos(v):
        return left + plot_w * (math.log10(max(v, 1.0)) / lmax)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
           % (width, height), '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="18" font-size="13" font-weight="bold">%s</text>' % (left - 180, escape(title))]
    # Legend.
    lx = left - 180
    for t in tools:
        out.append('<rect x="%d" y="28" width="10" height="10" fill="%s"/>' % (lx, COLOURS.get(t, "#444")))
        label = LABELS.get(t, t)
        out.append('<text x="%d" y="37">%s</text>' % (lx + 13, escape(label)))
        lx += 20 + 6 * len(label)
    # Grid at 1x, 1.1x, 1.5x, 2x, 5x, 10x, ...
    ticks = [v for v in (1, 1.1, 1.5, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if v <= hi * 1.1]
    y0, y1 = top - 6, height - 30
    for v in ticks:
        x = xpos(v)
        dash = ' stroke-dasharray="3,3"' if v == 1.1 else ""
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ccc"%s/>' % (x, y0, x, y1, dash))
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%gx</text>' % (x, y1 + 14, v))
    y = top
    for name, bars in rows:
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                   % (left - 6, y + len(bars) * bar_h / 2 + 4, escape(name)))
        for t, v in bars:
            x = xpos(v)
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                       % (left, y, max(x - left, 1), bar_h - 2, COLOURS.get(t, "#444")))
            out.append('<text x="%.1f" y="%d" font-size="9">%.2fx</text>' % (x + 3, y + bar_h - 3, v))
            y += bar_h
        y += gap
    out.append("</svg>")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(out) + "\n")
    import os
    os.replace(tmp, path)
