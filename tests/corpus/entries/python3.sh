DESCRIPTION="python3: a script creating a tree under a new directory and walking it; enforced with another directory and more levels"
INTERPRETED=1
prepare() {
  cat >tree.py <<'PY'
import os, sys
root, depth = sys.argv[1], int(sys.argv[2])
def make(d, level):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "notes-%d.txt" % level), "w") as f:
        f.write("level %d\n" % level)
    if level < depth:
        for name in ("left", "right"):
            make(os.path.join(d, name), level + 1)
make(root, 1)
total = 0
for d, dirs, files in os.walk(root):
    dirs.sort()
    for name in sorted(files):
        with open(os.path.join(d, name)) as f:
            total += len(f.read())
        print(os.path.relpath(os.path.join(d, name), root))
print("bytes", total)
PY
}
record_job() { RECORD=(/usr/bin/python3 tree.py build-a 2); }
enforce_job() { ENFORCE=(/usr/bin/python3 tree.py output/run-b 3); }
