#!/usr/bin/env python3
"""Plot a lipen penetration map over the sharp-crack critical current.

Usage:
    plot_penetration_map.py MAP_DIR [MAP_DIR ...] [--sharp CSV] [--out PNG]

MAP_DIR is the output of a sweep with Study/Model = penetration over
Geometry/Defect size and Electrochemistry/Applied current density (e.g.
parameter_files/penetration_map_lps.prm). Each case is classified from its
row in MAP_DIR/study.csv and its case-NNN/summary.json:
  grows    status 'short circuit', or 'completed' with the d = 1/2 tip at
           least 1.9 l beyond the defect (Phase field/Final crack growth);
  arrests  status 'arrested' (the Li pressure saturated, nothing changed
           for Arrest time);
  open     anything else (End time reached undecided, or failed).
For each defect size the boundary is the geometric mean of the largest
current that arrests and the smallest that grows (its bracket drawn as an
error bar). With --sharp, the sharp-crack i_c,sealed(c) of the same
material from a lipen critical_current.csv (parameter_files/
penetration_map_sharp.prm) is drawn over it.

Writes one panel per material to PNG (default MAP_DIR/penetration_map.png
of the first MAP_DIR) and the boundary to MAP_DIR/penetration_map.csv
(material, c_m, i_arrest_max, i_grow_min, i_boundary, i_c_sharp, ratio of
the boundary to i_c_sharp). Exits with a one-line message (status 2) on a
missing or malformed input.
"""

import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lipen_python import (reexec_with_system_python, read_rows,  # noqa: E402
                          run_label)

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError as e:
    reexec_with_system_python(
        f"{e}; install the Debian package python3-matplotlib")

C_KEY = "Geometry/Defect size"
I_KEY = "Electrochemistry/Applied current density"


