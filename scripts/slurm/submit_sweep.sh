#!/usr/bin/env bash
# submit_sweep.sh -- run a lipen sweep (Study/Type = sweep) on a Slurm
# cluster as a job array: one array task per chunk of cases, each on
# --ranks MPI ranks, then a gather job that writes study.csv and
# summary.json once every task has ended (it skips the finished cases and
# runs any that a task did not finish, so the study is complete even after
# failed or cancelled tasks).
#
# Usage: scripts/slurm/submit_sweep.sh FILE.prm [--ranks R] [--chunk K]
#            [--lipen PATH] [--set 'S/E=value']... [-- SBATCH_OPTIONS...]
#
#   --ranks R   MPI ranks per case (sbatch --ntasks=R per task; default 1)
#   --chunk K   cases per array task (default 1)
#   --lipen P   the lipen executable (default: build/lipen of this checkout)
#   --set ...   lipen overrides, passed to every task (e.g. the output
#               directory); Study/Cases is set per task
#   -- ...      options for sbatch, e.g. -- --partition=short --time=2:00:00
#
# Resumable: submitting the same sweep again skips every case that has
# finished (its folder case-NNN says so and its parameters are unchanged).
# Time limits: the jobs ask Slurm for SIGUSR1 300 s before their limit
# (--signal=B:USR1@300; the tasks exec mpirun, which forwards it to the
# ranks): a phase-field case then finishes its step, checkpoints and stops
# (interrupted), and the gather job or a resubmission continues it. Give
# another --signal after -- to change that.
# The tasks run lipen with "mpirun -np R" inside their allocation; set
# LIPEN_MPIRUN to another launcher (e.g. "srun --mpi=pmix") if the
# cluster wants one. Prints the job ids of the array and of the gather job.
set -euo pipefail

die() { echo "submit_sweep.sh: error: $*" >&2; exit 2; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
ranks=1
chunk=1
lipen="${repo}/build/lipen"
file=""
sets=()
sbatch_options=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ranks) ranks="${2:?--ranks needs a number}"; shift 2 ;;
    --chunk) chunk="${2:?--chunk needs a number}"; shift 2 ;;
    --lipen) lipen="${2:?--lipen needs a path}"; shift 2 ;;
    --set) sets+=(--set "${2:?--set needs 'S/E=value'}"); shift 2 ;;
    --) shift; sbatch_options=("$@"); break ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [[ -z "${file}" ]] || die "more than one parameter file"; file="$1"; shift ;;
  esac
done
[[ -n "${file}" ]] || die "no parameter file given (see --help)"
[[ -f "${file}" ]] || die "parameter file '${file}' not found"
[[ "${ranks}" =~ ^[1-9][0-9]*$ ]] || die "--ranks must be a positive integer"
[[ "${chunk}" =~ ^[1-9][0-9]*$ ]] || die "--chunk must be a positive integer"
[[ -x "${lipen}" ]] || die "lipen executable '${lipen}' not found (build it with scripts/setup.sh, or give --lipen)"
command -v sbatch >/dev/null || die "sbatch not found: is this a Slurm login node?"

file="$(cd "$(dirname "${file}")" && pwd)/$(basename "${file}")"
# the number of cases, from lipen's own check of the file
check="$("${lipen}" "${file}" "${sets[@]}" --dry-run 2>&1)" \
  || die "lipen refuses the input: ${check}"
cases="$(sed -n 's/.*a sweep of \([0-9][0-9]*\) cases.*/\1/p' <<<"${check}")"
[[ -n "${cases}" ]] || die "'${file}' is not a sweep (Study/Type = sweep)"
tasks=$(( (cases + chunk - 1) / chunk ))

task="${here}/sweep_task.sh"
array_id="$(sbatch --parsable --job-name=lipen-sweep --ntasks="${ranks}" \
  --array="0-$((tasks - 1))" --output='lipen-sweep-%A_%a.out' \
  --signal=B:USR1@300 "${sbatch_options[@]}" \
  "${task}" "${lipen}" "${file}" "${ranks}" "${chunk}" "${cases}" "${sets[@]}")"
gather_id="$(sbatch --parsable --job-name=lipen-gather --ntasks="${ranks}" \
  --dependency="afterany:${array_id%%;*}" --output='lipen-gather-%j.out' \
  --signal=B:USR1@300 "${sbatch_options[@]}" \
  "${task}" "${lipen}" "${file}" "${ranks}" 0 "${cases}" "${sets[@]}")"
echo "submit_sweep.sh: ${cases} cases in ${tasks} array tasks of ${chunk} case(s) on ${ranks} rank(s): array job ${array_id%%;*}, gather job ${gather_id%%;*}"
