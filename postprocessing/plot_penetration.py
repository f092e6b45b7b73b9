#!/usr/bin/env python3
"""Plot a lipen Li-penetration run (`Phase field/Loading = plating`).

Usage:
    plot_penetration.py OUTPUT_DIR [--out PNG]

Reads OUTPUT_DIR/statistics.csv (one row per time step) and the header of
OUTPUT_DIR/summary.json, and writes one PNG (default:
OUTPUT_DIR/penetration.png) with four panels against time: the Li pressure
(phase field and ionic potential), the Li volume (plated and crack volume),
the crack size and penetration depth, and the cell voltage with the current
into the Li. The run's version, git revision, ranks and status are printed
at the bottom.
"""

import argparse
import csv
import os
import sys

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
    print(f"plot_penetration.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser(
        description="Plot Li pressure, volume, crack size and cell voltage "
                    "versus time of a lipen penetration run.")
    parser.add_argument("directory", metavar="OUTPUT_DIR")
    parser.add_argument("--out", metavar="PNG")
    args = parser.parse_args()
    path = os.path.join(args.directory, "statistics.csv")
    try:
        with open(path) as f:
            rows = list(csv.DictReader(l for l in f if not l.startswith("#")))
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    need = ["time", "pressure_Pa", "ionic_pressure_Pa", "plated_volume",
            "crack_volume", "crack_size_m", "penetration_depth_m",
            "cell_voltage_V", "li_current_A"]
    missing = [k for k in need if not rows or k not in rows[0]]
    if missing:
        fail(f"{path} lacks the columns {', '.join(missing)} (not a run "
             "with Phase field/Loading = plating?)")

    def col(name, scale=1.0):
        return [float(r[name]) * scale for r in rows]

    t = col("time")
    fig, ax = plt.subplots(2, 2, figsize=(10, 7), sharex=True)
    ax[0, 0].plot(t, col("pressure_Pa", 1e-6), "o-", label="phase field")
    ax[0, 0].plot(t, col("ionic_pressure_Pa", 1e-6), "x--",
                  label="ionic potential")
    ax[0, 0].set_ylabel("Li pressure p [MPa]")
    ax[0, 1].plot(t, col("plated_volume"), "o-", label="plated Li")
    ax[0, 1].plot(t, col("crack_volume"), "x--", label="crack volume")
    ax[0, 1].set_ylabel("volume [m^3, 2D: m^2]")
    ax[1, 0].plot(t, col("crack_size_m", 1e6), "o-",
                  label="crack size (energy)")
    ax[1, 0].plot(t, col("penetration_depth_m", 1e6), "x--",
                  label="penetration depth (d = 1/2)")
    ax[1, 0].set_ylabel("length [um]")
    ax[1, 1].plot(t, col("cell_voltage_V", 1e3), "o-", label="cell voltage")
    ax[1, 1].set_ylabel("cell voltage [mV]")
    twin = ax[1, 1].twinx()
    twin.plot(t, [-x for x in col("li_current_A")], "x--", color="C1",
              label="plating current into the Li")
    twin.set_ylabel("-I into the Li [A, 2D: A/m]")
    for a in ax.flat:
        a.grid(True, alpha=0.3)
        a.legend(fontsize=7, loc="best")
    for a in ax[1]:
        a.set_xlabel("time t [s]")
    label = run_label(args.directory)
    fig.tight_layout(rect=(0, 0.04 if label else 0, 1, 1))
    if label:
        fig.text(0.01, 0.01, label, fontsize=7, color="0.4")
    out = args.out or os.path.join(args.directory, "penetration.png")
    try:
        fig.savefig(out, dpi=130)
    except OSError as e:
        fail(f"cannot write '{out}': {e}")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
