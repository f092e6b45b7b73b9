#!/usr/bin/env python3
"""Verification rung 1: the K_I error falls under mesh refinement.

Griffith centre crack (Y = 1 up to the finite-plate correction
sqrt(sec(pi a / W)) - 1 < 5e-4 at a/W = 0.01), Q1 elements; each level
doubles c/h at the tip and along the faces and halves the grading h/r. The error |Y - 1| of the J-integral must fall at every
level and be below 1 % on the finest; the energy method likewise.
Usage: convergence.py LIPEN WORKDIR SOURCE_DIR
"""
import os
import sys

from lipen_test_util import Checker, run_lipen, set_args

lipen, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
chk = Checker()
errors, errors_energy = [], []
for n, g in [(8, 0.4), (16, 0.2), (32, 0.1), (64, 0.05)]:
    status, out, err, s = run_lipen(lipen, 2, set_args({
        "Study/Type": "single",
        "Geometry/Defect type": "centre slit",
        "Geometry/Defect size": "1e-5",
        "Geometry/Width": "2e-3",
        "Geometry/Height": "2e-3",
        "Geometry/Tip refinement": n,
        "Geometry/Face refinement": n,
        "Geometry/Grading": g,
        "Discretization/Polynomial degree": 1,
        "Output/Write solution": "false"}), os.path.join(work, "n%d" % n))
    chk.check(status == 0, "run with c/h = %d exits 0 (%s)" % (n, err.strip()))
    if status != 0:
        chk.finish()
    c = s["cases"][0]
    errors.append(abs(c["Y"] - 1))
    errors_energy.append(abs(c["Y_energy"] - 1))
    print("c/h = %3d  DoFs %7d  Y = %.5f  Y_energy = %.5f" %
          (n, c["dofs"], c["Y"], c["Y_energy"]))
for i in range(1, len(errors)):
    chk.check(errors[i] < errors[i - 1],
              "J error falls: %.2e -> %.2e" % (errors[i - 1], errors[i]))
    chk.check(errors_energy[i] < errors_energy[i - 1],
              "energy-method error falls: %.2e -> %.2e" %
              (errors_energy[i - 1], errors_energy[i]))
chk.check(errors[-1] < 0.01, "finest J error %.2e < 1 %%" % errors[-1])
chk.check(errors_energy[-1] < 0.01,
          "finest energy error %.2e < 1 %%" % errors_energy[-1])
chk.finish()
