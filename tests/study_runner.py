#!/usr/bin/env python3
"""The study runner (issue 16): `Study/Type = sweep` runs any model over the
product of varied entries, one folder and status per case, one table.
- each case's statistics.csv row, summary.json record and screen line
  agree (the one results table of the sharp-crack model);
- LEFM sweep of 9 cases (Geometry/Defect size x Material/Electrolyte) in
  which the 3 cases with c >= H are bad input: they are recorded as
  `failed` with the message naming Geometry/Defect size, the 6 others
  complete, the study's status is `failed` (exit 1) and study.csv holds 9
  rows whose Y and sigma0_max equal each case's own summary.json;
  sigma0_max = K_Ic/(Y sqrt(pi c)) holds row by row (1e-8);
- the same study killed (SIGKILL) after a few cases and rerun: the rerun
  skips exactly the cases that had finished (their files are untouched),
  runs the rest, and its study.csv equals the uninterrupted study's;
- a second rerun skips every finished case; a changed parameter outside the
  sweep makes the cases run again;
- a phase-field sweep (Sneddon, two pressures): each row is the case's last
  statistics row, and the crack volume scales with the pressure (1e-5: the
  pressure also enters the damage equation, which the band barely feels);
- the defect-size study is a study of single-defect cases: 3 sizes x 2
  materials, one folder each, and its defect_size_study.csv rows equal the
  cases' own summary.json; solution.pvd names every case's fields (which
  exist). A case whose folder cannot be created (a plain file in its place)
  is recorded as failed naming Output/Directory, the study goes on (exit 1)
  and fits the 5 others; with the file removed, the rerun runs only that
  case and gives defect_size_study.csv and defect_size_fit.csv identical to
  the uninterrupted study, and statistics.csv identical but for the wall
  times;
- a bad Study/Vary (unknown entry, bad range, varied Output) is refused with
  exit status 2 naming Study/Vary.
Usage: study_runner.py LIPEN WORKDIR SOURCE_DIR
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time

from lipen_test_util import Checker, mpirun_command, run_lipen, set_args

lipen, work, source = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work, exist_ok=True)
chk = Checker()

K_IC = {"lps_glass": 0.23e6, "llzo": 1.25e6, "beta_li3ps4": 0.23e6}
sweep = {"Study/Type": "sweep", "Study/Model": "sharp crack",
         "Study/Vary": "Geometry/Defect size = 1e-6, 1e-5, 2e-3; "
                       "Material/Electrolyte = lps_glass, llzo, beta_li3ps4",
         "Geometry/Tip refinement": 256, "Output/Write solution": "false"}


def table(out):
    with open(os.path.join(out, "study.csv")) as f:
        return list(csv.DictReader(l for l in f if not l.startswith("#")))


def study(name, entries=None, expect=1):
    out = os.path.join(work, name)
    status, stdout, stderr, _ = run_lipen(lipen, 2, set_args(
        dict(sweep, **(entries or {}))), out)
    chk.check(status == expect, "%s: exit status %d (expected %d) %s" %
              (name, status, expect, stderr.strip()[-200:]))
    return out, stdout


# --- uninterrupted study --------------------------------------------------
ref, ref_stdout = study("reference")
rows = table(ref)
with open(os.path.join(ref, "summary.json")) as f:
    s = json.load(f)
chk.check(len(rows) == 9 and s["cases_total"] == 9,
          "9 cases in study.csv (%d)" % len(rows))
chk.check(s["status"] == "failed" and s["cases_failed"] == 3,
          "study status failed with 3 failed cases (%s, %s)" %
          (s["status"], s.get("cases_failed")))
for r in rows:
    c = float(r["Geometry/Defect size"])
    if c >= 1e-3:
        chk.check(r["status"] == "failed" and
                  "Geometry/Defect size" in r["message"],
                  "%s (c = %g >= H) failed naming the entry: %s" %
                  (r["case"], c, r["message"][:80]))
        continue
    chk.check(r["status"] == "completed", "%s completed" % r["case"])
    with open(os.path.join(ref, r["case"], "summary.json")) as f:
        case = json.load(f)["cases"][0]
    chk.check(abs(float(r["Y"]) - case["Y"]) <= 1e-9 * case["Y"] and
              case["material"] == r["Material/Electrolyte"] and
              abs(case["defect_size_m"] - c) <= 1e-12 * c,
              "%s: study.csv row is the case's summary (Y %s)" %
              (r["case"], r["Y"]))
    sigma = K_IC[r["Material/Electrolyte"]] / (
        float(r["Y"]) * (3.141592653589793 * c) ** 0.5)
    chk.check(abs(float(r["sigma0_max_Pa"]) / sigma - 1) < 1e-8,
              "%s: sigma0_max = K_Ic/(Y sqrt(pi c))" % r["case"])

# --- one table: each case's statistics.csv, summary.json and screen line --
screen = [l.split() for l in ref_stdout.splitlines()
          if re.match(r"^(lps_glass|llzo|beta_li3ps4)\s+\d", l)]
chk.check(len(screen) == 6, "6 screen lines of analysed cases (%d)" %
          len(screen))
for k, r in enumerate(r for r in rows if r["status"] == "completed"):
    with open(os.path.join(ref, r["case"], "statistics.csv")) as f:
        stat = list(csv.DictReader(l for l in f if not l.startswith("#")))[0]
    with open(os.path.join(ref, r["case"], "summary.json")) as f:
        case = json.load(f)["cases"][0]
    ok = (abs(float(stat["Y"]) - case["Y"]) <= 1e-9 * case["Y"] and
          abs(float(stat["K_I_Pa_sqrt_m"]) - case["K_I_Pa_sqrt_m"]) <=
          1e-9 * case["K_I_Pa_sqrt_m"] and int(stat["dofs"]) == case["dofs"])
    chk.check(ok, "%s: statistics.csv and summary.json agree" % r["case"])
    if k < len(screen):
        w = screen[k]
        chk.check(w[0] == stat["material"] and
                  abs(float(w[1]) - float(stat["c_um"])) < 6e-4 and
                  abs(float(w[2]) - float(stat["Y"])) < 6e-5 and
                  abs(float(w[3]) - float(stat["Y_energy"])) < 6e-5 and
                  abs(float(w[4]) - float(stat["sigma0_max_MPa"])) < 6e-3 and
                  abs(float(w[5]) - float(stat["eta_c_mV"])) < 6e-3 and
                  int(w[6]) == int(stat["dofs"]) and
                  int(w[7]) == int(stat["cg_iterations"]),
                  "%s: the screen line shows the statistics.csv row: %s" %
                  (r["case"], " ".join(w)))

# --- killed half-way, then rerun ------------------------------------------
out = os.path.join(work, "killed")
cmd = mpirun_command(2) + [lipen] + set_args(dict(
    sweep, **{"Output/Directory": out}))
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
deadline = time.time() + 300
done = []
while time.time() < deadline and proc.poll() is None:
    done = [d for d in os.listdir(out) if d.startswith("case-") and
            os.path.exists(os.path.join(out, d, "study_row.txt"))] \
        if os.path.isdir(out) else []
    if len(done) >= 3:
        break
    time.sleep(0.02)
subprocess.run(["pkill", "-KILL", "-f",
                "^" + re.escape(lipen) + ".*" + re.escape(out) + "$"])
proc.wait(timeout=60)
finished_before = {}
for d in sorted(os.listdir(out)):
    row = os.path.join(out, d, "study_row.txt")
    if d.startswith("case-") and os.path.exists(row):
        with open(row) as f:
            status = f.readline().split("\t")[1].strip()
        if status == "completed":
            finished_before[d] = os.stat(os.path.join(
                out, d, "summary.json")).st_mtime_ns
chk.check(0 < len(finished_before) < 6,
          "killed with %d of 6 good cases finished" % len(finished_before))
_, stdout = study("killed")
skipped = stdout.count("finished in an earlier run")
chk.check(skipped == len(finished_before),
          "the rerun skipped the %d finished cases (%d)" %
          (len(finished_before), skipped))
for d, mtime in finished_before.items():
    chk.check(os.stat(os.path.join(out, d, "summary.json")).st_mtime_ns ==
              mtime, "%s left untouched by the rerun" % d)
chk.check(open(os.path.join(out, "study.csv")).read() ==
          open(os.path.join(ref, "study.csv")).read(),
          "killed + rerun study.csv equals the uninterrupted one")
_, stdout = study("killed")
chk.check(stdout.count("finished in an earlier run") == 6,
          "a second rerun skips all 6 finished cases")
_, stdout = study("killed", {"Loads/Crack pressure": 2e8})
chk.check(stdout.count("finished in an earlier run") == 0,
          "a changed crack pressure runs every case again")

# --- phase-field sweep -----------------------------------------------------
out = os.path.join(work, "phase_field")
status, _, stderr, _ = run_lipen(lipen, 2, [os.path.join(
    source, "tests", "phase_field", "sneddon_2d.prm")] + set_args({
        "Study/Type": "sweep", "Study/Model": "phase field",
        "Study/Vary": "Phase field/Pressure = 1e-3, 2e-3",
        "Output/Write solution": "false"}), out)
chk.check(status == 0, "phase-field sweep runs (%d) %s" % (status,
                                                          stderr[-200:]))
if status == 0:
    rows = table(out)
    volumes = []
    for r in rows:
        with open(os.path.join(out, r["case"], "summary.json")) as f:
            final = json.load(f)["final"]
        chk.check(r["status"] == "completed" and
                  float(r["crack_volume"]) == final["crack_volume"] and
                  float(r["pressure_Pa"]) == final["pressure_Pa"],
                  "%s row is the case's final statistics row" % r["case"])
        volumes.append(float(r["crack_volume"]))
    # not exact: the pressure also enters the damage equation (-p u.grad d)
    chk.check(len(volumes) == 2 and abs(volumes[1] / volumes[0] - 2) < 1e-5,
              "crack volume linear in the pressure: ratio %.8f" %
              (volumes[1] / volumes[0] if len(volumes) == 2 else 0))

# --- the defect-size study: a study of single-defect cases -----------------
law = {"Study/Type": "defect size", "Study/Defect sizes": "1e-6, 1e-5, 1e-4",
       "Study/Materials": "lps_glass, llzto_single_crystal",
       "Geometry/Defect type": "edge slit", "Geometry/Height": 1e-2,
       "Geometry/Width": 2e-2}


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(l for l in f if not l.startswith("#")))


def without_times(path):
    return [{k: v for k, v in r.items() if not k.endswith("_s")}
            for r in read_csv(path)]


law_ref = os.path.join(work, "law_reference")
status, _, stderr, _ = run_lipen(lipen, 2, set_args(law), law_ref)
chk.check(status == 0, "defect-size study runs (%d) %s" %
          (status, stderr[-200:]))
if status == 0:
    rows = read_csv(os.path.join(law_ref, "defect_size_study.csv"))
    chk.check(len(rows) == 6 and all(os.path.isdir(os.path.join(
        law_ref, "case-%03d" % k)) for k in range(6)),
        "6 rows and 6 case folders")
    for k, r in enumerate(rows):
        with open(os.path.join(law_ref, "case-%03d" % k,
                               "summary.json")) as f:
            case = json.load(f)["cases"][0]
        chk.check(case["material"] == r["material"] and
                  abs(case["Y"] - float(r["Y"])) <= 1e-7 * case["Y"] and
                  abs(case["sigma0_max_Pa"] - float(r["sigma0_max_Pa"])) <=
                  1e-7 * case["sigma0_max_Pa"],
                  "case-%03d is row %d of defect_size_study.csv" % (k, k))
    with open(os.path.join(law_ref, "solution.pvd")) as f:
        files = re.findall(r'file="([^"]+)"', f.read())
    chk.check(len(files) == 6 and all(
        os.path.exists(os.path.join(law_ref, p)) and
        p.startswith("case-%03d/" % k) for k, p in enumerate(files)),
        "solution.pvd names the 6 cases' fields: %s" % files[:2])

law_out = os.path.join(work, "law_failed_case")
os.makedirs(law_out, exist_ok=True)
with open(os.path.join(law_out, "case-002"), "w") as f:
    f.write("a file where the case folder should be\n")
status, stdout, stderr, _ = run_lipen(lipen, 2, set_args(law), law_out)
with open(os.path.join(law_out, "summary.json")) as f:
    s = json.load(f)
rows = read_csv(os.path.join(law_out, "study.csv"))
chk.check(status == 1 and s["status"] == "failed" and len(rows) == 6 and
          rows[2]["status"] == "failed" and
          "Output/Directory" in rows[2]["message"] and
          all(r["status"] == "completed" for k, r in enumerate(rows)
              if k != 2),
          "an unwritable case folder: that case failed naming "
          "Output/Directory, the 5 others completed, exit 1 (%d): %s" %
          (status, rows[2]["message"][:100] if len(rows) > 2 else ""))
chk.check(len(read_csv(os.path.join(law_out, "defect_size_study.csv"))) == 5
          and len(s["fits"]) == 4,
          "the tables and fits use the 5 completed cases (%d fits)" %
          len(s["fits"]))
os.remove(os.path.join(law_out, "case-002"))
mtimes = {k: os.stat(os.path.join(law_out, "case-%03d" % k,
                                  "summary.json")).st_mtime_ns
          for k in (0, 1, 3, 4, 5)}
status, stdout, stderr, _ = run_lipen(lipen, 2, set_args(law), law_out)
chk.check(status == 0 and "5 of 6 cases finished in an earlier run" in stdout
          and all(os.stat(os.path.join(law_out, "case-%03d" % k,
                                       "summary.json")).st_mtime_ns == t
                  for k, t in mtimes.items()),
          "the rerun ran only the failed case (%d)" % status)
for name in ("defect_size_study.csv", "defect_size_fit.csv"):
    chk.check(open(os.path.join(law_out, name)).read() ==
              open(os.path.join(law_ref, name)).read(),
              "rerun %s equals the uninterrupted study's" % name)
chk.check(without_times(os.path.join(law_out, "statistics.csv")) ==
          without_times(os.path.join(law_ref, "statistics.csv")),
          "rerun statistics.csv equals the uninterrupted study's (but for "
          "the wall times)")

# --- bad Study/Vary ---------------------------------------------------------
for what, vary in [("unknown entry", "Geometry/Defect depth = 1, 2"),
                   ("bad range", "Geometry/Defect size = log(1e-6, -1, 3)"),
                   ("varied output", "Output/Directory = a, b"),
                   ("no subsection", "Defect size = 1e-6")]:
    status, _, stderr, _ = run_lipen(lipen, 2, set_args(dict(
        sweep, **{"Study/Vary": vary})), os.path.join(work, "bad"))
    chk.check(status == 2 and "Study/Vary" in stderr and
              stderr.count("lipen: error") == 1,
              "%s refused naming Study/Vary: %s" % (what, stderr.strip()))
chk.finish()
