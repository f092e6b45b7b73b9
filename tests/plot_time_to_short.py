#!/usr/bin/env python3
"""postprocessing/plot_time_to_short.py on synthetic sweeps with known
answers (no lipen run):
- a sweep over `Phase field/Length scale` (0.35, 0.5, 0.7, 1 um) whose
  tip crosses 80 % of the 100 um separator at t(l) = 170 s - 1.9e6 l^0.8
  (depth linear between steps, so the interpolation is exact): the time
  per case to 1e-9, the order q = 0.8 and t0 = 170 s recovered from the
  three smallest l to 1e-6, and the first-order estimate equal to the
  straight line through the two smallest l;
- two lines (a second varied entry) extrapolated separately;
- a sequence that is not monotone in l gets no fitted order (empty
  fields), only the first-order estimate;
- a sweep that does not vary l writes no extrapolation file.
Usage: plot_time_to_short.py LIPEN WORKDIR SOURCE_DIR (LIPEN unused)
"""
import csv
import os
import shutil
import subprocess
import sys

from lipen_test_util import Checker

work, source = sys.argv[2], sys.argv[3]
script = os.path.join(source, "postprocessing", "plot_time_to_short.py")
chk = Checker()
L_KEY = "Phase field/Length scale"
I_KEY = "Electrochemistry/Applied current density"
HEIGHT = 1e-4


def rows_of(path):
    with open(path) as f:
        return list(csv.DictReader(l for l in f if not l.startswith("#")))


def make_sweep(name, keys, cases):
    """cases: list of (values of keys, crossing time of 80 um); each
    case's tip moves at constant speed through 0.8 H at that time, with
    steps of 7 s."""
    d = os.path.join(work, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "parameters.prm"), "w") as f:
        f.write("subsection Geometry\n  set Height = %g\nend\n" % HEIGHT)
    with open(os.path.join(d, "study.csv"), "w") as f:
        f.write("# synthetic sweep\n")
        f.write("case,status,%s,step,time\n" % ",".join(keys))
        for n, (values, t_cross) in enumerate(cases):
            case = "case-%03d" % n
            f.write("%s,completed,%s,0,0\n" % (case, ",".join(
                "%.17g" % v for v in values)))
            os.makedirs(os.path.join(d, case))
            speed = 0.8 * HEIGHT / t_cross
            with open(os.path.join(d, case, "statistics.csv"), "w") as s:
                s.write("# synthetic\nstep,time,penetration_depth_m,"
                        "applied_current_density_A_per_m2\n")
                for k in range(int(1.1 * t_cross / 7) + 2):
                    t = 7.0 * k
                    s.write("%d,%.17g,%.17g,10\n" % (k, t,
                                                      min(speed * t, HEIGHT)))
    return d


def run(d):
    p = subprocess.run([sys.executable, script, d], capture_output=True,
                       text=True)
    chk.check(p.returncode == 0, "%s: plot_time_to_short.py runs %s" %
              (os.path.basename(d), p.stderr.strip()[-300:]))
    return p.returncode == 0


def t_of(ell, t0=170.0, a=1.9e6, q=0.8):
    return t0 - a * ell**q


ells = [1e-6, 7e-7, 5e-7, 3.5e-7]

# 1. one line over l
d = make_sweep("ell", [L_KEY], [([l], t_of(l)) for l in ells])
if run(d):
    for r in rows_of(os.path.join(d, "time_to_short.csv")):
        ell = float(r[L_KEY])
        chk.check(abs(float(r["time_s"]) / t_of(ell) - 1) < 1e-5,
                  "l = %g: tip at 80 um at %s s (exact %.9g)" %
                  (ell, r["time_s"], t_of(ell)))
    fit = rows_of(os.path.join(d, "time_to_short_extrapolation.csv"))
    chk.check(len(fit) == 1, "one extrapolated line (%d)" % len(fit))
    if fit:
        f = fit[0]
        l1, l2 = 3.5e-7, 5e-7
        first = (l2 * t_of(l1) - l1 * t_of(l2)) / (l2 - l1)
        chk.check(f["t0_s"] and abs(float(f["t0_s"]) / 170 - 1) < 1e-6 and
                  abs(float(f["order_q"]) / 0.8 - 1) < 1e-5,
                  "t0 = %s s (170), q = %s (0.8)" % (f["t0_s"], f["order_q"]))
        chk.check(abs(float(f["t0_first_order_s"]) / first - 1) < 1e-6 and
                  abs(float(f["t0_first_order_s"]) - 170) > 1,
                  "first order through the two smallest l: %s s (%.6g)" %
                  (f["t0_first_order_s"], first))
        chk.check(f["cases"] == "4" and abs(float(f["l_smallest_m"]) /
                                            3.5e-7 - 1) < 1e-6,
                  "4 cases, smallest l %s" % f["l_smallest_m"])

# 2. two lines: l and the current density varied; the second has another
# t0 and order
cases = [([l, 10], t_of(l)) for l in ells] + \
        [([l, 20], t_of(l, 80.0, 1.5e4, 0.5)) for l in ells]
d = make_sweep("ell_current", [L_KEY, I_KEY], cases)
if run(d):
    fit = {r["series"]: r for r in rows_of(
        os.path.join(d, "time_to_short_extrapolation.csv"))}
    chk.check(len(fit) == 2, "two lines (%s)" % list(fit))
    for series, t0, q in [("Applied current density = 10", 170, 0.8),
                          ("Applied current density = 20", 80, 0.5)]:
        f = fit.get(series)
        chk.check(f is not None and f["t0_s"] and
                  abs(float(f["t0_s"]) / t0 - 1) < 1e-6 and
                  abs(float(f["order_q"]) / q - 1) < 1e-5,
                  "%s: t0 = %s (%g), q = %s (%g)" %
                  (series, f and f["t0_s"], t0, f and f["order_q"], q))

# 3. not monotone in l: no fitted order
times = {1e-6: 150.0, 7e-7: 160.0, 5e-7: 158.0, 3.5e-7: 163.0}
d = make_sweep("ell_bumpy", [L_KEY], [([l], times[l]) for l in ells])
if run(d):
    f = rows_of(os.path.join(d, "time_to_short_extrapolation.csv"))[0]
    chk.check(f["t0_s"] == "" and f["order_q"] == "" and
              abs(float(f["t0_first_order_s"]) /
                  ((5e-7 * 163 - 3.5e-7 * 158) / 1.5e-7) - 1) < 1e-5,
              "not monotone: no order (%r), first order %s" %
              (f["order_q"], f["t0_first_order_s"]))

# 4. a case without rows in its statistics.csv: a one-line message
empty = os.path.join(d, "case-001", "statistics.csv")
with open(empty, "w") as f:
    f.write("# no rows\nstep,time,penetration_depth_m\n")
p = subprocess.run([sys.executable, script, d], capture_output=True,
                   text=True)
chk.check(p.returncode == 2 and "case-001" in p.stderr and
          len(p.stderr.strip().splitlines()) == 1,
          "an empty statistics.csv: exit %d, %s" % (p.returncode,
                                                    p.stderr.strip()))

# 5. no l varied: no extrapolation file
d = make_sweep("current", [I_KEY], [([i], 2870.0 / i) for i in (10, 20, 40)])
if run(d):
    chk.check(not os.path.exists(os.path.join(
        d, "time_to_short_extrapolation.csv")),
        "a sweep over the current alone is not extrapolated")

sys.exit(chk.finish())
