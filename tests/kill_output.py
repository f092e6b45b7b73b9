#!/usr/bin/env python3
"""Kill tests (issue 18): a run killed with SIGKILL at any moment leaves
only complete files. Runs that write output (a defect-size study with its
case folders and ParaView files; a phase-field run with a PVD time series
and checkpoints) are killed at random moments (fixed seed) on 1 and 2
ranks, each time into the same output directory, as a user rerunning after
a crash would; after every kill each file left behind parses (JSON, CSV
rows of equal width), the PVDs list only PVTUs whose pieces exist and that
load in VTK. Then the interrupted runs are run to their end in the same
directory: the results equal an undisturbed run's.
Usage: kill_output.py LIPEN WORKDIR SOURCE_DIR [KILLS]
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

from lipen_test_util import (Checker, mpirun_command, outputs_complete,
                             set_args)

lipen, work, source = sys.argv[1], sys.argv[2], sys.argv[3]
kills = int(sys.argv[4]) if len(sys.argv) > 4 else 10
os.makedirs(work, exist_ok=True)
chk = Checker()
rng = random.Random(20261127)
pfiles = os.path.join(source, "parameter_files")

study = [os.path.join(pfiles, "single_edge_slit.prm")] + set_args({
    "Study/Type": "defect size", "Study/Materials": "lps_glass, llzo",
    "Study/Defect sizes": "5e-6, 1e-5, 2e-5, 4e-5"})
growth = [os.path.join(pfiles, "phase_field_griffith_volume_2d.prm")] + \
    set_args({"Phase field/Length scale": "0.05",
              "Phase field/Time steps": "4",
              "Checkpoint/Steps between checkpoints": "1"})


def start(args, ranks, directory):
    return subprocess.Popen(
        mpirun_command(ranks) + [lipen] + args +
        ["--set", "Output/Directory=" + directory],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)


def kill_all(process):
    """SIGKILL mpirun and the lipen ranks (its process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    # ranks that mpirun started in their own group
    subprocess.run(["pkill", "-9", "-f", "Output/Directory=" + work],
                   check=False)


def run_to_end(args, ranks, directory):
    process = start(args, ranks, directory)
    _, err = process.communicate(timeout=900)
    return process.returncode, err.decode(errors="replace")


# timings of undisturbed runs, to spread the kills over them
durations = {}
for name, args in [("study", study), ("growth", growth)]:
    ref = os.path.join(work, name + "-reference")
    shutil.rmtree(ref, ignore_errors=True)
    t0 = time.time()
    status, err = run_to_end(args, 1, ref)
    durations[name] = time.time() - t0
    chk.check(status == 0, "undisturbed %s run: status %d %s (%.1f s)" %
              (name, status, err[-200:], durations[name]))

for k in range(kills):
    name, args = ("study", study) if k % 4 != 3 else ("growth", growth)
    ranks = 1 + (k // 4 if name == "growth" else k) % 2
    directory = os.path.join(work, "%s-killed-%d" % (name, ranks))
    delay = rng.uniform(0.3, 0.95 * durations[name])
    process = start(args, ranks, directory)
    time.sleep(delay)
    kill_all(process)
    problems = outputs_complete(directory, load_vtk=True) \
        if os.path.isdir(directory) else []
    chk.check(not problems,
              "kill %d: %s on %d rank(s) killed after %.2f s: every file "
              "left is complete %s" % (k + 1, name, ranks, delay,
                                       problems[:3]))


def numbers(directory):
    with open(os.path.join(directory, "summary.json")) as f:
        s = json.load(f)
    if "cases" in s:
        return [(c["material"], c["defect_size_m"], round(c["Y"], 6))
                for c in s["cases"]]
    with open(os.path.join(directory, "statistics.csv")) as f:
        rows = [l.strip().split(",") for l in f if not l.startswith("#")]
    column = rows[0].index("crack_size_m")
    return [s["status"], len(rows), "%.6g" % float(rows[-1][column])]


# The killed runs, rerun in their directories, end as the undisturbed ones
# (the phase-field run continues from its last checkpoint with --restart
# when one was written).
for name, args in [("study", study), ("growth", growth)]:
    for ranks in [1, 2]:
        directory = os.path.join(work, "%s-killed-%d" % (name, ranks))
        if not os.path.isdir(directory):
            continue
        extra = ["--restart"] if name == "growth" and os.path.isfile(
            os.path.join(directory, "checkpoints", "latest")) else []
        status, err = run_to_end(args + extra, ranks, directory)
        ref = os.path.join(work, name + "-reference")
        same = status == 0 and numbers(directory) == numbers(ref)
        chk.check(same and not outputs_complete(directory, load_vtk=True),
                  "%s killed on %d rank(s), rerun%s: status %d, results as "
                  "undisturbed %s" % (name, ranks, " with --restart" if extra
                                      else "", status, err[-200:]))
chk.finish()
