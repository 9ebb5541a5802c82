#!/bin/bash
# Installs the Debian packages the build, the tests and the demo need
# (`install-deps.sh bench`: also what `make bench` compares against).
# A no-op when every package is already present.
set -euo pipefail
PKGS=(
  cmake g++ make pkg-config
  libseccomp-dev libbpf-dev bpftool clang llvm libelf-dev zlib1g-dev
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libgtest-dev libgmock-dev
  libcap-dev libssl-dev libcap2-bin apparmor runc busybox iproute2 python3 strace procps hyperfine
  # the programs of the corpus (tests/corpus, docs/corpus.md)
  git gcc make tar xz-utils perl sqlite3 jq openssl curl redis-server zip unzip tcl
  podman  # the container runtime tests run podman with runc; it brings conmon
  systemd  # systemd-analyze verify checks the exported drop-in (PID 1 need not be systemd)
)
if [ "${1:-}" = bench ]; then
  # The tools a user would run instead of the recorder; perf comes from
  # linux-perf on Debian 12 (the kernel's own version is not required).
  PKGS+=(strace bpftrace linux-perf util-linux)
fi
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing missing packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "error: packages missing and not root; run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
