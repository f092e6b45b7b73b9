#!/usr/bin/env bash
# run-tests.sh -- build lipen (via setup.sh) and run the ctest suite.
#
#   bash scripts/run-tests.sh [ctest arguments, e.g. -R elasticity]
#
# Without arguments: the default suite, every test except those labelled
# 'extended' (the penetration convergence study, ~6 min: run it with
# bash scripts/run-tests.sh -L extended), 'long' (the
# 3D phase-field penny, the time-stepper and the kill tests, ~12 min:
# -L long) and 'fuzz' (the full fuzz set: -L fuzz).
#
# Environment: LIPEN_BUILD_DIR overrides the build directory.
# Exits with ctest's exit status.
set -euo pipefail

die() { echo "run-tests.sh: ERROR: $*" >&2; exit 1; }

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n "${LIPEN_BUILD_DIR:-}" ]]; then
  mkdir -p "${LIPEN_BUILD_DIR}"
  LIPEN_BUILD_DIR="$(cd "${LIPEN_BUILD_DIR}" && pwd)"
  export LIPEN_BUILD_DIR
fi
BUILD_DIR="${LIPEN_BUILD_DIR:-${REPO_ROOT}/build}"

bash "${REPO_ROOT}/scripts/setup.sh" || die "setup/build failed"

# MPI tests may run as root (containers/CI) and with more ranks than cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_NUM_THREADS=1 OMPI_MCA_rmaps_base_oversubscribe=1

cd "${BUILD_DIR}"
status=0
if (($# == 0)); then
  set -- -LE "extended|fuzz|long"
fi
ctest --output-on-failure -j1 "$@" || status=$?
((status == 0)) || echo "run-tests.sh: ctest failed (exit status ${status})" >&2
exit "${status}"
