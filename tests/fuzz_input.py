#!/usr/bin/env python3
"""Fuzz test of the input layer (issue 18), with a fixed seed: the shipped
parameter files are mutated (deleted lines, duplicated keys, wrong types,
NaN/Inf/huge/negative/empty values, binary junk, truncation, random --set
overrides of any entry, contradictory options, include cycles, unwritable
output directories) into N inputs for --dry-run on 1 rank, N2 on 2 ranks,
and a few short real runs of inputs that pass --dry-run. Oracle for every
input: the program ends within the time limit, by itself (no signal);
--dry-run exits 0 ("parameters are valid") or 2 with exactly one line
'lipen: error: ...' that names an entry, a file or an option; a real run
exits 0, 1 (a numerical or output failure, reported in one line) or 2,
never 3 (internal error) and never with a PETSc or deal.II trace.
Usage: fuzz_input.py LIPEN WORKDIR SOURCE_DIR [N N2 RUNS]
The default suite runs 50/10/3; 'ctest -L fuzz' runs 520/100/30.
"""
import os
import random
import re
import subprocess
import sys
import time

from lipen_test_util import Checker, mpirun_command

lipen, work, source = sys.argv[1], sys.argv[2], sys.argv[3]
n_dry, n_dry2, n_runs = ([int(a) for a in sys.argv[4:7]]
                         if len(sys.argv) >= 7 else (50, 10, 3))
os.makedirs(work, exist_ok=True)
chk = Checker()
rng = random.Random(18)
pdir = os.path.join(source, "parameter_files")
files = sorted(os.path.join(pdir, f) for f in os.listdir(pdir)
               if f.endswith(".prm"))
cheap = [f for f in files if os.path.basename(f) in
         ("single_edge_slit.prm", "blunt_notch.prm", "custom_material.prm")]

VALUES = ["abc", "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e-308",
          "1e400", "-1", "0", "", "  ", "0x1p3", "1, 2, 3", "preset", "true",
          "9" * 400, "\x01\x02", "1/0", "t/(t-1)", "rand()", "-0", "1e-30",
          "1e30", "-5e-6", "2e-5", "custom", "lps_glass", "a,b", "\"x\"",
          "penetration", "penny", "volume", "plating", "sealed", "free",
          "1e6*t", "sqrt(-1)", "log(0)", "1e9", "100", "2", "0.5"]
NAMES = ["include", "set", "subsection", "end", "#"]

# every entry, from --print-parameters (path 'Sub/Sub/Entry')
listing = subprocess.run([lipen, "--print-parameters"], capture_output=True,
                         text=True, timeout=120).stdout
entries, stack = [], []
for line in listing.splitlines():
    s = line.strip()
    if s.startswith("subsection "):
        stack.append(s[len("subsection "):])
    elif s == "end":
        stack.pop()
    elif s.startswith("set ") and "=" in s:
        entries.append("/".join(stack + [s[4:s.index("=")].strip()]))
chk.check(len(entries) > 80, "%d entries listed by --print-parameters" %
          len(entries))


def mutate(k):
    """(description, file bytes, extra arguments) of input k."""
    base = rng.choice(cheap if k % 2 else files)
    with open(base, "rb") as f:
        lines = f.read().split(b"\n")
    sets = [i for i, l in enumerate(lines) if l.strip().startswith(b"set ")]
    extra = []
    kind = rng.choice(["delete", "duplicate", "value", "junk", "truncate",
                       "set", "set", "contradiction", "include", "outdir",
                       "value", "keyword"])
    if kind == "delete" and lines:
        del lines[rng.randrange(len(lines))]
    elif kind == "duplicate" and sets:
        i = rng.choice(sets)
        key = lines[i].split(b"=")[0]
        lines.insert(i + 1, key + b"= " + rng.choice(VALUES).encode())
    elif kind == "value" and sets:
        i = rng.choice(sets)
        key = lines[i].split(b"=")[0]
        lines[i] = key + b"= " + rng.choice(VALUES).encode()
    elif kind == "junk":
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        lines.insert(rng.randrange(len(lines) + 1), junk)
    elif kind == "truncate":
        text = b"\n".join(lines)
        lines = [text[:rng.randrange(len(text) + 1)]]
    elif kind == "set":
        for _ in range(rng.randrange(1, 4)):
            extra += ["--set", "%s=%s" % (rng.choice(entries),
                                          rng.choice(VALUES))]
    elif kind == "contradiction":
        extra += ["--set", "Study/Type=" + rng.choice(
            ["penetration", "phase field", "single", "sweep"]),
            "--set", "Geometry/Defect type=" + rng.choice(
                ["penny", "centre slit", "blunt notch",
                 "semicircular surface flaw"])]
    elif kind == "include":
        lines.insert(0, b"include " + os.path.join(
            work, "input-%d.prm" % k).encode())
    elif kind == "outdir":
        extra += ["--set", "Output/Directory=" + rng.choice(
            ["/proc/lipen-fuzz", os.path.join(base, "out"), "", "/"])]
    elif kind == "keyword" and lines:
        lines.insert(rng.randrange(len(lines) + 1),
                     (rng.choice(NAMES) + " " +
                      rng.choice(VALUES)).encode())
    return ("%s of %s" % (kind, os.path.basename(base)),
            b"\n".join(lines), extra, base)


