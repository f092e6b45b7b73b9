#!/usr/bin/env python3
"""Turn the run directories of run_benchmarks.sh into results.csv/results.md.

    report.py RUN_ROOT [MORE_ROOTS...]
                                  write RUN_ROOT/results.{csv,md}, print the markdown;
                                  runs of MORE_ROOTS (earlier invocations, e.g. with
                                  --cases) are pooled in: per case and rank count the
                                  fastest run is kept
    report.py --one-line RUN_DIR  one progress line for a single run

Standard library only.  Reference figures and targets: see
/work/shared/docs/performance-notes.md.
"""
import csv
import glob
import json
import math
import os
import re
import sys

# Sparse mat-vec lower bound per DoF at 45 GB/s (two cores), from the
# performance notes: (12 nnz/row + 24 B)/bandwidth.  Used when neither the
# nonzeros per row nor this machine's bandwidth are known.
MATVEC_BOUND_NS = {2: 5.0, 3: 22.0}
# Memory bandwidth of the reference machine of the performance notes, GB/s,
# by number of cores in use.
REF_BANDWIDTH = {1: 31.0, 2: 45.0}

TARGETS = dict(
    cg_2d=25,           # CG iterations, 2D
    cg_3d=35,           # CG iterations, 3D
    growth=1.5,         # iterations(1e6 DoFs) / iterations(1e4 DoFs)
    asm_2d=1.0e6,       # assembly DoF/s/core, 2D
    solve_2d_s=11.0,    # AMG set-up + Krylov, 2.1 M DoF 2D Q1, 2 ranks
    solve_2d_dofs=2.1e6,
    mem_2d=1500.0,      # peak bytes per DoF, 2D
    speedup=1.6,        # 2-rank speed-up of assembly + AMG set-up + solve
)


def read_kv(path):
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    out[k] = v
    return out


def read_time_file(path):
    """GNU time output: the last line holds the numbers (earlier lines may
    carry 'Command exited with non-zero status')."""
    with open(path) as f:
        lines = [l.split() for l in f if l.strip()]
    return [float(x) for x in lines[-1]]


def parse_ksp_view(path, n_dofs):
    info = {"nnz_per_row": None, "amg_levels": None, "op_complexity": None}
    if not os.path.exists(path):
        return info
    text = open(path).read()
    for rows, nnz in re.findall(r"rows=(\d+), cols=\d+.*?\n\s*total: nonzeros=(\d+)", text):
        if int(rows) == n_dofs:
            info["nnz_per_row"] = int(nnz) / int(rows)
    m = re.search(r"levels=(\d+)", text)
    if m:
        info["amg_levels"] = int(m.group(1))
    m = re.search(r"operator = ([0-9.]+)", text)
    if m:
        info["op_complexity"] = float(m.group(1))
    return info


def bandwidths(env, prefix="bandwidth_"):
    """{cores: GB/s} measured by bandwidth.py (environment.txt) before the
    runs (prefix bandwidth_) or after them (bandwidth_after_); may be empty."""
    out = {}
    for k, v in env.items():
        m = re.fullmatch(re.escape(prefix) + r"(\d+)core_GBps", k)
        if m:
            try:
                out[int(m.group(1))] = float(v)
            except ValueError:
                pass
    return out


def matvec_bound(r, bw):
    """Bandwidth bound of one mat-vec per DoF, ns: (12 nnz/row + 24 B)/bandwidth
    with this machine's bandwidth for the run's rank count if measured, else
    the performance notes' figure at 45 GB/s."""
    if r.get("nnz_per_row") and r["ranks"] in bw and bw[r["ranks"]] > 0:
        return (12.0 * r["nnz_per_row"] + 24.0) / bw[r["ranks"]], "measured"
    return MATVEC_BOUND_NS[r["dim"]], "reference"


