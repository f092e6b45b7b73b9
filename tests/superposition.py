#!/usr/bin/env python3
"""Load paths checked by exact superposition (linear elasticity), edge slit:
(a) a stack pressure P_s on the electrodes (roller counter electrode) leaves
    K_I unchanged: the uniform state sigma_yy = -P_s satisfies every boundary
    condition including the traction-free crack faces;
(b) K_I is linear in the crack pressure;
(c) crack pressure plus far-field stress gives the sum of the K_I of each;
(d) the pressure profiles p0 (1 - xi) (p0 at the tip, 0 at the mouth)
    plus p0 xi gives the uniform-pressure K_I.
K_I comes from the quadratic J, so cross terms of the two load cases carry
the discretisation error of J: (b) holds to 1e-6 (pure scaling), (a), (c)
and (d) to 1e-3 with loads of similar size. (A stack pressure 50 times the
crack pressure shifts K_I by 3 % on the default mesh: the T-stress
cross term; use a finer mesh for such load ratios.)
Usage: superposition.py LIPEN WORKDIR SOURCE_DIR
"""
import os
import sys

from lipen_test_util import Checker, run_lipen, set_args

lipen, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
chk = Checker()
base = {"Study/Type": "single", "Output/Write solution": "false",
        "Fracture/Energy release method": "false",
        "Geometry/Defect size": "1e-4"}


def K(name, **loads):
    entries = dict(base)
    entries.update({"Loads/" + k.replace("_", " "): v
                    for k, v in loads.items()})
    status, out, err, s = run_lipen(lipen, 2, set_args(entries),
                                    os.path.join(work, name))
    chk.check(status == 0, "%s runs %s" % (name, err.strip()))
    if status != 0:
        chk.finish()
    return s["cases"][0]["K_I_Pa_sqrt_m"]


def same(a, b, what, tol=1e-3):
    d = abs(a / b - 1)
    chk.check(d < tol, "%s: %.10g vs %.10g (rel. diff %.1e)" % (what, a, b, d))


k1 = K("p1", Crack_pressure="1e6")
same(K("stack", Crack_pressure="1e6", Stack_pressure="1e6"), k1,
     "stack pressure leaves K_I unchanged")
same(K("p2", Crack_pressure="2e6"), 2 * k1, "K_I linear in p", 1e-6)
kf = K("far", Crack_pressure="0", **{"Far-field_stress": "3e6"})
same(K("both", Crack_pressure="1e6", **{"Far-field_stress": "3e6"}), k1 + kf,
     "K(p + sigma) = K(p) + K(sigma)")
ka = K("prof_a", Crack_pressure="1e6", Crack_pressure_profile="1 - xi")
kb = K("prof_b", Crack_pressure="1e6", Crack_pressure_profile="xi")
same(ka + kb, k1, "K(p (1 - xi)) + K(p xi) = K(p)")
chk.check(ka > kb, "pressure near the tip counts more than at the mouth "
          "(%.4g > %.4g)" % (ka, kb))
chk.finish()
