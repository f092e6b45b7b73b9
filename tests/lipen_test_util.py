"""Shared helpers of lipen's script tests: run lipen under mpirun and read
its summary."""
import json
import os
import subprocess
import xml.etree.ElementTree as ET


def mpirun_command(ranks):
    """mpirun with `ranks` ranks, as root and oversubscribed if need be."""
    cmd = ["mpirun", "-np", str(ranks), "--oversubscribe"]
    if os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    return cmd


def run_lipen(lipen, ranks, args, outdir=None, timeout=1200, env=None):
    """Run lipen on `ranks` MPI ranks; return (status, stdout, stderr,
    summary or None). `outdir` sets Output/Directory; `env` adds
    environment variables."""
    cmd = mpirun_command(ranks) + [lipen] + list(args)
    if outdir is not None:
        cmd += ["--set", "Output/Directory=" + outdir]
    run_env = None
    if env:
        run_env = dict(os.environ, **env)
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                         env=run_env)
    summary = None
    if outdir is not None and run.returncode == 0:
        with open(os.path.join(outdir, "summary.json")) as f:
            summary = json.load(f)
    return run.returncode, run.stdout, run.stderr, summary




def column(rows, key):
    """The column @p key of statistics rows (dicts), as floats."""
    return [float(r[key]) for r in rows]


def extrusion_error(rows, G_m, p_s, key="pressure_Pa"):
    """Worst |extruded volume / sum of dt G_m (p - p_s) - 1| over the rows
    after the first (implicit Euler: each step at its end pressure, column
    @p key; rows of statistics.csv or of one body in li_bodies.csv)."""
    t, p = column(rows, "time"), column(rows, key)
    ext = column(rows, "extruded_volume")
    booked, worst = 0., 0.
    for k in range(1, len(rows)):
        booked += (t[k] - t[k - 1]) * G_m * (p[k] - p_s)
        worst = max(worst, abs(ext[k] / booked - 1))
    return worst


def set_args(entries):
    """['--set', 'S/E=v', ...] from a dict."""
    args = []
    for key, value in entries.items():
        args += ["--set", "%s=%s" % (key, value)]
    return args


class Checker:
    """Collects named checks, prints each, exits non-zero if any failed."""

    def __init__(self):
        self.failed = 0

    def check(self, ok, what):
        print(("PASS  " if ok else "FAIL  ") + what, flush=True)
        self.failed += not ok

    def finish(self):
        print("%d check(s) failed" % self.failed if self.failed else
              "all checks passed")
        raise SystemExit(1 if self.failed else 0)


def outputs_complete(directory, load_vtk=False):
    """The problems (empty list: none) of the files a run left in directory
    and its case-NNN folders: every JSON parses, every CSV row has the
    header's width, solution.pvd is XML and lists existing PVTUs whose
    pieces exist (with load_vtk, every listed PVTU loads in VTK with its
    points and a damage or displacement field)."""
    problems = []
    for root, _, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, directory)
            if name.endswith(".json"):
                try:
                    with open(path) as f:
                        json.load(f)
                except ValueError:
                    problems.append(rel + " is not JSON")
            elif name.endswith(".csv"):
                with open(path) as f:
                    rows = [l for l in f if not l.startswith("#")]
                widths = {len(r.split(",")) for r in rows}
                if len(widths) > 1:
                    problems.append(rel + " has rows of widths %s" % widths)
            elif name == "solution.pvd":
                problems += pvd_problems(path, load_vtk)
    return problems


def pvd_problems(path, load_vtk):
    problems = []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return [path + " is not XML"]
    for ds in root.iter("DataSet"):
        pvtu = os.path.join(os.path.dirname(path), ds.get("file"))
        if not os.path.isfile(pvtu):
            problems.append(path + " lists missing " + ds.get("file"))
            continue
        try:
            pieces = list(ET.parse(pvtu).getroot().iter("Piece"))
        except ET.ParseError:
            problems.append(pvtu + " is not XML")
            continue
        for piece in pieces:
            p = os.path.join(os.path.dirname(pvtu), piece.get("Source"))
            if not os.path.isfile(p):
                problems.append(pvtu + " lists missing " + p)
        if load_vtk:
            import vtk
            reader = vtk.vtkXMLPUnstructuredGridReader()
            reader.SetFileName(pvtu)
            reader.Update()
            grid = reader.GetOutput()
            data = grid.GetPointData()
            if grid.GetNumberOfPoints() == 0 or not (
                    data.GetArray("damage") or data.GetArray("displacement")):
                problems.append(pvtu + " does not load in VTK")
    return problems
