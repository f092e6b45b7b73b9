#!/usr/bin/env bash
# run-default-study.sh -- build lipen, run the built-in default defect-size
# study on 2 MPI ranks from the repository root, and plot the result.
#
#   bash scripts/run-default-study.sh [lipen arguments, e.g. a .prm file]
#
# Environment:
#   LIPEN_BUILD_DIR    build directory (default: <repo>/build)
#   LIPEN_OUTPUT_DIR   where lipen writes (default: lipen-output, relative to
#                      the repo root); set it if your .prm changes the output
#                      directory, so the plotting step finds the CSV.
set -euo pipefail

die() { echo "run-default-study.sh: ERROR: $*" >&2; exit 1; }

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Make a relative LIPEN_BUILD_DIR absolute before we cd anywhere.
if [[ -n "${LIPEN_BUILD_DIR:-}" ]]; then
  mkdir -p "${LIPEN_BUILD_DIR}"
  LIPEN_BUILD_DIR="$(cd "${LIPEN_BUILD_DIR}" && pwd)"
  export LIPEN_BUILD_DIR
fi
BUILD_DIR="${LIPEN_BUILD_DIR:-${REPO_ROOT}/build}"

bash "${REPO_ROOT}/scripts/setup.sh" || die "setup/build failed"

LIPEN="${BUILD_DIR}/lipen"
[[ -x "${LIPEN}" ]] || die "executable ${LIPEN} not found after the build"

# Run from the repo root so the default output lands in <repo>/lipen-output/.
cd "${REPO_ROOT}"
OUT_DIR="${LIPEN_OUTPUT_DIR:-lipen-output}"

MPI_ARGS=(-np 2 --oversubscribe -x OMP_NUM_THREADS)
if [[ "$(id -u)" -eq 0 ]]; then MPI_ARGS+=(--allow-run-as-root); fi

# Time stamp, so that a stale CSV from an earlier run is not plotted.
STAMP="$(mktemp)"
trap 'rm -f "${STAMP}"' EXIT

# Without arguments: the main job, parameter_files/default_defect_size_study.prm
# (defect sizes 0.1-100 um, LPS glass and LLZTO, electrochemistry with the
# critical current searches), into OUT_DIR.
ARGS=("$@")
if [[ ${#ARGS[@]} -eq 0 ]]; then
  ARGS=("${REPO_ROOT}/parameter_files/default_defect_size_study.prm"
        --set "Output/Directory=${OUT_DIR}")
fi
echo "run-default-study.sh: mpirun ${MPI_ARGS[*]} ${LIPEN} ${ARGS[*]}"
OMP_NUM_THREADS=1 mpirun "${MPI_ARGS[@]}" "${LIPEN}" "${ARGS[@]}" \
  || die "lipen failed (exit status $?)"

CSV="${OUT_DIR}/defect_size_study.csv"
PNG="${OUT_DIR}/defect_size_study.png"
[[ -s "${CSV}" && "${CSV}" -nt "${STAMP}" ]] \
  || die "study table ${CSV} (in ${REPO_ROOT}) was not written by this run" \
         "(if your .prm sets another output directory, set LIPEN_OUTPUT_DIR)"
# Debian's python3-matplotlib/-numpy live in /usr/bin/python3 (a pyenv or
# venv python3 earlier in PATH would not see them).
PYTHON=python3
if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; fi
"${PYTHON}" "${REPO_ROOT}/postprocessing/plot_defect_size_study.py" "${CSV}" --out "${PNG}" \
  || die "plotting failed"
if [[ -e "${OUT_DIR}/critical_current.csv" ]]; then
  "${PYTHON}" "${REPO_ROOT}/postprocessing/plot_critical_current.py" \
    "${OUT_DIR}/critical_current.csv" --out "${OUT_DIR}/critical_current.png" \
    || die "plotting the critical currents failed"
fi

# Report where the results are (absolute paths).
ABS_OUT="$(cd "${OUT_DIR}" && pwd)"
echo
echo "Results:"
for f in defect_size_study.csv defect_size_study.png critical_current.csv \
    critical_current.png summary.json solution.pvd; do
  if [[ -e "${ABS_OUT}/${f}" ]]; then
    echo "  ${ABS_OUT}/${f}"
  else
    echo "  ${ABS_OUT}/${f}   (not written)"
  fi
done
echo "Open solution.pvd in ParaView to look at the fields."
