#!/usr/bin/env bash
# setup.sh -- install the Debian packages lipen needs (only the missing ones)
# and configure + build lipen with CMake.  Idempotent; safe to re-run.
#
# Run it (do not source it):   bash scripts/setup.sh
# Environment:
#   LIPEN_BUILD_DIR   build directory (default: <repo>/build; relative paths
#                     are taken relative to the current directory)
set -euo pipefail

die() { echo "setup.sh: ERROR: $*" >&2; exit 1; }
trap 'die "command failed (line ${LINENO}): ${BASH_COMMAND}"' ERR

# Repository root = parent of the directory holding this script.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${LIPEN_BUILD_DIR:-${REPO_ROOT}/build}"
mkdir -p "${BUILD_DIR}" || die "cannot create build directory ${BUILD_DIR}"
BUILD_DIR="$(cd "${BUILD_DIR}" && pwd)"

# --- (a) Debian packages -----------------------------------------------------
# ParaView's Python package (python3-paraview) also provides the 'vtk'
# module of /usr/bin/python3 that the test scripts use; Debian 12's
# python3-vtk9 conflicts with it (installing one removes the other, and
# libvtk9-dev depends on python3-vtk9), so neither is installed here:
# lipen's build does not use the VTK C++ libraries.
PACKAGES=(libdeal.ii-dev openmpi-bin libopenmpi-dev gmsh python3-paraview
          python3-matplotlib python3-numpy ccache cmake g++ make
          libboost-dev clang-format paraview xvfb xauth slurm-wlm munge)

missing=()
for pkg in "${PACKAGES[@]}"; do
  # 'dpkg -s' also succeeds for removed-but-not-purged packages, so check Status.
  if ! dpkg -s "${pkg}" 2>/dev/null | grep -q '^Status: install ok installed'; then
    missing+=("${pkg}")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "setup.sh: installing missing packages: ${missing[*]}"
  SUDO=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 \
      || die "not root and sudo not available; install manually: ${missing[*]}"
    SUDO=(sudo)
  fi
  # Wait (up to 20 min) for another apt/dpkg process instead of failing on its lock.
  APT_OPTS=(-o DPkg::Lock::Timeout=1200)
  "${SUDO[@]}" apt-get "${APT_OPTS[@]}" update \
    || die "apt-get update failed"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${APT_OPTS[@]}" install -y "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]}"
else
  echo "setup.sh: all required Debian packages are installed"
fi

# --- (b) configure and build ------------------------------------------------
[[ -f "${REPO_ROOT}/CMakeLists.txt" ]] \
  || die "no CMakeLists.txt in ${REPO_ROOT}"

CMAKE_ARGS=(-S "${REPO_ROOT}" -B "${BUILD_DIR}" -DCMAKE_BUILD_TYPE=Release)
if command -v ccache >/dev/null 2>&1; then
  CMAKE_ARGS+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

echo "setup.sh: configuring in ${BUILD_DIR}"
cmake "${CMAKE_ARGS[@]}" || die "CMake configuration failed (see output above)"
echo "setup.sh: building"
cmake --build "${BUILD_DIR}" -j2 || die "build failed (see compiler output above)"
echo "setup.sh: build OK (${BUILD_DIR})"
