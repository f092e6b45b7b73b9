#!/usr/bin/env python3
"""Run lipen on a test parameter file and evaluate the checks it declares.

A test .prm declares, in comments:
  # MPI: N                 number of ranks (default 1)
  # CHECK: <expression>    a Python expression that must be true
Expressions see: s (summary.json), c (= s['cases'][0]), cases, fits,
pi, sqrt, sin, cos, log, zip, Omega (Li molar volume), F (Faraday), rel(a, b) = |a/b - 1|,
and Ep (plane-strain modulus of case 0). Each check is printed with the
values it compared, so a failure says what was off.
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: run_prm_test.py LIPEN PRM WORKDIR")
    lipen, prm, workdir = sys.argv[1:]
    text = open(prm).read()
    ranks = int((re.findall(r"^#\s*MPI:\s*(\d+)", text, re.M) or ["1"])[0])
    checks = re.findall(r"^#\s*CHECK:\s*(.+)$", text, re.M)
    if not checks:
        sys.exit("test declares no CHECK lines")
    if os.path.isdir(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    cmd = ["mpirun", "-np", str(ranks), "--oversubscribe"]
    if os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    cmd += [lipen, os.path.abspath(prm), "--set", "Output/Directory=" + workdir]
    print(" ".join(cmd), flush=True)
    run = subprocess.run(cmd, capture_output=True, text=True)
    print(run.stdout)
    if run.returncode != 0:
        print(run.stderr)
        sys.exit("lipen exited with status %d" % run.returncode)
    s = json.load(open(os.path.join(workdir, "summary.json")))
    env = {
        "s": s,
        "cases": s["cases"],
        "c": s["cases"][0],
        "fits": s.get("fits", []),
        "pi": math.pi,
        "sqrt": math.sqrt,
        "sin": math.sin,
        "cos": math.cos,
        "zip": zip,
        "log": math.log,
        "Omega": s["molar_volume_m3_per_mol"],
        "F": 96485.33,
        "rel": lambda a, b: abs(a / b - 1.0),
        "Ep": s["cases"][0]["plane_strain_modulus_Pa"],
        "abs": abs,
        "min": min,
        "max": max,
        "all": all,
        "len": len,
        "__builtins__": {},
    }
    failed = 0
    for check in checks:
        try:
            ok = bool(eval(check, env))
        except Exception as e:  # a broken check is a failure, not a pass
            ok = False
            print("  error evaluating:", e)
        # show the numbers behind rel(...) terms
        detail = ""
        for a, b in re.findall(r"rel\(([^,]+),\s*([^)]+\)?)\)", check):
            try:
                detail += "  [%s = %.6g vs %.6g]" % (
                    a.strip(), eval(a, env), eval(b, env))
            except Exception:
                pass
        print("%s  %s%s" % ("PASS" if ok else "FAIL", check, detail))
        failed += not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
