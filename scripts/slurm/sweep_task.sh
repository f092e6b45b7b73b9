#!/usr/bin/env bash
# sweep_task.sh -- one task of a lipen sweep on Slurm (submitted by
# submit_sweep.sh, not run by hand).
# Arguments: LIPEN FILE RANKS CHUNK CASES [--set ...]...
#   CHUNK > 0: array task SLURM_ARRAY_TASK_ID runs cases
#              [id*CHUNK, min((id+1)*CHUNK, CASES) - 1] (Study/Cases)
#   CHUNK = 0: the gather job runs the whole sweep (finished cases are
#              skipped) and writes study.csv and summary.json
set -uo pipefail
lipen="$1"; file="$2"; ranks="$3"; chunk="$4"; cases="$5"; shift 5

selection=()
if [[ "${chunk}" -gt 0 ]]; then
  id="${SLURM_ARRAY_TASK_ID:?not in a Slurm job array}"
  first=$(( id * chunk ))
  last=$(( first + chunk - 1 ))
  (( last < cases )) || last=$(( cases - 1 ))
  selection=(--set "Study/Cases=${first}-${last}")
fi

read -r -a launcher <<<"${LIPEN_MPIRUN:-mpirun}"
if [[ "${launcher[0]}" == "mpirun" ]]; then
  launcher+=(-np "${ranks}")
  [[ "$(id -u)" -ne 0 ]] || launcher+=(--allow-run-as-root)
fi
echo "sweep_task.sh: ${launcher[*]} ${lipen} ${file} $* ${selection[*]}"
exec "${launcher[@]}" "${lipen}" "${file}" "$@" "${selection[@]}"
