#!/usr/bin/env python3
"""Hostile input and faults (issue 18): the reproducers of the issue end
cleanly. Every bad input ends with exactly one line 'lipen: error: ...'
naming the entry, exit status 2, on 1 and 2 ranks, within a time limit (no
hang, no crash, no PETSc or deal.II trace); an error that only one rank sees
ends the whole job; failed writes give status 1 and a message naming the
file, and leave only complete files behind; a failing rerun leaves an
earlier run's files byte for byte.
Usage: hostile_input.py LIPEN WORKDIR SOURCE_DIR
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

from lipen_test_util import Checker, outputs_complete, run_lipen, set_args

lipen, work, source = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
chk = Checker()
pfiles = os.path.join(source, "parameter_files")
slit = os.path.join(pfiles, "single_edge_slit.prm")
penny = os.path.join(pfiles, "penny_3d.prm")
flaw = os.path.join(pfiles, "semicircular_flaw_3d.prm")
sneddon = os.path.join(pfiles, "phase_field_sneddon_2d.prm")
notch = os.path.join(pfiles, "blunt_notch.prm")


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


self_prm = write("self.prm", "include %s\n" % os.path.join(work, "self.prm"))
cycle_a = write("cycle_a.prm", "include %s\n" % os.path.join(work,
                                                              "cycle_b.prm"))
write("cycle_b.prm", "include %s\n" % cycle_a)
zero_prm = write("zero.prm", "include /dev/zero\n")
long_prm = write("long_value.prm", "subsection Material\n subsection "
                 "Lithium\n  set Density = %sx\n end\nend\n" %
                 ("9" * (1 << 20)))
sweep_prm = write("sweep.prm", """subsection Study
  set Type = sweep
  set Vary = Geometry/Defect size = 1e-5, 1e-4, 3e-4; Geometry/Width = 2e-4, 1e-3
end
subsection Geometry
  set Defect type = edge slit
  set Height = 2e-4
