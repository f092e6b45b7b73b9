#!/usr/bin/env python3
"""Plot the time for Li to penetrate the separator from a penetration sweep.

Usage:
    plot_time_to_short.py SWEEP_DIR [--fraction F] [--out PNG]

SWEEP_DIR is the output of a sweep with Study/Model = penetration (e.g.
parameter_files/penetration_time_to_short.prm). For each case the time at
which the crack tip has crossed the fraction F (default 0.8) of the
separator (Geometry/Height, from SWEEP_DIR/parameters.prm) is interpolated
linearly between the steps of case-NNN/statistics.csv; a case that reached
the counter electrode also gives its time to short circuit. Three panels:
that time against the x axis (the applied current density if it was
varied, else the defect size), one line per combination of the other
varied entries; the charge passed per electrode area until then; and the
penetration depth against time of every case. Writes SWEEP_DIR/
time_to_short.png (or --out) and SWEEP_DIR/time_to_short.csv. Exits with a
one-line message (status 2) on a missing or malformed input.

A sweep over `Phase field/Length scale` (a convergence study; then l is
the x axis) is also extrapolated to l -> 0, per line of the other varied
entries, with t(l) = t0 + a l^q: first order (q = 1) through the two
smallest l, and with the order q fitted exactly through the three
smallest l (needs a monotone sequence). The results go to SWEEP_DIR/
time_to_short_extrapolation.csv and to the first panel (linear axes).
"""

import argparse
import json
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

I_KEY = "Electrochemistry/Applied current density"
C_KEY = "Geometry/Defect size"
L_KEY = "Phase field/Length scale"


