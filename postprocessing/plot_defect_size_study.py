#!/usr/bin/env python3
"""Plot the lipen defect-size study.

Usage:
    plot_defect_size_study.py FILE.csv [--out PNG]

FILE.csv is the study table written by lipen (comma separated, one header
line, '#' lines are comments, one row per (material, defect size)) with the
columns

    material,dim,geometry,c_m,c_um,Y,Y_energy,K_Ic_Pa_sqrt_m,sigma0_max_Pa,
    sigma0_max_MPa,eta_c_V,eta_c_mV,dofs,cg_iterations

Writes one PNG (default: defect_size_study.png next to the CSV) with two
log-log panels, sigma0_max [MPa] vs c [um] and |eta_c| [mV] vs c [um], one
series per material, each with a least-squares power-law fit
y = A * c^p (fitted in log-log).  For an edge crack in a half-space the
expected slope is p = -1/2.  The fitted slope p and prefactor A (value at
c = 1 um) per material are printed to stdout.
"""

import argparse
import csv
import os
import sys


from lipen_python import reexec_with_system_python, run_label


try:
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt
    import numpy as np
except ImportError as e:
    reexec_with_system_python(
        f"{e}; install the Debian packages python3-matplotlib python3-numpy")

REQUIRED_COLUMNS = ("material", "dim", "geometry", "c_um",
                    "sigma0_max_MPa", "eta_c_mV")


def fail(message):
    print(f"plot_defect_size_study.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def read_table(path):
    """Return a list of dict rows (comment and blank lines skipped)."""
    if not os.path.isfile(path):
        fail(f"file '{path}' does not exist")
    with open(path, newline="", encoding="utf-8") as f:
        lines = [ln for ln in f
                 if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        fail(f"file '{path}' is empty (no header and no data rows)")
    reader = csv.DictReader(lines, skipinitialspace=True)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        fail(f"file '{path}' lacks column(s) {', '.join(missing)}; "
             f"header is: {','.join(header)}")
    rows = [{k.strip(): (v or "").strip() for k, v in r.items() if k}
            for r in reader]
    if not rows:
        fail(f"file '{path}' has a header but no data rows")
    return rows


def group_series(rows, path):
    """Group rows into series {label: (c_um, sigma_MPa, |eta_mV|)}.

    The label is the material; if one material appears with several
    geometries/dimensions, these are added to the label.
    """
    combos = {}
    for r in rows:
        combos.setdefault(r["material"], set()).add((r["geometry"], r["dim"]))
    data = {}
    for lineno, r in enumerate(rows, start=1):
        label = r["material"]
        if len(combos[label]) > 1:
            label += f" ({r['geometry']}, {r['dim']}D)"
        try:
            values = (float(r["c_um"]), float(r["sigma0_max_MPa"]),
                      abs(float(r["eta_c_mV"])))
        except ValueError:
            fail(f"'{path}': data row {lineno} has a non-numeric value: {r}")
        data.setdefault(label, []).append(values)
    return {k: np.array(sorted(v)).T for k, v in data.items()}


def power_law_fit(c, y):
    """Least-squares fit of log10(y) = p log10(c) + log10(A).

    Returns (p, A) or None if fewer than two distinct positive points.
    """
    ok = (c > 0) & (y > 0) & np.isfinite(c) & np.isfinite(y)
    if np.unique(c[ok]).size < 2:
        return None
    p, log_a = np.polyfit(np.log10(c[ok]), np.log10(y[ok]), 1)
    return p, 10.0 ** log_a


def main():
    parser = argparse.ArgumentParser(
        description="Plot sigma0_max and |eta_c| versus defect size c "
                    "from a lipen defect_size_study.csv.")
    parser.add_argument("csv", metavar="FILE.csv", help="study table")
    parser.add_argument("--out", metavar="PNG",
                        help="output image (default: defect_size_study.png "
                             "next to the CSV)")
    args = parser.parse_args()

    out = args.out or os.path.join(os.path.dirname(os.path.abspath(args.csv)),
                                   "defect_size_study.png")
    series = group_series(read_table(args.csv), args.csv)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    panels = ((1, axes[0], r"$\sigma_{0,\max}$ [MPa]", "sigma0_max [MPa]"),
              (2, axes[1], r"$|\eta_c|$ [mV]", "|eta_c| [mV]"))
    table = []
    for i, (label, arr) in enumerate(series.items()):
        color = f"C{i % 10}"
        c = arr[0]
        for col, ax, _, name in panels:
            y = arr[col]
            fit = power_law_fit(c, y)
            if fit is None:
                ax.plot(c, y, "o", color=color, label=f"{label} (no fit)")
                table.append((label, name, len(c), None, None))
                continue
            p, a = fit
            cc = np.logspace(np.log10(c[c > 0].min()),
                             np.log10(c[c > 0].max()), 50)
            ax.plot(c, y, "o", color=color)
            ax.plot(cc, a * cc ** p, "-", color=color)
            ax.plot([], [], "o-", color=color,  # legend entry: marker + line
                    label=f"{label}: slope {p:.3f}")
            table.append((label, name, len(c), p, a))

    for _, ax, ylabel, _ in panels:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"defect size $c$ [µm]")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")
    axes[0].set_title("crack-extension stress vs defect size")
    axes[1].set_title("critical overpotential vs defect size")
    # the run that wrote the table (summary.json beside it)
    label = run_label(os.path.dirname(os.path.abspath(args.csv)))
    fig.tight_layout(rect=(0, 0.04 if label else 0, 1, 1))
    if label:
        fig.text(0.01, 0.01, label, fontsize=7, color="0.4")
    try:
        fig.savefig(out, dpi=150)
    except OSError as e:
        fail(f"cannot write '{out}': {e}")

    # Small text table: y = A * (c / 1 um)^p
    print("power-law fits  y = A * (c / 1 um)^p")
    print(f"{'material':<32} {'quantity':<18} {'n':>3} "
          f"{'slope p':>9} {'A (c=1 um)':>12}")
    for label, name, n, p, a in table:
        ps = f"{p:9.4f}" if p is not None else f"{'n/a':>9}"
        as_ = f"{a:12.4g}" if a is not None else f"{'n/a':>12}"
        print(f"{label:<32} {name:<18} {n:>3} {ps} {as_}")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
