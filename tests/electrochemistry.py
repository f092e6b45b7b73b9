#!/usr/bin/env python3
"""Electro-chemo-mechanics checks that need several lipen runs (issue 3):
1. Current focusing on an open (unpressurised) edge slit: the mean face
   current density over the applied one tends to 1 as c -> 0 (c = 0.1 um in
   LPS glass, c/(kappa R_ct) = 0.01: within 5 %); for R_ct -> 0 it is exactly
   1 for any c (the conformal map w = sqrt(z^2 + c^2) of a perfectly
   conducting slit in a uniform field: the face current integrates to
   kappa E c), checked within 3 %; for deep defects (c = 100 um) the tip
   current density exceeds the applied one (tip focusing factor > 1.5).
2. Flowing closure limits at a fixed current: mu -> 0 gives the stack
   pressure (here 0; face pressures below 1e-2 of the sealed pressure at
   mu = 1e-9 Pa s, approached as mu^(1/4) because the unloaded crack
   closes: checked);
   mu -> infinity seals the defect (net defect current below 1e-3 of the
   electrode current) and, for a defect much smaller than kappa R_ct, its
   tip pressure equals the sealed pressure within 1 %.
3. Parallel consistency: 1 and 2 ranks give the same sealed and flowing
   critical currents, focusing factor and cell voltage (relative 1e-6), and
   only rank 0 prints.
Usage: electrochemistry.py LIPEN WORKDIR SOURCE_DIR
"""
import os
import sys

from lipen_test_util import Checker, run_lipen, set_args

lipen, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
chk = Checker()
base = {"Study/Type": "single", "Geometry/Defect type": "edge slit",
        "Material/Electrolyte": "lps_glass", "Electrochemistry/Enabled": "true",
        "Output/Write solution": "false"}


def run(name, entries, ranks=1):
    status, out, err, s = run_lipen(lipen, ranks, set_args(dict(base, **entries)),
                                    os.path.join(work, name))
    chk.check(status == 0, "%s exits 0 %s" % (name, err.strip()[-300:]))
    if status != 0:
        chk.finish()
    return s["cases"][0]["electrochemistry"], out


def rel(a, b):
    return abs(a / b - 1)


# 1. focusing on the open defect (prescribed Li pressure 0 = stack)
open_defect = {"Electrochemistry/Li pressure closure": "prescribed",
               "Electrochemistry/Prescribed Li pressure": "0",
               "Electrochemistry/Critical current search": "false"}
e, _ = run("small", dict(open_defect, **{"Geometry/Defect size": "1e-7"}))
f = e["focusing_factor"]
chk.check(rel(f, 1) < 0.05, "c = 0.1 um: focusing factor %.4f within 5 %% of 1" % f)
e, _ = run("conducting", dict(open_defect, **{
    "Geometry/Defect size": "1e-5", "Material/Charge transfer resistance": "1e-9",
    "Geometry/Face refinement": "32"}))
f = e["focusing_factor"]
chk.check(rel(f, 1) < 0.03,
          "R_ct -> 0: focusing factor %.4f within 3 %% of 1 (conformal map)" % f)
e, _ = run("deep", dict(open_defect, **{"Geometry/Defect size": "1e-4"}))
t = e["tip_focusing_factor"]
chk.check(t > 1.5, "c = 100 um: tip focusing factor %.3f > 1.5" % t)

# 2. flowing limits at 10 A/m^2, c = 0.1 um
fixed = {"Geometry/Defect size": "1e-7",
         "Electrochemistry/Critical current search": "false",
         "Electrochemistry/Applied current density": "10"}
sealed, _ = run("sealed", dict(fixed))
p_sealed = sealed["defect_pressure_Pa"]
e, _ = run("mu0", dict(fixed, **{"Electrochemistry/Li pressure closure": "flowing",
                                 "Electrochemistry/Li viscosity": "1e-9"}))
dev = max(abs(p) for p in e["flowing"]["pressure_Pa"])
chk.check(dev < 1e-2 * p_sealed,
          "mu -> 0: max face pressure %.3g Pa < 1e-2 of sealed %.4g Pa" %
          (dev, p_sealed))
# With no stack pressure the opening itself scales with p, so the channel
# conductance goes as p^3 and the pressure needed to expel the plated Li as
# mu^(1/4): 1e4 x the viscosity gives 10 x the pressure.
e2, _ = run("mu4", dict(fixed, **{"Electrochemistry/Li pressure closure": "flowing",
                                  "Electrochemistry/Li viscosity": "1e-5"}))
ratio = e2["flowing"]["tip_pressure_Pa"] / e["flowing"]["tip_pressure_Pa"]
chk.check(abs(ratio / 10 - 1) < 0.05,
          "mu -> 0: tip pressure scales as mu^(1/4) (ratio %.4f for 1e4 x mu, "
          "expected 10 within 5 %%)" % ratio)
e, _ = run("muinf", dict(fixed, **{"Electrochemistry/Li pressure closure": "flowing",
                                   "Electrochemistry/Li viscosity": "1e15"}))
fl = e["flowing"]
I_e = 10 * 0.5e-3
chk.check(abs(e["defect_current_model"]) < 1e-3 * I_e,
          "mu -> infinity: net defect current %.3g < 1e-3 of the electrode's"
          % e["defect_current_model"])
chk.check(rel(fl["tip_pressure_Pa"], p_sealed) < 0.01,
          "mu -> infinity: tip pressure %.5g Pa within 1 %% of sealed %.5g Pa"
          % (fl["tip_pressure_Pa"], p_sealed))
chk.check(fl["coupling_iterations"] >= 1 and
          fl["coupling_history_relative_change"][-1] <= 1e-6,
          "flowing fixed point converged to 1e-6 (history reported)")

# 3. parallel consistency of the critical currents
par = {"Geometry/Defect size": "1e-5",
       "Electrochemistry/Flowing viscosities": "1e4"}
res = {}
for n in (1, 2):
    e, out = run("parallel_%d" % n, par, ranks=n)
    res[n] = e
    chk.check(len([l for l in out.splitlines() if l.startswith("lipen:")]) == 1,
              "%d rank(s): header printed once" % n)
for key in ["critical_current_sealed_A_per_m2", "focusing_factor_open_defect",
            "cell_voltage_at_critical_V", "critical_overpotential_sealed_V"]:
    chk.check(rel(res[2][key], res[1][key]) < 1e-6,
              "1 vs 2 ranks: %s %.10g vs %.10g" % (key, res[1][key], res[2][key]))
a = res[1]["flowing_critical"][0]["critical_current_A_per_m2"]
b = res[2]["flowing_critical"][0]["critical_current_A_per_m2"]
chk.check(rel(b, a) < 1e-6, "1 vs 2 ranks: flowing i_c %.10g vs %.10g" % (a, b))
chk.finish()
