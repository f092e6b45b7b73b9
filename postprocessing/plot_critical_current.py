#!/usr/bin/env python3
"""Plot the critical current density and current focusing of a lipen study.

Usage:
    plot_critical_current.py critical_current.csv [--out PNG]

critical_current.csv is written by lipen when Electrochemistry/Enabled and
'Critical current search' are true. Three panels against the defect size c
(log-log): the critical applied current density i_c for the sealed closure
and for each Li viscosity of the flowing closure (with fitted slopes), the
sealed critical overpotential |eta_c| next to Omega sigma0_max/F, and the
mean and tip current-focusing factors of the open defect. Writes
critical_current.png beside the CSV unless --out is given. Exits with a
one-line message (status 2) on a missing or malformed file.
"""
import os
import sys

import argparse  # noqa: E402
import csv  # noqa: E402
import math  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lipen_python import reexec_with_system_python, run_label  # noqa: E402

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError as e:
    reexec_with_system_python(
        f"{e}; install the Debian package python3-matplotlib")


def fail(message):
    sys.stderr.write("plot_critical_current.py: error: %s\n" % message)
    sys.exit(2)


def fit(c, y):
    pts = [(math.log10(a), math.log10(b)) for a, b in zip(c, y) if b > 0]
    if len(pts) < 2:
        return float("nan")
    n = len(pts)
    sx = sum(p[0] for p in pts)
    sy = sum(p[1] for p in pts)
    sxx = sum(p[0] ** 2 for p in pts)
    sxy = sum(p[0] * p[1] for p in pts)
    return (n * sxy - sx * sy) / (n * sxx - sx * sx)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("--out")
    args = parser.parse_args()
    try:
        lines = [l for l in open(args.csv) if not l.startswith("#")]
    except OSError as e:
        fail("cannot read %s: %s" % (args.csv, e.strerror))
    rows = list(csv.DictReader(lines))
    need = ["material", "c_um", "i_c_sealed_mA_per_cm2", "eta_c_mV",
            "eta_c_sealed_mV", "focusing_factor", "tip_focusing_factor"]
    if not rows or any(k not in rows[0] for k in need):
        fail("%s is not a lipen critical_current.csv (columns %s)" %
             (args.csv, ", ".join(need)))
    flowing = [k for k in rows[0] if k.startswith("i_c_flowing_mu_")]
    materials = []
    for r in rows:
        if r["material"] not in materials:
            materials.append(r["material"])
    fig, ax = plt.subplots(1, 3, figsize=(16, 5))
    markers = "osd^v<>"
    for m_i, mat in enumerate(materials):
        sel = [r for r in rows if r["material"] == mat]
        c = [float(r["c_um"]) for r in sel]
        series = [("sealed", [float(r["i_c_sealed_mA_per_cm2"]) for r in sel])]
        for k in flowing:
            mu = k[len("i_c_flowing_mu_"):-len("_A_per_m2")]
            series.append(("flowing mu=%s Pa s" % mu,
                           [float(r[k]) * 0.1 if r[k] else float("nan")
                            for r in sel]))
        for s_i, (name, y) in enumerate(series):
            ok = [(a, b) for a, b in zip(c, y) if b == b]
            if not ok:
                continue
            ax[0].loglog([a for a, _ in ok], [b for _, b in ok],
                         marker=markers[s_i % len(markers)],
                         linestyle="-" if m_i == 0 else "--",
                         label="%s, %s (slope %.2f)" %
                         (mat, name, fit([a for a, _ in ok], [b for _, b in ok])))
        ax[1].loglog(c, [float(r["eta_c_mV"]) for r in sel], "o-",
                     label="%s: Omega sigma0_max/F (slope %.3f)" %
                     (mat, fit(c, [float(r["eta_c_mV"]) for r in sel])))
        ax[1].loglog(c, [float(r["eta_c_sealed_mV"]) for r in sel], "s--",
                     label="%s: sealed defect, electrode |eta|" % mat)
        ax[2].semilogx(c, [float(r["focusing_factor"]) for r in sel], "o-",
                       label="%s: mean over the faces" % mat)
        ax[2].semilogx(c, [float(r["tip_focusing_factor"]) for r in sel], "s--",
                       label="%s: largest (tip)" % mat)
    ax[0].set_xlabel("defect size c [um]")
    ax[0].set_ylabel("critical current density i_c [mA/cm^2]")
    ax[0].set_title("applied current density that cracks the defect")
    ax[1].set_xlabel("defect size c [um]")
    ax[1].set_ylabel("critical overpotential |eta_c| [mV]")
    ax[1].set_title("critical plating overpotential")
    ax[2].set_xlabel("defect size c [um]")
    ax[2].set_ylabel("face / applied current density")
    ax[2].set_title("current focusing on the open defect at i_c")
    for a in ax:
        a.grid(True, which="both", alpha=0.3)
        a.legend(fontsize=7)
    label = run_label(os.path.dirname(os.path.abspath(args.csv)))
    fig.tight_layout(rect=(0, 0.04 if label else 0, 1, 1))
    if label:
        fig.text(0.01, 0.01, label, fontsize=7, color="0.4")
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(args.csv)),
                                   "critical_current.png")
    fig.savefig(out, dpi=130)
    print("wrote %s" % out)


if __name__ == "__main__":
    main()