def fail(message):
    print(f"plot_time_to_short.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def separator_height(directory):
    """Geometry/Height [m] from the parameters.prm lipen wrote."""
    path = os.path.join(directory, "parameters.prm")
    section = []
    try:
        with open(path) as f:
            for line in f:
                words = line.split("#")[0].split()
                if words[:1] == ["subsection"]:
                    section.append(" ".join(words[1:]))
                elif words[:1] == ["end"] and section:
                    section.pop()
                elif (section == ["Geometry"] and words[:2] == ["set",
                                                                "Height"]):
                    return float(words[3])
    except (OSError, IndexError, ValueError):
        pass
    fail(f"no Geometry/Height in {path}")


def time_at_depth(rows, depth):
    """Time at which penetration_depth_m first reaches depth (None if
    never), linear between steps."""
    for a, b in zip(rows, rows[1:]):
        da = float(a["penetration_depth_m"])
        db = float(b["penetration_depth_m"])
        if da < depth <= db:
            ta, tb = float(a["time"]), float(b["time"])
            return ta + (tb - ta) * (depth - da) / (db - da)
    return None


def extrapolate(ells, times):
    """t(l) = t0 + a l^q through the convergence sequence (ells, times):
    {'t0_first_order': from the two smallest l with q = 1, 't0': , 'q':
    from the three smallest with q solved for}; None where there are too
    few points or the three are not monotone in l."""
    pts = sorted(zip(ells, times))
    out = {"t0_first_order": None, "t0": None, "q": None, "a": None}
    if len(pts) < 2:
        return out
    (l1, t1), (l2, t2) = pts[0], pts[1]
    out["t0_first_order"] = (l2 * t1 - l1 * t2) / (l2 - l1)
    if len(pts) < 3:
        return out
    l3, t3 = pts[2]
    if not (t3 - t2) * (t2 - t1) > 0:
        return out
    ratio = (t3 - t2) / (t2 - t1)

    # (l3^q - l2^q) / (l2^q - l1^q) grows monotonically with q: bisection
    def r(q):
        return (l3**q - l2**q) / (l2**q - l1**q)

    lo, hi = 1e-3, 20.0
    if not r(lo) < ratio < r(hi):
        return out
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if r(mid) < ratio:
            lo = mid
        else:
            hi = mid
    q = 0.5 * (lo + hi)
    a = (t2 - t1) / (l2**q - l1**q)
    out.update(q=q, a=a, t0=t1 - a * l1**q)
    return out


def main():
    parser = argparse.ArgumentParser(
        description="Plot the time to penetrate the separator against the "
                    "current density (or the defect size) of a sweep.")
    parser.add_argument("directory", metavar="SWEEP_DIR")
    parser.add_argument("--fraction", type=float, default=0.8)
    parser.add_argument("--out", metavar="PNG")
    args = parser.parse_args()
    if not 0 < args.fraction <= 1:
        fail("--fraction must lie in (0, 1]")
    study = read_rows(os.path.join(args.directory, "study.csv"))
    if not study:
        fail(f"{args.directory}/study.csv has no cases")
    keys = list(study[0].keys())
    varied = keys[2:keys.index("step")] if "step" in keys else []
    if not varied:
        fail(f"{args.directory}/study.csv is not a sweep of a time-dependent "
             "model")
    x_key = next((k for k in (L_KEY, I_KEY, C_KEY) if k in varied),
                 varied[0])
    others = [k for k in varied if k != x_key]
    height = separator_height(args.directory)
    depth = args.fraction * height

    cases = []
    for r in study:
        stats = read_rows(os.path.join(args.directory, r["case"],
                                      "statistics.csv"))
        try:
            with open(os.path.join(args.directory, r["case"],
                                   "summary.json")) as f:
                short = json.load(f).get("time_to_short_circuit_s")
        except (OSError, ValueError):
            short = None
        if not stats:
            fail(f"{args.directory}/{r['case']}/statistics.csv has no rows")
        try:
            i = float(stats[-1]["applied_current_density_A_per_m2"])
        except (KeyError, TypeError, ValueError):
            fail(f"{args.directory}/{r['case']}/statistics.csv has no "
                 "applied_current_density_A_per_m2 (not a penetration run)")
        t = time_at_depth(stats, depth)
        cases.append({"x": float(r[x_key]),
                      "series": ", ".join(f"{k.split('/')[-1]} = {r[k]}"
                                          for k in others),
                      "status": r["status"], "t": t, "short": short,
                      "i": i, "stats": stats, "case": r["case"]})

    fig, ax = plt.subplots(1, 3, figsize=(17, 5))
    x_label = {I_KEY: "applied current density [A/m^2]",
               C_KEY: "defect size c [m]",
               L_KEY: "phase-field length scale l [m]"}.get(x_key, x_key)
    fits = {}
    for n, series in enumerate(dict.fromkeys(c["series"] for c in cases)):
        sel = sorted((c for c in cases if c["series"] == series),
                     key=lambda c: c["x"])
        ok = [c for c in sel if c["t"] is not None]
        style = "o-" if n == 0 else "s--"
        name = series or "all cases"
        plot0 = ax[0].plot if x_key == L_KEY else ax[0].loglog
        plot0([c["x"] for c in ok], [c["t"] for c in ok], style,
              label=f"{name}: tip at {args.fraction:g} H")
        if x_key == L_KEY:
            fit = extrapolate([c["x"] for c in ok], [c["t"] for c in ok])
            fits[series] = (fit, ok)
            if fit["t0"] is not None:
                xs = [min(c["x"] for c in ok) * k / 50 for k in range(51)]
                ax[0].plot(xs, [fit["t0"] + fit["a"] * x**fit["q"]
                                for x in xs], "k:", lw=0.8)
                ax[0].plot([0], [fit["t0"]], "k^",
                           label=f"{name}: l -> 0, q = {fit['q']:.2f}")
            if fit["t0_first_order"] is not None:
                ax[0].plot([0], [fit["t0_first_order"]], "kv",
                           label=f"{name}: l -> 0, first order")
        shorts = [c for c in sel if c["short"] is not None]
        if shorts:
            plot0([c["x"] for c in shorts], [c["short"] for c in shorts],
                  "k*", ms=10, label=f"{name}: short circuit")
        ax[1].semilogx([c["x"] for c in ok],
                       [c["i"] * c["t"] / 36000.0 for c in ok], style,
                       label=name)
        for c in sel:
            ax[2].plot([float(s["time"]) for s in c["stats"]],
                       [float(s["penetration_depth_m"]) * 1e6
                        for s in c["stats"]],
                       label=f"{name}, {x_key.split('/')[-1]} = {c['x']:g}")
    ax[0].set_xlabel(x_label)
    if x_key == L_KEY and cases:
        ax[0].set_xlim(left=-0.03 * max(c["x"] for c in cases))
    ax[0].set_ylabel("time [s]")
    ax[0].set_title(f"time for the tip to cross {args.fraction:g} of the "
                    f"{height * 1e6:g} um separator")
    ax[1].set_xlabel(x_label)
    ax[1].set_ylabel("charge passed [mAh/cm^2]")
    ax[1].set_title("plated charge per electrode area until then")
    ax[2].axhline(depth * 1e6, color="0.5", lw=0.8)
    ax[2].set_xlabel("time [s]")
    ax[2].set_ylabel("penetration depth [um]")
    ax[2].set_title("filament tip against time")
    for n, a in enumerate(ax):
        a.grid(True, which="both", alpha=0.3)
        if n < 2 or len(cases) <= 12:
            a.legend(fontsize=7)
    label = run_label(args.directory)
    fig.tight_layout(rect=(0, 0.04 if label else 0, 1, 1))
    if label:
        fig.text(0.01, 0.01, label, fontsize=7, color="0.4")
    out = args.out or os.path.join(args.directory, "time_to_short.png")
    fig.savefig(out, dpi=130)

    path = os.path.join(args.directory, "time_to_short.csv")
    with open(path + ".tmp", "w") as f:
        f.write(f"# lipen penetration sweep: per case the time [s] at which "
                f"the tip crossed {args.fraction:g} of the separator "
                f"(Height {height:g} m), the charge passed until then "
                f"[mAh/cm^2], and the time to short circuit [s] if reached\n")
        f.write("case,%s,status,time_s,charge_mAh_per_cm2,"
                "time_to_short_circuit_s\n" % ",".join(varied))
        for c, r in zip(cases, study):
            f.write("%s,%s,%s,%s,%s,%s\n" % (
                c["case"], ",".join(r[k] for k in varied), c["status"],
                "" if c["t"] is None else "%.6g" % c["t"],
                "" if c["t"] is None else "%.6g" % (c["i"] * c["t"] / 36000.0),
                "" if c["short"] is None else "%.6g" % c["short"]))
    os.replace(path + ".tmp", path)
    print(f"wrote {out} and {path}")

    if x_key == L_KEY:
        path = os.path.join(args.directory, "time_to_short_extrapolation.csv")

        def g(v):
            return "" if v is None else "%.6g" % v

        with open(path + ".tmp", "w") as f:
            f.write(f"# lipen penetration sweep over the length scale: the "
                    f"time [s] at which the tip crossed {args.fraction:g} of "
                    f"the separator, extrapolated to l -> 0 with t = t0 + a "
                    f"l^q (first order through the two smallest l; q fitted "
                    f"through the three smallest; empty: too few or not "
                    f"monotone)\n")
            f.write("series,cases,l_smallest_m,time_smallest_l_s,"
                    "t0_first_order_s,t0_s,order_q\n")
            for series, (fit, ok) in fits.items():
                finest = min(ok, key=lambda c: c["x"]) if ok else None
                f.write('"%s",%d,%s,%s,%s,%s,%s\n' % (
                    series, len(ok), g(finest and finest["x"]),
                    g(finest and finest["t"]), g(fit["t0_first_order"]),
                    g(fit["t0"]), g(fit["q"])))
                fitted = ("no fitted order (fewer than 3 cases or not "
                          "monotone)" if fit["t0"] is None else
                          f"{g(fit['t0'])} s (order {g(fit['q'])})")
                print(f"{series or 'all cases'}: l -> 0: "
                      f"{g(fit['t0_first_order'])} s (first order), {fitted}")
        os.replace(path + ".tmp", path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