def load_run(d):
    meta = read_kv(os.path.join(d, "meta.txt"))
    r = {"dir": d, "case": meta.get("case", os.path.basename(d)),
         "ranks": int(meta.get("ranks", 0)), "repeat": meta.get("repeat", "1"),
         "rc": int(meta.get("rc", 1)), "ok": False}
    params = os.path.join(d, "parameters.txt")
    r["parameters"] = "; ".join(l.strip() for l in open(params)) if os.path.exists(params) else ""
    log = os.path.join(d, "log")
    r["banner"] = open(log).readline().strip() if os.path.exists(log) else ""
    sfile = os.path.join(d, "summary.json")
    if r["rc"] != 0 or not os.path.exists(sfile):
        return r
    s = json.load(open(sfile))
    c = s["cases"][0]
    t = c["timing"]
    r.update(ok=True, build_type=s.get("build_type", "?"), dim=c["dimension"],
             degree=c["polynomial_degree"], dofs=c["dofs"], cells=c["cells"],
             its=c["cg_iterations"], Y=c["Y"], wall=s["wall_time_s"])
    for k, v in t.items():
        r[k] = v
    # the CG tolerance the run used, from the parameters.prm lipen wrote
    r["tolerance"] = "?"
    pfile = os.path.join(d, "parameters.prm")
    if os.path.exists(pfile):
        for line in open(pfile):
            if line.strip().startswith("set Linear tolerance"):
                r["tolerance"] = line.split("=", 1)[1].strip()
    r["other_s"] = r["wall"] - sum(t.values())
    ranks = sorted(glob.glob(os.path.join(d, "rank.*.time")))
    r["mem_bytes"] = sum(read_time_file(p)[0] for p in ranks) * 1024.0 if ranks else float("nan")
    r["bytes_per_dof"] = r["mem_bytes"] / r["dofs"]
    mp = os.path.join(d, "mpirun.time")
    if os.path.exists(mp):
        ext_wall, u, sy, _ = read_time_file(mp)
        r["ext_wall"] = ext_wall
        busy = float(meta.get("busy_cpu_s", "nan"))
        r["bg_load"] = max(0.0, (busy - u - sy) / ext_wall) if ext_wall > 0 else float("nan")
    else:
        r["ext_wall"] = r["bg_load"] = float("nan")
    r.update(parse_ksp_view(os.path.join(d, "ksp_view.txt"), r["dofs"]))
    r["work_s"] = r["assembly_s"] + r["amg_setup_s"] + r["krylov_solve_s"]
    r["solve_s"] = r["amg_setup_s"] + r["krylov_solve_s"]
    r["asm_rate"] = r["dofs"] / (r["assembly_s"] * r["ranks"]) if r["assembly_s"] > 0 else float("nan")
    r["t_iter_ns_per_dof"] = (r["krylov_solve_s"] / max(r["its"], 1)) / r["dofs"] * 1e9
    return r


def add_bound(r, bw):
    r["bound_ns"], r["bound_from"] = matvec_bound(r, bw)
    r["matvecs_equiv"] = r["t_iter_ns_per_dof"] / r["bound_ns"]


def one_line(d):
    r = load_run(d)
    if not r["ok"]:
        print(f"  {r['case']:6s} np={r['ranks']}  FAILED (see {d}/log)")
        return
    print(f"  {r['case']:6s} np={r['ranks']}  DoFs {r['dofs']:>9d}  its {r['its']:3d}  "
          f"asm {r['assembly_s']:.2f}s  amg {r['amg_setup_s']:.2f}s  "
          f"krylov {r['krylov_solve_s']:.2f}s  wall {r['wall']:.1f}s  "
          f"mem {r['mem_bytes'] / 2**20:.0f} MiB  bg {r['bg_load']:.2f}")


def fmt(x, spec):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return format(x, spec)


