#!/usr/bin/env python3
"""One short run of each model under AddressSanitizer and
UndefinedBehaviorSanitizer (a build with -DLIPEN_SANITIZE=ON; ctest -L
sanitize): a single LEFM defect, the electrochemistry with its critical
current, a phase-field step and two penetration steps. Each must exit 0
with no sanitizer report ("runtime error", "AddressSanitizer") on stderr.
Leak detection is off: OpenMPI, PETSc and p4est keep global allocations
until exit that LeakSanitizer reports as leaks.
Usage: sanitize_runs.py LIPEN WORKDIR SOURCE_DIR
"""
import os
import subprocess
import sys

from lipen_test_util import Checker

lipen, work, source = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
chk = Checker()
p = os.path.join(source, "parameter_files")
env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:halt_on_error=1",
           UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1",
           LIPEN_HUGE_PAGES="0")
runs = [
    ("sharp crack", [os.path.join(p, "single_edge_slit.prm")]),
    ("electrochemistry", [os.path.join(p, "single_edge_slit.prm"),
                          "--set", "Electrochemistry/Enabled=true"]),
    ("phase field", [os.path.join(p, "phase_field_griffith_volume_2d.prm"),
                     "--set", "Phase field/Length scale=0.05",
                     "--set", "Phase field/Time steps=14",
                     "--set", "Phase field/End time=0.15"]),
    ("penetration", [os.path.join(p, "penetration_2d.prm"),
                     "--set", "Phase field/End time=2e-3",
                     "--set", "Phase field/Time steps=2"]),
    ("bad input", [os.path.join(p, "single_edge_slit.prm"),
                   "--set", "Loads/Crack pressure=-1"]),
]
for name, args in runs:
    out_dir = os.path.join(work, name.replace(" ", "_"))
    r = subprocess.run([lipen] + args + ["--set", "Output/Directory=" +
                                         out_dir],
                       capture_output=True, text=True, env=env, timeout=3000)
    expected = 2 if name == "bad input" else 0
    report = [l for l in r.stderr.splitlines()
              if "runtime error" in l or "AddressSanitizer" in l]
    chk.check(r.returncode == expected and not report,
              "%s under ASan+UBSan: exit %d (expected %d), %d sanitizer "
              "reports %s" % (name, r.returncode, expected, len(report),
                              report[:3] or r.stderr.strip()[-300:]))
chk.finish()
