#!/usr/bin/env python3
"""Li penetration benchmark (issue 17): the headline run
parameter_files/penetration_2d.prm (2D LPS glass, c = 5 um edge defect,
100 um separator, 10 A/m^2) to short circuit on N ranks. Reports the wall
time, status, time to short circuit, steps, cut-backs and redos, DoFs over
time, staggered / Newton / Krylov / ionic iterations per step and the
time split by field (u, d, phi and the rest), from the
run's statistics.csv and summary.json. Reports; times nothing against a
limit (the issue's target: under 10 minutes on the 2-core machine).

    /usr/bin/python3 benchmarks/penetration_2d.py [--ranks 2]
        [--lipen build/lipen] [--out DIR] [--set 'S/E=v' ...]
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser()
ap.add_argument("--ranks", type=int, default=2)
ap.add_argument("--lipen", default=os.path.join(root, "build", "lipen"))
ap.add_argument("--out", default=os.path.join(here, "results", "penetration"))
ap.add_argument("--set", action="append", default=[])
args = ap.parse_args()

cmd = ["mpirun", "-np", str(args.ranks), "--oversubscribe",
       "--allow-run-as-root", args.lipen,
       os.path.join(root, "parameter_files", "penetration_2d.prm"),
       "--set", "Output/Directory=" + args.out,
       "--set", "Output/Write solution=false"]
for s in args.set:
    cmd += ["--set", s]
start = time.time()
run = subprocess.run(cmd, capture_output=True, text=True,
                     env=dict(os.environ, OMP_NUM_THREADS="1"))
wall = time.time() - start
with open(os.path.join(args.out, "summary.json")) as f:
    summary = json.load(f)
with open(os.path.join(args.out, "statistics.csv")) as f:
    rows = list(csv.DictReader(l for l in f if not l.startswith("#")))[1:]


def col(name):
    return [float(r[name]) for r in rows]


print("penetration_2d on %d rank(s): exit %d, status %s, wall %.1f s" %
      (args.ranks, run.returncode, summary.get("status"), wall))
print("time to short circuit %s s; final crack size %.4g um, tip %.4g um" %
      (summary.get("time_to_short_circuit_s"),
       col("crack_size_m")[-1] * 1e6, col("penetration_depth_m")[-1] * 1e6))
print("steps %d, cut-backs %d, redos %d" %
      (len(rows), sum(col("cutbacks")), sum(col("redos"))))
for name in ("staggered_iterations", "newton_iterations", "krylov_u",
             "krylov_d", "coupling_iterations", "ionic_newton_iterations",
             "ionic_linear_iterations"):
    v = col(name)
    print("  %-24s per step: mean %7.1f  max %7d  total %8d" %
          (name, statistics.mean(v), max(v), sum(v)))
print("DoFs (u, d, phi) over the run:")
w = 0
for r in rows[::max(1, len(rows) // 10)] + [rows[-1]]:
    print("  step %3s  t %9.4g s  crack %6.2f um  cells %6s  u %7s  d %6s "
          "phi %6s  wall %7.1f s" %
          (r["step"], float(r["time"]), float(r["crack_size_m"]) * 1e6,
           r["cells"], r["dofs_u"], r["dofs_d"], r["dofs_phi"],
           float(r["wall_s"])))
# time split by field: the solvers' cumulative wall times (every attempt)
last = rows[-1]
parts = [("displacement u (Newton + CG)", float(last["seconds_u"])),
         ("damage d (active set + CG)", float(last["seconds_d"])),
         ("ionic potential phi (Newton + CG)",
          float(last["seconds_phi"]))]
run_wall = float(last["wall_s"])
parts.append(("rest (assembly of metrics, mesh adaptation, output, "
              "checkpoints)", run_wall - sum(p[1] for p in parts)))
print("time split by field (of the run's %.1f s):" % run_wall)
for name, seconds in parts:
    print("  %-60s %8.1f s  %5.1f %%" % (name, seconds,
                                          100 * seconds / run_wall))
