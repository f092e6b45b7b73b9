#!/usr/bin/env bash
# run_benchmarks.sh -- measure lipen's elasticity solver (mesh -> DoFs ->
# assembly -> CG + GAMG) on a ladder of mesh sizes, on 1 and 2 MPI ranks, and
# print a markdown table plus PASS/MISS against the targets of
# /work/shared/docs/performance-notes.md.
#
#   bash benchmarks/run_benchmarks.sh [options]
#
# Options
#   --quick            only the two smallest levels of each ladder (~1 min)
#   --ranks "1 2"      rank counts to run (default "1 2")
#   --cases REGEX      only cases whose name matches (e.g. '2d-L5|3d-L4')
#   --repeat N         run every (case, ranks) N times, keep the fastest (default 1)
#   --outdir DIR       results directory (default benchmarks/results)
#   --lipen PATH       executable (default $LIPEN_BUILD_DIR/lipen or build/lipen)
#   --wait-idle S      before each run wait up to S seconds for the machine to be
#                      idle (other processes < 0.15 cores); default 60, 0 = off
#   --no-snapshot      run the executable in place instead of a private copy
#   --retries N        repeat a run during which other processes used > 0.3
#                      cores up to N times, keep the fastest (default 1; 0 = off)
#   --no-bandwidth     skip the memory-bandwidth probe (bandwidth.py, ~10 s)
#   -h, --help
#
# Output: DIR/<timestamp>/{results.csv,results.md,runs/...} and copies of the
# newest results.csv/results.md in DIR.  Needs mpirun, /usr/bin/time and a
# python3 with the standard library (report.py uses no third-party modules).
#
# Before and after the runs, bandwidth.py measures the memory bandwidth on 1
# and 2 cores (numpy STREAM Add); report.py then gives each run's mat-vec
# bound (with the mean of the two probes) on
# this machine and the time targets rescaled to the reference machine of the
# performance notes (for information: the verdicts use the raw times).
#
# Every run is a single lipen case (Study/Type=single, Q1, no energy-release
# solves, no VTU output); the times come from summary.json (lipen's own timers),
# peak memory is the sum over ranks of each rank's max RSS (GNU time -f %M),
# nonzeros per row from PETSc's -ksp_view.  "bg load" is the CPU time used by
# other processes during the run, in cores: values above ~0.2 mean the timings
# (and above all the 2-rank speed-up on a 2-core machine) are contaminated.
set -euo pipefail

die() { echo "run_benchmarks.sh: ERROR: $*" >&2; exit 1; }
note() { echo "run_benchmarks.sh: $*" >&2; }

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${BENCH_DIR}/.." && pwd)"
BUILD_DIR="${LIPEN_BUILD_DIR:-${REPO_ROOT}/build}"

QUICK=0
RANKS="1 2"
REPEAT=1
OUTDIR="${BENCH_DIR}/results"
LIPEN="${BUILD_DIR}/lipen"
WAIT_IDLE=60
SNAPSHOT=1
RETRY_NOISY=1
CASE_FILTER=""
BANDWIDTH=1
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --ranks) RANKS="${2:?}"; shift ;;
    --repeat) REPEAT="${2:?}"; shift ;;
    --outdir) OUTDIR="${2:?}"; shift ;;
    --lipen) LIPEN="${2:?}"; shift ;;
    --wait-idle) WAIT_IDLE="${2:?}"; shift ;;
    --no-snapshot) SNAPSHOT=0 ;;
    --retries) RETRY_NOISY="${2:?}"; shift ;;
    --cases) CASE_FILTER="${2:?}"; shift ;;
    --no-bandwidth) BANDWIDTH=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (try --help)" ;;
  esac
  shift
done
[[ "${REPEAT}" =~ ^[1-9][0-9]*$ ]] || die "--repeat needs a positive integer"
[[ "${WAIT_IDLE}" =~ ^[0-9]+$ ]] || die "--wait-idle needs a number of seconds"
[[ "${RETRY_NOISY}" =~ ^[0-9]+$ ]] || die "--retries needs a non-negative integer"

# A python3 with the standard library is enough for report.py.
PYTHON="${PYTHON:-}"
if [[ -z "${PYTHON}" ]]; then
  for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import json, csv' 2>/dev/null; then
      PYTHON="$p"; break
    fi
  done