NAMED = re.compile(r"parameter '|parameter file|--set '|include|--restart|"
                   r"option|Line <\d+>|PETSc options")


def judge(label, status, out, err, real):
    errors = [l for l in err.splitlines() if l.startswith("lipen: error:")]
    trace = any(t in out + err for t in ["Stacktrace", "PETSC ERROR",
                                         "internal error",
                                         "An error occurred in line"])
    allowed = (0, 1, 2) if real else (0, 2)
    if status not in allowed or trace:
        return "status %d%s: %s" % (status, " with a trace" if trace else "",
                                    (err or out).strip()[-400:])
    if status == 0:
        if errors or (not real and "parameters are valid" not in out):
            return "status 0 but %s" % (errors or out.strip()[-200:])
        return None
    if status == 1 and not errors and "failed" in out:
        return None  # a study whose cases failed: summary.json says why
    if len(errors) != 1 or len(errors[0]) > 1000 or (
            status == 2 and not NAMED.search(errors[0])):
        return "status %d with %d error lines: %s" % (
            status, len(errors), err.strip()[-400:])
    return None


def run(args, ranks, timeout):
    cmd = mpirun_command(ranks) + [lipen] + args if ranks > 1 else \
        [lipen] + args
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout,
                           cwd=work)
    except subprocess.TimeoutExpired:
        subprocess.run(["pkill", "-9", "-f", "Output/Directory=" +
                        os.path.join(work, "fuzz-run")], check=False)
        return None, "", ""
    return (p.returncode, p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace"))


failures, valid, statuses = [], [], {}
t0 = time.time()
for k in range(n_dry + n_dry2):
    ranks = 1 if k < n_dry else 2
    label, text, extra, base = mutate(k)
    path = os.path.join(work, "input-%d.prm" % k)
    with open(path, "wb") as f:
        f.write(text)
    status, out, err = run([path, "--dry-run"] + extra, ranks, 120)
    statuses[status] = statuses.get(status, 0) + 1
    if status is None:
        failures.append("input %d (%s, %d ranks): no end within 120 s" %
                        (k, label, ranks))
        continue
    problem = judge(label, status, out, err, False)
    if problem:
        failures.append("input %d (%s, %d ranks) %s: %s" % (
            k, label, ranks, " ".join(extra)[:200], problem))
    elif status == 0 and base in cheap:
        valid.append((k, path, extra))
chk.check(not failures,
          "%d mutated inputs with --dry-run (%d on 1 rank, %d on 2) in "
          "%.0f s: exit statuses %s; every one ended cleanly%s" % (
              n_dry + n_dry2, n_dry, n_dry2, time.time() - t0, statuses,
              "" if not failures else ":\n  " + "\n  ".join(failures[:20])))
chk.check(statuses.get(2, 0) > 0.3 * (n_dry + n_dry2) and
          statuses.get(0, 0) > 0,
          "the mutations reach both outcomes (valid and refused)")

# Short real runs of inputs that passed --dry-run, from the cheap files:
# they may end in any status but 3, and a run still going after the time
# limit is ended (long, not hung: reported).
t0 = time.time()
runs, long_runs, run_failures = 0, 0, []
rng.shuffle(valid)
for k, path, extra in valid:
    if runs >= n_runs:
        break
    runs += 1
    status, out, err = run([path] + extra + [
        "--set", "Output/Directory=" + os.path.join(work, "fuzz-run-%d" % k)],
        1 + runs % 2, 120)
    if status is None:
        long_runs += 1
        continue
    problem = judge("run", status, out, err, True)
    if problem:
        run_failures.append("input %d %s: %s" % (k, " ".join(extra)[:200],
                                                 problem))
chk.check(runs > 0 and not run_failures,
          "%d real runs of inputs valid for --dry-run (%d ended after 120 "
          "s) in %.0f s: no crash, trace or internal error%s" % (
              runs, long_runs, time.time() - t0,
              "" if not run_failures else ":\n  " +
              "\n  ".join(run_failures)))
chk.finish()
