#!/usr/bin/env python3
"""The PVTU/PVD files load in VTK's XML readers with the expected arrays and
cell counts (2D Q2: 4 VTK cells per mesh cell; 3D Q1: 1), written on 2 ranks,
and summary.json/statistics.csv agree with the mesh.
Usage: vtk_output.py LIPEN WORKDIR SOURCE_DIR
"""
import csv
import os
import subprocess
import sys

from lipen_test_util import Checker, run_lipen, set_args

lipen, work, source = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
chk = Checker()
arrays = ["displacement", "stress", "von_mises_stress",
          "max_principal_stress", "hydrostatic_stress",
          "strain_energy_density", "mpi_partition", "material_id"]
for name, entries, per_cell in [
        ("edge_slit_q2", {"Study/Type": "single"}, 4),
        ("penny_q1", {"Study/Type": "single", "Geometry/Defect type": "penny",
                      "Geometry/Defect size": "1e-4",
                      "Geometry/Tip refinement": 8,
                      "Discretization/Polynomial degree": 1,
                      "Fracture/Energy release method": "false"}, 1)]:
    out_dir = os.path.join(work, name)
    status, out, err, s = run_lipen(lipen, 2, set_args(entries), out_dir)
    chk.check(status == 0, "%s runs (%s)" % (name, err.strip()))
    if status != 0:
        continue
    cells = s["cases"][0]["cells"]
    extra = ["stress_zz"] if name.endswith("q2") else []
    cmd = ["/usr/bin/python3",
           os.path.join(source, "postprocessing", "check_vtk_output.py"),
           out_dir, "--arrays", ",".join(arrays + extra),
           "--cells", str(cells * per_cell)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    print(run.stdout, run.stderr)
    chk.check(run.returncode == 0,
              "%s: VTK reader finds arrays %s and %d cells" %
              (name, ",".join(arrays + extra), cells * per_cell))
    with open(os.path.join(out_dir, "statistics.csv")) as f:
        rows = list(csv.DictReader(l for l in f if not l.startswith("#")))
    chk.check(len(rows) == 1 and int(rows[0]["cells"]) == cells,
              "%s: statistics.csv has one step with %d cells" % (name, cells))
chk.finish()