def fail(message):
    print(f"plot_penetration_map.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def classify(row, summary):
    """'grows', 'arrests' or 'open' for one case."""
    status = row["status"]
    if status == "short circuit":
        return "grows"
    if status == "arrested":
        return "arrests"
    if status == "completed" and summary:
        c = float(row[C_KEY])
        ell = float(summary.get("length_scale_m") or "nan")
        if float(row.get("tip_distance_m") or "nan") >= c + 1.9 * ell:
            return "grows"
    return "open"


def read_map(directory):
    """{material: [(c, i, class)]} of one sweep directory."""
    rows = read_rows(os.path.join(directory, "study.csv"))
    if not rows or C_KEY not in rows[0] or I_KEY not in rows[0]:
        fail(f"{directory}/study.csv is not a sweep over '{C_KEY}' and "
             f"'{I_KEY}'")
    cases = {}
    for r in rows:
        try:
            with open(os.path.join(directory, r["case"],
                                   "summary.json")) as f:
                s = json.load(f)
        except (OSError, ValueError):
            s = {}
        material = s.get("material", "?")
        cases.setdefault(material, []).append(
            (float(r[C_KEY]), float(r[I_KEY]), classify(r, s)))
    return cases


def read_sharp(path):
    """{material: [(c, i_c_sealed)]} of a critical_current.csv."""
    rows = read_rows(path)
    need = ["material", "c_m", "i_c_sealed_A_per_m2"]
    if not rows or any(k not in rows[0] for k in need):
        fail(f"{path} is not a lipen critical_current.csv (columns "
             f"{', '.join(need)})")
    out = {}
    for r in rows:
        if r["i_c_sealed_A_per_m2"] not in ("", "nan"):
            out.setdefault(r["material"], []).append(
                (float(r["c_m"]), float(r["i_c_sealed_A_per_m2"])))
    return {m: sorted(v) for m, v in out.items()}


def interpolate_loglog(points, c):
    """i_c at c, log-log linear between the sharp points (None outside)."""
    for (c0, i0), (c1, i1) in zip(points, points[1:]):
        if c0 * (1 - 1e-9) <= c <= c1 * (1 + 1e-9):
            if c1 == c0:
                return i0
            w = math.log(c / c0) / math.log(c1 / c0)
            return math.exp((1 - w) * math.log(i0) + w * math.log(i1))
    return None


def boundary(cases):
    """Per defect size: (c, largest arresting i, smallest growing i)."""
    out = []
    for c in sorted({k[0] for k in cases}):
        sel = [k for k in cases if k[0] == c]
        arrest = [i for _, i, k in sel if k == "arrests"]
        grow = [i for _, i, k in sel if k == "grows"]
        out.append((c, max(arrest) if arrest else None,
                    min(grow) if grow else None))
    return out


def main():
    parser = argparse.ArgumentParser(
        description="Plot a penetration map (arrest or growth per defect "
                    "size and current density) over the sharp-crack i_c.")
    parser.add_argument("directories", metavar="MAP_DIR", nargs="+")
    parser.add_argument("--sharp", metavar="CSV")
    parser.add_argument("--out", metavar="PNG")
    args = parser.parse_args()

    maps = {}
    for d in args.directories:
        for m, v in read_map(d).items():
            maps.setdefault(m, []).extend(v)
    sharp = read_sharp(args.sharp) if args.sharp else {}

    fig, axes = plt.subplots(1, len(maps), figsize=(6.5 * len(maps), 5.2),
                             squeeze=False)
    table = []
    style = {"arrests": ("o", "tab:blue", "arrested"),
             "grows": ("x", "tab:red", "grows (tip + 2 l)"),
             "open": ("s", "0.6", "undecided / failed")}
    for ax, (material, cases) in zip(axes[0], sorted(maps.items())):
        for k, (marker, colour, label) in style.items():
            sel = [(c, i) for c, i, kk in cases if kk == k]
            if sel:
                ax.loglog([c * 1e6 for c, _ in sel], [i for _, i in sel],
                          marker, color=colour, label=label, ms=5,
                          linestyle="none")
        bx, by, lo, hi = [], [], [], []
        for c, ia, ig in boundary(cases):
            ic = interpolate_loglog(sharp.get(material, []), c)
            ib = math.sqrt(ia * ig) if ia and ig and ia < ig else None
            table.append([material, c, ia, ig, ib, ic,
                          ib / ic if ib and ic else None])
            if ib:
                bx.append(c * 1e6)
                by.append(ib)
                lo.append(ib - ia)
                hi.append(ig - ib)
        if bx:
            ax.errorbar(bx, by, yerr=[lo, hi], color="k", capsize=3,
                        label="coupled model: arrest/growth boundary")
        if material in sharp:
            pts = sharp[material]
            ax.loglog([c * 1e6 for c, _ in pts], [i for _, i in pts], "--",
                      color="tab:green", lw=2,
                      label="sharp frozen defect: i_c,sealed(c)")
        ax.set_xlabel("defect size c [um]")
        ax.set_ylabel("applied current density [A/m^2]")
        ax.set_title(f"{material}: Li penetration map")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)

    label = run_label(args.directories[0])
    fig.tight_layout(rect=(0, 0.04 if label else 0, 1, 1))
    if label:
        fig.text(0.01, 0.01, label, fontsize=7, color="0.4")
    out = args.out or os.path.join(args.directories[0], "penetration_map.png")
    fig.savefig(out, dpi=130)
    path = os.path.join(args.directories[0], "penetration_map.csv")

    def fmt(x):
        return "" if x is None else (x if isinstance(x, str) else "%.6g" % x)

    with open(path + ".tmp", "w") as f:
        f.write("# lipen penetration map boundary: per defect size c [m], "
                "the largest applied current density [A/m^2] that arrests, "
                "the smallest that grows, their geometric mean, the "
                "sharp-crack i_c,sealed(c) and boundary / i_c\n")
        f.write("material,c_m,i_arrest_max,i_grow_min,i_boundary,"
                "i_c_sharp,ratio\n")
        for r in table:
            f.write(",".join(fmt(x) for x in r) + "\n")
    os.replace(path + ".tmp", path)
    print(f"wrote {out} and {path}")


if __name__ == "__main__":
    main()
