#!/usr/bin/env python3
"""Check the ParaView output of a lipen run (used by a ctest test).

Usage:
    check_vtk_output.py OUTPUT_DIR --arrays name1,name2,... [--cells N]
                        [--points N]

Reads OUTPUT_DIR/solution.pvd, takes the list of .pvtu files from its
<DataSet file="..."/> entries, loads each with vtkXMLPUnstructuredGridReader
(plain .vtu entries with vtkXMLUnstructuredGridReader) and checks that

  * the file exists and loads without VTK errors,
  * every array named in --arrays exists in the point data or cell data,
  * no array contains NaN,
  * the number of cells equals --cells and the number of points equals
    --points (if given; the totals over all pieces of one file).

Prints what it found; exits 0 if all checks pass, otherwise 1 with a list
of the failures.
"""

import argparse
import math
import os
import sys
import xml.etree.ElementTree as ET


from lipen_python import reexec_with_system_python


try:
    from vtkmodules.vtkCommonCore import (vtkLogger, vtkOutputWindow,
                                          vtkStringOutputWindow)
    from vtkmodules.vtkIOXML import (vtkXMLPUnstructuredGridReader,
                                     vtkXMLUnstructuredGridReader)
except ImportError as e:
    reexec_with_system_python(
        f"cannot import the VTK Python module ({e}); "
        "install the Debian package python3-vtk9")

try:
    from vtkmodules.util.numpy_support import vtk_to_numpy
    import numpy as np
except ImportError:  # fall back to a (slower) pure-Python NaN scan
    np = None


def count_nan(array):
    """Number of NaN entries in a vtkDataArray (all components)."""
    if np is not None:
        values = vtk_to_numpy(array)
        if values.dtype.kind == "f":
            return int(np.isnan(values).sum())
        return 0
    n = 0
    for i in range(array.GetNumberOfTuples()):
        for j in range(array.GetNumberOfComponents()):
            if math.isnan(array.GetComponent(i, j)):
                n += 1
    return n


def datasets_from_pvd(pvd):
    """Paths of the data files listed in a .pvd collection."""
    root = ET.parse(pvd).getroot()
    base = os.path.dirname(pvd)
    return [os.path.join(base, ds.get("file"))
            for ds in root.iter("DataSet") if ds.get("file")]


def check_file(path, arrays, cells, points, log):
    """Check one .pvtu/.vtu file; returns a list of failure messages."""
    name = os.path.basename(path)
    if not os.path.isfile(path):
        return [f"{name}: file listed in solution.pvd does not exist"]

    reader = (vtkXMLUnstructuredGridReader() if path.endswith(".vtu")
              else vtkXMLPUnstructuredGridReader())
    reader.SetFileName(path)
    start = len(log.GetOutput())  # only look at messages from this read
    reader.Update()
    # Messages are "ERROR: In <file>, line <n>\n<class> (<ptr>): <text>\n\n";
    # keep the unique <text> parts of the errors.
    errors = []
    for block in log.GetOutput()[start:].split("\n\n"):
        lines = block.strip().splitlines()
        if lines and lines[0].startswith("ERROR") and len(lines) > 1:
            text = lines[1].split("): ", 1)[-1].strip()
            if text not in errors:
                errors.append(text)
    if errors:
        return [f"{name}: VTK could not read it: " + " | ".join(errors)]
    grid = reader.GetOutput()
    if grid is None:
        return [f"{name}: VTK returned no data"]

    failures = []
    n_cells, n_points = grid.GetNumberOfCells(), grid.GetNumberOfPoints()
    pd, cd = grid.GetPointData(), grid.GetCellData()
    found = {}
    for kind, data in (("point", pd), ("cell", cd)):
        for i in range(data.GetNumberOfArrays()):
            arr = data.GetArray(i)
            if arr is not None and arr.GetName():
                found[arr.GetName()] = (kind, arr)
    print(f"{name}: {n_cells} cells, {n_points} points, arrays: "
          + ", ".join(f"{k} ({v[0]}, {v[1].GetNumberOfComponents()} comp)"
                      for k, v in sorted(found.items())))

    if n_cells == 0:
        failures.append(f"{name}: contains no cells")
    if cells is not None and n_cells != cells:
        failures.append(f"{name}: {n_cells} cells, expected {cells}")
    if points is not None and n_points != points:
        failures.append(f"{name}: {n_points} points, expected {points}")
    for a in arrays:
        if a not in found:
            failures.append(f"{name}: array '{a}' not found in point or "
                            f"cell data")
    for a, (kind, arr) in sorted(found.items()):
        nans = count_nan(arr)
        if nans:
            failures.append(f"{name}: {kind} array '{a}' has {nans} NaN "
                            f"value(s)")
    return failures


def main():
    parser = argparse.ArgumentParser(
        description="Check OUTPUT_DIR/solution.pvd and its .pvtu files.")
    parser.add_argument("output_dir", metavar="OUTPUT_DIR")
    parser.add_argument("--arrays", required=True,
                        help="comma-separated names of required arrays")
    parser.add_argument("--cells", type=int, help="expected number of cells")
    parser.add_argument("--points", type=int,
                        help="expected number of points")
    args = parser.parse_args()
    arrays = [a.strip() for a in args.arrays.split(",") if a.strip()]

    # Collect VTK error/warning text instead of letting it go to stderr.
    log = vtkStringOutputWindow()
    vtkOutputWindow.SetInstance(log)
    vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_OFF)

    pvd = os.path.join(args.output_dir, "solution.pvd")
    failures = []
    if not os.path.isfile(pvd):
        failures.append(f"{pvd} does not exist")
        files = []
    else:
        try:
            files = datasets_from_pvd(pvd)
            print(f"{pvd}: {len(files)} data file(s)")
            if not files:
                failures.append(f"{pvd} lists no data files")
        except ET.ParseError as e:
            failures.append(f"{pvd} is not valid XML: {e}")
            files = []
    for f in files:
        failures += check_file(f, arrays, args.cells, args.points, log)

    if failures:
        print(f"check_vtk_output.py: {len(failures)} failure(s):",
              file=sys.stderr)
        for msg in failures:
            print(f"  FAIL: {msg}", file=sys.stderr)
        sys.exit(1)
    print(f"check_vtk_output.py: all checks passed ({len(files)} file(s))")


if __name__ == "__main__":
    main()