end
""")

# (name, arguments, text the one message must contain)
dry = ["--dry-run"]
cases = [
    ("defect size 1e-15 (p4est levels)",
     [slit, "--set", "Geometry/Defect size=1e-15"], "Geometry/Defect size"),
    ("include of itself", [self_prm] + dry, "include cycle"),
    ("include cycle a -> b -> a", [cycle_a] + dry, "include cycle"),
    ("include /dev/zero", [zero_prm] + dry, "/dev/zero"),
    ("negative crack pressure",
     [slit, "--set", "Loads/Crack pressure=-1e8"], "Loads/Crack pressure"),
    ("negative pressure profile",
     [slit, "--set", "Loads/Crack pressure profile=-1"],
     "Loads/Crack pressure profile"),
    ("singular pressure profile",
     [slit, "--set", "Loads/Crack pressure profile=1/(xi-0.5)^2"],
     "Loads/Crack pressure profile"),
    ("random pressure profile",
     [slit, "--set", "Loads/Crack pressure profile=rand()"],
     "Loads/Crack pressure profile"),
    ("singular Li volume (the livelock)",
     [sneddon] + set_args({"Phase field/Loading": "volume",
                           "Phase field/Li volume": "7/(t-0.5)",
                           "Phase field/Time steps": "2"}),
     "Phase field/Li volume"),
    ("Face refinement 1e9", [slit, "--set", "Geometry/Face refinement=1e9"],
     "Face refinement"),
    ("Width 1e6", [slit, "--set", "Geometry/Width=1e6"], "Geometry/Width"),
    ("Width 1e308", [slit, "--set", "Geometry/Width=1e308"],
     "Geometry/Width"),
    ("3D mesh beyond any memory",
     [penny] + set_args({"Geometry/Width": "1e3", "Geometry/Height": "1e-3",
                         "Geometry/Depth": "1e3"}), "Geometry/Width"),
    ("penny Defect size 1e-300",
     [penny, "--set", "Geometry/Defect size=1e-300"], "Defect size"),
    ("length scale 1e-13",
     [sneddon, "--set", "Phase field/Length scale=1e-13"],
     "Phase field/Length scale"),
    ("length scale 1e6", [sneddon, "--set", "Phase field/Length scale=1e6"],
     "Length scale"),
    ("bogus PETSc option value",
     [slit, "-lipen_elasticity_ksp_max_it", "abc"], "-lipen_elasticity_"),
    ("stack pressure on the 3D surface flaw (--dry-run)",
     [flaw, "--set", "Loads/Stack pressure=1e6"] + dry,
     "Loads/Stack pressure"),
    ("flaw aspect ratio in 2D",
     [slit, "--set", "Geometry/Flaw aspect ratio=2"] + dry,
     "Flaw aspect ratio"),
    ("free support for a centre slit",
     [slit] + set_args({"Geometry/Defect type": "centre slit",
                        "Geometry/Counter electrode support": "free"}) + dry,
     "Counter electrode support"),
    ("unwritable output directory (--dry-run)",
     [slit, "--set", "Output/Directory=" + os.path.join(work, "self.prm",
                                                         "out")] +
     dry, "Output/Directory"),
    ("missing mesh directory (--dry-run)",
     [notch, "--set", "Geometry/Mesh directory=/nonexistent"] + dry,
     "Geometry/Mesh directory"),
    ("notch radius gmsh cannot mesh",
     [notch, "--set", "Geometry/Notch tip radius=1e-12"],
     "Notch tip radius"),
    ("material name with a comma",
     [slit] + set_args({"Material/Electrolyte": "custom",
                        "Material/Name": "a,b"}), "Material/Name"),
    ("material name with a control character",
     [slit] + set_args({"Material/Electrolyte": "custom",
                        "Material/Name": "a\x01b"}), "Material/Name"),
    ("custom material named like a preset",
     [slit] + set_args({"Material/Electrolyte": "custom",
                        "Material/Name": "llzo",
                        "Material/Young's modulus": "1e11",
                        "Material/Poisson's ratio": "0.25",
                        "Material/Fracture toughness": "1e6",
                        "Material/Ionic conductivity": "0.1",
                        "Material/Charge transfer resistance": "1e-4"}),
     "Material/Name"),
    ("Li modulus inf",
     [slit, "--set", "Material/Lithium/Young's modulus=inf"],
     "Lithium/Young's modulus"),
    ("1 MiB value", [long_prm], "Lithium/Density"),
    # every value is valid on its own; c = 3e-4 > Height only in cases 4, 5
    ("sweep cases refused by their combination (--dry-run)",
     [sweep_prm] + dry, "2 of 6 cases of the study would be refused"),
]

for ranks in [1, 2]:
    for name, args, needle in cases:
        t0 = time.time()
        try:
            status, out, err, _ = run_lipen(
                lipen, ranks,
                args + ["--set", "Output/Directory=" +
                        os.path.join(work, "out-bad")]
                if "Output/Directory=" not in " ".join(args) else args,
                timeout=120)
        except subprocess.TimeoutExpired:
            chk.check(False, "%s (%d ranks): ends within 120 s" % (name,
                                                                   ranks))
            continue
        lines = [l for l in err.splitlines() if l.startswith("lipen: error:")]
        chk.check(status == 2 and len(lines) == 1 and needle in lines[0]
                  and len(lines[0]) < 1000 and "PETSC ERROR" not in err
                  and "Stacktrace" not in err + out,
                  "%s (%d ranks, %.1f s): status %d, one short message "
                  "naming '%s': %s" % (name, ranks, time.time() - t0, status,
                                       needle,
                                       lines[0][:300] if lines else
                                       err.strip()[:300]))


# --dry-run of a sweep lists each refused case with its values and message
status, out, err, _ = run_lipen(lipen, 2, [sweep_prm] + dry)
chk.check(status == 2 and all(
    ("case-%03d (Geometry/Defect size=3e-4, Geometry/Width=%s): parameter "
     "'Geometry/Defect size'" % (k, w)) in err
    for k, w in [(4, "2e-4"), (5, "1e-3")]) and "case-003" not in err,
    "--dry-run names the refused sweep cases 4 and 5 (only): %s" %
    err.strip()[:500])
status, out, err, _ = run_lipen(lipen, 1, [sweep_prm, "--set",
                                           "Geometry/Height=1e-3"] + dry)
chk.check(status == 0 and "a sweep of 6 cases" in out,
          "the same sweep with Height = 1e-3 passes --dry-run: %s %s" %
          (out.strip(), err.strip()))

# Negative pressures are allowed when asked for.
status, out, err, _ = run_lipen(
    lipen, 1, [slit, "--set", "Loads/Crack pressure=-1e8", "--set",
               "Loads/Allow negative Li pressure=true", "--dry-run"])
chk.check(status == 0, "negative crack pressure with the opt-in passes "
          "--dry-run: %s" % err.strip())

# A PETSc option before the file does not swallow the file.
status, out, err, _ = run_lipen(
    lipen, 1, ["-lipen_elasticity_ksp_monitor", slit, "--dry-run"])
chk.check(status == 0 and "single_edge_slit.prm" in out,
          "-lipen_elasticity_ksp_monitor FILE --dry-run checks FILE: %s" %
          out.strip())

# --print-parameters lists the preset keys.
status, out, err, _ = run_lipen(lipen, 1, ["--print-parameters"])
chk.check(all(k in out for k in ["lps_glass =", "llzto_single_crystal =",
                                 "li6ps5cl ="]),
          "--print-parameters lists the preset keys with descriptions")


def digest(directory):
    """{relative path: sha1} of every file below directory."""
    result = {}
    for root, _, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                result[os.path.relpath(path, directory)] = \
                    hashlib.sha1(f.read()).hexdigest()
    return result


# A failing rerun into a finished run's directory leaves its files.
done = os.path.join(work, "finished")
study = set_args({"Study/Type": "defect size", "Study/Materials": "lps_glass",
                  "Study/Defect sizes": "1e-5, 2e-5"})
status, *_ = run_lipen(lipen, 1, [slit] + study, outdir=done)
before = digest(done)
for ranks in [1, 2]:
    status, out, err, _ = run_lipen(
        lipen, ranks, [slit] + set_args({
            "Study/Type": "defect size", "Study/Materials": "llzo",
            "Study/Defect sizes": "1e-5, 1e-15",
            "Output/Directory": done}), timeout=120)
    chk.check(status == 2 and digest(done) == before,
              "rerun with a failing defect size (%d ranks): status %d, the "
              "finished run's %d files unchanged" % (ranks, status,
                                                     len(before)))

# An error that one rank alone sees (injected inside the mesh refinement of
# rank 1) ends the whole 2-rank job with status 2 and its message.
for spec, what in [("refine@1", "one rank"), ("refine", "every rank")]:
    t0 = time.time()
    try:
        status, out, err, _ = run_lipen(
            lipen, 2, [slit, "--set",
                       "Output/Directory=" + os.path.join(work, "fault")],
            timeout=120, env={"LIPEN_INJECT_FAULT": spec,
                              "LIPEN_ERROR_GRACE_SECONDS": "3"})
    except subprocess.TimeoutExpired:
        chk.check(False, "error on %s: the 2-rank job ends" % what)
        continue
    lines = [l for l in err.splitlines() if l.startswith("lipen: error:")]
    chk.check(status == 2 and len(lines) == 1 and "injected fault" in
              lines[0],
              "error in the refinement on %s (2 ranks): the job ends in "
              "%.1f s with status %d and one message" %
              (what, time.time() - t0, status))


# A write that fails (full disk, injected at the n-th file written) ends
# with status 1 and a message naming the file; what is left is complete.
for n in [1, 2, 3, 4]:
    out_dir = os.path.join(work, "write-fault-%d" % n)
    status, out, err, _ = run_lipen(
        lipen, 2, [slit, "--set", "Output/Directory=" + out_dir],
        timeout=120, env={"LIPEN_INJECT_FAULT": "write@0#%d" % n})
    lines = [l for l in err.splitlines() if l.startswith("lipen: error:")]
    problems = outputs_complete(out_dir) if os.path.isdir(out_dir) else []
    chk.check(status == 1 and len(lines) == 1 and "cannot write '" in
              lines[0] and not problems,
              "write failure at file %d (2 ranks): status %d, %s; files "
              "left complete %s" % (n, status,
                                    lines[0] if lines else err.strip(),
                                    problems))

# A checkpoint that cannot be written (here 'checkpoints' is a file) ends
# every rank at once with status 1 and the path, not the one-rank abort
# after the grace period; the files written before it are complete.
out_dir = os.path.join(work, "checkpoint-fault")
shutil.rmtree(out_dir, ignore_errors=True)
os.makedirs(out_dir)
open(os.path.join(out_dir, "checkpoints"), "w").close()
t0 = time.time()
status, out, err, _ = run_lipen(
    lipen, 2, [os.path.join(source, "parameter_files",
                            "phase_field_griffith_volume_2d.prm")] +
    set_args({"Phase field/Length scale": "0.05",
              "Phase field/Time steps": "4",
              "Checkpoint/Steps between checkpoints": "1"}), out_dir,
    timeout=120, env={"LIPEN_ERROR_GRACE_SECONDS": "60"})
lines = [l for l in err.splitlines() if l.startswith("lipen: error:")]
problems = outputs_complete(out_dir)
chk.check(status == 1 and len(lines) == 1 and
          "cannot write the checkpoint '" + out_dir in lines[0] and
          time.time() - t0 < 50 and not problems,
          "checkpoint write failure (2 ranks): status %d in %.1f s, %s; "
          "files left complete %s" % (status, time.time() - t0,
                                      lines[0] if lines else err.strip(),
                                      problems))

# Output/Write solution = false is honoured by phase-field runs too (it was
# ignored): no ParaView files
out_dir = os.path.join(work, "no-solution")
shutil.rmtree(out_dir, ignore_errors=True)
status, out, err, _ = run_lipen(
    lipen, 2, [os.path.join(source, "parameter_files",
                            "phase_field_griffith_volume_2d.prm")] +
    set_args({"Phase field/Length scale": "0.05",
              "Phase field/Time steps": "2",
              "Output/Write solution": "false"}), out_dir, timeout=120)
left = sorted(os.listdir(out_dir)) if os.path.isdir(out_dir) else []
chk.check(status == 0 and "summary.json" in left and not any(
    n.startswith("solution") for n in left),
    "phase field with Write solution = false writes no ParaView files "
    "(status %d, %s)" % (status, left))
chk.finish()
