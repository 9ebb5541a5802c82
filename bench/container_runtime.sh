#!/bin/bash
# The recorded seccomp.json, unchanged, starting containers: runs the
# ContainerRuntime integration tests with RUNS (default 20) container starts
# per case (runc and podman, with and without no-new-privileges) and prints
# the started/total lines. Root; runc and podman installed.
set -euo pipefail
build=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
PROFILE_CONTAINER_RUNS=${RUNS:-20} "$build/tests/integration_tests" --gtest_filter='ContainerRuntime.*' |
  grep -E '^\[ *(runtime|PASSED|FAILED) *\]'