fi
[[ -n "${PYTHON}" ]] || die "no python3 found (set PYTHON=...)"
command -v mpirun >/dev/null || die "mpirun not found"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) not found: apt-get install time"

# ---------------------------------------------------------------- executable
# The executable may be briefly missing while somebody rebuilds: wait for it.
for _ in $(seq 1 60); do
  [[ -x "${LIPEN}" ]] && break
  note "waiting for ${LIPEN} (rebuild in progress?)"; sleep 5
done
[[ -x "${LIPEN}" ]] || die "executable ${LIPEN} not found; build lipen first (scripts/setup.sh)"

STAMP="$(date +%Y%m%d-%H%M%S)"
RUN_ROOT="${OUTDIR}/${STAMP}"
mkdir -p "${RUN_ROOT}/runs"
OUTDIR="$(cd "${OUTDIR}" && pwd)"; RUN_ROOT="${OUTDIR}/${STAMP}"
if [[ ! -e "${OUTDIR}/.gitignore" ]]; then
  printf '# benchmark results are machine-specific: keep them out of git\n*\n!.gitignore\n' > "${OUTDIR}/.gitignore"
fi

# Run a private copy so that a concurrent rebuild cannot swap the binary
# between (or during) runs.
EXE="${LIPEN}"
SNAPDIR=""
cleanup() { [[ -n "${SNAPDIR}" ]] && rm -rf "${SNAPDIR}"; return 0; }
trap cleanup EXIT
if ((SNAPSHOT)); then
  SNAPDIR="$(mktemp -d "${TMPDIR:-/tmp}/lipen-bench.XXXXXX")"
  for attempt in $(seq 1 30); do
    if cp "${LIPEN}" "${SNAPDIR}/lipen" 2>/dev/null &&
       "${SNAPDIR}/lipen" --print-parameters >/dev/null 2>&1; then
      break
    fi
    ((attempt < 30)) || die "could not take a working copy of ${LIPEN}"
    note "copy of ${LIPEN} does not run yet (rebuild in progress?), retrying"; sleep 10
  done
  EXE="${SNAPDIR}/lipen"
fi

MPI_FLAGS=(--oversubscribe)
[[ "$(id -u)" == 0 ]] && MPI_FLAGS+=(--allow-run-as-root)
export OMP_NUM_THREADS=1

# ---------------------------------------------------------------- cases
# name | defect | extra --set entries (';'-separated) | rank counts
# 2D: the edge-slit ladder grows mainly through 'Face refinement' (c/h along
# the defect faces: ~F^2/2 cells) at the smallest allowed Grading, with
# 'Coarse cells' raised for the large levels; Width 0.95 mm makes the coarse
# cell 0.74 c so that level F=1024 lands just above the 2.1 M DoFs of the
# reference figure.  Same geometry on every 2D level.
# 3D: penny, default geometry, Grading only ('Coarse cells' is 2D-only).
G2="Geometry/Defect type=edge slit;Geometry/Width=0.95e-3;Geometry/Grading=0.05"
G3="Geometry/Defect type=penny"
CASES=(
  "2d-L1|${G2};Geometry/Coarse cells=4;Geometry/Face refinement=8"
  "2d-L2|${G2};Geometry/Coarse cells=64;Geometry/Face refinement=128"
  "2d-L3|${G2};Geometry/Coarse cells=64;Geometry/Face refinement=256"
  "2d-L4|${G2};Geometry/Coarse cells=64;Geometry/Face refinement=512"
  "2d-L5|${G2};Geometry/Coarse cells=64;Geometry/Face refinement=1024"
  "3d-L1|${G3};Geometry/Grading=0.5"
  "3d-L2|${G3};Geometry/Grading=0.25"
  "3d-L3|${G3};Geometry/Grading=0.15"
  "3d-L4|${G3};Geometry/Grading=0.1"
)
if ((QUICK)); then
  CASES=("${CASES[0]}" "${CASES[1]}" "${CASES[5]}" "${CASES[6]}")