def main(root, more_roots=()):
    env = read_kv(os.path.join(root, "environment.txt"))
    roots = [root]
    for rt in more_roots:
        if os.path.abspath(rt) == os.path.abspath(root):
            continue
        sha = read_kv(os.path.join(rt, "environment.txt")).get("lipen_sha256")
        if sha and sha == env.get("lipen_sha256"):
            roots.append(rt)
        else:
            print(f"report.py: not pooling {rt}: other (or unknown) lipen binary", file=sys.stderr)
    runs = [load_run(d) for rt in roots
            for d in sorted(glob.glob(os.path.join(rt, "runs", "*")))]
    bw_before, bw_after = bandwidths(env), bandwidths(env, "bandwidth_after_")
    # the bounds use the mean of the probes before and after the runs
    bw = {k: (v + bw_after[k]) / 2 if k in bw_after else v for k, v in bw_before.items()}
    for r in runs:
        if r["ok"]:
            add_bound(r, bw)
    failed = [r for r in runs if not r["ok"]]
    # best of the repeats: the fastest assembly + AMG set-up + solve
    best = {}
    for r in runs:
        if r["ok"]:
            key = (r["case"], r["ranks"])
            if key not in best or r["work_s"] < best[key]["work_s"]:
                best[key] = r
    rows = sorted(best.values(), key=lambda r: (r["dim"], r["dofs"], r["ranks"]))
    for r in rows:
        one = best.get((r["case"], 1))
        r["speedup"] = one["work_s"] / r["work_s"] if (one and r["ranks"] > 1) else float("nan")

    # ------------------------------------------------------------ CSV
    cols = ["case", "dim", "degree", "ranks", "dofs", "cells", "nnz_per_row",
            "mesh_s", "setup_s", "assembly_s", "amg_setup_s", "krylov_solve_s",
            "j_integral_s", "other_s", "wall", "ext_wall", "its", "amg_levels",
            "op_complexity", "mem_bytes", "bytes_per_dof", "asm_rate", "solve_s",
            "work_s", "speedup", "t_iter_ns_per_dof", "bound_ns", "matvecs_equiv",
            "bg_load", "Y", "build_type", "parameters", "dir"]
    with open(os.path.join(root, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow([r.get(c, "") if not isinstance(r.get(c), float)
                        else ("" if math.isnan(r[c]) else f"{r[c]:.6g}") for c in cols])

    # ------------------------------------------------------------ markdown
    md = []
    builds = sorted({r["build_type"] for r in rows})
    banner = next((r["banner"] for r in rows if r["banner"]), "")
    md.append("# lipen elasticity benchmark")
    md.append("")
    md.append(f"- date: {env.get('date', '?')}, host {env.get('host', '?')}: "
              f"{env.get('cpu', '?')}, {env.get('cores', '?')} cores, "
              f"{int(env.get('mem_total_kB', 0)) / 2**20:.0f} GiB")
    md.append(f"- lipen build type: **{', '.join(builds) or '?'}** (`{banner}`), "
              f"git {env.get('git', '?')}, binary of {env.get('lipen_mtime', '?')} (sha256 {env.get('lipen_sha256', '?')})")
    md.append(f"- MPI ranks: {env.get('ranks', '?')}, OMP_NUM_THREADS=1; deal.II {env.get('dealii', '?')}, "
              f"PETSc {env.get('petsc', '?')}, {env.get('mpi', '?')}")
    tols = sorted({r["tolerance"] for r in rows if r["ok"]})
    md.append(f"- solver: CG + PETSc GAMG with rigid-body near-null space, relative tolerance "
              f"{', '.join(tols) or '?'} (from each run's parameters.prm); Q1, QGauss(2); "
              f"best of {env.get('repeat', '1')} run(s)")
    if bw:
        def probe(k):
            text = f"{bw[k]:.1f} GB/s on {k} core{'s' if k > 1 else ''}"
            if k in bw_after:
                text += f" ({bw_before[k]:.1f} before, {bw_after[k]:.1f} after the runs)"
            return text
        md.append("- memory bandwidth (`bandwidth.py`, STREAM Add): " +
            ", ".join(probe(k) for k in sorted(bw)) +
            "; reference machine of the performance notes: " + ", ".join(
            f"{REF_BANDWIDTH[k]:g} GB/s on {k}" for k in sorted(REF_BANDWIDTH)))
    else:
        md.append("- memory bandwidth: not measured (`--no-bandwidth` or no numpy); the mat-vec "
                  "bounds below are the performance notes' figures at 45 GB/s")
    if len(roots) > 1:
        md.append("- runs pooled from: " + "; ".join(
            f"{os.path.basename(os.path.normpath(rt))} (git {read_kv(os.path.join(rt, 'environment.txt')).get('git', '?')}, "
            f"binary of {read_kv(os.path.join(rt, 'environment.txt')).get('lipen_mtime', '?')})" for rt in roots))
    md.append("")
    md.append("| case | ranks | DoFs | cells | nnz/row | set-up s | assembly s | AMG set-up s | "
              "Krylov s | CG its | wall s | peak mem MiB | B/DoF | assembly DoF/s/core | "
              "speed-up 2r | t_iter/DoF ns | ÷ bound | bg load |")
    md.append("|" + "---|" * 18)
    for r in rows:
        md.append("| " + " | ".join([
            f"{r['case']} ({r['dim']}D Q{r['degree']})", str(r["ranks"]), f"{r['dofs']:,}",
            f"{r['cells']:,}", fmt(r["nnz_per_row"], ".1f"), fmt(r["setup_s"], ".3g"),
            fmt(r["assembly_s"], ".3g"), fmt(r["amg_setup_s"], ".3g"),
            fmt(r["krylov_solve_s"], ".3g"), str(r["its"]), fmt(r["wall"], ".3g"),
            fmt(r["mem_bytes"] / 2**20, ".0f"), fmt(r["bytes_per_dof"], ".0f"),
            fmt(r["asm_rate"], ".3g"), fmt(r["speedup"], ".2f"),
            fmt(r["t_iter_ns_per_dof"], ".3g"), fmt(r["matvecs_equiv"], ".1f"),
            fmt(r["bg_load"], ".2f")]) + " |")
    md.append("")
    md.append("Columns: set-up = DoF distribution + sparsity + matrix reinit; wall = lipen's own "
              "wall time (mesh, J-integral and untimed work included, MPI start-up excluded); "
              "peak mem = sum over ranks of max RSS (includes ~190 MB/rank of libraries); "
              "speed-up 2r = (assembly + AMG set-up + Krylov) on 1 rank / on 2 ranks; "
              "t_iter/DoF = Krylov time / CG its / DoFs (wall time, all ranks together); "
              "÷ bound = t_iter/DoF divided by the mat-vec bandwidth bound (12 nnz/row + 24 B)/bandwidth "
              "of the performance notes, "
              + ("with the bandwidth measured on this machine for the run's rank count, "
                 if bw else
                 f"at 45 GB/s ({MATVEC_BOUND_NS[2]:g} ns/DoF 2D, {MATVEC_BOUND_NS[3]:g} ns/DoF 3D; "
                 "on 1 rank only ~31 GB/s are available, so expect ~1.45× higher values there), ") +
              "i.e. bandwidth-bound mat-vecs per CG iteration (an AMG-CG iteration costs 7–11); "
              "bg load = CPU used by other processes during the run, in cores.")
    md.append("")

    # ------------------------------------------------------------ targets
    res = []

    def target(name, value, ok, detail=""):
        state = "n/a" if ok is None else ("PASS" if ok else "MISS")
        res.append((name, value, state, detail))

    def rows_of(dim):
        return [r for r in rows if r["dim"] == dim]

    maxr = max((r["ranks"] for r in rows), default=1)
    for dim, lim in ((2, TARGETS["cg_2d"]), (3, TARGETS["cg_3d"])):
        rr = rows_of(dim)
        if rr:
            worst = max(rr, key=lambda r: r["its"])
            target(f"{dim}D CG iterations ≤ {lim}", f"max {worst['its']} ({worst['case']}, {worst['ranks']} r)",
                   worst["its"] <= lim,
                   "range " + f"{min(r['its'] for r in rr)}–{worst['its']}")
    for dim in (2, 3):
        rr = [r for r in rows_of(dim) if r["ranks"] == maxr]
        if len(rr) >= 2:
            lo = min(rr, key=lambda r: abs(math.log10(r["dofs"]) - 4))
            hi = min(rr, key=lambda r: abs(math.log10(r["dofs"]) - 6))
            ratio = hi["its"] / lo["its"]
            meaningful = hi["dofs"] >= 3e5 and lo is not hi
            target(f"{dim}D iteration growth 1e4→1e6 DoFs < {TARGETS['growth']}×",
                   f"{ratio:.2f}×", (ratio < TARGETS["growth"]) if meaningful else None,
                   f"{lo['its']} its @ {lo['dofs']:,} → {hi['its']} its @ {hi['dofs']:,} ({maxr} r)")
    rr = rows_of(2)
    if rr:
        top = max(r["dofs"] for r in rr)
        big = [r for r in rr if r["dofs"] == top]
        worst = min(big, key=lambda r: r["asm_rate"])
        target(f"2D assembly ≥ {TARGETS['asm_2d']:.0e} DoF/s/core",
               f"{worst['asm_rate']:.3g} ({worst['ranks']} r)", worst["asm_rate"] >= TARGETS["asm_2d"],
               f"largest 2D level ({top:,} DoFs): " +
               ", ".join(f"{r['ranks']} r {r['asm_rate']:.3g}" for r in big))
        two = [r for r in big if r["ranks"] == 2]
        if two and top >= TARGETS["solve_2d_dofs"]:
            r = two[0]
            scaled = r["solve_s"] * TARGETS["solve_2d_dofs"] / r["dofs"]
            at_ref = ""
            if bw.get(2):
                at_ref = (f"; ≈ {scaled * bw[2] / REF_BANDWIDTH[2]:.2f} s at the reference machine's "
                          f"{REF_BANDWIDTH[2]:g} GB/s (this machine: {bw[2]:.1f} GB/s on 2 cores; "
                          "for information, assumes bandwidth-bound)")
            target(f"2D Q1 2.1 M DoFs AMG set-up + solve on 2 ranks ≤ {TARGETS['solve_2d_s']:g} s",
                   f"{r['solve_s']:.2f} s", r["solve_s"] <= TARGETS["solve_2d_s"],
                   f"at {r['dofs']:,} DoFs ({r['amg_setup_s']:.2f} + {r['krylov_solve_s']:.2f} s); "
                   f"≈ {scaled:.2f} s scaled linearly to 2.1 M" + at_ref)
        else:
            target(f"2D Q1 2.1 M DoFs AMG set-up + solve on 2 ranks ≤ {TARGETS['solve_2d_s']:g} s",
                   "–", None, f"largest 2D level has {top:,} DoFs (run without --quick)")
        ref = [r for r in big if r["ranks"] == 2] or big
        r = ref[0]
        target(f"2D peak memory ≤ {TARGETS['mem_2d']:g} B/DoF",
               f"{r['bytes_per_dof']:.0f} B/DoF ({r['ranks']} r)",
               (r["bytes_per_dof"] <= TARGETS["mem_2d"]) if top >= 5e5 else None,
               f"largest 2D level ({top:,} DoFs): " +
               ", ".join(f"{x['ranks']} r {x['bytes_per_dof']:.0f}" for x in big))
    for dim in (2, 3):
        rr = [r for r in rows_of(dim) if not math.isnan(r["speedup"])]
        if rr:
            r = max(rr, key=lambda r: r["dofs"])
            bw_ratio = ""
            if bw.get(1) and bw.get(2):
                bw_ratio = (f"; bandwidth 2 cores / 1 core here {bw[2] / bw[1]:.2f}, on the reference "
                            f"machine {REF_BANDWIDTH[2] / REF_BANDWIDTH[1]:.2f}")
            target(f"{dim}D 2-rank speed-up ≥ {TARGETS['speedup']}",
                   f"{r['speedup']:.2f}", (r["speedup"] >= TARGETS["speedup"]) if r["dofs"] >= 2e5 else None,
                   f"largest {dim}D level with both rank counts ({r['dofs']:,} DoFs); "
                   f"all levels: " + ", ".join(f"{x['speedup']:.2f}" for x in rr) + bw_ratio)
    md.append("| target | measured | result | detail |")
    md.append("|---|---|---|---|")
    for name, value, state, detail in res:
        md.append(f"| {name} | {value} | **{state}** | {detail} |")
    md.append("")

    notes = []
    noisy = [r for r in rows if r["bg_load"] > 0.2]
    if noisy:
        notes.append("other processes used CPU during: " + ", ".join(
            f"{r['case']}/{r['ranks']} r ({r['bg_load']:.2f} cores)" for r in noisy)
            + " — their times (and speed-ups) are pessimistic; rerun on an idle machine.")
    big_other = [r for r in rows if r["other_s"] > 0.1 * r["wall"] and r["other_s"] > 0.5]
    if big_other:
        notes.append("time outside lipen's phase timers (wall − Σ timing): " + ", ".join(
            f"{r['case']}/{r['ranks']} r {r['other_s']:.1f} s ({100 * r['other_s'] / r['wall']:.0f} %)"
            for r in big_other))
    for r in failed:
        notes.append(f"FAILED: {r['case']} on {r['ranks']} rank(s), see {r['dir']}/log")
    if any(b != "Release" for b in builds):
        notes.append("**not a Release build** — timings are meaningless (performance notes, pitfall 1)")
    if notes:
        md.append("Notes:")
        md.extend(f"- {n}" for n in notes)
        md.append("")

    text = "\n".join(md)
    with open(os.path.join(root, "results.md"), "w") as f:
        f.write(text)
    print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one-line":
        one_line(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
