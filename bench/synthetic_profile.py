#!/usr/bin/env python3
"""Writes a synthetic profile.json with N file rules (default 100000) into DIR,
for bench/generate.sh: a deep tree of literal paths with mixed access sets,
one-level globs, /proc/@{pid} rules, escaped and non-ASCII names.

    bench/synthetic_profile.py DIR [N]
"""
import json, os, random, sys

out_dir = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
rng = random.Random(20240611)
access_sets = [["read"], ["read"], ["mmap-exec", "read"], ["read", "write"], ["create", "write"],
               ["create", "delete", "write"], ["list"], ["list", "read"], ["link"], ["chmod", "lock"],
               ["append"], ["execute", "read"]]
odd = ["st\\*ar", "at\\@sign", "caf\u00e9", "ctl\\x01x", "sp ace", "ha#sh"]
files = {}
top = 0
while len(files) < n:
    d = "/srv/t%d" % top + "".join("/d%d" % rng.randrange(3) for _ in range(1 + rng.randrange(6)))
    files[d] = ["list"]
    for i in range(1 + rng.randrange(24)):
        name = rng.choice(odd) if rng.randrange(40) == 0 else "f%d%s" % (i, rng.choice([".so", ".h", "", ".py"]))
        files[d + "/" + name] = rng.choice(access_sets)
    if rng.randrange(10) == 0:
        files[d + "/*.gz"] = ["read"]
    top += 1
files["/proc/@{pid}/status"] = ["read"]
files["/proc/@{pid}/fd/*"] = ["read"]
files["/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"] = ["mmap-exec", "read"]
profile = {
    "arguments": [],
    "capabilities": [],
    "files": [{"access": sorted(set(a)), "path": p} for p, a in sorted(files.items(), key=lambda kv: kv[0].encode())],
    "name": "synthetic",
    "network": {"ports": [], "sockets": [], "unix": []},
    "recording": {"complete": True, "lost_events": 0, "tracer": "ebpf"},
    "schema": 1,
    "syscalls": {"x86_64": ["close", "openat", "read", "write"]},
}
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "profile.json"), "w") as f:
    f.write(json.dumps(profile, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