fi
if [[ -n "${CASE_FILTER}" ]]; then
  selected=()
  for entry in "${CASES[@]}"; do
    [[ "${entry%%|*}" =~ ^(${CASE_FILTER})$ ]] && selected+=("${entry}")
  done
  ((${#selected[@]})) || { rm -rf "${RUN_ROOT}"; die "--cases '${CASE_FILTER}' matches no case"; }
  CASES=("${selected[@]}")
fi
COMMON=("Study/Type=single" "Discretization/Polynomial degree=1"
        "Fracture/Energy release method=false" "Output/Write solution=false")

# ---------------------------------------------------------------- helpers
# Busy and total jiffies of the whole machine.
cpu_jiffies() { awk '/^cpu /{b=$2+$3+$4+$7+$8+$9; print b, b+$5+$6; exit}' /proc/stat; }
CLK_TCK="$(getconf CLK_TCK)"
NCPU="$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc --all)"

# Wait (at most WAIT_IDLE s) until other processes use < 0.15 cores.
wait_idle() {
  ((WAIT_IDLE > 0)) || return 0
  local t0=$SECONDS b0 tot0 b1 tot1 load
  while :; do
    read -r b0 tot0 < <(cpu_jiffies); sleep 2; read -r b1 tot1 < <(cpu_jiffies)
    load=$(awk -v b=$((b1 - b0)) -v t=$((tot1 - tot0)) -v n="${NCPU}" \
               'BEGIN{printf "%.2f", (t > 0 ? n*b/t : 0)}')
    if awk -v l="${load}" 'BEGIN{exit !(l < 0.15)}'; then return 0; fi
    if ((SECONDS - t0 >= WAIT_IDLE)); then
      note "machine still busy (${load} cores in use by other processes); running anyway"
      return 0
    fi
    sleep 3
  done
}

# run_case NAME RANKS REP SETS...
run_case() {
  local name=$1 np=$2 rep=$3; shift 3
  local dir="${RUN_ROOT}/runs/${name}-np${np}-r${rep}"
  mkdir -p "${dir}"
  local args=() s
  for s in "${COMMON[@]}" "$@" "Output/Directory=${dir}"; do args+=(--set "$s"); done
  printf '%s\n' "$@" > "${dir}/parameters.txt"
  wait_idle
  local b0 tot0 b1 tot1 rc=0
  read -r b0 tot0 < <(cpu_jiffies)
  # GNU time around mpirun: external wall time and the CPU time of mpirun and
  # all ranks; GNU time around each rank: that rank's peak RSS.
  PETSC_OPTIONS="${PETSC_OPTIONS:-} -lipen_elasticity_ksp_view ascii:${dir}/ksp_view.txt" \
    /usr/bin/time -f '%e %U %S %M' -o "${dir}/mpirun.time" \
    mpirun -np "${np}" "${MPI_FLAGS[@]}" \
      sh -c 'exec /usr/bin/time -f "%M %U %S %e" -o "$0/rank.${OMPI_COMM_WORLD_RANK:-0}.time" "$@"' \
      "${dir}" "${EXE}" "${args[@]}" > "${dir}/log" 2>&1 || rc=$?
  read -r b1 tot1 < <(cpu_jiffies)
  {
    echo "case=${name}"; echo "ranks=${np}"; echo "repeat=${rep}"; echo "rc=${rc}"
    echo "busy_cpu_s=$(awk -v b=$((b1 - b0)) -v h="${CLK_TCK}" 'BEGIN{print b/h}')"
  } > "${dir}/meta.txt"
  # CPU used by other processes during the run, in cores
  LAST_BG=$(awk -v b=$((b1 - b0)) -v h="${CLK_TCK}" \
                'END{print (($1 > 0) ? (b/h - $2 - $3)/$1 : 0)}' "${dir}/mpirun.time" 2>/dev/null || echo 0)
  if ((rc != 0)); then
    note "${name} on ${np} rank(s) failed (exit ${rc}); last lines of ${dir}/log:"
    tail -n 5 "${dir}/log" >&2
    return 0
  fi
  "${PYTHON}" "${BENCH_DIR}/report.py" --one-line "${dir}" >&2 || true
}

# ---------------------------------------------------------------- header
{
  echo "date=$(date -Is)"
  echo "host=$(hostname)"
  echo "cpu=$(awk -F': *' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "cores=${NCPU}"
  echo "mem_total_kB=$(awk '/MemTotal/{print $2}' /proc/meminfo)"
  echo "lipen=${LIPEN}"
  echo "lipen_mtime=$(date -r "${LIPEN}" -Is)"
  echo "lipen_sha256=$(sha256sum "${EXE}" | cut -c1-16)"
  echo "git=$(git -C "${REPO_ROOT}" rev-parse --short HEAD 2>/dev/null || echo unknown)$( [[ -n "$(git -C "${REPO_ROOT}" status --porcelain -- source include CMakeLists.txt 2>/dev/null)" ]] && echo ' (uncommitted changes in source/include)')"
  echo "dealii=$(dpkg-query -W -f='${Version}' libdeal.ii-dev 2>/dev/null || echo unknown)"
  echo "petsc=$(dpkg-query -W -f='${Version}' petsc-dev 2>/dev/null || echo unknown)"
  echo "mpi=$(mpirun --version 2>/dev/null | head -n 1)"
  echo "ranks=${RANKS}"
  echo "repeat=${REPEAT}"
  echo "quick=${QUICK}"
  echo "petsc_options=${PETSC_OPTIONS:-}"
} > "${RUN_ROOT}/environment.txt"
# one probe per rank count (up to the number of cores)
BW_CORES="$(for r in ${RANKS}; do if ((r <= NCPU)); then echo "$r"; fi; done | sort -un | tr '\n' ' ')"
if ((BANDWIDTH)) && [[ -n "${BW_CORES// /}" ]]; then
  wait_idle
  if ! "${PYTHON}" "${BENCH_DIR}/bandwidth.py" --cores "${BW_CORES}" >> "${RUN_ROOT}/environment.txt"; then
    note "memory-bandwidth probe failed (see above): the report uses the reference machine's figures"
  fi
fi
note "results in ${RUN_ROOT}"
note "$(grep -E '^(cpu|cores|dealii|petsc|mpi|git|bandwidth_.*)=' "${RUN_ROOT}/environment.txt" | tr '\n' ' ')"

# ---------------------------------------------------------------- run
t_start=$SECONDS
for entry in "${CASES[@]}"; do
  name="${entry%%|*}"
  IFS=';' read -r -a sets <<< "${entry#*|}"
  # Repeats are the outer loop so that the rank counts alternate: the
  # machine's slow phases (minutes long) then hit 1 and 2 ranks alike
  # instead of all repeats of one rank count.
  for rep in $(seq 1 "${REPEAT}"); do
    for np in ${RANKS}; do
      run_case "${name}" "${np}" "${rep}" "${sets[@]}"
      # one more attempt if other processes disturbed the run
      for retry in $(seq 1 "${RETRY_NOISY}"); do
        awk -v l="${LAST_BG:-0}" 'BEGIN{exit !(l > 0.3)}' || break
        note "  other processes used ${LAST_BG} cores during that run: repeating it"
        run_case "${name}" "${np}" "${rep}-retry${retry}" "${sets[@]}"
      done
    done
  done
done
note "all runs done in $((SECONDS - t_start)) s"
# the machine's bandwidth drifts (13-19 GB/s on one core within a day on the
# development VM): probe again after the runs; the report uses the mean
if ((BANDWIDTH)) && [[ -n "${BW_CORES// /}" ]]; then
  wait_idle
  if ! "${PYTHON}" "${BENCH_DIR}/bandwidth.py" --cores "${BW_CORES}" |
    sed 's/^bandwidth_/bandwidth_after_/' >> "${RUN_ROOT}/environment.txt"; then
    note "second memory-bandwidth probe failed: the report uses the first"
  fi
  note "$(grep -E '^bandwidth_after_.*=' "${RUN_ROOT}/environment.txt" | tr '\n' ' ')"
fi

"${PYTHON}" "${BENCH_DIR}/report.py" "${RUN_ROOT}"
cp "${RUN_ROOT}/results.csv" "${RUN_ROOT}/results.md" "${OUTDIR}/"
note "written ${RUN_ROOT}/results.csv and results.md (copies in ${OUTDIR})"
