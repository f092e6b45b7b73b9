#!/usr/bin/env python3
"""Sneddon 2D phase-field benchmark (issue 4): crack-volume error, DoFs,
staggered and Krylov iterations and wall time on 2 MPI ranks for a ladder of
length scales l (h = l/2 in the process zone), next to the pfm-cracks row of
shared/reference/verification.csv.  Reports; times nothing against a limit.

    /usr/bin/python3 benchmarks/sneddon_phase_field.py [--ranks N]
        [--lengths 0.08,0.04,...] [--lipen build/lipen] [--out DIR]
"""
import argparse
import json
import os
import subprocess
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser()
ap.add_argument("--ranks", type=int, default=2)
ap.add_argument("--lengths",
                default="0.16,0.08,0.04,0.02,0.01,0.005,0.0025,0.00125,"
                "0.000625,0.0003125,0.00015625,0.000078125")
ap.add_argument("--stiffness", type=float, default=1e-9,
                help="residual stiffness k; with k = 1e-6 the broken layer "
                "(one cell, h = l/2) carries k E w/h, which reaches 5 %% of p "
                "at l = 8e-5")
ap.add_argument("--lipen", default=os.path.join(root, "build", "lipen"))
ap.add_argument("--out", default=os.path.join(here, "results", "sneddon"))
args = ap.parse_args()
V_exact = 2 * 3.141592653589793 * 1e-3 / (1 / (1 - 0.2 ** 2))
pfm = {699: 3.13e-2, 2.5e3: 1.85e-2, 7.8e3: 1.13e-2, 2.1e4: 8.18e-3,
       5.2e4: 6.92e-3, 1.2e5: 6.40e-3, 2.6e5: 6.17e-3, 5.6e5: 6.055e-3,
       1.2e6: 6.000e-3}

rows = []
for ell in [float(x) for x in args.lengths.split(",")]:
    out = os.path.join(args.out, "l%g" % ell)
    cmd = ["mpirun", "-np", str(args.ranks), "--oversubscribe"]
    if os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    cmd += [args.lipen, os.path.join(root, "tests", "phase_field",
                                     "sneddon_2d.prm"),
            "--set", "Phase field/Length scale=%g" % ell,
            "--set", "Phase field/Residual stiffness=%g" % args.stiffness,
            "--set", "Output/Directory=" + out,
            "--set", "Output/Write solution=false"]
    t0 = time.time()
    run = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - t0
    if run.returncode != 0:
        print("l = %g failed: %s" % (ell, run.stderr.strip()[-300:]))
        continue
    s = json.load(open(os.path.join(out, "summary.json")))
    with open(os.path.join(out, "statistics.csv")) as f:
        last = [l for l in f if not l.startswith("#")][-1].split(",")
    with open(os.path.join(out, "statistics.csv")) as f:
        head = [l for l in f if not l.startswith("#")][0].strip().split(",")
    r = dict(zip(head, last))
    dofs = s["final"]["dofs_u"] + s["final"]["dofs_d"]
    V = s["final"]["crack_volume"]
    rows.append((ell, dofs, V, V / V_exact - 1, int(r["staggered_iterations"]),
                 int(r["newton_iterations"]), int(r["krylov_u"]),
                 int(r["krylov_d"]), int(r["active_set_iterations"]), wall))

print("\nSneddon 2D (E = 1, nu = 0.2, p = 1e-3, a = 1, (-10,10)^2), AT2, "
      "h = l/2, k = %g, %d MPI ranks; exact V = %.6g\n" %
      (args.stiffness, args.ranks, V_exact))
print("| l | DoFs (u+d) | V | error | staggered | Newton | Krylov u "
      "(per solve) | Krylov d (per solve) | wall [s] |")
print("|---|---|---|---|---|---|---|---|---|")
for ell, dofs, V, err, st, nw, ku, kd, ac, wall in rows:
    print("| %g | %d | %.6g | %+.2f %% | %d | %d | %d (%.1f) | %d (%.1f) | "
          "%.1f |" % (ell, dofs, V, 100 * err, st, nw, ku, ku / max(nw, 1),
                      kd, kd / max(ac, 1), wall))
print("\npfm-cracks (verification.csv, adaptive, 16 ranks): DoFs -> error")
for n, v in pfm.items():
    print("  %8d  %+.2f %%" % (n, 100 * (v / V_exact - 1)))
